# dlqcat ls on a mixed cluster: dead-letter topics of every dialect, written byte for byte by
# python3-confluent-kafka as the frameworks write them, one with a name no convention gives, an
# empty one known only by its name, and plain topics (one named like a DLQ) that must not be
# listed. The topic set and counts are asserted exactly; the Prometheus file is read back with
# prometheus_client's text-format parser.
# test-bed: embedded real
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
# Under ASan: full stacks for leaks, so that tests/lsan.supp's one librdkafka leak of `ls` (a
# reference librdkafka 2.0.2 keeps after ListConsumerGroups is refused by the embedded broker;
# the cause is in lsan.supp) is matched by its caller: librdkafka's own frames have no symbols
# and stop the fast unwinder. No effect on other builds.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
require_python_kafka
require jq command -v jq
require "python3-prometheus-client for $PY" "$PY" -c "import prometheus_client"

p=$(unique_topic ls)
connect_dlq="$p-dlq-jdbc-sink"        # Connect: __connect.errors.*
spring_dlt="$p-orders-dlt"            # Spring Kafka: kafka_dlt-*
scst_dlq="error.$p-payments.billing"  # Spring Cloud Stream: x-original-*, x-exception-*, x-retries
quarantine="$p-quarantine"            # unconventional name, JSON error envelope in the value
empty_dlt="$p-refunds.DLT"            # empty: only its name says what it is
orders="$p-orders"                    # plain
named_like="$p-audit-dlq-archive"     # plain records under a DLQ-like name
empty_plain="$p-empty"                # plain, empty
start_broker --topic "$connect_dlq:2" --topic "$spring_dlt:2" --topic "$scst_dlq:1" --topic "$quarantine:1" \
  --topic "$empty_dlt:1" --topic "$orders:1" --topic "$named_like:1" --topic "$empty_plain:1"

# Connect: 20 records in partition 0 (far more than the 5 sampled), 1 in partition 1.
{
  echo '['
  for i in $(seq 0 20); do
    part=0
    [ "$i" = 20 ] && part=1
    cat <<JSON
 {"key": "$i", "value": "{\"id\":$i}", "partition": $part, "timestamp": $((1700000000000 + i * 1000)), "headers": [
   ["__connect.errors.topic", "$p-person"], ["__connect.errors.partition", "0"], ["__connect.errors.offset", "$i"],
   ["__connect.errors.connector.name", "jdbc-sink"], ["__connect.errors.task.id", "0"],
   ["__connect.errors.stage", "VALUE_CONVERTER"],
   ["__connect.errors.class.name", "org.apache.kafka.connect.json.JsonConverter"],
   ["__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"],
   ["__connect.errors.exception.message", "Converting byte[] to Kafka Connect data failed"]]}$([ "$i" = 20 ] || echo ,)
JSON
  done
  echo ']'
} >"$WORK/connect.json"
"$PY" "$E2E_DIR/peer.py" produce-dlq "$BROKERS" "$connect_dlq" "$WORK/connect.json"

cat >"$WORK/spring.json" <<JSON
[
 {"key": "o-1", "value": "{\"id\":1}", "partition": 0, "timestamp": 1710000000000, "headers": [
   ["kafka_dlt-original-topic", "$orders"], ["kafka_dlt-original-partition", {"i32": 0}],
   ["kafka_dlt-original-offset", {"i64": 7}], ["kafka_dlt-original-timestamp", {"i64": 1709999999000}],
   ["kafka_dlt-original-timestamp-type", "CreateTime"],
   ["kafka_dlt-exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException"],
   ["kafka_dlt-exception-cause-fqcn", "java.net.SocketTimeoutException"],
   ["kafka_dlt-exception-message", "Listener failed; Read timed out"]]},
 {"key": "o-2", "value": "{\"id\":2}", "partition": 1, "timestamp": 1710000060000, "headers": [
   ["kafka_dlt-original-topic", "$orders"], ["kafka_dlt-original-partition", {"i32": 0}],
   ["kafka_dlt-original-offset", {"i64": 8}],
   ["kafka_dlt-exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException"],
   ["kafka_dlt-exception-cause-fqcn", "java.net.SocketTimeoutException"],
   ["kafka_dlt-exception-message", "Listener failed; Read timed out"]]}
]
JSON
"$PY" "$E2E_DIR/peer.py" produce-dlq "$BROKERS" "$spring_dlt" "$WORK/spring.json"

cat >"$WORK/scst.json" <<JSON
[
 {"key": "pay-1", "value": "{\"amount\":-1}", "headers": [
   ["x-original-topic", "$p-payments"], ["x-original-partition", {"i32": 0}], ["x-original-offset", {"i64": 3}],
   ["x-exception-fqcn", "org.springframework.messaging.MessagingException"],
   ["x-exception-message", "amount must be positive"], ["x-retries", "3"]]},
 {"key": "pay-2", "value": "{\"amount\":-2}", "headers": [
   ["x-original-topic", "$p-payments"], ["x-exception-fqcn", "java.lang.IllegalArgumentException"],
   ["x-exception-message", "amount must be positive"]]}
]
JSON
"$PY" "$E2E_DIR/peer.py" produce-dlq "$BROKERS" "$scst_dlq" "$WORK/scst.json"

