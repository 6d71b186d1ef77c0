#!/bin/sh
# prod-service: a production service; works for the number of seconds given.
# Usage: prod-service.sh SECONDS
set -eu
. "$(dirname "$0")/common.sh"

if [ $# -ne 1 ]; then echo "usage: prod-service.sh SECONDS" >&2; exit 64; fi
require_seconds prod-service "$1"
work_for prod-service "$1"
