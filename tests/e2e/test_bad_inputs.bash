# Bad input, as a table: each row is one command with the exact one-line error it must print and
# the documented exit code (README "Exit status"), then what must still hold afterwards: no record
# lost, none half-written, no offset committed past what was done. Peers: kcat and
# python3-confluent-kafka read the topics and the committed offsets.
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_kcat
require_python_kafka
start_controlled_broker --topic t:2 --topic dlq:1 --topic spring-dlt:1 --topic traces:1 --topic many:3

# row_sh: row (common.bash) for a shell pipeline given as one string.
row_sh() {
  row "$1" "$2" "$3" sh -c "$4"
}
D=$DLQCAT
B=$BROKERS
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# --- The command line ------------------------------------------------------------------------
row "unknown -f token" 2 'dlqcat: error: -f: unsupported formatter "%Q"' "$D" consume-dlq -b "$B" -t t -e -f '%Q'
row "empty -f" 2 'dlqcat: error: -f: empty format string' "$D" consume-dlq -b "$B" -t t -e -f ''
row "bad -o" 2 'dlqcat: error: -o: invalid offset "foo" (expected beginning, end, stored, N, -N, s@MS, e@MS)' \
  "$D" consume-dlq -b "$B" -t t -o foo
row "-o stored without a group" 2 'dlqcat: error: -o stored: needs a consumer group (-G)' "$D" consume-dlq -b "$B" -t t -o stored
row "missing -t on consume-dlq" 2 'dlqcat: error: -t,--topic is required' "$D" consume-dlq -b "$B" -e
row "missing -t on produce" 2 'dlqcat: error: -t,--topic is required' "$D" produce -b "$B"
row "bad -X property" 2 'dlqcat: error: -X: No such configuration property: "no.such.property"' \
  "$D" consume-dlq -b "$B" -X no.such.property=1 -t t -e
row "-X without =" 2 'dlqcat: error: -X: expected name=value, got "fetch.wait.max.ms"' "$D" consume-dlq -b "$B" -X fetch.wait.max.ms -t t -e
row "a -F file that does not exist" 1 'dlqcat: error: -F: cannot read "/nonexistent/dlqcat.conf"' \
  "$D" consume-dlq -b "$B" -t t -e -F /nonexistent/dlqcat.conf
row "an unknown dialect to fabricate" 2 \
  'dlqcat: error: --dialect: nosuch not in {connect,spring,spring-retry,scst,streams,smallrye,karafka,share-group,watermill,envelope}' \
  sh -c "echo x | '$D' produce -b '$B' -t t --dialect nosuch"
row "an unknown dialect to filter on" 2 \
  'dlqcat: error: --dialect: nosuch not in {connect,spring,spring-retry,scst,streams,smallrye,karafka,share-group,watermill,envelope}' \
  "$D" consume-dlq -b "$B" -t t -e --dialect nosuch
row "a bad --since" 2 'dlqcat: error: --since: invalid time "yesterdayish" (expected epoch milliseconds or ISO 8601, e.g. 2024-01-13T04:21:50Z)' \
  "$D" consume-dlq -b "$B" -t t -e --since yesterdayish
row "--max-attempts 0" 2 'dlqcat: error: --max-attempts: Value 0 not in range 1 to 1000000' "$D" replay -b "$B" -t dlq -e --max-attempts 0
row "a bad compact-fix strategy" 2 'dlqcat: error: --strategy: bogus not in {compact,skip}' \
  "$D" compact-fix -b "$B" -t t --connector c --key 1 --strategy bogus
row "no broker anywhere" 2 'dlqcat: error: no broker given: use -b BROKERS, $DLQCAT_BROKERS or bootstrap.servers in the config file' \
  env -u DLQCAT_BROKERS HOME="$WORK" "$D" consume-dlq -t t -e

# --- Brokers that are not there ----------------------------------------------------------------
start=$(date +%s)
# An impossible date is a usage error found before any connection (the broker does not exist).
row "an impossible --since date" 2 'dlqcat: error: --since: invalid time "2024-02-31" (expected epoch milliseconds or ISO 8601, e.g. 2024-01-13T04:21:50Z)' \
  timeout 30 "$D" consume-dlq -b "127.0.0.1:$port" -t t -e --since 2024-02-31
row "an impossible --until date on replay" 2 'dlqcat: error: --until: invalid time "2023-02-29T10:00Z" (expected epoch milliseconds or ISO 8601, e.g. 2024-01-13T04:21:50Z)' \
  timeout 30 "$D" replay -b "127.0.0.1:$port" -t dlq --to t --until 2023-02-29T10:00Z
row "unreachable broker, reading" 1 "dlqcat: error: cannot reach any broker of 127.0.0.1:$port" \
  timeout 30 "$D" consume-dlq -b "127.0.0.1:$port" -t t -e
