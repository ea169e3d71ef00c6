#!/usr/bin/env bash
# A real Apache Kafka (KRaft) test bed on loopback, from the jars Maven resolves for
# scripts/kafka/pom.xml (cached in ~/.m2; nothing else is downloaded).
#
#   scripts/kafka.sh start DIR [--nodes N] [--set KEY=VALUE]... [--classpath PATH] [--ttl SECONDS] [--fresh]
#       Formats and starts N combined broker+controller nodes (default 1) on free loopback ports,
#       data and logs under DIR, and returns once every node answers a metadata request. The
#       bootstrap list is the FIRST line on stdout: B=$(scripts/kafka.sh start DIR). Starting a
#       DIR whose cluster runs prints its bootstrap list; a stopped one starts again on its data.
#       --set overrides a broker property (every node); --classpath puts PATH (directories or
#       jars, ':'-separated) on the brokers' classpath, e.g. for a policy class that --set names;
#       both are kept with the cluster's configuration; --ttl stops the cluster after SECONDS
#       even if nobody calls stop (a test run that died leaves no JVM behind); --fresh stops
#       a cluster in DIR and deletes it first. DIR/bootstrap holds the bootstrap list too.
#   scripts/kafka.sh stop DIR             stops every node (SIGTERM, then SIGKILL after 20 s)
#   scripts/kafka.sh kill DIR NODE        SIGKILL of node NODE (1..N): a crashed broker
#   scripts/kafka.sh restart DIR NODE     stops NODE if it runs, starts it, waits until it is back
#   scripts/kafka.sh bootstrap DIR        prints the bootstrap list
#   scripts/kafka.sh status DIR           one line per node: "NODE PORT running|stopped"
#   scripts/kafka.sh classpath [POM]      prints the classpath of POM (default: the broker's)
#
# Environment: DLQ_KAFKA_HEAP (default 512m for one node, 384m each for more), DLQ_KAFKA_JAVA
# (default: java on PATH, 17+), DLQ_KAFKA_CACHE (resolved classpaths; default ~/.cache/dlqcat).
# Each node's log is DIR/nodeN/kafka.log; DIR/nodeN/server.properties is its configuration.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/kafka.sh"
# shellcheck source=scripts/watchdog.bash
source "$root/scripts/watchdog.bash"
broker_pom="$root/scripts/kafka/pom.xml"
java=${DLQ_KAFKA_JAVA:-java}

die() {
  echo "kafka.sh: error: $*" >&2
  exit 1
}
note() { echo "kafka.sh: $*" >&2; }

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$self" >&2
  exit "${1:-2}"
}

# classpath POM: the runtime classpath of POM, resolved by Maven once and cached by the pom's hash.
classpath() {
  local pom=$1 cache hash file
  cache=${DLQ_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlqcat}
  hash=$(sha256sum "$pom" | cut -c1-16)
  file="$cache/classpath-$hash.txt"
  if [ -s "$file" ] && classpath_present "$file"; then
    cat "$file"
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to resolve $pom"
  mkdir -p "$cache"
  local tmp="$file.$$"
  note "resolving $(basename "$(dirname "$pom")")/$(basename "$pom") through Maven (cached in ~/.m2)"
  if ! mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$tmp" >"$cache/mvn-$hash.log" 2>&1; then
    rm -f "$tmp"
    die "Maven could not resolve $pom: see $cache/mvn-$hash.log"
  fi
  mv "$tmp" "$file"
  cat "$file"
}

# Every jar of a cached classpath still exists (~/.m2 may have been cleaned since).
classpath_present() {
  local jar
  local -a jars
  IFS=: read -r -a jars <"$1"
  for jar in "${jars[@]}"; do
    [ -e "$jar" ] || return 1
  done
}

# free_ports N: N distinct free loopback ports, held open together while they are chosen.
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}

# A Kafka cluster id: 16 random bytes in URL-safe base64 without padding (Kafka's Uuid), not
# starting with '-' (Kafka's own random-uuid avoids those, as they read like options).
new_cluster_id() {
  python3 - <<'PY'
import base64, uuid
while True:
    text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not text.startswith("-"):
        print(text)
        break
PY
}

