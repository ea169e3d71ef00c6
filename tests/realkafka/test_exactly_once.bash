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

TEST "commit metadata: dlqcat's up to 4,000 bytes pass Kafka's offset.metadata.max.bytes (4096); Kafka refuses more"
# 30000 dead letters on one partition, alternating between original topics fa and fb. A run for fa
# replays fa's records and commits offset 1 (fb's first record, left) with the records it handled
# past it in the commit's metadata, until that holds 4,000 bytes; the fa records past that bound
# are deferred (exit 1). Runs for fb, then without filters, pass over what the metadata names:
# every record is replayed exactly once, which proves Kafka kept the metadata as dlqcat wrote it.
dlq=$(unique_topic meta.dlq)
fa=$(unique_topic fa)
fb=$(unique_topic fb)
group=$(unique_topic meta.g)
create_topic "$dlq" 1
create_topic "$fa" 1
create_topic "$fb" 1
create_topic "$dlq.parking-lot" 1
awk -v fa="$fa" -v fb="$fb" 'BEGIN { for (i = 0; i < 30000; i++)
  printf "{\"key\":\"k%d\",\"value\":\"v\",\"headers\":[{\"name\":\"x-original-topic\",\"value\":\"%s\"},{\"name\":\"x-exception-message\",\"value\":\"boom\"}]}\n", i, (i % 2 ? fb : fa) }' |
  "$DLQCAT" produce -q -b "$BROKERS" -t "$dlq" --json
code=0
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$group" -e --original-topic "$fa" 2>"$WORK/meta1.err" || code=$?
cat "$WORK/meta1.err"
expect_equal "$code" 1 "the fa run's exit code (records deferred)"
expect_contains "$(cat "$WORK/meta1.err")" "left for a later run"
committed=$(java_peer committed-metadata "$BROKERS" "$group")
read -r _ _ offset bytes metadata <<<"$committed"
echo "committed offset $offset with $bytes bytes of metadata: ${metadata:0:40}..."
expect_equal "$offset" 1 "the committed offset (fb's first record)"
[[ $metadata == dlqcat1\;* ]] || fail "metadata not dlqcat's: ${metadata:0:80}"
[ "$bytes" -gt 3000 ] && [ "$bytes" -le 4000 ] || fail "$bytes bytes of metadata (expected near, at most, 4000)"
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$group" -e --original-topic "$fb" 2>"$WORK/meta2.err" ||
  fail "the fb run: $(cat "$WORK/meta2.err")"
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$group" -e 2>"$WORK/meta3.err" || fail "the last run: $(cat "$WORK/meta3.err")"
cat "$WORK/meta2.err" "$WORK/meta3.err"
java_peer dump "$BROKERS" "$fa" | cut -f4 | sort >"$WORK/fa"
java_peer dump "$BROKERS" "$fb" | cut -f4 | sort >"$WORK/fb"
expect_equal "$(sort "$WORK/fa" "$WORK/fb" | uniq -d | head -3)" "" "records replayed twice"
expect_equal "$(cat "$WORK/fa" "$WORK/fb" | wc -l)" 30000 "records replayed"
expect_equal "$(java_peer committed "$BROKERS" "$group")" "$dlq 0 30000" "the group's commit at the end"
# Beyond: Kafka's default offset.metadata.max.bytes (4096) is the limit, not dlqcat's 4000.
empty=$(unique_topic meta.empty)
expect_equal "$(java_peer commit-metadata "$BROKERS" "$empty" "$dlq" 0 5 4096)" "committed" "4096 bytes of metadata"
expect_equal "$(java_peer commit-metadata "$BROKERS" "$empty" "$dlq" 0 5 4097)" "OffsetMetadataTooLarge" "4097 bytes (org.apache.kafka.common.errors.OffsetMetadataTooLarge)"