row_sh "unreachable broker, producing" 1 "dlqcat: error: cannot reach any broker of 127.0.0.1:$port" \
  "echo x | timeout 30 '$D' produce -b 127.0.0.1:$port -t t"
[ $(($(date +%s) - start)) -lt 25 ] || fail "unreachable brokers took longer than the 10 s connect timeout"

# --- Input that cannot become records: nothing half-written --------------------------------------
row_sh "-H with an empty name" 2 'dlqcat: error: -H: expected name=value or name, got "=***"' "echo x | '$D' produce -b '$B' -t t-h -H =novalue"
expect_equal "$(records_in t-h)" 0 "records written"
row_sh "partition out of range" 2 'dlqcat: error: -p: partition 5 out of range (topic "t" has 2 partitions)' \
  "echo x | '$D' produce -b '$B' -t t -p 5"
expect_equal "$(records_in t)" 0 "records written"
row_sh "a bad -D delimiter" 2 'dlqcat: error: -D: invalid delimiter "\x"' "echo x | '$D' produce -b '$B' -t t -D '\x'"
row_sh "an empty -K delimiter" 2 'dlqcat: error: -K: invalid delimiter ""' "echo x | '$D' produce -b '$B' -t t -K ''"
row_sh "a closed stdin" 2 'dlqcat: error: stdin is closed: pipe records in, or name files (-l FILE, or FILE... as single records)' \
  "'$D' produce -b '$B' -t t <&-"
row "a closed stdout" 2 'dlqcat: error: stdout is closed: redirect it to a file or a pipe' sh -c "'$D' consume-dlq -b '$B' -t t -e >&-"

TEST "invalid JSON on --json input: the records before it are delivered, the error names the line"
printf '{"value":"ok"}\n{"value":\n{"value":"never"}\n' >"$WORK/bad.jsonl"
expect_exit 2 "$D" produce -b "$B" -t badjson --json -l "$WORK/bad.jsonl"
expect_equal "$(cat "$WORK/err")" "1 delivered, 0 failed
dlqcat: error: $WORK/bad.jsonl:2: invalid JSON at column 10: unexpected end of input"
expect_equal "$("$D" consume-dlq -b "$B" -t badjson -e -f '%s\n')" "ok"
ROWS=$((ROWS + 1))

printf '{"topic":"\xff"}\n' >"$WORK/utf8.jsonl"
row "a topic that is not UTF-8 on --json input" 2 \
  "dlqcat: error: $WORK/utf8.jsonl:1: \"topic\": not UTF-8" \
  "$D" produce -q -b "$B" --json -l "$WORK/utf8.jsonl"
printf '{"value":"x","extra":%s%s}\n' "$(printf '[%.0s' $(seq 1 1200))" "$(printf ']%.0s' $(seq 1 1200))" >"$WORK/deep.jsonl"
row "JSON nested deeper than 1000 levels on --json input" 2 \
  "dlqcat: error: $WORK/deep.jsonl:1: invalid JSON at column 1021: nested deeper than 1000 levels" \
  "$D" produce -q -b "$B" -t utf8 --json -l "$WORK/deep.jsonl"
expect_equal "$(records_in utf8)" 0 "records written"
row_sh "invalid JSON on inspect-headers' stdin" 2 \
  "dlqcat: error: stdin:2: invalid JSON at column 10: unexpected end of input" \
  "printf '{\"value\":\"ok\"}\n{\"value\":\n' | '$D' inspect-headers - >/dev/null"

TEST "a record larger than message.max.bytes: the one before it is delivered, that one is counted failed"
{ echo small; head -c 1100000 /dev/zero | tr '\0' a; echo; } >"$WORK/big.txt"
expect_exit 1 "$D" produce -b "$B" -t big -l "$WORK/big.txt"
expect_equal "$(cat "$WORK/err")" "1 delivered, 1 failed
dlqcat: error: 1 of 2 records not delivered: Broker: Message size too large"
expect_equal "$(records_in big)" 1 "records written"
ROWS=$((ROWS + 1))

# --- Dead letters that are damaged or huge ---------------------------------------------------
TEST "truncated binary ints in Spring headers are shown as malformed, with their bytes; the rest decodes"
"$PY" - "$WORK/spring.json" <<'PY'
import json, sys
json.dump([{"key": "6f2d31", "value": "7b7d", "headers": [
    ["kafka_dlt-original-topic", "6f7264657273"],
    ["kafka_dlt-original-partition", "000002"],
    ["kafka_dlt-original-offset", "0000002a"],
    ["kafka_dlt-exception-fqcn", "6a6176612e6c616e672e496c6c6567616c5374617465457863657074696f6e"]]}], open(sys.argv[1], "w"))
