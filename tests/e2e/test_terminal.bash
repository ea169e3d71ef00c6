# Terminal behaviour: colour only on a terminal (--color auto), or when asked (always), never
# with NO_COLOR or never; progress lines only on a terminal; nothing decorative through a pipe.
# `script` (util-linux) gives the command a real pseudo-terminal.
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require "script (util-linux)" command -v script
start_broker --topic dlq:1 --topic person:1

echo '3,{"id":3,"name":"Invalid"' | "$DLQCAT" produce -q -b "$BROKERS" -t dlq -K , --dialect connect \
  --original person:0@9 --stage VALUE_CONVERTER --error-class org.apache.kafka.connect.errors.DataException \
  --error-message 'Converting byte[] failed'

esc=$'\x1b'
expect_plain() {
  if [[ $1 == *"$esc"* ]]; then
    fail "escape sequences in [$1]"
  fi
}
# on_tty COMMAND...: runs it with stdin, stdout and stderr on a pseudo-terminal; prints what it wrote.
on_tty() {
  local line
  printf -v line '%q ' "$@"
  script -qec "$line" /dev/null </dev/null
}

TEST "a pipe gets no colour from consume-dlq and inspect-headers (--color auto)"
out=$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e)
expect_contains "$out" "error:   org.apache.kafka.connect.errors.DataException: Converting byte[] failed (connect)"
expect_plain "$out"
out=$("$DLQCAT" inspect-headers -b "$BROKERS" -t dlq)
expect_contains "$out" "dlq [0] @ 0  (connect)"
expect_plain "$out"

TEST "a terminal gets colour: bold record line, red exception"
out=$(on_tty "$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e)
expect_contains "$out" "${esc}[1mdlq [0] @ 0${esc}[0m"
expect_contains "$out" "${esc}[31morg.apache.kafka.connect.errors.DataException: Converting byte[] failed${esc}[0m"
out=$(on_tty "$DLQCAT" inspect-headers -b "$BROKERS" -t dlq)
expect_contains "$out" "${esc}[1mdlq [0] @ 0${esc}[0m  (connect)"

TEST "NO_COLOR and --color never win on a terminal; --color always colours a pipe"
out=$(on_tty env NO_COLOR=1 "$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e)
expect_contains "$out" "error:   org.apache.kafka.connect.errors.DataException"
expect_plain "$out"
out=$(on_tty "$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e --color never)
expect_plain "$out"
out=$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e --color always)
expect_contains "$out" "${esc}[31morg.apache.kafka.connect.errors.DataException"

TEST "machine output never has colour, even with --color always"
out=$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -J --color always)
expect_plain "$out"
out=$("$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -f '%k %E\n' --color always)
expect_equal "$out" "3 org.apache.kafka.connect.errors.DataException"

TEST "replay through pipes: a summary line on stderr, no progress line, nothing on stdout"
"$DLQCAT" replay -b "$BROKERS" -t dlq -e >"$WORK/replay.out" 2>"$WORK/replay.err"
[ ! -s "$WORK/replay.out" ] || fail "replay wrote to stdout: $(cat "$WORK/replay.out")"
err=$(cat "$WORK/replay.err")
expect_contains "$err" "1 replayed"
[[ $err != *$'\r'* ]] || fail "a progress line reached a pipe: $(od -c "$WORK/replay.err" | head)"
expect_plain "$err"

TEST "replay on a terminal draws a progress line on stderr, then clears it"
echo '4,{"id":4}' | "$DLQCAT" produce -q -b "$BROKERS" -t dlq -K , --dialect connect --original person:0@10 \
  --error-class org.apache.kafka.connect.errors.DataException
out=$(on_tty "$DLQCAT" replay -b "$BROKERS" -t dlq -e)
expect_contains "$out" $'\r'"${esc}[K1/1 read: 1 replayed, 0 parked"
expect_contains "$out" "1 read: 1 replayed"
