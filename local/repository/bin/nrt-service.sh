#!/bin/sh
# nrt-service: a non-regression test run, meant for best effort; works for the number of seconds given.
# Usage: nrt-service.sh SECONDS
set -eu
. "$(dirname "$0")/common.sh"

if [ $# -ne 1 ]; then echo "usage: nrt-service.sh SECONDS" >&2; exit 64; fi
require_seconds nrt-service "$1"
work_for nrt-service "$1"