PY
"$PY" "$E2E_DIR/peer.py" produce-raw "$B" spring-dlt "$WORK/spring.json"
expect_exit 0 "$D" inspect-headers -b "$B" -t spring-dlt
out=$(cat "$WORK/out")
expect_contains "$out" "kafka_dlt-original-partition = 000002"
expect_contains "$out" "kafka_dlt-original-offset = 0000002a"
expect_contains "$out" "malformed"
expect_contains "$out" "kafka_dlt-original-topic = orders"
expect_contains "$out" "kafka_dlt-exception-fqcn = java.lang.IllegalStateException"
ROWS=$((ROWS + 1))

TEST "a 1 MiB stack-trace header: folded in the human output, whole in -J --stacktrace"
"$PY" - "$WORK/trace.jsonl" <<'PY'
import json, sys
trace = "java.lang.IllegalStateException: boom\n" + "\tat com.example.Deep.call(Deep.java:1)\n" * 27000
assert len(trace) >= 1 << 20
json.dump({"key": "k", "value": "v", "headers": [
    {"name": "__connect.errors.topic", "value": "orders"},
    {"name": "__connect.errors.exception.class.name", "value": "java.lang.IllegalStateException"},
    {"name": "__connect.errors.exception.stacktrace", "value": trace}]}, open(sys.argv[1], "w"))
PY
expect_exit 0 "$D" produce -q -b "$B" -t traces --json -X message.max.bytes=4000000 -l "$WORK/trace.jsonl"
expect_exit 0 "$D" consume-dlq -b "$B" -t traces -e
[ "$(wc -l <"$WORK/out")" -lt 40 ] || fail "human output not folded: $(wc -l <"$WORK/out") lines"
expect_exit 0 "$D" consume-dlq -b "$B" -t traces -e -J --stacktrace
expect_equal "$(wc -l <"$WORK/out")" 1 "JSON lines"
[ "$(jq -r '.error.exception.stacktrace | length' "$WORK/out")" -ge 1048576 ] || fail "stack trace cut in -J"
expect_exit 0 "$D" consume-dlq -b "$B" -t traces -e -J
expect_equal "$(jq -r '.error.exception | has("stacktrace")' "$WORK/out")" false "-J without --stacktrace"
[ "$(jq -r '.headers[2].value | length' "$WORK/out")" -ge 1048576 ] || fail "stack-trace header cut in -J"
ROWS=$((ROWS + 1))

# --- Replay's targets ----------------------------------------------------------------------------
TEST "replay of a record with no original topic and no --to: skipped with its reason, never dropped silently"
echo plain | "$D" produce -q -b "$B" -t dlq
expect_exit 0 "$D" replay -b "$B" -t dlq -e -G replay-noorigin -X session.timeout.ms=6000
expect_equal "$(cat "$WORK/err")" \
  "1 read: 0 replayed, 0 parked, 1 skipped, 0 failed, 0 filtered out; skipped 1: no original topic in its headers and no --to"
expect_equal "$(records_in dlq)" 1 "records still in the DLQ"
ROWS=$((ROWS + 1))

TEST "replay to a target topic that does not exist: exit 1, the DLQ offset is not committed"
echo x | "$D" produce -q -b "$B" -t dlq-gone --dialect spring --original gone:0@1 --error-class java.lang.IllegalStateException
broker_command topic-error gone 3
expect_error 1 'dlqcat: error: topic "gone": Broker: Unknown topic or partition' \
  "$D" replay -b "$B" -t dlq-gone -e -G replay-gone -X session.timeout.ms=6000
expect_equal "$(committed replay-gone dlq-gone)" "0:-1001 1:-1001 2:-1001 3:-1001 " "committed offsets"
broker_command topic-error gone 0
ROWS=$((ROWS + 1))

# --- Output that goes away --------------------------------------------------------------------------
TEST "output piped into head: clean exit 0, committed offsets cover only what was written"
# 2 KB records: far more than a pipe holds, so that dlqcat is still writing when head exits.
for i in $(seq 1 300); do printf '%s-%02000d\n' "$i" 0; done | "$D" produce -q -b "$B" -t many
set +o pipefail
"$D" consume-dlq -b "$B" -t many -G readers -e -f '%s\n' -X session.timeout.ms=6000 2>"$WORK/head.err" | head -n 1 >/dev/null
code=${PIPESTATUS[0]}
set -o pipefail
expect_equal "$code" 0 "exit code under SIGPIPE"
expect_equal "$(cat "$WORK/head.err")" "" "stderr"
done_count=$(committed readers many | tr ' ' '\n' | awk -F: '$2 > 0 {n += $2} END {print n + 0}')
[ "$done_count" -lt 300 ] || fail "committed all 300 records, though head read one"
rest=$("$D" consume-dlq -b "$B" -t many -G readers -e -f '%s\n' -X session.timeout.ms=6000 | wc -l)
expect_equal "$((done_count + rest))" 300 "records committed by the first run + read by the second"
ROWS=$((ROWS + 1))

