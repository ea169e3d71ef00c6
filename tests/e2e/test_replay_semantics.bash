# replay and park semantics an operator can trust (docs/REPLAY.md; issue 15, and 16.7, 16.8,
# 16.16): one test per defect found, each with dead letters written by python3-confluent-kafka
# (tests/e2e/peer.py produce-dlq) and the results read back by it.
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_python_kafka
require jq command -v jq
require "script (util-linux)" command -v script
start_broker --topic rb.dlq:6 --topic kp.src:3

B=$BROKERS
SESSION=(-X session.timeout.ms=6000) # the embedded broker's rebalances wait this - 1 s

# write_dlq TOPIC JSON: the dead letters described (peer.py produce-dlq), in order.
write_dlq() {
  printf '%s' "$2" >"$WORK/records.json"
  "$PY" "$E2E_DIR/peer.py" produce-dlq "$B" "$1" "$WORK/records.json"
}
dump() { "$PY" "$E2E_DIR/peer.py" dump "$B" "$1" | { grep . || true; }; }
count() { dump "$1" | wc -l | tr -d ' '; }
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
# header_hex NAME < dump: the values of header NAME, hex, one a line.
header_hex() { jq -r --arg n "$1" '.headers[] | select(.[0] == $n) | .[1]'; }
keys_of() { dump "$1" | jq -r '.key' | while read -r k; do printf '%s' "$k" | xxd -r -p; echo; done | sort; }

TEST "15.1: --retry-header is the counter replay reads: 5 of --max-attempts 3 is parked, an int32 goes back an int32"
dlq=$(unique_topic rh.dlq)
src=$(unique_topic rh.src)
write_dlq "$dlq" '[{"key":"a","value":"v","headers":[["my-retries","5"],["x-original-topic","'"$src"'"]]},
  {"key":"b","value":"v","headers":[["my-retries",{"i32":1}],["x-original-topic","'"$src"'"]]}]'
"$DLQCAT" replay -b "$B" -t "$dlq" -e --retry-header my-retries --max-attempts 3 "${SESSION[@]}" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "2 read: 1 replayed, 1 parked, 0 skipped, 0 failed, 0 filtered out" "summary"
dump "$src" >"$WORK/replayed"
expect_equal "$(jq -r .key "$WORK/replayed")" "$(hex b)" "replayed key"
expect_equal "$(header_hex my-retries <"$WORK/replayed")" "00000002" "my-retries, written back as an int32"
dump "$dlq.parking-lot" >"$WORK/parked"
expect_equal "$(jq -r .key "$WORK/parked")" "$(hex a)" "parked key"
expect_equal "$(header_hex dlqcat.parked.reason <"$WORK/parked")" "$(hex 'attempts 5 reached --max-attempts 3')"

TEST "15.2: Spring's in-app kafka_deliveryAttempt is shown, not counted: x-retries 1 of 3 is replayed as 2"
dlq=$(unique_topic sp.dlq)
src=$(unique_topic sp.src)
write_dlq "$dlq" '[{"key":"a","value":"v","headers":[["kafka_dlt-original-topic","'"$src"'"],
  ["kafka_dlt-exception-fqcn","java.lang.IllegalStateException"],["x-retries","1"],["kafka_deliveryAttempt",{"i32":3}]]}]'
"$DLQCAT" replay -q -b "$B" -t "$dlq" -e --max-attempts 3 "${SESSION[@]}"
dump "$src" >"$WORK/replayed"
expect_equal "$(header_hex x-retries <"$WORK/replayed")" "$(hex 2)" "x-retries"
expect_equal "$(header_hex kafka_deliveryAttempt <"$WORK/replayed")" "00000003" "kafka_deliveryAttempt rides along"
expect_equal "$(count "$dlq.parking-lot")" "0" "parked records"

TEST "15.3: filtered runs in one group act on each record once and leave the others to the next run"
dlq=$(unique_topic f.dlq)
fa=$(unique_topic fa)
fb=$(unique_topic fb)
write_dlq "$dlq" "$(jq -cn --arg fa "$fa" --arg fb "$fb" \
  '[range(6)] | map({key: "k\(.)", value: "v", partition: 0, headers: [["x-original-topic", (if . % 2 == 0 then $fa else $fb end)]]})')"