cat >"$WORK/envelope.json" <<JSON
[
 {"key": "e-1", "value": "{\"processing_time\": \"2024-01-13T04:21:50.037894\", \"input_json\": \"{\\\\\"id\\\\\": 1}\", \"error_message\": \"fromisoformat: argument must be str\"}"}
]
JSON
"$PY" "$E2E_DIR/peer.py" produce-dlq "$BROKERS" "$quarantine" "$WORK/envelope.json"

# Plain records: ordinary headers, and a JSON payload with no error field (not an envelope).
cat >"$WORK/plain.json" <<JSON
[
 {"key": "1", "value": "{\"id\":1,\"payload\":\"x\"}", "headers": [["traceparent", "00-abc-def-01"]]},
 {"key": "2", "value": "plain text"},
 {"key": "3", "value": "{\"id\":3}"}
]
JSON
"$PY" "$E2E_DIR/peer.py" produce-dlq "$BROKERS" "$orders" "$WORK/plain.json"
"$PY" "$E2E_DIR/peer.py" produce-dlq "$BROKERS" "$named_like" "$WORK/plain.json"

TEST "ls -J lists exactly the dead-letter topics, with counts, partitions and dialects"
expect_exit 0 "$DLQCAT" ls -b "$BROKERS" -t "$p" -J
jq -c '[.topic, .records, .partitions, .dialect, .identified_by]' "$WORK/out" | sort >"$WORK/set"
expect_equal "$(cat "$WORK/set")" "$(printf '%s\n' \
  "[\"$connect_dlq\",21,2,\"connect\",\"content\"]" \
  "[\"$spring_dlt\",2,2,\"spring\",\"content\"]" \
  "[\"$quarantine\",1,1,\"envelope\",\"content\"]" \
  "[\"$empty_dlt\",0,1,null,\"name\"]" \
  "[\"$scst_dlq\",2,1,\"scst\",\"content\"]" | sort)" "topics listed"
# Plain topics, the DLQ-like name over plain records included, are left out, and said so.
expect_contains "$(cat "$WORK/err")" "note: $named_like is named like a dead-letter topic but its 3 sampled records carry no error headers: not listed"

TEST "ls -J: oldest and newest record, the sample's original topics and exception classes"
line=$(jq -c "select(.topic == \"$spring_dlt\")" "$WORK/out")
expect_equal "$(echo "$line" | jq -c '[.oldest, .newest]')" "[1710000000000,1710000060000]"
expect_equal "$(echo "$line" | jq -c '.sample.original_topics')" "[{\"topic\":\"$orders\",\"count\":2}]"
expect_equal "$(echo "$line" | jq -c '.sample.exceptions')" '[{"class":"java.net.SocketTimeoutException","count":2}]'
# Connect: the first record of each partition and the 5 newest of partition 0 (its first record
# and the newest of a 20-record partition are not adjacent: nothing in between is read).
line=$(jq -c "select(.topic == \"$connect_dlq\")" "$WORK/out")
expect_equal "$(echo "$line" | jq -c '[.oldest, .newest, .sample.records, .sample.dead_letters, .sample.complete]')" \
  "[1700000000000,1700000020000,7,7,true]"
expect_equal "$(echo "$line" | jq -c '.sample.exceptions')" '[{"class":"org.apache.kafka.connect.errors.DataException","count":7}]'
line=$(jq -c "select(.topic == \"$empty_dlt\")" "$WORK/out")
expect_equal "$(echo "$line" | jq -c '[.oldest, .newest, .sample.records]')" "[null,null,0]"
line=$(jq -c "select(.topic == \"$scst_dlq\")" "$WORK/out")
expect_equal "$(echo "$line" | jq -c '.sample.exceptions')" \
  '[{"class":"java.lang.IllegalArgumentException","count":1},{"class":"org.springframework.messaging.MessagingException","count":1}]'

