# inspect-headers and consume-dlq's decoding, on records whose header bytes were written by
# python3-confluent-kafka exactly as the frameworks write them (shared/DIALECTS.md).
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_python_kafka
require_kcat
require jq command -v jq
start_broker --topic dlq:1

hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# Spring DLT record (binary i32/i64 headers), a Connect record, and a Spring record with a
# truncated 3-byte partition, all written by the python peer with raw bytes.
cat >"$WORK/records.json" <<JSON
[
 {"key": "$(hex order-1)", "value": "$(hex '{"id":1}')", "headers": [
   ["traceparent", "$(hex abc)"],
   ["kafka_dlt-original-topic", "$(hex orders)"],
   ["kafka_dlt-original-partition", "00000002"],
   ["kafka_dlt-original-offset", "000000000000002a"],
   ["kafka_dlt-original-timestamp", "0000018bcfe56800"],
   ["kafka_dlt-original-timestamp-type", "$(hex CreateTime)"],
   ["kafka_dlt-exception-fqcn", "$(hex org.springframework.kafka.listener.ListenerExecutionFailedException)"],
   ["kafka_dlt-exception-cause-fqcn", "$(hex java.net.SocketTimeoutException)"],
   ["kafka_dlt-exception-message", "$(hex 'Listener failed; Read timed out')"]]},
 {"key": "$(hex 5)", "value": "$(hex '{"id":5,"name":"Michael Mueller"}')", "headers": [
   ["__connect.errors.topic", "$(hex person)"],
   ["__connect.errors.partition", "$(hex 0)"],
   ["__connect.errors.offset", "$(hex 9)"],
   ["__connect.errors.connector.name", "$(hex jdbc-sink)"],
   ["__connect.errors.task.id", "$(hex 0)"],
   ["__connect.errors.stage", "$(hex VALUE_CONVERTER)"],
   ["__connect.errors.class.name", "$(hex org.apache.kafka.connect.json.JsonConverter)"],
   ["__connect.errors.exception.class.name", "$(hex org.apache.kafka.connect.errors.DataException)"],
   ["__connect.errors.exception.message", "$(hex 'Converting byte[] to Kafka Connect data failed')"]]},
 {"key": "$(hex order-2)", "value": "$(hex x)", "headers": [
   ["kafka_dlt-original-topic", "$(hex orders)"],
   ["kafka_dlt-original-partition", "000002"],
   ["kafka_dlt-exception-fqcn", "$(hex java.lang.IllegalStateException)"]]}
]
JSON
"$PY" "$E2E_DIR/peer.py" produce-raw "$BROKERS" dlq "$WORK/records.json"

TEST "inspect-headers types every header and names its dialect"
out=$("$DLQCAT" inspect-headers -b "$BROKERS" -t dlq)
expect_contains "$out" "dlq [0] @ 0  (spring)"
expect_contains "$out" "  kafka_dlt-original-offset = 42 (int64, spring)"
expect_contains "$out" "  kafka_dlt-original-partition = 2 (int32, spring)"
expect_contains "$out" "  traceparent = abc (utf8)"
expect_contains "$out" "dlq [0] @ 1  (connect)"
expect_contains "$out" "  __connect.errors.offset = 9 (dec, connect)"
expect_contains "$out" "kafka_dlt-original-partition = 000002 (malformed, spring)"

TEST "consume-dlq decodes the binary Spring headers, the Connect headers, and survives a truncated int"
out=$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -f '%k|%d|%E|%O|%G|%M\n')
expect_equal "$out" 'order-1|spring|org.springframework.kafka.listener.ListenerExecutionFailedException|orders [2] @ 42||Listener failed; Read timed out
5|connect|org.apache.kafka.connect.errors.DataException|person [0] @ 9|VALUE_CONVERTER|Converting byte[] to Kafka Connect data failed
order-2|spring|java.lang.IllegalStateException|orders||'
err=$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -o 2 -J | jq -c '.error.malformed')
expect_equal "$err" '[{"name":"kafka_dlt-original-partition","reason":"expected 4-byte big-endian int32, got 3 bytes","hex":"000002"}]'