"$DLQCAT" replay -b "$B" -t "$dlq" -e --original-topic "$fa" "${SESSION[@]}" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "6 read: 3 replayed, 0 parked, 0 skipped, 0 failed, 3 filtered out" "first run"
"$DLQCAT" replay -b "$B" -t "$dlq" -e --original-topic "$fb" "${SESSION[@]}" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "5 read: 3 replayed, 0 parked, 0 skipped, 0 failed, 0 filtered out, 2 already handled" "second run"
"$DLQCAT" replay -b "$B" -t "$dlq" -e "${SESSION[@]}" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "0 read: 0 replayed, 0 parked, 0 skipped, 0 failed, 0 filtered out" "third run"
expect_equal "$(keys_of "$fa" | tr '\n' ' ')" "k0 k2 k4 " "keys in $fa"
expect_equal "$(keys_of "$fb" | tr '\n' ' ')" "k1 k3 k5 " "keys in $fb"
expect_contains "$(committed "dlqcat-replay-$dlq" "$dlq")" "0:6 "

TEST "15.4: park then replay share the DLQ's progress: the parked record is not replayed"
dlq=$(unique_topic p.dlq)
src=$(unique_topic p.src)
write_dlq "$dlq" "$(jq -cn --arg src "$src" \
  '[0, 3, 1] | to_entries | map({key: "k\(.key)", value: "v", partition: 0, headers: [["x-original-topic", $src], ["x-retries", "\(.value)"]]})')"
"$DLQCAT" park -b "$B" -t "$dlq" -e --min-attempts 3 "${SESSION[@]}" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "3 read: 0 replayed, 1 parked, 0 skipped, 0 failed, 2 filtered out" "park"
"$DLQCAT" replay -b "$B" -t "$dlq" -e --max-attempts 10 "${SESSION[@]}" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "3 read: 2 replayed, 0 parked, 0 skipped, 0 failed, 0 filtered out, 1 already handled" "replay"
expect_equal "$(keys_of "$src" | tr '\n' ' ')" "k0 k2 " "replayed keys"
expect_equal "$(keys_of "$dlq.parking-lot" | tr '\n' ' ')" "k1 " "parked keys"

TEST "15.5: --rate 20 spaces 60 records from the first one on: any 21 in a row span a second"
dlq=$(unique_topic r.dlq)
src=$(unique_topic r.src)
write_dlq "$dlq" "$(jq -cn --arg src "$src" '[range(60)] | map({key: "k\(.)", value: "v", partition: 0, headers: [["x-original-topic", $src]]})')"
"$DLQCAT" replay -q -b "$B" -t "$dlq" -e --rate 20 --new-timestamp "${SESSION[@]}"
dump "$src" | jq -s '[.[].timestamp] | sort' >"$WORK/stamps"
expect_equal "$(jq length "$WORK/stamps")" "60" "records replayed"
# The group join before the first record must not fill the bucket: no burst at the start.
expect_equal "$(jq '[range(length - 20) as $i | .[$i + 20] - .[$i]] | map(select(. < 998)) | length' "$WORK/stamps")" "0" \
  "windows of 21 records shorter than a second (stamps: $(jq -c . "$WORK/stamps"))"

TEST "15.6: the key's exception stays apart from the value's"
dlq=$(unique_topic ke.dlq)
write_dlq "$dlq" '[{"key":"a","value":"v","headers":[["kafka_dlt-original-topic","orders"],
  ["kafka_dlt-exception-fqcn","value.Exception"],
  ["kafka_dlt-key-exception-fqcn","org.springframework.kafka.support.serializer.DeserializationException"],
  ["kafka_dlt-key-exception-message","failed to deserialize the key"]]}]'
line=$("$DLQCAT" consume-dlq -b "$B" -t "$dlq" -e -J)
expect_equal "$(jq -c .error.exception <<<"$line")" '{"class":"value.Exception"}' "value exception"
expect_equal "$(jq -r .error.key_exception.message <<<"$line")" "failed to deserialize the key" "key exception"
expect_equal "$("$DLQCAT" consume-dlq -b "$B" -t "$dlq" -e -f '%E|%M\n')" "value.Exception|" "-f %E|%M"
block=$("$DLQCAT" consume-dlq -b "$B" -t "$dlq" -e --color never)
expect_contains "$block" "  error:   value.Exception (spring)"
expect_contains "$block" "  key error: org.springframework.kafka.support.serializer.DeserializationException: failed to deserialize the key"

TEST "15.7: a rebalance mid-run: both members exit 0 once the group's commits are at the end, nothing lost"
target=$(unique_topic rb.target)
group=$(unique_topic rb.group)
write_dlq rb.dlq "$(jq -cn --arg t "$target" '[range(1800)] | map({key: "k\(.)", value: "v", partition: (. % 6), headers: [["x-original-topic", $t]]})')"
rate=200
common=(-b "$B" -t rb.dlq -G "$group" -e --rate "$rate" -q "${SESSION[@]}")
"$DLQCAT" replay "${common[@]}" --summary-json "$WORK/a.json" 2>"$WORK/a.err" &
a=$!
# The second member joins once the first has replayed records, and long before it could finish.
for _ in $(seq 1 300); do
  [ "$(count "$target")" -gt 0 ] && break
  sleep 0.2
