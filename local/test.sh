#!/usr/bin/env bash
# `npm test`: sets itself up, runs the whole vitest suite, and prints "N passed, N failed" for CI.
set -uo pipefail
cd "$(dirname "$0")/.."
bash local/setup.sh || exit 1
export LOG_LEVEL="${LOG_LEVEL:-silent}"
# The pinned AWS SDK v3 supports Node 20; its notice about future releases is noise here.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
args=("$@")
if [ "${1:-}" = "--faults" ]; then
  export SVMSCHED_FAULT_SIZE="${SVMSCHED_FAULT_SIZE:-full}"
  args=(test/faults)
fi
rm -f test-results.json
npx vitest run --reporter=default --reporter=json --outputFile=test-results.json "${args[@]}"
code=$?
node -e '
  const fs = require("fs");
  if (!fs.existsSync("test-results.json")) { console.log("0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync("test-results.json", "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A test file that could not run (an import or a setup failed) fails no test of its own: it counts as one failure.
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")).length;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed` + (skipped ? `, ${skipped} skipped` : ""));
'
exit $code