TEST "filters"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e --exception Timeout -f '%k\n')" "order-1"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e --original-topic person -f '%k\n')" "5"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e --dialect spring -f '%k\n' | wc -l | tr -d ' ')" "2"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e --until 1 -f '%k\n')" "" "--until in 1970"

TEST "--summary from Kafka and from a pipe of kcat -J lines agree"
from_kafka=$("$DLQCAT" inspect-headers -b "$BROKERS" -t dlq --summary -J)
expect_equal "$(echo "$from_kafka" | jq -c '[.records, .undecoded, (.groups | length)]')" '[3,0,3]'
expect_equal "$(echo "$from_kafka" | jq -r '.groups[] | select(.original_topic=="person") | .stage')" "VALUE_CONVERTER"
expect_equal "$(echo "$from_kafka" | jq -r '.groups[] | select(.original_topic=="orders" and .count==1 and .sample_message!=null) | .exception')" \
  "java.net.SocketTimeoutException"
# kcat writes binary header bytes raw into its JSON strings (the Spring record's ints): read as
# those bytes, every record agrees.
kcat -C -b "$BROKERS" -t dlq -e -q -J >"$WORK/kcat.jsonl"
from_pipe=$("$DLQCAT" inspect-headers --summary -J - <"$WORK/kcat.jsonl")
expect_equal "$(echo "$from_pipe" | jq -c '.groups')" "$(echo "$from_kafka" | jq -c '.groups')" "groups from kcat's JSON"
expect_equal "$(echo "$from_pipe" | jq -c '.groups[] | select(.original_topic=="person") | [.exception, .stage, .count]')" \
  '["org.apache.kafka.connect.errors.DataException","VALUE_CONVERTER",1]'
human=$("$DLQCAT" inspect-headers -b "$BROKERS" -t dlq --summary)
expect_contains "$human" "ORIGINAL TOPIC"
expect_contains "$human" "3 records, 3 groups, 0 without decodable error headers"

TEST "--fail-if-any is a CI gate: 3 when something matched, 0 otherwise"
expect_exit 3 "$DLQCAT" inspect-headers -b "$BROKERS" -t dlq --summary --exception 'SocketTimeout' --fail-if-any
expect_exit 0 "$DLQCAT" inspect-headers -b "$BROKERS" -t dlq --summary --exception 'OutOfMemory' --fail-if-any
"$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -J >"$WORK/all.jsonl"
expect_exit 3 sh -c "'$DLQCAT' inspect-headers - --fail-if-any --dialect connect <'$WORK/all.jsonl'"

TEST "a bad line on stdin names its line"
printf '{"value":"ok"}\nnot json\n' >"$WORK/bad.jsonl"
expect_exit 2 sh -c "'$DLQCAT' inspect-headers - <'$WORK/bad.jsonl'"
expect_equal "$(cat "$WORK/err")" "dlqcat: error: stdin:2: invalid JSON at column 1: unexpected character"

TEST "consume-dlq following a topic shows each record when it comes, not once its buffer is full"
# Without -e it runs until stopped: an idle poll writes out what is buffered (64 KiB otherwise).
printf 'first\n' | "$DLQCAT" produce -q -b "$BROKERS" -t follow -k k1
"$DLQCAT" consume-dlq -b "$BROKERS" -t follow -f '%k %s\n' >"$WORK/follow.out" 2>"$WORK/follow.err" &
follower=$!
wait_for_line() {
  local i
  for i in $(seq 1 100); do
    if grep -qx "$1" "$WORK/follow.out"; then
      return 0
    fi
    sleep 0.1
  done
  kill "$follower" 2>/dev/null || true
  fail "\"$1\" did not show within 10 s while following; got [$(cat "$WORK/follow.out")], stderr [$(cat "$WORK/follow.err")]"
}
wait_for_line "k1 first"
printf 'second\n' | "$DLQCAT" produce -q -b "$BROKERS" -t follow -k k2
wait_for_line "k2 second"
kill -INT "$follower"
code=0
wait "$follower" || code=$?
expect_equal "$code" "130" "exit code after Ctrl-C"
expect_equal "$(cat "$WORK/follow.out")" "k1 first
k2 second"