# --- Issue 16: the command line and input. Records and scenarios are in test_hostile_input.bash.
row "16.1 an invalid --exception pattern is a usage error quoting RE2" 2 \
  'dlqcat: error: --exception: invalid regular expression "(": missing ): (' "$D" consume-dlq -b "$B" -t longmsg -e --exception '('

# 16.6: a write that fails is exit 1; the reader going away is not.
row "16.6 --help into /dev/full" 1 'dlqcat: error: write to stdout: No space left on device' sh -c "'$D' --help >/dev/full"
row "16.6 --version into /dev/full" 1 'dlqcat: error: write to stdout: No space left on device' sh -c "'$D' --version >/dev/full"
row "16.6 consume-dlq into /dev/full" 1 'dlqcat: error: write to stdout: No space left on device' \
  sh -c "'$D' consume-dlq -b '$B' -t many -e >/dev/full"
# 16.8 (the command-line and input parts; replay's counter options are issue 15's)
row_sh "16.8 produce -p -7" 2 'dlqcat: error: --partition: invalid partition -7 (expected N >= 0, or -1 for the partitioner)' \
  "echo x | '$D' produce -b '$B' -t t-neg -p -7"
printf '{"value":"a"}\n{"value":"b","partition":-5}\n' >"$WORK/negp.jsonl"
row "16.8 a JSON line with partition -5" 2 \
  "dlqcat: error: $WORK/negp.jsonl:2: \"partition\": -5 is out of range (a partition is 0 or more; -1 or null: the partitioner's choice)" \
  "$D" produce -q -b "$B" -t t-neg --json -l "$WORK/negp.jsonl"
printf '{"value":"c","timestamp":-5}\n' >"$WORK/negts.jsonl"
row "16.8 a JSON line with timestamp -5" 2 \
  "dlqcat: error: $WORK/negts.jsonl:1: \"timestamp\": -5 is out of range (milliseconds since the epoch; -1 or null: none)" \
  "$D" produce -q -b "$B" -t t-neg --json -l "$WORK/negts.jsonl"
expect_equal "$(kcat -b "$B" -C -t t-neg -e -q -f '%s\n' 2>/dev/null)" "a" "records written (only the line before the bad one)"
row "16.8 --rate nan" 2 'dlqcat: error: --rate: expected a number, got nan' "$D" replay -b "$B" -t dlq -e --rate nan
row "16.8 compact-fix --timeout nan" 2 'dlqcat: error: --timeout: expected a number, got nan' \
  "$D" compact-fix -b "$B" -t t -G g --key 1 --timeout nan
row "16.8 -c -1" 2 'dlqcat: error: --count: expected a count (0 or more), got -1' "$D" consume-dlq -b "$B" -t t -e -c -1
row "16.8 -F DIRECTORY" 2 "dlqcat: error: -F: \"$WORK\" is a directory, not a properties file" \
  "$D" consume-dlq -b "$B" -t t -e -F "$WORK"
mkdir -p "$WORK/adir"
row_sh "16.8 a directory as a produce file" 2 "dlqcat: error: \"$WORK/adir\" is a directory, not a file" \
  "'$D' produce -q -b '$B' -t t-dir '$WORK/adir'"
row_sh "16.8 a directory as -l" 2 "dlqcat: error: -l: \"$WORK/adir\" is a directory, not a file" \
  "'$D' produce -q -b '$B' -t t-dir -l '$WORK/adir'"
expect_equal "$(records_in t-dir)" 0 "records written"

# 16.16, the smaller ones
row "16.16 an unknown command" 2 \
  'dlqcat: error: unknown command "bogus" (expected produce, consume-dlq, inspect-headers, ls, replay, park, compact-fix, broker, demo, completions)' \
  "$D" bogus
row "16.16 an unknown command after global options" 2 \
  'dlqcat: error: unknown command "bogus" (expected produce, consume-dlq, inspect-headers, ls, replay, park, compact-fix, broker, demo, completions)' \
  "$D" -b "$B" --color never bogus -t x
row_sh "16.16 inspect-headers -t TOPIC -" 2 'dlqcat: error: -: cannot be combined with -t' \
  "echo '{}' | '$D' inspect-headers -b '$B' -t dlq -"
row_sh "16.16 -H =value" 2 'dlqcat: error: -H: expected name=value or name, got "=***"' "echo x | '$D' produce -b '$B' -t nullh -H =value"


TEST "the table has at least 40 rows"
[ "$ROWS" -ge 40 ] || fail "only $ROWS rows"
