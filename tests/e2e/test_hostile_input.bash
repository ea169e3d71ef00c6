# Issue 16, hostile input: dead letters that carry what breaks tools (50 KB exception messages,
# JSON nested 100k deep, escape sequences, binary headers), output that fails or stalls, signals,
# and settings that would lose records. Each scenario is a row: the command, its exact output or
# one-line error and exit code, and what must hold afterwards. Records come from
# python3-confluent-kafka (peer.py produce-raw, bytes in hex) or kcat, never from dlqcat itself.
# The command-line rows of the issue are in test_bad_inputs.bash.
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_kcat
require_python_kafka
start_controlled_broker --topic many:3

D=$DLQCAT
B=$BROKERS
# 2 KB records: far more than a pipe holds, so that dlqcat is still writing when its reader
# stops reading or goes away.
for i in $(seq 1 300); do printf '%s-%02000d\n' "$i" 0; done | kcat -P -b "$B" -t many 2>/dev/null

hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# raw_records TOPIC PYTHON: PYTHON prints the JSON list produce-raw takes (use h() for hex).
raw_records() {
  local topic=$1
  "$PY" - >"$WORK/raw.json" <<PY
import json, binascii
def h(b): return None if b is None else binascii.hexlify(b if isinstance(b, bytes) else b.encode()).decode()
$2
PY
  "$PY" "$E2E_DIR/peer.py" produce-raw "$B" "$topic" "$WORK/raw.json"
}
# 16.1: a 50 KB exception message (and 20 KB of "ab") with Connect's headers; the class matches
# none of the patterns below, so that each is searched through the long message.
raw_records longmsg '
msg = "java.lang.IllegalStateException: " + "x" * 50000
ab = "ab" * 10000
def rec(key, message):
    return {"key": h(key), "value": h("{}"), "headers": [
        ["__connect.errors.topic", h("orders")],
        ["__connect.errors.exception.class.name", h("org.example.Boom")],
        ["__connect.errors.exception.message", h(message)]]}
print(json.dumps([rec("long", msg), rec("ab", ab)]))'
TEST "16.1 --exception on a 50 KB message and '(a|b)*c' on 20 KB: matched in linear time, no stack overflow"
expect_exit 0 "$D" consume-dlq -b "$B" -t longmsg -e --exception '.*Exception' -f '%k\n'
expect_equal "$(cat "$WORK/out")" "long"
expect_exit 0 "$D" consume-dlq -b "$B" -t longmsg -e --exception '(a|b)*c' -f '%k\n'
expect_equal "$(cat "$WORK/out")" "long" "records matching (a|b)*c"
expect_exit 0 "$D" consume-dlq -b "$B" -t longmsg -e --exception '^(ab)+$' -f '%k\n'
expect_equal "$(cat "$WORK/out")" "ab"
expect_exit 0 "$D" inspect-headers -b "$B" -t longmsg --exception '.*Exception' --summary -J
expect_equal "$(jq -r '.records' "$WORK/out")" 1 "records in the summary from Kafka"
"$D" consume-dlq -b "$B" -t longmsg -e -J >"$WORK/longmsg.jsonl"
expect_exit 3 sh -c "'$D' inspect-headers - --exception '(a|b)*x' --fail-if-any <'$WORK/longmsg.jsonl' >/dev/null"
expect_exit 0 "$D" replay -b "$B" -t longmsg -e -G replay-longmsg -X session.timeout.ms=6000 --exception '.*Exception' --to longmsg-out
expect_equal "$(records_in longmsg-out)" 1 "records replayed"
expect_exit 0 "$D" park -b "$B" -t longmsg -e -G park-longmsg -X session.timeout.ms=6000 --exception '(a|b)*b$'
expect_equal "$(records_in longmsg.parking-lot)" 1 "records parked"
ROWS=$((ROWS + 1))

TEST "16.2 replay --unwrap of an envelope whose input_json nests 100k deep: skipped with its reason"
raw_records deepenv '
value = "{\"input_json\": " + "[" * 100000 + "]" * 100000 + ", \"error_message\": \"boom\", \"topic\": \"orders\"}"
print(json.dumps([{"key": h("k"), "value": h(value)}]))'
expect_exit 0 "$D" replay -b "$B" -t deepenv -e -G replay-deepenv -X session.timeout.ms=6000 --unwrap --to deepenv-out
expect_equal "$(cat "$WORK/err")" \
  "1 read: 0 replayed, 0 parked, 1 skipped, 0 failed, 0 filtered out; skipped 1: --unwrap: the envelope's JSON nests deeper than 1000 levels"
