# Proof 1 of issue 17: replay --transactional is exactly once on real Kafka, even when SIGKILL
# strikes mid-run; without --transactional nothing is lost and only records that killed runs
# wrote can be duplicated. Apache Kafka's Java client (read_committed) is the judge.
source "${E2E_DIR:-$(dirname "$0")/../e2e}/common.bash"
require_real_kafka

TOTAL=3000  # DLQ records: 2400 replayed, 600 parked (attempts 3 = --max-attempts)
KILLS=3

# setup: a DLQ of TOTAL SCSt dead letters for $target, keys k1..kTOTAL, over 3 partitions.
setup() {
  dlq=$(unique_topic dlq)
  target=$(unique_topic target)
  group=$(unique_topic g)
  create_topic "$dlq" 3
  create_topic "$target" 3
  create_topic "$dlq.parking-lot" 1
  dlq_records() {
    seq "$1" "$2" | sed 's/.*/k&,v&/' | "$DLQCAT" produce -q -b "$BROKERS" -t "$dlq" -K , --dialect scst \
      --original "$target:0@1" --error-class java.net.SocketTimeoutException --error-message 'Read timed out' \
      --attempts "$3"
  }
  dlq_records 1 2400 1
  dlq_records 2401 "$TOTAL" 3
}

# keys TOPIC [read_committed]: the keys of TOPIC, one a line, as the Java client reads them.
keys() { java_peer dump "$BROKERS" "$@" | cut -f4; }
# written TOPIC: the sum of TOPIC's end offsets (aborted records and transaction markers count):
# a quick progress probe, one ListOffsets request.
written() {
  kcat -Q -b "$BROKERS" -t "$1:0:-1" -t "$1:1:-1" -t "$1:2:-1" | awk '{sum += $4} END {print sum + 0}'
}

# replay_killed ARGS...: KILLS runs of `dlqcat replay ARGS`, each killed with SIGKILL once it
# has written a random number (50-300) of records to the target, aborted ones included: a kill
# that strikes mid-run, checked (the run had not finished).
replay_killed() {
  local run pid before goal
  for run in $(seq 1 "$KILLS"); do
    before=$(written "$target")
    goal=$((before + 50 + RANDOM % 250))
    # session.timeout.ms: the next run's join waits for the killed member to time out (45 s by default).
    "$DLQCAT" replay -q -b "$BROKERS" -t "$dlq" -G "$group" -e --rate 300 -X session.timeout.ms=6000 "$@" \
      2>"$WORK/killed.err" &
    pid=$!
    for _ in $(seq 1 600); do
      [ "$(written "$target")" -ge "$goal" ] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null || fail "run $run ended before its SIGKILL: $(cat "$WORK/killed.err")"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    echo "run $run killed after writing $(($(written "$target") - before)) records to the target (committed or not)"
  done
}

TEST "replay --transactional, SIGKILLed $KILLS times, then run to the end: every record once (read_committed)"
setup
# transaction.timeout.ms: a killed run's open transaction is aborted by the broker after 5 s
# (its transactional.id is not reused, so nothing else fences it).
replay_killed --transactional -X transaction.timeout.ms=5000
uncommitted=$(written "$target")
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$group" -e --transactional -X session.timeout.ms=6000 2>"$WORK/final.err"
cat "$WORK/final.err"
keys "$target" read_committed >"$WORK/replayed"
keys "$dlq.parking-lot" read_committed >"$WORK/parked"
expect_equal "$(wc -l <"$WORK/replayed")" "2400" "records in the target (read_committed)"
expect_equal "$(sort "$WORK/replayed" | uniq -d | head -3)" "" "keys replayed twice"
expect_equal "$(wc -l <"$WORK/parked")" "600" "records in the parking lot (read_committed)"
expect_equal "$(sort "$WORK/parked" | uniq -d | head -3)" "" "keys parked twice"
expect_equal "$(sort -u "$WORK/replayed" "$WORK/parked" | wc -l)" "$TOTAL" "distinct keys across target and parking lot"
expect_equal "$(sort "$WORK/replayed" "$WORK/parked" | sort -u)" "$(seq 1 "$TOTAL" | sed 's/^/k/' | sort)" "the keys"
# The killed runs left aborted records behind: read_uncommitted sees them, read_committed not.
total_uncommitted=$(written "$target")
echo "target: $total_uncommitted offsets (records, aborted ones, markers), 2400 committed records (before the last run: $uncommitted)"
aborted=$(kcat -C -b "$BROKERS" -X isolation.level=read_uncommitted -t "$target" -e -q -f 'x\n' | wc -l)
[ "$aborted" -gt 2400 ] || fail "no aborted record in the target ($aborted): the kills struck no open transaction"
# The group's commits are the DLQ's end offsets, from the transactions.
java_peer committed "$BROKERS" "$group" | awk '{print $2, $3}' >"$WORK/committed"
java_peer dump "$BROKERS" "$dlq" >"$WORK/dlq"
for p in 0 1 2; do
  end=$(awk -v p="$p" '$1 == p' "$WORK/dlq" | wc -l)
  expect_equal "$(awk -v p="$p" '$1 == p {print $2}' "$WORK/committed")" "$end" "committed offset of $dlq [$p]"
done

TEST "replay without --transactional, SIGKILLed $KILLS times: nothing lost, duplicates only from the killed runs"
setup
replay_killed
keys "$target" | sort -u >"$WORK/written-by-killed"
keys "$dlq.parking-lot" | sort -u >>"$WORK/written-by-killed"
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$group" -e -X session.timeout.ms=6000 2>"$WORK/final.err"
cat "$WORK/final.err"
keys "$target" >"$WORK/replayed"
keys "$dlq.parking-lot" >"$WORK/parked"
expect_equal "$(sort -u "$WORK/replayed" "$WORK/parked" | wc -l)" "$TOTAL" "distinct keys across target and parking lot"
sort "$WORK/replayed" "$WORK/parked" | uniq -d >"$WORK/duplicated"
echo "$(wc -l <"$WORK/duplicated") keys written twice (at least once by a killed run)"
expect_equal "$(comm -23 "$WORK/duplicated" <(sort -u "$WORK/written-by-killed"))" "" \
  "duplicated keys that no killed run had written"
