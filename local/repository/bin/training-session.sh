#!/bin/sh
# training-session: a session that stays open until its lifetime ends. The argument is that
# lifetime in seconds; svmsched turns it into the job's lifetime and OpenNebula ends the VM
# then (SCHED_ACTION), so the VM lives exactly that long. The script itself never ends the
# session: a trainee's work is not cut short by a script finishing early.
# Usage: training-session.sh SECONDS
set -eu
. "$(dirname "$0")/common.sh"

if [ $# -ne 1 ]; then echo "usage: training-session.sh SECONDS" >&2; exit 64; fi
require_seconds training-session "$1"
echo "training-session: open for $1 s on ${SIM_HOST:-$(hostname)}"
while :; do sleep 60; done