expect_equal "$(records_in deepenv-out)" 0 "records replayed"
expect_equal "$(records_in deepenv)" 1 "records still in the DLQ"
ROWS=$((ROWS + 1))

TEST "16.4 replay, park and compact-fix refuse acks other than all and idempotence off (-X and -F)"
echo x | "$D" produce -q -b "$B" -t acks-dlq --dialect spring --original acks-out:0@1 --error-class java.lang.IllegalStateException
expect_error 2 'dlqcat: error: acks=0: replay needs acks=all (-1): it counts a record as delivered, and commits its source offset, only once every in-sync replica has it' \
  "$D" replay -b "$B" -t acks-dlq -e -G replay-acks -X session.timeout.ms=6000 -X acks=0 -X enable.idempotence=false
printf 'enable.idempotence=false\n' >"$WORK/shared.properties"
expect_error 2 'dlqcat: error: enable.idempotence=false: replay needs the idempotent producer, so that a retried record is written once and in order' \
  "$D" replay -b "$B" -t acks-dlq -e -G replay-acks -X session.timeout.ms=6000 -F "$WORK/shared.properties"
expect_error 2 'dlqcat: error: request.required.acks=1: park needs acks=all (-1): it counts a record as delivered, and commits its source offset, only once every in-sync replica has it' \
  "$D" park -b "$B" -t acks-dlq -e -G park-acks --min-attempts 0 -X request.required.acks=1
expect_error 2 'dlqcat: error: acks=1: compact-fix needs acks=all (-1): it counts a record as delivered, and commits its source offset, only once every in-sync replica has it' \
  "$D" compact-fix -b "$B" -t acks-dlq -G g --partition 0 --offset 0 --strategy skip --value x -X acks=1
expect_equal "$(records_in acks-out)" 0 "records replayed"
expect_equal "$(committed replay-acks acks-dlq)" "0:-1001 1:-1001 2:-1001 3:-1001 " "committed offsets"
# The same run with acks=all and produce errors injected: nothing is counted replayed that was not.
broker_command produce-errors 20 19 # NOT_ENOUGH_REPLICAS, retriable: retried until acknowledged
expect_exit 0 "$D" replay -b "$B" -t acks-dlq -e -G replay-acks -X session.timeout.ms=6000 -X acks=all
expect_equal "$(records_in acks-out)" 1 "records replayed once acknowledged"
ROWS=$((ROWS + 1))

TEST "16.5 inspect-headers --fail-if-any | head -1: the gate is 3, whatever the reader did"
set +o pipefail
"$D" inspect-headers -b "$B" -t many --fail-if-any 2>"$WORK/gate.err" | head -n 1 >/dev/null
code=${PIPESTATUS[0]}
"$D" consume-dlq -b "$B" -t many -e -J | "$D" inspect-headers - --fail-if-any 2>>"$WORK/gate.err" | head -n 1 >/dev/null
code_stdin=${PIPESTATUS[1]}
set -o pipefail
expect_equal "$code" 3 "exit code of the gate from Kafka"
expect_equal "$code_stdin" 3 "exit code of the gate from stdin"
expect_equal "$(cat "$WORK/gate.err")" "" "stderr"
ROWS=$((ROWS + 1))

TEST "16.6 replay --dry-run into /dev/full, --summary-json /dev/full: exit 1 after the rest was done"
expect_exit 1 sh -c "'$D' replay -b '$B' -t acks-dlq -e -G replay-full -X session.timeout.ms=6000 --dry-run --summary-json '$WORK/s.json' >/dev/full"
expect_equal "$(cat "$WORK/err")" "dry run: 1 read: 1 replayed, 0 parked, 0 skipped, 0 failed, 0 filtered out
dlqcat: error: write to stdout: No space left on device"
expect_equal "$(jq -r '.dry_run' "$WORK/s.json")" true "--summary-json written all the same"
expect_error 1 'dlqcat: error: --summary-json: cannot write "/dev/full": No space left on device' \
  "$D" replay -q -b "$B" -t acks-dlq -e -G replay-full -X session.timeout.ms=6000 --dry-run --summary-json /dev/full
set +o pipefail
"$D" --help | head -c 10 >/dev/null
help_code=${PIPESTATUS[0]}
set -o pipefail
expect_equal "$help_code" 0 "--help into a reader that went away"
ROWS=$((ROWS + 1))