done
[ ! -e "$WORK/a.json" ] || fail "the first member finished before the second joined"
"$DLQCAT" replay "${common[@]}" --summary-json "$WORK/b.json" 2>"$WORK/b.err" &
b=$!
code_a=0
wait "$a" || code_a=$?
code_b=0
wait "$b" || code_b=$?
expect_equal "$code_a" "0" "first member's exit code ($(cat "$WORK/a.err"))"
expect_equal "$code_b" "0" "second member's exit code ($(cat "$WORK/b.err"))"
# Both took part: the rebalance struck mid-run.
replayed_a=$(jq .replayed "$WORK/a.json")
replayed_b=$(jq .replayed "$WORK/b.json")
[ "$replayed_a" -gt 0 ] && [ "$replayed_a" -lt 1800 ] && [ "$replayed_b" -gt 0 ] ||
  fail "the rebalance did not land mid-run: $replayed_a and $replayed_b replayed"
expect_equal "$(committed "$group" rb.dlq)" "0:300 1:300 2:300 3:300 4:300 5:300 " "the group's commits"
dump "$target" | jq -r .key | sort >"$WORK/keys"
expect_equal "$(sort -u "$WORK/keys" | wc -l | tr -d ' ')" "1800" "distinct keys replayed"
# docs/REPLAY.md: a partition that changes hands repeats at most what was handled in the last
# second before the rebalance reached its member (the embedded broker refuses the handover's
# commit; a Kafka broker takes it, and nothing is repeated).
duplicates=$(($(wc -l <"$WORK/keys") - 1800))
[ "$duplicates" -le "$((rate + 10))" ] || fail "$duplicates records replayed twice (at most $rate expected)"

TEST "15.8: Connect's root cause (the trace's last Caused by:) is matched by --exception"
dlq=$(unique_topic c.dlq)
trace='org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed
	at org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:324)
Caused by: org.apache.kafka.common.errors.SerializationException: com.fasterxml.jackson.core.JsonParseException: Unexpected character
	... 17 more
Caused by: com.fasterxml.jackson.core.JsonParseException: Unexpected character ('"'"'o'"'"': was expecting null)
	at com.fasterxml.jackson.core.JsonParser._constructError(JsonParser.java:1840)'
write_dlq "$dlq" "$(jq -cn --arg trace "$trace" '[{key: "a", value: "v", headers: [["__connect.errors.topic", "person"],
  ["__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"],
  ["__connect.errors.exception.message", "Converting byte[] to Kafka Connect data failed"],
  ["__connect.errors.exception.stacktrace", $trace]]}]')"
expect_equal "$("$DLQCAT" consume-dlq -b "$B" -t "$dlq" -e --exception 'JsonParseException' -f '%k\n')" "a" "consume-dlq"
expect_equal "$("$DLQCAT" consume-dlq -b "$B" -t "$dlq" -e -J | jq -r .error.exception.cause_class)" \
  "com.fasterxml.jackson.core.JsonParseException" "cause_class"
"$DLQCAT" replay -b "$B" -t "$dlq" -e --exception '^com\.fasterxml\.jackson\.core\.JsonParseException$' --dry-run \
  "${SESSION[@]}" >/dev/null 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "dry run: 1 read: 1 replayed, 0 parked, 0 skipped, 0 failed, 0 filtered out" "replay --exception"

TEST "15.8: -p reads one partition; replay and park read it without joining, and commit it alone"
dlq=$(unique_topic pp.dlq)
src=$(unique_topic pp.src)
write_dlq "$dlq" "$(jq -cn --arg src "$src" '[range(8)] | map({key: "k\(.)", value: "v", partition: (. % 4), headers: [["x-original-topic", $src]]})')"
expect_equal "$("$DLQCAT" consume-dlq -b "$B" -t "$dlq" -e -p 1 -f '%p %k\n' | sort | tr '\n' ' ')" "1 k1 1 k5 " "consume-dlq -p 1"
group=$(unique_topic pp.group)
"$DLQCAT" replay -q -b "$B" -t "$dlq" -e -p 1 -G "$group" "${SESSION[@]}"
expect_equal "$(keys_of "$src" | tr '\n' ' ')" "k1 k5 " "replayed keys"
expect_equal "$(committed "$group" "$dlq")" "0:-1001 1:2 2:-1001 3:-1001 " "committed offsets"
expect_contains "$("$DLQCAT" replay --help)" "Start: the group's commit (default; else beginning)"

