#!/usr/bin/env bash
# A real Kafka Connect worker (distributed mode) on loopback, with Debezium's JDBC sink connector
# installed, from what Maven resolves for scripts/connect/pom.xml (cached in ~/.m2 and in the
# cache of scripts/kafka.sh; nothing else is downloaded).
#
#   scripts/connect.sh start DIR BOOTSTRAP [--ttl SECONDS] [--fresh]
#       Starts a worker of its own Connect cluster (group and storage topics named after DIR's
#       id) against the Kafka cluster BOOTSTRAP, its REST API on a free loopback port, and
#       returns once the API answers and lists the JDBC sink. The REST URL is the FIRST line on
#       stdout: URL=$(scripts/connect.sh start DIR BOOTSTRAP). DIR/connect.log is the worker's
#       output, DIR/worker.properties its configuration, DIR/url the URL. Starting a DIR whose
#       worker runs prints its URL; a stopped one starts again with its configuration (its
#       connectors are kept in its storage topics). --ttl stops the worker after SECONDS even if
#       nobody calls stop; --fresh stops a worker in DIR and deletes DIR first.
#   scripts/connect.sh stop DIR       stops the worker (SIGTERM, then SIGKILL after 20 s)
#   scripts/connect.sh url DIR        prints the REST URL
#   scripts/connect.sh status DIR     "running URL" or "stopped URL"
#   scripts/connect.sh plugins        prints the plugin folder (resolving it if needed)
#
# Environment: DLQ_CONNECT_HEAP (default 384m), DLQ_KAFKA_JAVA (default: java on PATH, 17+),
# DLQ_KAFKA_CACHE (resolved classpaths and plugins; default ~/.cache/dlqcat),
# DLQ_CONNECT_START_TIMEOUT (seconds, default 180).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/connect.sh"
# shellcheck source=scripts/watchdog.bash
source "$root/scripts/watchdog.bash"
pom="$root/scripts/connect/pom.xml"
java=${DLQ_KAFKA_JAVA:-java}
cache=${DLQ_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlqcat}
# The connector every worker must list before start returns.
sink_class=io.debezium.connector.jdbc.JdbcSinkConnector

die() {
  echo "connect.sh: error: $*" >&2
  exit 1
}
note() { echo "connect.sh: $*" >&2; }

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$self" >&2
  exit "${1:-2}"
}

# plugins: the plugin folder (one sub-folder per plugin, Connect's plugin.path), unpacked from the
# pom's artifactItems by Maven once per version of the pom.
plugins() {
  local hash dir tmp log
  hash=$(sha256sum "$pom" | cut -c1-16)
  dir="$cache/connect-plugins-$hash"
  if [ -f "$dir/.complete" ]; then
    echo "$dir"
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to resolve $pom"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/connect-plugins.XXXXXX")
  log="$cache/mvn-plugins-$hash.log"
  note "unpacking the connector plugins of connect/pom.xml through Maven (cached in ~/.m2)"
  if ! mvn -q -B -f "$pom" dependency:unpack -Dplugins.dir="$tmp" >"$log" 2>&1; then
    rm -rf "$tmp"
    die "Maven could not unpack the plugins of $pom: see $log"
  fi
  rm -rf "$tmp/.markers"
  touch "$tmp/.complete"
  # Another start may have won the race: keep its folder.
  mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  echo "$dir"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# load DIR: reads DIR/worker.env (PORT, GROUP).
load() {
  dir=$1
  [ -f "$dir/worker.env" ] || die "no Connect worker in $dir (run: connect.sh start $dir BOOTSTRAP)"
  # shellcheck source=/dev/null # written by this script
  . "$dir/worker.env"
  url="http://127.0.0.1:$PORT"
}