TEST "16.9 SIGTERM and SIGINT while a stalled reader holds stdout: exit 130, what was written is committed"
# A reader that opens the pipe and never reads: dlqcat fills it and waits.
stalled_run() { # stalled_run SIGNAL GROUP: runs consume-dlq into the stalled pipe, signals it once blocked
  local signal=$1 group=$2
  rm -f "$WORK/stall"
  mkfifo "$WORK/stall"
  sleep 300 <"$WORK/stall" &
  local reader=$!
  "$D" consume-dlq -b "$B" -t many -G "$group" -e -f '%s\n' -X session.timeout.ms=6000 >"$WORK/stall" 2>"$WORK/stall.err" &
  local pid=$! i state=
  for i in $(seq 1 300); do # until the main thread waits on the full pipe (pipe_write) or polls it
    state=$(cat "/proc/$pid/wchan" 2>/dev/null || true)
    case $state in *pipe_write | do_sys_poll | poll_schedule_timeout*) break ;; esac
    sleep 0.1
  done
  kill "-$signal" "$pid"
  # A bound, not a measurement: a dlqcat that ignores the signal is still blocked after it.
  ( sleep 30; kill -9 "$pid" 2>/dev/null ) &
  local guard=$!
  STALL_CODE=0
  wait "$pid" || STALL_CODE=$?
  kill "$guard" "$reader" 2>/dev/null || true
  wait "$guard" "$reader" 2>/dev/null || true
  STALL_STATE=$state
}
stalled_run TERM stalled-term
expect_equal "$STALL_CODE" 130 "exit code after SIGTERM (blocked in $STALL_STATE)"
expect_equal "$(cat "$WORK/stall.err")" "dlqcat: error: interrupted"
done_count=$(committed stalled-term many | tr ' ' '\n' | awk -F: '$2 > 0 {n += $2} END {print n + 0}')
[ "$done_count" -lt 300 ] || fail "committed all 300 records, though the reader took none"
stalled_run INT stalled-int
expect_equal "$STALL_CODE" 130 "exit code after SIGINT (blocked in $STALL_STATE)"
ROWS=$((ROWS + 1))

TEST "16.13 a closed stderr pipe never aborts: produce 2>&1 | true, demo 2>&1 | head"
set +o pipefail
seq 10 | "$D" produce -b "$B" -t pp 2>&1 | true
produce_code=${PIPESTATUS[1]}
"$D" demo 2>&1 | head -n 1 >/dev/null
demo_code=${PIPESTATUS[0]}
set -o pipefail
expect_equal "$produce_code" 0 "produce's exit code"
expect_equal "$(records_in pp)" 10 "records delivered"
expect_equal "$demo_code" 0 "demo's exit code"
ROWS=$((ROWS + 1))

TEST "16.10 a Connect REST server answering 200 with more than 4 MiB: one-line error, exit 1, bounded memory"
echo "poison" | kcat -P -b "$B" -t sinktopic -p 0 2>/dev/null
# huge: 5 MiB of spaces then {}; deep: 1 MiB of '[' (under the bound, nested past any JSON limit).
"$PY" - "$WORK/http.port" <<'PY' &
import http.server, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        body = (b" " * (5 << 20) + b"{}") if "huge" in self.path else b"[" * (1 << 20)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if "chunked" not in self.path:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
HTTP_PID=$!
for i in $(seq 1 100); do [ -s "$WORK/http.port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$WORK/http.port")"
for connector in huge huge-chunked; do
  expect_error 1 "dlqcat: error: GET $url/connectors/$connector/status: the response is larger than 4 MiB, which no Kafka Connect answer is" \
    "$D" compact-fix -b "$B" -t sinktopic -G "sink-$connector" --partition 0 --offset 0 --strategy skip --value x --dry-run \
    --connect "$url" --connector "$connector"
done
expect_error 1 "dlqcat: error: Kafka Connect answered a status that is not a connector status" \
  "$D" compact-fix -b "$B" -t sinktopic -G sink-deep --partition 0 --offset 0 --strategy skip --value x --dry-run \
  --connect "$url" --connector deep
kill "$HTTP_PID" 2>/dev/null || true
wait "$HTTP_PID" 2>/dev/null || true
ROWS=$((ROWS + 1))

