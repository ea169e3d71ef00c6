# Proof 4 of issue 17: failover. On a 3-node cluster of its own (replication 3, min.insync.replicas
# 2) a replay of 50k dead letters goes on while one broker is killed with SIGKILL and restarted:
# a node that leads partitions of the target (not a coordinator), or, with --transactional, the
# coordinator of replay's transactional id. The kill strikes mid-run (records replayed before it,
# while the node is down and after it is back), and Apache Kafka's Java client finds every record
# in the target or the parking lot, each once (the idempotent producer's retries; with
# --transactional, read_committed).
source "${E2E_DIR:-$(dirname "$0")/../e2e}/common.bash"
require_real_kafka

TOTAL=50000  # dead letters: 45000 replayed, 5000 parked (attempts 3 = --max-attempts)
PARTITIONS=6
RATE=700     # records/s: the run lasts ~70 s, long enough for a kill and a restart inside it

# The only test with three nodes: its own cluster (the shared one has one), stopped however the
# test ends; --ttl stops it even if this shell is killed.
CLUSTER="$WORK/cluster3"
# The replay in the background goes too: it holds the test's stdout, and CTest would wait for it
# until the suite's timeout.
REPLAY_PID=
trap '[ -z "$REPLAY_PID" ] || kill "$REPLAY_PID" 2>/dev/null; "$REPO_ROOT/scripts/kafka.sh" stop "$CLUSTER" || true; cleanup' EXIT
BROKERS=$("$REPO_ROOT/scripts/kafka.sh" start "$CLUSTER" --nodes 3 --ttl 1200 | head -n 1)
echo "3 nodes at $BROKERS"
kafka_sh() { "$REPO_ROOT/scripts/kafka.sh" "$@"; }

# written TOPIC: the sum of TOPIC's end offsets (aborted records and markers count): a progress
# probe, one ListOffsets per leader. Empty when a leader does not answer (a node is down).
written() {
  local p args=()
  for ((p = 0; p < PARTITIONS; p++)); do args+=(-t "$1:$p:-1"); done
  kcat -Q -b "$BROKERS" -m 5 "${args[@]}" 2>/dev/null | awk '{sum += $4; n++} END {if (n == '"$PARTITIONS"') print sum}' || true
}
# wait_written TOPIC N PID: until TOPIC has N offsets written (fails if PID ends first).
wait_written() {
  local now
  for _ in $(seq 1 1200); do
    now=$(written "$1")
    [ -n "$now" ] && [ "$now" -ge "$2" ] && return 0
    kill -0 "$3" 2>/dev/null || fail "the replay ended before $2 records were in $1 ($now): $(cat "$WORK/replay.err")"
    sleep 0.1
  done
  fail "$1 did not reach $2 records"
}

# partition_for NAME PARTITIONS: the partition of an internal topic that holds NAME's state:
# abs(Java hashCode of NAME) % PARTITIONS, as Kafka computes it for groups (__consumer_offsets,
# GroupCoordinatorService.partitionFor) and transactional ids (__transaction_state,
# TransactionStateManager.partitionFor); kafka.sh gives both topics 10 partitions.
partition_for() {
  "$PY" -c '
import sys
h = 0
for c in sys.argv[1]:  # ASCII names: one UTF-16 unit a character
    h = (31 * h + ord(c)) & 0xFFFFFFFF
h = h - (1 << 32) if h >= 1 << 31 else h
print(0 if h == -(1 << 31) else abs(h) % int(sys.argv[2]))' "$1" "$2"
}
# leader TOPIC PARTITION: the node that leads it now.
leader() {
  kcat -L -J -b "$BROKERS" -t "$1" | jq -r --argjson p "$2" '.topics[0].partitions[] | select(.partition == $p) | .leader'
}
# coordinators: the nodes coordinating $group and the transactional id $txid, one a line.
coordinators() {
  leader __consumer_offsets "$(partition_for "$group" 10)"
  if [ -n "${txid:-}" ] && kcat -L -J -b "$BROKERS" -t __transaction_state | jq -e '.topics[0].partitions | length > 0' >/dev/null; then
    leader __transaction_state "$(partition_for "$txid" 10)"
  fi
}

