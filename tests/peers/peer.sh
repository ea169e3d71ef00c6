#!/usr/bin/env bash
# Runs a framework peer of tests/peers: peer.sh PROJECT MAIN-CLASS ARGS...
# PROJECT is a directory here with a pom.xml (spring, streams): Maven resolves its classpath once
# (scripts/kafka.sh classpath, cached by the pom's hash), javac compiles PROJECT/*.java with
# common/*.java once per version of those sources into the cache of scripts/kafka.sh. `peer.sh
# --build PROJECT...` only builds (the CTest fixture "peers" does it once per run).
# Environment: DLQ_PEER_HEAP (default 256m), DLQ_KAFKA_JAVA, DLQ_KAFKA_CACHE (as kafka.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
java=${DLQ_KAFKA_JAVA:-java}
cache=${DLQ_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlqcat}

# build PROJECT: prints "CLASSES-DIR CLASSPATH" after compiling when the sources changed.
build() {
  local project=$1 cp classes tmp
  [ -f "$here/$project/pom.xml" ] || { echo "peer.sh: no project $project" >&2; exit 2; }
  cp=$("$root/scripts/kafka.sh" classpath "$here/$project/pom.xml")
  local -a inputs
  mapfile -t inputs < <(find "$here/common" "$here/$project" -maxdepth 1 -type f \
    \( -name '*.java' -o -name '*.properties' -o -name '*.xml' \) | sort)
  classes="$cache/peers-$project-$(cat "${inputs[@]}" | sha256sum | cut -c1-16)"
  if [ ! -f "$classes/.built" ]; then
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/peers-$project.XXXXXX")
    "${java%java}javac" -nowarn -encoding UTF-8 -parameters -d "$tmp" -cp "$cp" \
      "$here"/common/*.java "$here/$project"/*.java >&2
    # Resources (logging configuration, application properties) beside the classes.
    find "$here/$project" -maxdepth 1 \( -name '*.properties' -o -name '*.xml' ! -name pom.xml \) \
      -exec cp {} "$tmp/" \;
    touch "$tmp/.built"
    mv -T "$tmp" "$classes" 2>/dev/null || rm -rf "$tmp" # another run may have won the race
  fi
  echo "$classes $cp"
}

if [ "${1:-}" = --build ]; then
  shift
  for project in "$@"; do
    build "$project" >/dev/null
  done
  exit 0
fi
[ $# -ge 2 ] || { echo "usage: peer.sh PROJECT MAIN-CLASS ARGS... | peer.sh --build PROJECT..." >&2; exit 2; }
read -r classes cp < <(build "$1")
main=$2
shift 2
exec "$java" -Xmx"${DLQ_PEER_HEAP:-256m}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
  -cp "$classes:$cp" "$main" "$@"
