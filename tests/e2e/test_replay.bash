# replay and park driven as a user would, with python3-confluent-kafka reading the results.
# test-bed: embedded real
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_python_kafka
require jq command -v jq
orders=$(unique_topic orders)
start_broker --topic "$orders:3"

# topics NAME...: creates each with 4 partitions, as the embedded broker does when it is first named.
topics() {
  local name
  for name in "$@"; do
    create_topic "$name" 4
  done
}

# write_dlq TOPIC COUNT ATTEMPTS: SCSt dead letters for $orders, keys k1..kCOUNT.
write_dlq() {
  seq 1 "$2" | sed 's/.*/k&,v&/' | "$DLQCAT" produce -q -b "$BROKERS" -t "$1" -K , -H traceparent=abc \
    --dialect scst --original "$orders:1@7" --error-class java.net.SocketTimeoutException --error-message 'Read timed out' \
    --attempts "$3"
}

# wait_written TOPIC N PID...: until TOPIC holds N records (a progress probe); fails when one of
# the PIDs ended first, so that what comes next strikes mid-run.
wait_written() {
  local topic=$1 count=$2 pid
  shift 2
  for _ in $(seq 1 300); do
    [ "$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$topic" -e -f 'x\n' | wc -l)" -ge "$count" ] && return 0
    for pid in "$@"; do
      kill -0 "$pid" 2>/dev/null || fail "replay $pid ended before $count records were in $topic"
    done
    sleep 0.1
  done
  fail "$topic did not reach $count records"
}

# keys_in TOPIC: the distinct keys (hex), read by the python peer.
keys_in() {
  "$PY" "$E2E_DIR/peer.py" dump "$BROKERS" "$1" | jq -r '.key' | sort -u
}

TEST "the python peer sees the counter incremented and the business headers intact"
dlq=$(unique_topic dlq)
target=$(unique_topic target)
topics "$dlq" "$target"
write_dlq "$dlq" 5 1
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$(unique_topic g)" -e --to "$target" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "5 read: 5 replayed, 0 parked, 0 skipped, 0 failed, 0 filtered out" "summary"
"$PY" "$E2E_DIR/peer.py" dump "$BROKERS" "$target" >"$WORK/replayed"
expect_equal "$(wc -l <"$WORK/replayed" | tr -d ' ')" "5" "records replayed"
# Headers as [name, hex]: traceparent=abc kept, x-retries = "2" declared an Integer for the
# binder's header mapper (as the binder writes it), no x-exception-* left.
expect_equal "$(jq -c '[.headers[] | .[0]]' "$WORK/replayed" | sort -u)" '["traceparent","spring_json_header_types","x-retries"]' "header names"
expect_equal "$(jq -r '.headers[] | select(.[0]=="x-retries") | .[1]' "$WORK/replayed" | sort -u)" "32" "x-retries"
expect_equal "$(jq -r '.headers[] | select(.[0]=="traceparent") | .[1]' "$WORK/replayed" | sort -u)" "616263" "traceparent"

TEST "records that reached --max-attempts go to the parking lot with dlqcat.parked.* headers"
dlq=$(unique_topic dlq)
topics "$dlq" "$dlq.parking-lot"
write_dlq "$dlq" 3 3
"$DLQCAT" replay -q -b "$BROKERS" -t "$dlq" -e --summary-json "$WORK/summary.json"
expect_equal "$(jq -c '{read, replayed, parked}' "$WORK/summary.json")" '{"read":3,"replayed":0,"parked":3}'
out=$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$dlq.parking-lot" -e -f '%k %h\n' | tr -d '\000' | sort)
expect_contains "$out" "dlqcat.parked.reason=attempts 3 reached --max-attempts 3"
expect_contains "$out" "dlqcat.parked.source=$dlq-"
expect_equal "$(echo "$out" | wc -l | tr -d ' ')" "3" "parked records"

TEST "--dry-run prints the plan and produces and commits nothing"
dlq=$(unique_topic dlq)
target=$(unique_topic target)
topics "$dlq" "$target"
write_dlq "$dlq" 4 0
out=$("$DLQCAT" replay -q -b "$BROKERS" -t "$dlq" -e --to "$target" --dry-run)
expect_contains "$out" "plan (dry run: nothing produced, nothing committed)"
expect_contains "$out" "      4  $target"
expect_contains "$out" "      4  java.net.SocketTimeoutException"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$target" -e -f '%k\n')" "" "target after dry run"
# The default group committed nothing: a real run replays all four.
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -e --to "$target" 2>"$WORK/err"
expect_contains "$(cat "$WORK/err")" "4 read: 4 replayed"

TEST "SIGINT mid-run exits 130 after a clean stop; a rerun completes with nothing lost"
dlq=$(unique_topic dlq)
target=$(unique_topic target)
topics "$dlq" "$target"
write_dlq "$dlq" 200 1
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -e --to "$target" --rate 40 -X session.timeout.ms=6000 2>"$WORK/first.err" &
pid=$!
wait_written "$target" 20 "$pid"
kill -INT "$pid"
code=0
wait "$pid" || code=$?
expect_equal "$code" "130" "exit code after SIGINT"
expect_contains "$(cat "$WORK/first.err")" "dlqcat: error: interrupted"
first=$(keys_in "$target" | wc -l | tr -d ' ')
[ "$first" -gt 0 ] && [ "$first" -lt 200 ] || fail "the interrupt did not land mid-run ($first of 200 replayed)"
"$DLQCAT" replay -q -b "$BROKERS" -t "$dlq" -e --to "$target" -X session.timeout.ms=6000
expect_equal "$(keys_in "$target" | wc -l | tr -d ' ')" "200" "distinct keys after the rerun"

TEST "two replays in one group split the partitions; one is killed; nothing is lost"
dlq=$(unique_topic dlq)
target=$(unique_topic target)
topics "$dlq" "$target"
write_dlq "$dlq" 300 1
group=$(unique_topic group)
common=(-b "$BROKERS" -t "$dlq" -G "$group" -e --to "$target" --rate 30 -X session.timeout.ms=6000 -q)
"$DLQCAT" replay "${common[@]}" 2>"$WORK/a.err" &
a=$!
"$DLQCAT" replay "${common[@]}" 2>"$WORK/b.err" &
b=$!
wait_written "$target" 60 "$a" "$b"
kill -9 "$a" || fail "the first replay ended before the kill: $(cat "$WORK/a.err")"
wait "$a" 2>/dev/null || true
code=0
wait "$b" || code=$?
expect_equal "$code" "0" "survivor's exit code ($(cat "$WORK/b.err"))"
expect_equal "$(keys_in "$target" | wc -l | tr -d ' ')" "300" "distinct keys replayed"

TEST "park moves the records that match its filters, and only those"
dlq=$(unique_topic dlq)
topics "$dlq" "$dlq.parked"
write_dlq "$dlq" 2 0
printf 'other\n' | "$DLQCAT" produce -q -b "$BROKERS" -t "$dlq" -p 0 --dialect spring --original "$orders:0@1" --error-class java.lang.NullPointerException
"$DLQCAT" park -b "$BROKERS" -t "$dlq" -e --exception 'Timeout' --park-topic "$dlq.parked" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "3 read: 0 replayed, 2 parked, 0 skipped, 0 failed, 1 filtered out" "summary"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$dlq.parked" -e -f '%k %E\n' | sort)" \
'k1 java.net.SocketTimeoutException
k2 java.net.SocketTimeoutException'
expect_error 2 'dlqcat: error: park: give at least one filter or --min-attempts (else every record would be parked)' \
  "$DLQCAT" park -b "$BROKERS" -t "$dlq" -e
