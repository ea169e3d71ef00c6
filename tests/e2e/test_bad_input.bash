# Bad input gives one clear line on stderr and the documented exit code (README "Exit status").
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
start_broker --topic t:2

TEST "unknown -f token"
expect_error 2 'dlqcat: error: -f: unsupported formatter "%Q"' "$DLQCAT" consume-dlq -b "$BROKERS" -t t -e -f '%Q'

TEST "empty -f"
expect_error 2 'dlqcat: error: -f: empty format string' "$DLQCAT" consume-dlq -b "$BROKERS" -t t -e -f ''

TEST "bad -o"
expect_error 2 'dlqcat: error: -o: invalid offset "foo" (expected beginning, end, stored, N, -N, s@MS, e@MS)' \
  "$DLQCAT" consume-dlq -b "$BROKERS" -t t -o foo

TEST "-o stored without a group"
expect_error 2 'dlqcat: error: -o stored: needs a consumer group (-G)' "$DLQCAT" consume-dlq -b "$BROKERS" -t t -o stored

TEST "missing -t"
expect_error 2 'dlqcat: error: -t,--topic is required' "$DLQCAT" consume-dlq -b "$BROKERS" -e
expect_error 2 'dlqcat: error: -t,--topic is required' "$DLQCAT" produce -b "$BROKERS"

TEST "no subcommand, unknown option"
expect_exit 2 "$DLQCAT"
expect_equal "$(wc -l <"$WORK/err")" "1" "stderr lines"
expect_exit 2 "$DLQCAT" consume-dlq -t t --no-such-option
expect_equal "$(wc -l <"$WORK/err")" "1" "stderr lines"

TEST "no broker anywhere"
expect_error 2 'dlqcat: error: no broker given: use -b BROKERS, $DLQCAT_BROKERS or bootstrap.servers in the config file' \
  env -u DLQCAT_BROKERS HOME="$WORK" "$DLQCAT" consume-dlq -t t -e

TEST "unreachable broker fails within the timeout"
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$(date +%s)
expect_error 1 "dlqcat: error: cannot reach any broker of 127.0.0.1:$port" \
  timeout 30 "$DLQCAT" consume-dlq -b "127.0.0.1:$port" -t t -e
[ $(($(date +%s) - start)) -lt 15 ] || fail "took longer than the 10 s connect timeout"
expect_error 1 "dlqcat: error: cannot reach any broker of 127.0.0.1:$port" \
  timeout 30 sh -c "echo x | '$DLQCAT' produce -b 127.0.0.1:$port -t t"

TEST "bad -X property and -X without ="
expect_error 2 'dlqcat: error: -X: No such configuration property: "no.such.property"' \
  "$DLQCAT" consume-dlq -b "$BROKERS" -X no.such.property=1 -t t -e
expect_error 2 'dlqcat: error: -X: expected name=value, got "fetch.wait.max.ms"' \
  "$DLQCAT" consume-dlq -b "$BROKERS" -X fetch.wait.max.ms -t t -e

TEST "a secret in a bad -X value is never echoed"
expect_exit 2 "$DLQCAT" consume-dlq -b "$BROKERS" -X sasl.password=hunter2 -X security.protocol=bogus -t t -e
if grep -q hunter2 "$WORK/err"; then fail "secret echoed: $(cat "$WORK/err")"; fi

TEST "-H without ="
expect_error 2 'dlqcat: error: -H: expected name=value, got "novalue"' \
  sh -c "echo x | '$DLQCAT' produce -b '$BROKERS' -t t -H novalue"

TEST "partition out of range"
expect_error 2 'dlqcat: error: -p: partition 5 out of range (topic "t" has 2 partitions)' \
  sh -c "echo x | '$DLQCAT' produce -b '$BROKERS' -t t -p 5"

TEST "invalid JSON line: records before it are delivered, the error names the line"
topic=$(unique_topic badjson)
printf '{"value":"ok"}\n{"value":\n{"value":"never"}\n' >"$WORK/bad.jsonl"
expect_exit 2 "$DLQCAT" produce -b "$BROKERS" -t "$topic" --json -l "$WORK/bad.jsonl"
expect_contains "$(cat "$WORK/err")" "1 delivered, 0 failed"
expect_contains "$(cat "$WORK/err")" "dlqcat: error: $WORK/bad.jsonl:2: invalid JSON:"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$topic" -e -f '%s\n')" "ok"

TEST "invalid UTF-8 inside a JSON string"
printf '{"value":"\xff"}\n' >"$WORK/utf8.jsonl"
expect_exit 2 "$DLQCAT" produce -q -b "$BROKERS" -t t --json -l "$WORK/utf8.jsonl"
expect_contains "$(cat "$WORK/err")" "dlqcat: error: $WORK/utf8.jsonl:1: invalid JSON:"

TEST "a bad delimiter names its option"
expect_error 2 'dlqcat: error: -D: invalid delimiter "\x"' sh -c "echo x | '$DLQCAT' produce -b '$BROKERS' -t t -D '\x'"
expect_error 2 'dlqcat: error: -K: invalid delimiter ""' sh -c "echo x | '$DLQCAT' produce -b '$BROKERS' -t t -K ''"