# load DIR: reads DIR/cluster.env (NODES, CLUSTER_ID, BROKER_PORTS, CONTROLLER_PORTS,
# EXTRA_CLASSPATH).
load() {
  dir=$1
  [ -f "$dir/cluster.env" ] || die "no cluster in $dir (run: kafka.sh start $dir)"
  EXTRA_CLASSPATH=
  # shellcheck source=/dev/null # written by this script
  . "$dir/cluster.env"
  # shellcheck disable=SC2153 # BROKER_PORTS and CONTROLLER_PORTS come from cluster.env
  read -r -a broker_ports <<<"$BROKER_PORTS"
  # shellcheck disable=SC2153

  read -r -a controller_ports <<<"$CONTROLLER_PORTS"
}

bootstrap_list() {
  local port list=
  for port in "${broker_ports[@]}"; do
    list+="${list:+,}127.0.0.1:$port"
  done
  echo "$list"
}

check_node() {
  if ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ] || [ "$1" -gt "$NODES" ]; then
    die "no node $1 in $dir (nodes 1..$NODES)"
  fi
}

# node_pid NODE: the pid of the node's JVM if it runs. The pid file alone is not trusted: the
# process must be a java whose command line names this node's server.properties.
node_pid() {
  local node=$1 pid
  pid=$(cat "$dir/node$node/pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/node$node/server.properties" || return 1
  echo "$pid"
}

write_properties() {
  local node=$1 voters=$2 i rf min_isr
  rf=$((NODES < 3 ? NODES : 3))
  min_isr=$((NODES < 3 ? 1 : 2))
  mkdir -p "$dir/node$node/data"
  {
    echo "# Written by scripts/kafka.sh: node $node of $NODES, KRaft, combined broker+controller."
    echo "process.roles=broker,controller"
    echo "node.id=$node"
    echo "controller.quorum.voters=$voters"
    echo "listeners=PLAINTEXT://127.0.0.1:${broker_ports[node - 1]},CONTROLLER://127.0.0.1:${controller_ports[node - 1]}"
    echo "advertised.listeners=PLAINTEXT://127.0.0.1:${broker_ports[node - 1]}"
    echo "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    echo "controller.listener.names=CONTROLLER"
    echo "inter.broker.listener.name=PLAINTEXT"
    echo "log.dirs=$dir/node$node/data"
    # Topics are created on purpose (CreateTopics), as on most production clusters.
    echo "auto.create.topics.enable=false"
    echo "num.partitions=1"
    echo "default.replication.factor=$rf"
    echo "min.insync.replicas=$min_isr"
    # Internal topics sized for a test bed: fewer partitions, replication as the cluster allows.
    echo "offsets.topic.num.partitions=10"
    echo "offsets.topic.replication.factor=$rf"
    echo "transaction.state.log.num.partitions=10"
    echo "transaction.state.log.replication.factor=$rf"
    echo "transaction.state.log.min.isr=$min_isr"
    # A crashed transactional producer's open transaction is aborted within a second of its
    # transaction.timeout.ms (the default looks every 10 s).
    echo "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000"
    echo "share.coordinator.state.topic.replication.factor=$rf"
    echo "share.coordinator.state.topic.min.isr=$min_isr"
    # The first join of a group is not held 3 s for more members (the default).
    echo "group.initial.rebalance.delay.ms=0"
    # The cleaner looks for work every 200 ms (default 15 s), with a small dedupe buffer.
    echo "log.cleaner.backoff.ms=200"
    echo "log.cleaner.dedupe.buffer.size=16777216"
    echo "log.cleaner.threads=1"
    for i in "${overrides[@]}"; do
      echo "$i"
    done
  } >"$dir/node$node/server.properties"
}

launch_node() {
  local node=$1 cp heap
  cp=$(classpath "$broker_pom")
  heap=${DLQ_KAFKA_HEAP:-$([ "$NODES" -eq 1 ] && echo 512m || echo 384m)}
  # setsid: the broker outlives the shell that started it (a CTest setup test, a $(...)), and
  # every descriptor goes to the log so that neither waits for it.
  setsid "$java" -Xms64m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$root/scripts/kafka/log4j2.xml" \
    -cp "$cp${EXTRA_CLASSPATH:+:$EXTRA_CLASSPATH}" kafka.Kafka "$dir/node$node/server.properties" \
    </dev/null >>"$dir/node$node/kafka.log" 2>&1 &
  local pid=$! waited=0
  echo "$pid" >"$dir/node$node/pid"
  # Until the forked shell has exec'd setsid and java, its command line is this script's, which
  # node_pid does not recognise: wait for the exec (5 s at most), or wait_ready would take a node
  # that is starting for one that died (seen once in CI, on a busy machine, at a restart).
  while [ -e "/proc/$pid" ] && ! node_pid "$node" >/dev/null && [ "$waited" -lt 100 ]; do
    sleep 0.05
    waited=$((waited + 1))
  done
}

# node_ready NODE: the node itself answers a metadata request (a real client request to its own
# port, not to the cluster: a killed node stays in the others' metadata until it is fenced) and
# lists itself among the live brokers.
node_ready() {
  local node=$1 answer
  answer=$(kcat -L -J -b "127.0.0.1:${broker_ports[node - 1]}" -m 3 2>/dev/null |
    jq -r --argjson node "$node" '.originating_broker.id == $node and any(.brokers[]; .id == $node)' 2>/dev/null) ||
    return 1
  [ "$answer" = true ]
}

# wait_ready NODE...: until each NODE is ready; fails early when a JVM dies.
wait_ready() {
  local deadline=$((SECONDS + ${DLQ_KAFKA_START_TIMEOUT:-180})) node missing
  while :; do
    missing=
    for node in "$@"; do
      node_pid "$node" >/dev/null ||
        die "node $node exited while starting; the end of $dir/node$node/kafka.log:
$(tail -n 30 "$dir/node$node/kafka.log")"
      node_ready "$node" || missing+=" $node"
    done
    [ -z "$missing" ] && return 0
    [ $SECONDS -lt $deadline ] || die "nodes$missing not ready after ${DLQ_KAFKA_START_TIMEOUT:-180} s (logs: $dir/node*/kafka.log)"
    sleep 0.5
  done
}

format_node() {
  local node=$1 cp
  cp=$(classpath "$broker_pom")
  # The storage tool parses server.properties too: classes it names must be there.
  "$java" -Xmx256m -Dlog4j2.configurationFile="$root/scripts/kafka/log4j2.xml" -cp "$cp${EXTRA_CLASSPATH:+:$EXTRA_CLASSPATH}" \
    kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$dir/node$node/server.properties" \
    >"$dir/node$node/format.log" 2>&1 ||
    die "formatting node $node failed: $(tail -n 5 "$dir/node$node/format.log")"
}

cmd_start() {
  local nodes=1 ttl='' fresh=false
  overrides=()
  local extra_classpath=''
  dir=${1:-}
  [ -n "$dir" ] || usage
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
      --set) overrides+=("${2:?--set needs KEY=VALUE}"); shift 2 ;;
      --classpath) extra_classpath=${2:?--classpath needs a path}; shift 2 ;;
      --ttl) ttl=${2:?--ttl needs seconds}; shift 2 ;;
      --fresh) fresh=true; shift ;;
      *) die "start: unknown option \"$1\"" ;;
    esac
  done
  [[ $nodes =~ ^[1-9]$ ]] || die "--nodes must be 1..9"
  if ! command -v kcat >/dev/null || ! command -v jq >/dev/null; then
    die "kcat and jq are needed (scripts/install-deps.sh)"
  fi
  if $fresh && [ -d "$dir" ]; then
    cmd_stop "$dir"
    # Only what a cluster leaves: refuse to empty a directory kafka.sh did not make.
    [ ! -e "$dir" ] || [ -f "$dir/cluster.env" ] || [ -z "$(ls -A "$dir")" ] ||
      die "--fresh: $dir is not a kafka.sh cluster directory; not deleting it"
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)

  local node
  local -a to_start=()
  if [ -f "$dir/cluster.env" ]; then
    load "$dir"
    [ "$NODES" = "$nodes" ] || die "$dir holds a cluster of $NODES nodes, not $nodes"
    if [ ${#overrides[@]} -gt 0 ] || [ -n "$extra_classpath" ]; then
      note "--set and --classpath ignored: $dir keeps its configuration"
    fi
  else
    local ports
    NODES=$nodes
    CLUSTER_ID=$(new_cluster_id)
    EXTRA_CLASSPATH=$extra_classpath
    read -r -a ports <<<"$(free_ports $((2 * nodes)))"
    broker_ports=("${ports[@]:0:nodes}")
    controller_ports=("${ports[@]:nodes}")
    local voters=
    for node in $(seq 1 "$nodes"); do
      voters+="${voters:+,}$node@127.0.0.1:${controller_ports[node - 1]}"
    done
    for node in $(seq 1 "$nodes"); do
      write_properties "$node" "$voters"
    done
    classpath "$broker_pom" >/dev/null
    # Static quorum (controller.quorum.voters): every node formatted with one cluster id and no
    # --standalone. The formats run side by side (a JVM start each).
    local -a formats=()
    for node in $(seq 1 "$nodes"); do
      format_node "$node" &
      formats+=($!)
    done
    for node in "${formats[@]}"; do
      wait "$node" || die "formatting failed (logs: $dir/node*/format.log)"
    done
    {
      echo "NODES=$NODES"
      echo "CLUSTER_ID=$CLUSTER_ID"
      echo "BROKER_PORTS=\"${broker_ports[*]}\""
      echo "CONTROLLER_PORTS=\"${controller_ports[*]}\""
      echo "EXTRA_CLASSPATH=$(printf '%q' "$EXTRA_CLASSPATH")"
    } >"$dir/cluster.env"
  fi

  for node in $(seq 1 "$NODES"); do
    node_pid "$node" >/dev/null || to_start+=("$node")
  done
  for node in "${to_start[@]}"; do
    launch_node "$node"
  done
  if [ ${#to_start[@]} -gt 0 ]; then
    stop_watchdog "$dir"
    start_watchdog "$dir" "$ttl" "$self"
  fi
  local -a all_nodes
  mapfile -t all_nodes < <(seq 1 "$NODES")
  wait_ready "${all_nodes[@]}"
  bootstrap_list >"$dir/bootstrap"
  bootstrap_list
  [ ${#to_start[@]} -eq 0 ] || note "$NODES node(s) up at $(bootstrap_list) (logs: $dir/node*/kafka.log)"
}

# stop_node NODE SIGNAL GRACE: signals the node's JVM and waits until it is gone (SIGKILL after
# GRACE seconds).
stop_node() {
  local node=$1 signal=$2 grace=$3 pid waited=0
  pid=$(node_pid "$node") || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  while [ -e "/proc/$pid" ] && node_pid "$node" >/dev/null; do
    if [ $waited -ge $((grace * 10)) ]; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$dir/node$node/pid"
}

cmd_stop() {
  [ -n "${1:-}" ] || usage
  [ -f "$1/cluster.env" ] || return 0 # nothing was started there: nothing to stop
  load "$(cd "$1" && pwd)"
  stop_watchdog "$dir"
  local node
  local -a stops=()
  for node in $(seq 1 "$NODES"); do
    stop_node "$node" TERM 20 &
    stops+=($!)
  done
  for node in "${stops[@]}"; do
    wait "$node"
  done
}

cmd_kill() {
  [ $# -eq 2 ] || usage
  load "$(cd "$1" && pwd)"
  check_node "$2"
  node_pid "$2" >/dev/null || die "node $2 is not running"
  stop_node "$2" KILL 0
}

cmd_restart() {
  [ $# -eq 2 ] || usage
  load "$(cd "$1" && pwd)"
  check_node "$2"
  stop_node "$2" TERM 20
  launch_node "$2"
  wait_ready "$2"
}

cmd_status() {
  [ $# -eq 1 ] || usage
  load "$(cd "$1" && pwd)"
  local node
  for node in $(seq 1 "$NODES"); do
    if node_pid "$node" >/dev/null; then
      echo "$node ${broker_ports[node - 1]} running"
    else
      echo "$node ${broker_ports[node - 1]} stopped"
    fi
  done
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  kill) shift; cmd_kill "$@" ;;
  restart) shift; cmd_restart "$@" ;;
  status) shift; cmd_status "$@" ;;
  bootstrap) shift; [ $# -eq 1 ] || usage; load "$(cd "$1" && pwd)"; bootstrap_list ;;
  classpath) shift; classpath "$(realpath "${1:-$broker_pom}")" ;;
  -h|--help|help) usage 0 ;;
  *) usage ;;
esac