TEST "ls: consumer groups and their lag (unknown on the embedded broker, which lacks ListConsumerGroups)"
if real_kafka; then
  # A billing app that read one of the two records; dlqcat replay's group on the Spring DLT.
  "$PY" "$E2E_DIR/peer.py" commit "$BROKERS" "$p-billing" "$scst_dlq" 0:1
  "$DLQCAT" replay -b "$BROKERS" -t "$spring_dlt" -e -q >/dev/null
  expect_exit 0 "$DLQCAT" ls -b "$BROKERS" -t "$p" -J
  notes=$(cat "$WORK/err")
  expect_equal "$(jq -c "select(.topic == \"$scst_dlq\") | .groups" "$WORK/out")" "[{\"group\":\"$p-billing\",\"lag\":1,\"replay\":false}]" \
    "groups of $scst_dlq (stderr: $notes)"
  expect_equal "$(jq -c "select(.topic == \"$spring_dlt\") | .groups" "$WORK/out")" \
    "[{\"group\":\"dlqcat-replay-$spring_dlt\",\"lag\":0,\"replay\":true}]" "groups of $spring_dlt (stderr: $notes)"
  expect_equal "$(jq -c "select(.topic == \"$connect_dlq\") | .groups" "$WORK/out")" "[]"
  expect_equal "$(jq -c "select(.topic == \"$empty_dlt\") | .groups" "$WORK/out")" "[]"
else
  expect_equal "$(jq -c '.groups' "$WORK/out" | sort -u)" "null"
  expect_contains "$(cat "$WORK/err")" "note: consumer groups unknown: ListConsumerGroups: "
fi

TEST "ls: a table for people"
expect_exit 0 "$DLQCAT" ls -b "$BROKERS" -t "$p"
head -n 1 "$WORK/out" | grep -Eq '^TOPIC +RECORDS +PARTS +DIALECT +OLDEST +NEWEST +GROUPS \(LAG\)$' ||
  fail "table header: $(head -n 1 "$WORK/out")"
grep -Eq "^$connect_dlq +21 +2 +connect " "$WORK/out" || fail "connect row: $(cat "$WORK/out")"
grep -Eq "^$empty_dlt +0 +1 +\(by name\) +- +- " "$WORK/out" || fail "empty row: $(cat "$WORK/out")"
expect_contains "$(cat "$WORK/out")" "  sample of 2: from $orders (2); java.net.SocketTimeoutException (2)"
not_listed=$(grep -cE "^($orders|$named_like|$empty_plain) " "$WORK/out" || true)
expect_equal "$not_listed" 0 "plain topics in the table"

TEST "ls --fail-if-any: 3 when a dead-letter topic holds records, 0 when none does"
expect_exit 3 "$DLQCAT" ls -b "$BROKERS" -t "$p" --fail-if-any -J
expect_exit 0 "$DLQCAT" ls -b "$BROKERS" -t "^$p-refunds" --fail-if-any -J
expect_equal "$(jq -r .topic "$WORK/out")" "$empty_dlt"
expect_exit 0 "$DLQCAT" ls -b "$BROKERS" -t "^$p-orders\$" --fail-if-any
expect_equal "$(cat "$WORK/out")" "no dead-letter topics found"

TEST "ls --prometheus: a text-format file that prometheus_client parses, with the JSON's counts"
expect_exit 0 "$DLQCAT" ls -b "$BROKERS" -t "$p" -J --prometheus "$WORK/dlq.prom"
cp "$WORK/out" "$WORK/ls.json"
"$PY" - "$WORK/dlq.prom" >"$WORK/prom.txt" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
families = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
for s in families["dlqcat_dlq_records"].samples:
    print("records", s.labels["topic"], int(s.value))
for s in families["dlqcat_dlq_info"].samples:
    print("info", s.labels["topic"], s.labels["dialect"], s.labels["identified_by"])
for s in families["dlqcat_dlq_oldest_record_timestamp_seconds"].samples:
    print("oldest", s.labels["topic"], s.value)
print("topics", int(families["dlqcat_dlq_topics"].samples[0].value))
print("groups_known", int(families["dlqcat_ls_groups_known"].samples[0].value))
assert all(f.type == "gauge" for f in families.values()), [f.type for f in families.values()]
PY
expect_equal "$(grep '^records' "$WORK/prom.txt" | sort)" "$(jq -r '"records \(.topic) \(.records)"' "$WORK/ls.json" | sort)" "records"
expect_equal "$(grep '^info' "$WORK/prom.txt" | sort)" "$(jq -r '"info \(.topic) \(.dialect // "none") \(.identified_by)"' "$WORK/ls.json" | sort)" "info"
expect_contains "$(cat "$WORK/prom.txt")" "oldest $spring_dlt 1710000000.0"
expect_contains "$(cat "$WORK/prom.txt")" "topics 5"
expect_contains "$(cat "$WORK/prom.txt")" "groups_known $(real_kafka && echo 1 || echo 0)"
# Written through a temporary file and a rename: nothing else is left in the directory.
expect_equal "$(ls "$WORK" | grep -c '^dlq\.prom')" 1 "files named dlq.prom*"

TEST "ls: bad input"
expect_error 2 'dlqcat: error: -t: invalid regular expression "(": missing ): (' "$DLQCAT" ls -b "$BROKERS" -t '('
expect_error 1 "dlqcat: error: --prometheus: cannot write \"$WORK/no/such/dir/x.prom\": No such file or directory" \
  "$DLQCAT" ls -b "$BROKERS" -t "^$p-refunds" -q --prometheus "$WORK/no/such/dir/x.prom"
expect_exit 2 "$DLQCAT" ls -b "$BROKERS" --timeout 0
expect_exit 2 "$DLQCAT" ls -b "$BROKERS" --sample 0
echo "all ls tests passed"
