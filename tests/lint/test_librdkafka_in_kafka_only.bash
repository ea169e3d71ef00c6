#!/usr/bin/env bash
# librdkafka stays in lib/kafka (issue 21): no file of lib/ outside lib/kafka, nor of cmd/, includes
# librdkafka or names one of its functions, types or constants. The allow-list below names files
# not yet moved over (none today); a listed file that no longer needs it fails the test too, so
# that the list only shrinks.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
allowed=()
pattern='rd_kafka_|RD_KAFKA_|librdkafka/'
mapfile -t found < <(grep -rlE "$pattern" lib cmd --include='*.cpp' --include='*.hpp' | grep -v '^lib/kafka/' | sort)
status=0
for file in "${found[@]}"; do
  if [[ " ${allowed[*]} " != *" $file "* ]]; then
    echo "librdkafka used outside lib/kafka: $file" >&2
    grep -nE "$pattern" "$file" | head -5 >&2
    status=1
  fi
done
for file in "${allowed[@]}"; do
  if [[ " ${found[*]} " != *" $file "* ]]; then
    echo "$file no longer uses librdkafka: take it off the allow-list in $0" >&2
    status=1
  fi
done
exit $status
