/**
 * The script a job's VM runs at boot (CONTEXT/START_SCRIPT_BASE64). It reads everything from
 * CONTEXT variables, never from text interpolated into the script, so no user input can change
 * what it does: the arguments travel base64-encoded and NUL-separated.
 *
 * Steps: mount the repositories, run the executable with the fixed and the job's arguments,
 * report the exit code to the callback URL with the job's token (retrying), power off.
 * The OpenNebula simulator runs the same script as a local process; it sets SVMSCHED_REPO_MAP
 * ("mountpoint=localdir" lines) so that the repositories map to local folders instead of NFS
 * mounts, and turns `poweroff` into the end of the process.
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

# Simulator only: a mount point maps to a local folder, and paths under it are rewritten.
declare -A MAP=()
if [ -n "\${SVMSCHED_REPO_MAP:-}" ]; then
  while IFS='=' read -r mp dir; do [ -n "$mp" ] && MAP["$mp"]="$dir"; done <<< "$SVMSCHED_REPO_MAP"
fi
local_path() {
  local p=$1 mp
  for mp in "\${!MAP[@]}"; do
    case "$p" in "$mp"|"$mp"/*) printf '%s' "\${MAP[$mp]}\${p#"$mp"}"; return;; esac
  done
  printf '%s' "$p"
}

status=0
for ((i = 0; i + 2 < \${#MOUNTS[@]}; i += 3)); do
  export_=\${MOUNTS[i]} mp=\${MOUNTS[i+1]} mode=\${MOUNTS[i+2]}
  [ -n "\${MAP[$mp]:-}" ] && continue
  mkdir -p "$mp" && mount -t nfs -o "$mode,hard" "$export_" "$mp" || { log "cannot mount $export_ on $mp"; status=90; }
done

if [ "$status" = 0 ]; then
  run=()
  for a in "\${ARGS[@]}"; do run+=("$(local_path "$a")"); done
  cd "$(dirname "$(local_path "$EXE")")" 2>/dev/null || true
  "$(local_path "$EXE")" "\${run[@]}"
  status=$?
fi

body=$(printf '{"token":"%s","exitCode":%d}' "$SVMSCHED_TOKEN" "$status")
for attempt in 1 2 3 4 5 6 7 8; do
  if curl -fsS -m 20 -X POST -H 'content-type: application/json' --data "$body" "$SVMSCHED_CALLBACK_URL" >/dev/null; then break; fi
  sleep $((attempt * 2))
done
poweroff
`.replaceAll('\\$', '$');
