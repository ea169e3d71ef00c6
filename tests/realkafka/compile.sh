#!/usr/bin/env bash
# Compiles a Java source of tests/realkafka against the broker's classpath (scripts/kafka/pom.xml),
# once per version of the source and the pom, into the cache of scripts/kafka.sh; prints the
# directory of the classes. Usage: compile.sh FILE.java
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source=$(realpath "${1:?usage: compile.sh FILE.java}")
java=${DLQ_KAFKA_JAVA:-java}
cache=${DLQ_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlqcat}
cp=$("$root/scripts/kafka.sh" classpath)
name=$(basename "$source" .java)
classes="$cache/$(tr '[:upper:]' '[:lower:]' <<<"$name")-$(cat "$source" "$root/scripts/kafka/pom.xml" | sha256sum | cut -c1-16)"
if [ ! -f "$classes/$name.class" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/$name.XXXXXX")
  "${java%java}javac" -nowarn -d "$tmp" -cp "$cp" "$source"
  mv -T "$tmp" "$classes" 2>/dev/null || rm -rf "$tmp" # another run may have won the race
fi
echo "$classes"
