/**
 * The script a job's VM runs at boot (CONTEXT/START_SCRIPT_BASE64). It reads everything from
 * CONTEXT variables, never from text interpolated into the script, so no user input can change
 * what it does: the arguments travel base64-encoded and NUL-separated.
 *
 * Steps: mount the repositories, run the executable with the fixed and the job's arguments,
 * report the exit code to the callback URL with the job's token (retrying), power off.
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

if [ "$status" = 0 ]; then
  # The arguments go as the user gave them (guest paths): the service resolves them itself.
  "$(local_path "$EXE")" "\${ARGS[@]}"
  status=$?
fi

body=$(printf '{"token":"%s","exitCode":%d}' "$SVMSCHED_TOKEN" "$status")
for attempt in 1 2 3 4 5 6 7 8; do
  if curl -fsS -m 20 -X POST -H 'content-type: application/json' --data "$body" "$SVMSCHED_CALLBACK_URL" >/dev/null; then break; fi
  sleep $((attempt * 2))
done
poweroff
`.replaceAll('\\$', '$');
