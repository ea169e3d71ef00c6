#!/usr/bin/env bash
# Runs tests/realkafka/Peer.java (Apache Kafka's Java client, the real-Kafka tests' independent
# peer): compiled once per version of its source into the cache of scripts/kafka.sh, against the
# kafka-clients jar of scripts/kafka/pom.xml. Usage: peer.sh COMMAND BOOTSTRAP ... (see Peer.java)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
java=${DLQ_KAFKA_JAVA:-java}
cache=${DLQ_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlqcat}
cp=$("$root/scripts/kafka.sh" classpath)
classes="$cache/peer-$(cat "$here/Peer.java" "$root/scripts/kafka/pom.xml" | sha256sum | cut -c1-16)"
if [ ! -f "$classes/Peer.class" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/peer.XXXXXX")
  "${java%java}javac" -nowarn -d "$tmp" -cp "$cp" "$here/Peer.java"
  mv -T "$tmp" "$classes" 2>/dev/null || rm -rf "$tmp" # another run may have won the race
fi
exec "$java" -Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto \
  -Dlog4j2.configurationFile="$here/peer-log4j2.xml" -cp "$classes:$cp" Peer "$@"
