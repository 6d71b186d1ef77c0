/**
 * The script a job's VM runs at boot (CONTEXT/START_SCRIPT_BASE64). It reads everything from
 * CONTEXT variables, never from text interpolated into the script, so no user input can change
 * what it does: the arguments travel base64-encoded and NUL-separated.
 *
 * Steps: mount the repositories, run the executable with the fixed and the job's arguments
 * (keeping the last 64 KB of its stdout and stderr), record the exit code in the VM's own
 * USER_TEMPLATE through OneGate (SVMSCHED_EXIT_CODE), then report it and the output's tail
 * to the callback URL with the job's token, retrying with backoff for
 * SVMSCHED_REPORT_SECONDS, power off. The OneGate record is durable: the tick reads it in its
 * snapshot, so the result survives an API that does not answer; it is written first so that a
 * VM which powers off without it never recorded one (lib/lifecycle/reconcile.ts relies on it).
 * The OpenNebula simulator runs the same script as a local process; it sets SIM_ROOT, the folder
 * standing for the guest's /, with the repositories already mapped under it, and turns
 * `poweroff` into a guest shutdown.
 */
export const START_SCRIPT = String.raw`#!/bin/bash
set -u
log() { echo "svmsched: $*" >&2; }

decode_list() { # base64 of NUL-separated items -> array named $1
  local -n out=$1
  out=()
  [ -n "$2" ] || return 0
  mapfile -d '' out < <(printf '%s' "$2" | base64 -d)
}

decode_list MOUNTS "\${SVMSCHED_MOUNTS:-}"   # export, mountpoint, mode, export, mountpoint, mode...
decode_list ARGS "\${SVMSCHED_ARGS:-}"
EXE=$(printf '%s' "\${SVMSCHED_EXEC_B64:-}" | base64 -d)

# Simulator only: SIM_ROOT stands for the guest's / and the repositories are already under it
# (local/sim/README.md); the executable's path is found under it. Unset on a real VM.
ROOT="\${SIM_ROOT:-}"
local_path() {
  local p=$1 i
  if [ -n "$ROOT" ]; then
    for ((i = 1; i < \${#MOUNTS[@]}; i += 3)); do
      case "$p" in "\${MOUNTS[i]}"|"\${MOUNTS[i]}"/*) printf '%s' "$ROOT$p"; return;; esac
    done
  fi
  printf '%s' "$p"
}

status=0
for ((i = 0; i + 2 < \${#MOUNTS[@]}; i += 3)); do
  export_=\${MOUNTS[i]} mp=\${MOUNTS[i+1]} mode=\${MOUNTS[i+2]}
  [ -n "$ROOT" ] && continue
  mkdir -p "$mp" && mount -t nfs -o "$mode,hard" "$export_" "$mp" || { log "cannot mount $export_ on $mp"; status=90; }
done

# The service's stdout and stderr, merged, go through tail: only the last 64 KB are kept (in
# memory, whatever it writes), and sent with the callback. tail writes them when the stream
# closes; a background process the service left holding it open is waited for a few seconds only.
OUT=$(mktemp 2>/dev/null || echo "/tmp/svmsched-output.$$")
: > "$OUT"
if [ "$status" = 0 ]; then
  # The arguments go as the user gave them (guest paths): the service resolves them itself.
  if rm -f "$OUT.pipe" && mkfifo "$OUT.pipe"; then
    # A copy goes on to the console, where it went before.
    ( tee >(cat >&3) < "$OUT.pipe" | tail -c 65536 > "$OUT" ) 3>&1 &
    tail_pid=$!
    "$(local_path "$EXE")" "\${ARGS[@]}" > "$OUT.pipe" 2>&1
    status=$?
    for _ in $(seq 50); do kill -0 "$tail_pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$OUT.pipe"
  else
    "$(local_path "$EXE")" "\${ARGS[@]}"
    status=$?
  fi
fi

# How long the exit code is offered before the VM powers off: longer than an outage of the API
# plausibly lasts. Delays double from 1 s up to 60 s between tries.
budget=\${SVMSCHED_REPORT_SECONDS:-900}
case $budget in ''|*[!0-9]*) budget=900;; esac
deadline=$((SECONDS + budget))
delay=1
pause() { # sleeps the next backoff delay; false once the budget is spent
  local left=$((deadline - SECONDS))
  [ "$left" -gt 0 ] || return 1
  sleep $((delay < left ? delay : left))
  delay=$((delay * 2 > 60 ? 60 : delay * 2))
}

# 1) OneGate: the code lands in this VM's USER_TEMPLATE, where the scheduler reads it.
# oned gives ONEGATE_ENDPOINT and VMID in CONTEXT, the token in token.txt on the context CD.
gate_token=\${ONEGATE_TOKEN:-}
for f in "$ROOT/run/one-context/token.txt" "$ROOT/mnt/context/token.txt"; do
  [ -z "$gate_token" ] && [ -r "$f" ] && gate_token=$(tr -d '\r\n' < "$f")
done
gate_vmid=\${VMID:-}
token_re='^[A-Za-z0-9+/=_.-]+$' vmid_re='^[0-9]+$'
if [ -n "\${ONEGATE_ENDPOINT:-}" ] && [[ $gate_token =~ $token_re && $gate_vmid =~ $vmid_re ]]; then
  recorded=
  for attempt in 1 2 3 4 5; do
    if curl -fsS -m 20 -X PUT -H "X-ONEGATE-TOKEN: $gate_token" -H "X-ONEGATE-VMID: $gate_vmid" \
      --data-binary "SVMSCHED_EXIT_CODE=$status" "$ONEGATE_ENDPOINT/vm" >/dev/null; then
      recorded=1; log "exit code $status recorded through OneGate"; break
    fi
    [ "$attempt" -lt 5 ] && { pause || break; }
  done
  [ -n "$recorded" ] || log "OneGate did not take the exit code: it goes by the callback only"
else
  log "OneGate not available: the exit code goes by the callback only"
fi
delay=1

# 2) The callback: retried while it may still get through (no answer, 408, 409, 429, 5xx...);
# a refusal of the token or the job (400, 403, 404, 410) will not change by retrying. A job
# that ended meanwhile is no loss: the tick ends a VM whose job is finished.
# The output tail travels base64-encoded in the body (a file: it is larger than a command line
# argument may be). Refused with it (400, 413), the exit code goes again at once without it.
body=$(printf '{"token":"%s","exitCode":%d}' "$SVMSCHED_TOKEN" "$status")
BODY=$(mktemp 2>/dev/null || echo "/tmp/svmsched-body.$$")
printf '{"token":"%s","exitCode":%d,"output":"%s"}' "$SVMSCHED_TOKEN" "$status" "$(base64 -w0 < "$OUT")" > "$BODY"
with_output=1
while :; do
  if [ -n "$with_output" ]; then
    code=$(curl -sS -o /dev/null -w '%{http_code}' -m 20 -X POST -H 'content-type: application/json' --data-binary "@$BODY" "$SVMSCHED_CALLBACK_URL") || true
  else
    code=$(curl -sS -o /dev/null -w '%{http_code}' -m 20 -X POST -H 'content-type: application/json' --data "$body" "$SVMSCHED_CALLBACK_URL") || true
  fi
  case $code in
    2??) log "callback accepted (HTTP $code)"; break;;
    400|413) if [ -n "$with_output" ]; then log "callback refused with the output (HTTP $code): sending the exit code alone"; with_output=; continue; fi
      log "callback refused (HTTP $code)"; break;;
    400|403|404|410) log "callback refused (HTTP $code)"; break;;
  esac
  pause || { log "callback not delivered within $budget s (last: HTTP \${code:-000})"; break; }
done
poweroff
`.replaceAll('\\$', '$');
