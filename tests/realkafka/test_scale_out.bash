# Proof 5 of issue 17: three replay processes share one group on real Kafka; one is killed with
# SIGKILL mid-run; the survivors take its partitions over (after its session times out) and
# every record is replayed -- exactly once with --transactional (Java read_committed judge).
source "${E2E_DIR:-$(dirname "$0")/../e2e}/common.bash"
require_real_kafka

TOTAL=3600

# written TOPIC: the sum of TOPIC's end offsets (a quick progress probe).
written() {
  local p args=()
  for p in 0 1 2 3 4 5; do args+=(-t "$1:$p:-1"); done
  kcat -Q -b "$BROKERS" "${args[@]}" | awk '{sum += $4} END {print sum + 0}'
}

# scale_out ARGS...: a DLQ of TOTAL records over 6 partitions, three `replay -e ARGS` in one
# group, the second SIGKILLed once the target holds 400+ records (checked: all three still ran).
scale_out() {
  dlq=$(unique_topic dlq)
  target=$(unique_topic target)
  group=$(unique_topic g)
  create_topic "$dlq" 6
  create_topic "$target" 6
  create_topic "$dlq.parking-lot" 1
  seq 1 "$TOTAL" | sed 's/.*/k&,v&/' | "$DLQCAT" produce -q -b "$BROKERS" -t "$dlq" -K , --dialect scst \
    --original "$target:0@1" --error-class java.net.SocketTimeoutException --attempts 1
  local i pids=()
  for i in 1 2 3; do
    # --rate: the survivors are still replaying when the killed member's session (6 s) expires.
    "$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$group" -e --rate 150 -X session.timeout.ms=6000 "$@" \
      2>"$WORK/member$i.err" &
    pids+=($!)
  done
  for _ in $(seq 1 600); do
    [ "$(written "$target")" -ge 400 ] && break
    sleep 0.1
  done
  for i in 0 1 2; do
    kill -0 "${pids[i]}" 2>/dev/null || fail "member $((i + 1)) ended before the kill: $(cat "$WORK/member$((i + 1)).err")"
  done
  kill -KILL "${pids[1]}"
  echo "member 2 killed with $(written "$target") records written to the target"
  for i in 0 2; do
    wait "${pids[i]}" || fail "member $((i + 1)) failed: $(cat "$WORK/member$((i + 1)).err")"
    echo "member $((i + 1)): $(cat "$WORK/member$((i + 1)).err")"
  done
  wait "${pids[1]}" 2>/dev/null || true
}

TEST "three transactional replays in one group, one killed: every record exactly once (read_committed)"
# Once fenced here: "commit transaction: Failed to add offsets to transaction: ... (_FENCED)". A
# survivor whose own partitions were done looked the group's commits up with a transaction still
# open; read_committed makes that lookup wait while the killed member's pending offsets stand
# (until the coordinator aborts its transaction), so the survivor's own transaction outlived
# transaction.timeout.ms, the coordinator aborted it and bumped the producer epoch, and the next
# AddOffsetsToTxn met INVALID_PRODUCER_EPOCH. A member now commits before that lookup.
scale_out --transactional -X transaction.timeout.ms=5000
java_peer dump "$BROKERS" "$target" read_committed | cut -f4 >"$WORK/replayed"
expect_equal "$(sort "$WORK/replayed" | uniq -d | head -3)" "" "keys replayed twice"
expect_equal "$(sort -u "$WORK/replayed" | wc -l)" "$TOTAL" "distinct keys replayed"
expect_equal "$(wc -l <"$WORK/replayed")" "$TOTAL" "records in the target"

TEST "three replays in one group, one killed: every record replayed"
scale_out
java_peer dump "$BROKERS" "$target" | cut -f4 >"$WORK/replayed"
expect_equal "$(sort -u "$WORK/replayed" | wc -l)" "$TOTAL" "distinct keys replayed"
echo "$(($(wc -l <"$WORK/replayed") - TOTAL)) records replayed twice (the killed member's uncommitted ones)"
