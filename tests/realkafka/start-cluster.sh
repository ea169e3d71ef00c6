#!/usr/bin/env bash
# Starts the real-Kafka cluster the tests share (CTest's fixture "realkafka"; by hand too):
# scripts/kafka.sh start DIR [ARGS...] with tests/realkafka/SegmentMsFloorPolicy on the brokers, which
# refuses segment.ms below 500 ms (test_compact_fix.bash meets that refusal). Prints the bootstrap
# list first, as kafka.sh does. Usage: start-cluster.sh DIR [kafka.sh start options...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: start-cluster.sh DIR [kafka.sh start options...]}
shift
policy=$("$here/compile.sh" "$here/SegmentMsFloorPolicy.java")
exec "$here/../../scripts/kafka.sh" start "$dir" --classpath "$policy" \
  --set alter.config.policy.class.name=SegmentMsFloorPolicy --set dlqcat.test.min.segment.ms=500 "$@"
