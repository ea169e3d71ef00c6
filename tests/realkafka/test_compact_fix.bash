# Proof 2 of issue 17: compact-fix --strategy compact on real Kafka's log cleaner. The poison
# leaves the compacted log, the correction stays, and the topic's configs afterwards equal those
# before (DescribeConfigs by Apache Kafka's Java client) -- also after a SIGINT mid-compaction.
# librdkafka 2.0.2 has only the non-incremental AlterConfigs: dlqcat sends the full set each time.
source "${E2E_DIR:-$(dirname "$0")/../e2e}/common.bash"
require_real_kafka

# setup: a compacted topic with dynamic configs of its own, a parking lot, and four records of
# which key 5 is the poison (at offset 2).
setup() {
  topic=$(unique_topic person)
  create_topic "$topic" 1 1 cleanup.policy=compact retention.ms=123456789 max.message.bytes=200000
  [ "${1:-}" = no-parking-lot ] || create_topic "$topic.parking-lot" 1
  printf '1,{"id":1}\n2,{"id":2}\n5,{"id":5,"name":"way too long"}\n3,{"id":3}\n' |
    "$DLQCAT" produce -q -b "$BROKERS" -t "$topic" -K ,
  java_peer describe-configs "$BROKERS" "$topic" >"$WORK/before"
  expect_equal "$(cat "$WORK/before")" "$(printf 'cleanup.policy=compact\nmax.message.bytes=200000\nretention.ms=123456789')" \
    "configs before"
}
fix() {
  "$DLQCAT" compact-fix -b "$BROKERS" -t "$topic" --connector sink --key 5 --strategy compact \
    --value '{"id":5,"name":"ok"}' "$@"
}
configs_unchanged() {
  java_peer describe-configs "$BROKERS" "$topic" >"$WORK/after"
  expect_equal "$(cat "$WORK/after")" "$(cat "$WORK/before")" "the topic's configs after compact-fix"
}

TEST "the poison leaves the compacted log, the correction stays, the configs are as before"
setup
fix >"$WORK/out"
cat "$WORK/out"
expect_contains "$(cat "$WORK/out")" "compacted: $topic [0] @ 2 is gone"
java_peer dump "$BROKERS" "$topic" >"$WORK/log"
expect_equal "$(awk -F'\t' '$2 == 2' "$WORK/log")" "" "the record at the poison's offset"
expect_equal "$(awk -F'\t' '$4 == 5 {print $5}' "$WORK/log" | sort -u)" '{"id":5\x2c"name":"ok"}' "values of key 5"
expect_equal "$(cut -f4 "$WORK/log" | sort -u | tr '\n' ' ')" "1 2 3 5 " "keys in the log"
configs_unchanged
expect_equal "$(java_peer dump "$BROKERS" "$topic.parking-lot" | cut -f4)" "5" "the parked poison"

TEST "SIGINT mid-compaction: exit 130, the configs are restored"
setup
# A long segment.ms holds compact-fix in its wait for the roll, with the forcing configs set.
# (dlqcat itself in the background, not a function: $! must be its pid.)
"$DLQCAT" compact-fix -b "$BROKERS" -t "$topic" --connector sink --key 5 --strategy compact \
  --value '{"id":5,"name":"ok"}' --segment-ms 120000 >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 1 300); do
  grep -q "topic configs set" "$WORK/out" && break
  sleep 0.1
done
expect_contains "$(cat "$WORK/out")" "topic configs set"
# Mid-run, the topic has the forcing configs (and still every one of its own).
mid=$(java_peer describe-configs "$BROKERS" "$topic")
expect_equal "$mid" "$(printf 'cleanup.policy=compact\nmax.message.bytes=200000\nmin.cleanable.dirty.ratio=0.01\nretention.ms=123456789\nsegment.ms=120000')" \
  "configs while compacting"
kill -INT "$pid"
code=0
wait "$pid" || code=$?
cat "$WORK/out" "$WORK/err"
expect_equal "$code" "130" "exit code after SIGINT"
expect_contains "$(cat "$WORK/out")" "topic configs restored: cleanup.policy=compact, max.message.bytes=200000, retention.ms=123456789"
configs_unchanged

TEST "a missing parking lot stops compact-fix before it changes anything"
setup no-parking-lot
expect_exit 1 fix
expect_equal "$(cat "$WORK/err")" "dlqcat: error: the park topic \"$topic.parking-lot\" does not exist and the cluster does not create topics on first use: create it, or name another with --park-topic; nothing was changed" "stderr"
configs_unchanged
expect_equal "$(java_peer dump "$BROKERS" "$topic" | wc -l)" "4" "records in the topic (no correction)"
