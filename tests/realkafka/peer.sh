#!/usr/bin/env bash
# Runs tests/realkafka/Peer.java (Apache Kafka's Java client, the real-Kafka tests' independent
# peer), compiled once per version of its source by compile.sh against the kafka-clients jar of
# scripts/kafka/pom.xml. Usage: peer.sh COMMAND BOOTSTRAP ... (see Peer.java)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
java=${DLQ_KAFKA_JAVA:-java}
cp=$("$root/scripts/kafka.sh" classpath)
classes=$("$here/compile.sh" "$here/Peer.java")
exec "$java" -Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto \
  -Dlog4j2.configurationFile="$here/peer-log4j2.xml" -cp "$classes:$cp" Peer "$@"
