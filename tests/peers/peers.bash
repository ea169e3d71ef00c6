# Helpers of the framework-peer suites (tests/peers/test_*.bash), sourced after
# tests/e2e/common.bash. The peers are Java programs of tests/peers/{spring,streams} run by
# peer.sh; the long-running ones (a Spring application) take commands on stdin and print one JSON
# event per line on stdout.
PEERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# peer PROJECT MAIN-CLASS ARGS...: runs a peer to its end.
peer() { "$PEERS_DIR/peer.sh" "$@"; }

# compare PEER-LINES DLQCAT-LINES: every dead letter the peer wrote is in dlqcat's -J output with
# the same bytes and the error the peer knows it wrote (compare.py). DLQ_PEERS_FIXTURES=DIR also
# writes the peer's golden records there (tests/fixtures/peers).
compare() {
  /usr/bin/python3 "$PEERS_DIR/compare.py" "$1" "$2" ${DLQ_PEERS_FIXTURES:+"$DLQ_PEERS_FIXTURES"} >"$WORK/compare.out" ||
    fail "dlqcat's reading differs from what the framework wrote: $(cat "$WORK/compare.out")"
  cat "$WORK/compare.out"
}

# start_app NAME PROJECT MAIN-CLASS ARGS...: a long-running peer in the background, its stdin a
# FIFO held open by this shell (app_send), its stdout $WORK/NAME.out, its stderr $WORK/NAME.err.
declare -A APP_PIDS=()
declare -A APP_FDS=()
start_app() {
  local name=$1 fd
  shift
  mkfifo "$WORK/$name.in"
  "$PEERS_DIR/peer.sh" "$@" <"$WORK/$name.in" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  APP_PIDS[$name]=$!
  exec {fd}>"$WORK/$name.in"
  APP_FDS[$name]=$fd
}

app_send() { echo "$2" >&"${APP_FDS[$1]}"; }

# stop_app NAME: "quit" on its stdin, then waits for it (SIGTERM to our own child after 30 s).
stop_app() {
  local name=$1 pid=${APP_PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  { echo quit >&"${APP_FDS[$name]}"; } 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "APP_PIDS[$name]"
}

stop_apps() {
  local name
  for name in "${!APP_PIDS[@]}"; do
    stop_app "$name"
  done
}
trap 'stop_apps; cleanup' EXIT

# events NAME JQ-SELECT: the app's events matching a jq condition, e.g. '.event == "park"'.
events() { jq -c "select($2)" "$WORK/$1.out" 2>/dev/null; }

# wait_events NAME JQ-SELECT COUNT [SECONDS]: until the app printed COUNT matching events (fails
# when it exits first or after SECONDS, default 180).
wait_events() {
  local name=$1 select=$2 count=$3 deadline=$((SECONDS + ${4:-180})) have
  while :; do
    have=$(events "$name" "$select" | wc -l)
    [ "$have" -ge "$count" ] && return 0
    kill -0 "${APP_PIDS[$name]}" 2>/dev/null ||
      fail "$name exited while waiting for $count events ($select), saw $have; stderr: $(tail -n 20 "$WORK/$name.err")"
    [ $SECONDS -lt $deadline ] ||
      fail "waited for $count events ($select) from $name, saw $have; stderr: $(tail -n 20 "$WORK/$name.err")"
    sleep 0.2
  done
}

# topic_count TOPIC: how many records TOPIC holds (all partitions, from the start).
topic_count() {
  kcat -C -b "$BROKERS" -t "$1" -e -q -f '.\n' 2>/dev/null | wc -l
}

# wait_count TOPIC COUNT [SECONDS]: until TOPIC holds COUNT records.
wait_count() {
  local deadline=$((SECONDS + ${3:-120})) have
  while :; do
    have=$(topic_count "$1")
    [ "$have" -ge "$2" ] && return 0
    [ $SECONDS -lt $deadline ] || fail "$1 holds $have records, expected $2"
    sleep 0.3
  done
}