# 16.12: untrusted bytes on a terminal. The original topic, key, value, a header name and value,
# the exception class and message carry ESC[2J, an OSC title, CR, NUL and a C1 CSI (as UTF-8);
# a binary key and header value add a byte that is not UTF-8.
EVIL_TEXT_HEX=411b5b324a1b5d303b70776e656407420d430044c29b45
EVIL_BIN_HEX=${EVIL_TEXT_HEX}ff46
EVIL_SHOWN='A\x1B[2J\x1B]0;pwned\x07B\rC\x00D\u009BE'
raw_records evil '
text = b"A\x1b[2J\x1b]0;pwned\x07B\rC\x00D\xc2\x9bE"
binary = text + b"\xffF"
print(json.dumps([
  {"key": h(text), "value": h(b"v" + text), "headers": [
    ["__connect.errors.topic", h(b"orders" + text)],
    ["__connect.errors.exception.class.name", h(b"Evil" + text)],
    ["__connect.errors.exception.message", h(b"msg" + text + b"\nsecond line")],
    ["hdr\x1b[31m", h(binary)]]},
  {"key": h(binary), "value": h("v")}]))'
# no_raw_controls FILE: nothing a terminal acts on, but the newlines between lines.
no_raw_controls() {
  if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]\\|\xc2[\x80-\x9f]' "$1"; then
    fail "raw control bytes in [$(LC_ALL=C grep -m 3 $'[\x01-\x09\x0b-\x1f\x7f]\\|\xc2[\x80-\x9f]' "$1" | od -c | head -n 5)]"
  fi
  if [ "$(tr -d -c '\000' <"$1" | wc -c)" != 0 ]; then
    fail "a raw NUL byte in the output"
  fi
}
TEST "16.12 consume-dlq's blocks, inspect-headers, --summary and the dry-run plan escape every control byte"
expect_exit 0 "$D" consume-dlq -b "$B" -t evil -e --color never
no_raw_controls "$WORK/out"
out=$(cat "$WORK/out")
expect_contains "$out" "key:     $EVIL_SHOWN"
expect_contains "$out" "key:     (binary, 25 bytes) $EVIL_BIN_HEX"
expect_contains "$out" "value:   v$EVIL_SHOWN"
expect_contains "$out" "error:   Evil$EVIL_SHOWN: msg$EVIL_SHOWN\\nsecond line (connect)"
expect_contains "$out" "origin:  orders$EVIL_SHOWN"
expect_exit 0 "$D" inspect-headers -b "$B" -t evil
no_raw_controls "$WORK/out"
expect_contains "$(cat "$WORK/out")" "hdr\\x1B[31m = $EVIL_BIN_HEX (binary)"
expect_contains "$(cat "$WORK/out")" "__connect.errors.topic = orders$EVIL_SHOWN (utf8, connect)"
expect_exit 0 "$D" inspect-headers -b "$B" -t evil --summary
no_raw_controls "$WORK/out"
expect_contains "$(cat "$WORK/out")" "orders$EVIL_SHOWN"
expect_contains "$(cat "$WORK/out")" "Evil$EVIL_SHOWN"
expect_exit 0 "$D" replay -b "$B" -t evil -e -G replay-evil -X session.timeout.ms=6000 --dry-run --to evil-out
no_raw_controls "$WORK/out"
expect_contains "$(cat "$WORK/out")" "Evil$EVIL_SHOWN"
TEST "16.12 -f keeps kcat's raw bytes, -J stays lossless"
"$D" consume-dlq -b "$B" -t evil -e -f '%k\n' >"$WORK/raw.key"
expect_equal "$(od -An -tx1 "$WORK/raw.key" | tr -d ' \n')" "${EVIL_TEXT_HEX}0a${EVIL_BIN_HEX}0a" "-f %k bytes"
"$D" consume-dlq -b "$B" -t evil -e -J >"$WORK/evil.json"
expect_equal "$(jq -r 'select(.key | type == "object") | .key.base64' "$WORK/evil.json" | base64 -d | od -An -tx1 | tr -d ' \n')" \
  "$EVIL_BIN_HEX" "-J binary key bytes"
expect_equal "$(jq -j 'select(.key | type == "string") | .key' "$WORK/evil.json" | od -An -tx1 | tr -d ' \n')" \
  "$EVIL_TEXT_HEX" "-J text key bytes"
ROWS=$((ROWS + 1))

