# Helpers for the documentation checks. Environment: DLQCAT = the binary under test,
# SOURCE_DIR = the source tree (completions/, man/).
set -o pipefail
: "${DLQCAT:?DLQCAT must point at the dlqcat binary}"
: "${SOURCE_DIR:?SOURCE_DIR must point at the source tree}"

failures=0
fail() {
  echo "FAILED: $*" >&2
  failures=$((failures + 1))
}
finish() {
  if ((failures > 0)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}

# The visible subcommands, as `dlqcat --help` lists them.
help_subcommands() {
  "$DLQCAT" --help | awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }'
}

# Every option spelling in the Options section of `dlqcat [SUB] --help`, one a line.
help_option_names() {
  "$DLQCAT" "$@" --help | awk '
    /^Options:/ { on = 1; next }
    /^[^ ]/ { on = 0 }
    on && /^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i] }'
}

# Lines joined with spaces, for one-line failure messages.
oneline() { tr '\n' ' ' <<<"$1"; }

# start_broker TOPIC...: a `dlqcat broker` holding these topics, for the live topic completion;
# sets BROKERS, puts the binary's directory first on PATH (the scripts run `dlqcat`), and stops
# the broker when the check exits.
start_broker() {
  local out topic args=()
  out=$(mktemp)
  for topic in "$@"; do
    args+=(--topic "$topic")
  done
  "$DLQCAT" -q broker "${args[@]}" >"$out" 2>&1 </dev/null &
  BROKER_PID=$!
  trap 'kill $BROKER_PID 2>/dev/null; wait $BROKER_PID 2>/dev/null; rm -f "'"$out"'"' EXIT
  local i
  for i in $(seq 1 100); do
    [ -s "$out" ] && break
    sleep 0.1
  done
  BROKERS=$(head -n 1 "$out")
  [[ $BROKERS == *:* ]] || { echo "FAILED: broker did not start: $(cat "$out")" >&2; exit 1; }
  PATH=$(dirname "$DLQCAT"):$PATH
}

# A loopback port where nothing listens (bound, then released), for "the cluster is down".
closed_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