# failover VICTIM ARGS...: a DLQ of TOTAL SCSt dead letters, `dlqcat replay -e --rate RATE ARGS`
# in a group; once 5000 records are in the target, a node is killed: VICTIM "coordinator" the
# group's coordinator, "txn-coordinator" the transactional id's, "leader" a node that leads partitions of the target and coordinates
# neither the group nor the transactional id. Once 3000 more records are written (by the two
# others) it is restarted; the replay must still be running then and write more after it.
# Sets dlq, target, group, killed. $txid is the transactional id the caller gives (-X), if any.
failover() {
  local victim=$1
  shift
  dlq=$(unique_topic dlq)
  target=$(unique_topic target)
  group=$(unique_topic g)
  create_topic "$dlq" "$PARTITIONS" 3 min.insync.replicas=2
  create_topic "$target" "$PARTITIONS" 3 min.insync.replicas=2
  create_topic "$dlq.parking-lot" 1 3 min.insync.replicas=2
  dlq_records() {
    seq "$1" "$2" | sed 's/.*/k&,v&/' | "$DLQCAT" produce -q -b "$BROKERS" -t "$dlq" -K , --dialect scst \
      --original "$target:0@1" --error-class java.net.SocketTimeoutException --error-message 'Read timed out' \
      --attempts "$3"
  }
  dlq_records 1 45000 1
  dlq_records 45001 "$TOTAL" 3
  local pid at_kill at_restart
  "$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$group" -e --rate "$RATE" "$@" 2>"$WORK/replay.err" &
  pid=$!
  REPLAY_PID=$pid
  wait_written "$target" 5000 "$pid"
  if [ "$victim" = coordinator ]; then
    killed=$(leader __consumer_offsets "$(partition_for "$group" 10)")
  elif [ "$victim" = txn-coordinator ]; then
    killed=$(leader __transaction_state "$(partition_for "$txid" 10)")
  else
    killed=$(kcat -L -J -b "$BROKERS" -t "$target" | jq -r '.topics[0].partitions[].leader' |
      grep -vxF -f <(coordinators) | head -n 1)
    [ -n "$killed" ] || fail "every leader of $target coordinates the group or the transactions"
  fi
  at_kill=$(written "$target")
  kafka_sh kill "$CLUSTER" "$killed"
  echo "node $killed ($victim) killed with $at_kill records in the target"
  wait_written "$target" $((at_kill + 3000)) "$pid"
  echo "3000 more records written while node $killed was down"
  kafka_sh restart "$CLUSTER" "$killed"
  at_restart=$(written "$target")
  kill -0 "$pid" 2>/dev/null || fail "the replay ended before node $killed was back: $(cat "$WORK/replay.err")"
  echo "node $killed back with $at_restart records in the target"
  local code=0
  wait "$pid" || code=$?
  REPLAY_PID=
  cat "$WORK/replay.err"
  expect_equal "$code" 0 "replay's exit code"
  local final
  final=$(written "$target")
  [ "$final" -gt "$at_restart" ] || fail "nothing written after node $killed came back ($final offsets, $at_restart then)"
  echo "$((final - at_restart)) offsets written after the restart"
}

# keys TOPIC [read_committed]: the keys of TOPIC, one a line, read by the Java client.
keys() { java_peer dump "$BROKERS" "$@" | cut -f4; }

TEST "replay through a crash and restart of a partition leader: nothing lost, nothing twice"
unset txid
failover leader
keys "$target" >"$WORK/replayed"
keys "$dlq.parking-lot" >"$WORK/parked"
expect_equal "$(sort -u "$WORK/replayed" | wc -l)" 45000 "distinct keys in the target"
expect_equal "$(sort -u "$WORK/parked" | wc -l)" 5000 "distinct keys in the parking lot"
expect_equal "$(sort -u "$WORK/replayed" "$WORK/parked")" "$(seq 1 "$TOTAL" | sed 's/^/k/' | sort)" "the keys"
# replay's producer is idempotent: the batches in flight when the leader died are sent again to
# the new one, which knows them by producer id and sequence and does not append them twice. (The
# embedded broker cannot show this: librdkafka's mock checks sequences for transactional
# producers only, so the integration test's outage asserts no loss, not this.)
expect_equal "$(sort "$WORK/replayed" "$WORK/parked" | uniq -d | head -3)" "" "keys written twice"

TEST "replay --transactional through a crash of its transaction coordinator: every record exactly once (read_committed)"
txid=$(unique_topic tx)
failover txn-coordinator --transactional -X transactional.id="$txid"
keys "$target" read_committed >"$WORK/replayed"
keys "$dlq.parking-lot" read_committed >"$WORK/parked"
expect_equal "$(sort "$WORK/replayed" "$WORK/parked" | uniq -d | head -3)" "" "keys written twice"
expect_equal "$(wc -l <"$WORK/replayed")" 45000 "records in the target (read_committed)"
expect_equal "$(wc -l <"$WORK/parked")" 5000 "records in the parking lot (read_committed)"
expect_equal "$(sort -u "$WORK/replayed" "$WORK/parked")" "$(seq 1 "$TOTAL" | sed 's/^/k/' | sort)" "the keys"
# The group's commits are the DLQ's end offsets.
java_peer committed "$BROKERS" "$group" | awk '{print $2, $3}' >"$WORK/committed"
ends=()
for ((p = 0; p < PARTITIONS; p++)); do ends+=(-t "$dlq:$p:-1"); done
kcat -Q -b "$BROKERS" "${ends[@]}" |
  awk '{gsub(/[][]/, "", $2); print $2, $4}' | sort -n >"$WORK/ends"
expect_equal "$(sort -n "$WORK/committed")" "$(cat "$WORK/ends")" "the group's commits against the DLQ's end offsets"

TEST "replay through a crash of the group's coordinator: nothing lost"
# The new coordinator answers commits with COORDINATOR_LOAD_IN_PROGRESS (or NOT_COORDINATOR,
# COORDINATOR_NOT_AVAILABLE) while it takes the group over: retried, never the end of the run.
failover coordinator
keys "$target" >"$WORK/replayed"
keys "$dlq.parking-lot" >"$WORK/parked"
expect_equal "$(sort -u "$WORK/replayed" "$WORK/parked")" "$(seq 1 "$TOTAL" | sed 's/^/k/' | sort)" "the keys"
