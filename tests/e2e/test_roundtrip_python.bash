# consume-dlq -J | produce --json reproduces every key, value and header byte for byte (order,
# duplicates, nulls, binary), as seen by python3-confluent-kafka on both sides.
# test-bed: embedded real
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_python_kafka
source=$(unique_topic source)
copy=$(unique_topic copy)
start_broker --topic "$source:2" --topic "$copy:2"

TEST "python writes tricky records; dlqcat reads them losslessly"
"$PY" "$E2E_DIR/peer.py" produce-tricky "$BROKERS" "$source"
"$DLQCAT" consume-dlq -b "$BROKERS" -t "$source" -e -J >"$WORK/source.jsonl"
expect_equal "$(wc -l <"$WORK/source.jsonl" | tr -d ' ')" "8" "records read"
grep -q '"key":null,"value":"null key","headers":\[{"name":"nullvalue","value":null},{"name":"empty","value":""}\]' "$WORK/source.jsonl" \
  || fail "null vs empty lost: $(cat "$WORK/source.jsonl")"
grep -q '"key":{"base64":"//4="}' "$WORK/source.jsonl" || fail "binary key not base64"

TEST "the JSON lines, produced into another topic, give the same bytes"
"$DLQCAT" produce -q -b "$BROKERS" -t "$copy" --json <"$WORK/source.jsonl"
"$PY" "$E2E_DIR/peer.py" dump "$BROKERS" "$source" >"$WORK/source.dump"
"$PY" "$E2E_DIR/peer.py" dump "$BROKERS" "$copy" >"$WORK/copy.dump"
expect_equal "$(wc -l <"$WORK/copy.dump" | tr -d ' ')" "8" "records copied"
if ! diff "$WORK/source.dump" "$WORK/copy.dump" >"$WORK/diff"; then
  fail "copy differs from source: $(cat "$WORK/diff")"
fi
grep -q '"timestamp": 1550313955799' "$WORK/copy.dump" || fail "timestamp not kept"
