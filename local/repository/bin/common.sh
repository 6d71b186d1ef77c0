# Shared by the services' scripts (sourced, not run).
# A guest path (/data/repository/...) as this machine sees it: on a real VM SIM_ROOT is
# unset and the path is the real one; the local simulator maps the VM's / to SIM_ROOT.
guest_to_local() {
  case $1 in
    /*) printf '%s%s\n' "${SIM_ROOT:-}" "$1" ;;
    *) printf '%s\n' "$1" ;;
  esac
}

# A whole number of seconds, or exit 64 (EX_USAGE) saying what is wrong.
require_seconds() {
  case $2 in
    ''|*[!0-9]*) echo "$1: the argument must be a whole number of seconds, not '$2'" >&2; exit 64 ;;
  esac
  if [ "${#2}" -gt 7 ]; then echo "$1: $2 seconds is too long (at most 9999999)" >&2; exit 64; fi
}

# Works for $2 seconds of running time, one second at a time, reporting progress.
# Counting completed seconds (not wall time) means time spent suspended does not count.
work_for() {
  name=$1 total=$2 done_s=0
  trap 'echo "$name: stopped after $done_s of $total s"; exit 143' TERM INT
  echo "$name: working for $total s on ${SIM_HOST:-$(hostname)}"
  while [ "$done_s" -lt "$total" ]; do
    sleep 1
    done_s=$((done_s + 1))
    if [ $((done_s % 5)) -eq 0 ] || [ "$done_s" -eq "$total" ]; then
      echo "$name: progress $done_s/$total s ($((done_s * 100 / total))%)"
    fi
  done
  echo "$name: done after $total s"
}
