#!/usr/bin/env bash
# Installs what the local stack and the tests need, once: npm packages, Java (DynamoDB Local), xmllint (XSD checks),
# Chromium (the web console's browser test) and unzip (the package test reads the console's bundle).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
# The command lines' bundles (npm run build): built when missing or older than a source.
if [ ! -f dist/.built ] || [ -n "$(find bin lib schemas package.json local/build.mjs -newer dist/.built -print -quit 2>/dev/null)" ]; then
  echo "setup: npm run build" >&2
  node local/build.mjs >&2
fi
