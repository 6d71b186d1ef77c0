#!/bin/sh
# example-service1: processes a data file of the repository and writes its result next
# to it (FILE.result): lines, words, bytes and SHA-256 of the file.
# Usage: example-service1.sh FILE     e.g. /data/repository/file.dat
set -eu
. "$(dirname "$0")/common.sh"

if [ $# -ne 1 ]; then echo "usage: example-service1.sh FILE" >&2; exit 64; fi
file=$(guest_to_local "$1")
if [ ! -f "$file" ] || [ ! -r "$file" ]; then echo "example-service1: cannot read $1" >&2; exit 66; fi

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else openssl dgst -sha256 "$1" | sed 's/^.*= //'
  fi
}

lines=$(wc -l < "$file" | tr -d ' ')
words=$(wc -w < "$file" | tr -d ' ')
bytes=$(wc -c < "$file" | tr -d ' ')
digest=$(sha256 "$file")

# Written aside, then renamed: a reader never sees half a result.
tmp="$file.result.tmp.$$"
{
  echo "file: $1"
  echo "lines: $lines"
  echo "words: $words"
  echo "bytes: $bytes"
  echo "sha256: $digest"
  echo "host: ${SIM_HOST:-$(hostname)}"
  echo "finished: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$tmp"
mv "$tmp" "$file.result"
echo "example-service1: $1: $lines lines, $words words, $bytes bytes, sha256 $digest -> $1.result"