TEST "15.9: --dry-run --explain says what becomes of each record, and why"
dlq=$(unique_topic x.dlq)
src=$(unique_topic x.src)
write_dlq "$dlq" '[{"key":"a","value":"v","headers":[["x-original-topic","'"$src"'"],["x-retries","1"]]},
  {"key":"b","value":"v","headers":[["x-original-topic","'"$src"'"],["x-retries","3"]]},
  {"key":"c","value":"v","headers":[["no-dlq-headers","here"]]},
  {"key":"d","value":"v","headers":[["x-original-topic","elsewhere"]]}]'
"$DLQCAT" replay -b "$B" -t "$dlq" -e --dry-run --explain --dialect scst "${SESSION[@]}" >"$WORK/out" 2>"$WORK/err"
out=$(cat "$WORK/out")
expect_contains "$out" "$dlq [0] @ 0  replay -> $src ["
expect_contains "$out" "(x-retries 1 of --max-attempts 3, written as 2)"
expect_contains "$out" "$dlq [0] @ 1  park -> $dlq.parking-lot ["
expect_contains "$out" "]  (attempts 3 reached --max-attempts 3)"
expect_contains "$out" "$dlq [0] @ 2  leave  (filtered out: left for a later run)"
expect_contains "$out" "$dlq [0] @ 3  replay -> elsewhere ["
expect_contains "$out" "plan (dry run: nothing produced, nothing committed)"
expect_equal "$(count "$src")" "0" "records produced"

TEST "15.9: on a terminal, -e shows the records read of the total, and an ETA"
dlq=$(unique_topic eta.dlq)
src=$(unique_topic eta.src)
write_dlq "$dlq" "$(jq -cn --arg src "$src" '[range(40)] | map({key: "k\(.)", value: "v", partition: 0, headers: [["x-original-topic", $src]]})')"
printf -v line '%q ' "$DLQCAT" replay -b "$B" -t "$dlq" -e --rate 10 "${SESSION[@]}"
out=$(script -qec "$line" /dev/null </dev/null)
expect_contains "$out" "/40 read: "
expect_contains "$out" ", ETA 0:0"

TEST "16.7: an original topic with a NUL is no valid original topic: skipped, never cut short to a real one"
dlq=$(unique_topic nul.dlq)
stem=$(unique_topic mo)
write_dlq "$dlq" '[{"key":"a","value":"v","headers":[["x-original-topic","'"$stem"'\u0000evil"]]}]'
"$DLQCAT" replay -b "$B" -t "$dlq" -e "${SESSION[@]}" 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" \
  "1 read: 0 replayed, 0 parked, 1 skipped, 0 failed, 0 filtered out; skipped 1: its original topic is not a legal Kafka topic name, and no --to" "summary"
expect_equal "$(count "$stem")" "0" "records in $stem"

TEST "16.8: a negative counter is not a count: x-retries -5 is parked with the reason, never replayed as -4"
dlq=$(unique_topic neg.dlq)
src=$(unique_topic neg.src)
write_dlq "$dlq" '[{"key":"a","value":"v","headers":[["x-original-topic","'"$src"'"],["x-retries","-5"]]}]'
"$DLQCAT" replay -q -b "$B" -t "$dlq" -e "${SESSION[@]}"
expect_equal "$(count "$src")" "0" "records replayed"
expect_equal "$(dump "$dlq.parking-lot" | header_hex dlqcat.parked.reason)" "$(hex 'replay counter x-retries unreadable: negative')"
expect_error 2 "dlqcat: error: --retry-header: the header name is empty" "$DLQCAT" replay -b "$B" -t "$dlq" -e --retry-header ''
expect_error 2 "dlqcat: error: --attempts: expected a number >= 0, got -1" \
  sh -c "echo x | '$DLQCAT' produce -b '$B' -t '$dlq' --dialect scst --attempts -1"

TEST "16.16: --keep-partition to a partition the target lacks: exit 1 naming the record, nothing committed past it"
dlq=$(unique_topic kp.dlq)
group=$(unique_topic kp.group)
write_dlq "$dlq" '[{"key":"k0","value":"v","headers":[["x-original-topic","kp.src"],["x-original-partition",{"i32":1}]]},
  {"key":"k1","value":"v","headers":[["x-original-topic","kp.src"],["x-original-partition",{"i32":7}]]},
  {"key":"k2","value":"v","headers":[["x-original-topic","kp.src"],["x-original-partition",{"i32":0}]]}]'
expect_error 1 "dlqcat: error: $dlq [0] @ 1: --keep-partition: partition 7 does not exist in \"kp.src\" (3 partitions); nothing was committed from this record on" \
  "$DLQCAT" replay -q -b "$B" -t "$dlq" -G "$group" -e --keep-partition "${SESSION[@]}"
expect_equal "$(keys_of kp.src | tr '\n' ' ')" "k0 " "replayed keys"
expect_contains "$(committed "$group" "$dlq")" "0:1 "