TEST "16.14 kcat -J of Spring and SCSt DLTs with binary headers, piped into inspect-headers -"
raw_records spring-bin '
import struct
print(json.dumps([
  {"key": h("k1"), "value": h("{}"), "headers": [
    ["kafka_dlt-original-topic", h("orders")],
    ["kafka_dlt-original-partition", h(struct.pack(">i", 2))],
    ["kafka_dlt-original-offset", h(struct.pack(">q", 42))],
    ["kafka_dlt-original-timestamp", h(struct.pack(">q", 1700000000000))],
    ["kafka_dlt-exception-fqcn", h("org.springframework.kafka.listener.ListenerExecutionFailedException")],
    ["kafka_dlt-exception-cause-fqcn", h("java.lang.IllegalStateException")]]},
  {"key": h(b"\xac\xed\x00\x05"), "value": h("v"), "headers": [
    ["x-original-topic", h("so8400out")],
    ["x-original-partition", h(struct.pack(">i", 0))],
    ["x-original-offset", h(struct.pack(">q", 7))],
    ["x-exception-fqcn", h("java.lang.RuntimeException")]]}]))'
kcat -C -b "$B" -t spring-bin -e -q -J >"$WORK/kcat-bin.jsonl"
LC_ALL=C grep -q $'\xac' "$WORK/kcat-bin.jsonl" || fail "kcat did not write the binary bytes raw (nothing to test)"
expect_exit 0 sh -c "'$D' inspect-headers - <'$WORK/kcat-bin.jsonl'"
out=$(cat "$WORK/out")
expect_contains "$out" "kafka_dlt-original-offset = 42 (int64, spring)"
expect_contains "$out" "kafka_dlt-original-partition = 2 (int32, spring)"
expect_contains "$out" "x-original-offset = 7 (int64, scst)"
expect_equal "$("$D" inspect-headers - --summary -J <"$WORK/kcat-bin.jsonl" | jq -c '[.records, .undecoded]')" "[2,0]"
expect_equal "$("$D" inspect-headers -b "$B" -t spring-bin --summary -J | jq -c '.groups')" \
  "$("$D" inspect-headers - --summary -J <"$WORK/kcat-bin.jsonl" | jq -c '.groups')" "summary from Kafka and from kcat"
ROWS=$((ROWS + 1))

TEST "16.15 inspect-headers -J: a null header is JSON null, decoded integers are JSON numbers beside the raw bytes"
raw_records typed '
import struct
print(json.dumps([{"key": h("k"), "value": h("v"), "headers": [
    ["kafka_dlt-original-offset", h(struct.pack(">q", 42))],
    ["kafka_dlt-original-partition", h(struct.pack(">i", 3))],
    ["__connect.errors.partition", h("5")],
    ["nullvalue", None]]}]))'
expect_exit 0 "$D" inspect-headers -b "$B" -t typed -J
out=$(cat "$WORK/out")
expect_equal "$(echo "$out" | jq -c '[.headers[] | [.name, .type, .value, .raw]]')" \
  '[["kafka_dlt-original-offset","int64",42,"\u0000\u0000\u0000\u0000\u0000\u0000\u0000*"],["kafka_dlt-original-partition","int32",3,"\u0000\u0000\u0000\u0003"],["__connect.errors.partition","dec",5,"5"],["nullvalue","null",null,null]]'
ROWS=$((ROWS + 1))

TEST "16.16 --color always beats NO_COLOR, in the demo's commands too"
NO_COLOR=1 "$D" --color always demo >"$WORK/demo.out" 2>&1
grep -q $'\x1b\\[31m' "$WORK/demo.out" || fail "no colour in the demo with --color always"
NO_COLOR=1 "$D" demo >"$WORK/demo.out" 2>&1
grep -q $'\x1b' "$WORK/demo.out" && fail "colour through a pipe without --color always"
ROWS=$((ROWS + 1))
TEST "16.16 an empty file given to produce is skipped, as kcat does"
: >"$WORK/empty.txt"
printf 'full' >"$WORK/full.txt"
expect_exit 0 "$D" produce -b "$B" -t files "$WORK/empty.txt" "$WORK/full.txt"
expect_equal "$(cat "$WORK/err")" "1 delivered, 0 failed"
expect_equal "$(kcat -b "$B" -C -t files -e -q -f '[%s]\n' 2>/dev/null)" "[full]" "records"
ROWS=$((ROWS + 1))
TEST "16.16 -H name without = is a header with a null value, as kcat's"
echo x | "$D" produce -q -b "$B" -t nullh -H nothing -H some=thing
"$PY" "$E2E_DIR/peer.py" dump "$B" nullh >"$WORK/nullh.json"
expect_equal "$(jq -c '.headers' "$WORK/nullh.json")" "[[\"nothing\",null],[\"some\",\"$(hexof thing)\"]]"
ROWS=$((ROWS + 1))
TEST "every scenario ran"
[ "$ROWS" -ge 14 ] || fail "only $ROWS scenarios"