# worker_pid: the worker's JVM if it runs (a java whose command line names DIR's properties).
worker_pid() {
  local pid
  pid=$(cat "$dir/pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/worker.properties" || return 1
  echo "$pid"
}

write_properties() {
  local bootstrap=$1 plugin_dir=$2
  {
    echo "# Written by scripts/connect.sh: one distributed worker of Connect cluster $GROUP."
    echo "bootstrap.servers=$bootstrap"
    echo "group.id=$GROUP"
    # Storage topics of this worker's own Connect cluster: a shared Kafka cluster may hold several.
    echo "config.storage.topic=$GROUP-configs"
    echo "offset.storage.topic=$GROUP-offsets"
    echo "status.storage.topic=$GROUP-status"
    # -1: the broker's default replication factor (kafka.sh: min(nodes, 3)).
    echo "config.storage.replication.factor=-1"
    echo "offset.storage.replication.factor=-1"
    echo "status.storage.replication.factor=-1"
    echo "offset.storage.partitions=1"
    echo "status.storage.partitions=1"
    echo "key.converter=org.apache.kafka.connect.json.JsonConverter"
    echo "value.converter=org.apache.kafka.connect.json.JsonConverter"
    echo "listeners=http://127.0.0.1:$PORT"
    echo "rest.advertised.host.name=127.0.0.1"
    echo "rest.advertised.port=$PORT"
    echo "plugin.path=$plugin_dir"
    # Every plugin here has ServiceLoader manifests: no reflective scan of its jars (9 s saved).
    echo "plugin.discovery=service_load"
    # Sink tasks commit their consumer offsets every second (default 60 s).
    echo "offset.flush.interval.ms=1000"
    # A worker that restarts gets its connectors back at once (default: held 5 min for it).
    echo "scheduled.rebalance.max.delay.ms=0"
  } >"$dir/worker.properties"
}

launch() {
  local cp
  cp=$("$root/scripts/kafka.sh" classpath "$pom")
  # setsid: the worker outlives the shell that started it; every descriptor goes to the log.
  setsid "$java" -Xms64m -Xmx"${DLQ_CONNECT_HEAP:-384m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$root/scripts/connect/log4j2.xml" \
    -cp "$cp" org.apache.kafka.connect.cli.ConnectDistributed "$dir/worker.properties" \
    </dev/null >>"$dir/connect.log" 2>&1 &
  echo $! >"$dir/pid"
}

# ready: the herder has started (GET /health, KIP-1017: 200 once the worker can serve requests)
# and the worker lists the JDBC sink among its connector plugins.
ready() {
  curl -fsS -m 5 "$url/health" >/dev/null 2>&1 || return 1
  curl -fsS -m 5 "$url/connector-plugins?connectorsOnly=true" 2>/dev/null |
    jq -e --arg class "$sink_class" 'any(.[]; .class == $class)' >/dev/null 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + ${DLQ_CONNECT_START_TIMEOUT:-180}))
  while ! ready; do
    worker_pid >/dev/null || return 1
    if [ $SECONDS -ge $deadline ]; then
      die "the worker is not ready after ${DLQ_CONNECT_START_TIMEOUT:-180} s (log: $dir/connect.log)"
    fi
    sleep 0.5
  done
}

cmd_start() {
  local bootstrap ttl='' fresh=false plugin_dir attempt
  dir=${1:-}
  bootstrap=${2:-}
  if [ -z "$dir" ] || [ -z "$bootstrap" ]; then usage; fi
  shift 2
  while [ $# -gt 0 ]; do
    case $1 in
      --ttl) ttl=${2:?--ttl needs seconds}; shift 2 ;;
      --fresh) fresh=true; shift ;;
      *) die "start: unknown option \"$1\"" ;;
    esac
  done
  if ! command -v curl >/dev/null || ! command -v jq >/dev/null; then
    die "curl and jq are needed (scripts/install-deps.sh)"
  fi
  if $fresh && [ -d "$dir" ]; then
    cmd_stop "$dir"
    [ -f "$dir/worker.env" ] || [ -z "$(ls -A "$dir")" ] ||
      die "--fresh: $dir is not a connect.sh worker directory; not deleting it"
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  plugin_dir=$(plugins)
  "$root/scripts/kafka.sh" classpath "$pom" >/dev/null

  if [ -f "$dir/worker.env" ]; then
    load "$dir"
    if worker_pid >/dev/null; then
      wait_ready || die "the worker in $dir exited while starting; the end of $dir/connect.log:
$(tail -n 30 "$dir/connect.log")"
      echo "$url"
      return 0
    fi
  else
    GROUP="dlqcat-connect-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
    PORT=
    echo "GROUP=$GROUP" >"$dir/worker.env"
  fi
  # A port found free may be taken before the JVM binds it: then try another. A worker started
  # again tries its old port first, so that its URL stays the same.
  for attempt in 1 2 3; do
    if [ $attempt -gt 1 ] || [ -z "${PORT:-}" ]; then
      PORT=$(free_port)
    fi
    { echo "GROUP=$GROUP"; echo "PORT=$PORT"; } >"$dir/worker.env"
    load "$dir"
    write_properties "$bootstrap" "$plugin_dir"
    launch
    stop_watchdog "$dir"
    start_watchdog "$dir" "$ttl" "$self"
    if wait_ready; then
      echo "$url" >"$dir/url"
      echo "$url"
      note "worker up at $url (Connect cluster $GROUP, log: $dir/connect.log)"
      return 0
    fi
    stop_watchdog "$dir"
    grep -q 'BindException\|Address already in use' "$dir/connect.log" && [ $attempt -lt 3 ] && continue
    break
  done
  die "the worker exited while starting; the end of $dir/connect.log:
$(tail -n 30 "$dir/connect.log")"
}

cmd_stop() {
  [ -n "${1:-}" ] || usage
  [ -f "$1/worker.env" ] || return 0 # nothing was started there: nothing to stop
  load "$(cd "$1" && pwd)"
  stop_watchdog "$dir"
  local pid waited=0
  pid=$(worker_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while [ -e "/proc/$pid" ] && worker_pid >/dev/null; do
    [ $waited -lt 200 ] || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$dir/pid"
}

cmd_status() {
  [ $# -eq 1 ] || usage
  load "$(cd "$1" && pwd)"
  if worker_pid >/dev/null; then echo "running $url"; else echo "stopped $url"; fi
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  url) shift; [ $# -eq 1 ] || usage; load "$(cd "$1" && pwd)"; echo "$url" ;;
  status) shift; cmd_status "$@" ;;
  plugins) plugins ;;
  -h|--help|help) usage 0 ;;
  *) usage ;;
esac
