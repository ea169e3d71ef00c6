# Shared helpers for the e2e suites (ccache/mold style). Each suite sources this file, then runs
# its TEST blocks. Environment: DLQCAT = the binary under test.
set -o pipefail
set -o errtrace

PY=/usr/bin/python3 # Debian's confluent_kafka is built for this interpreter only
E2E_DIR=${E2E_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
: "${DLQCAT:?DLQCAT must point at the dlqcat binary}"

on_error() {
  local code=$?
  echo "FAILED: line ${BASH_LINENO[0]} of ${BASH_SOURCE[1]}: '${BASH_COMMAND}' exited $code" >&2
  exit 1
}
trap on_error ERR

WORK=$(mktemp -d -t dlqcat-e2e.XXXXXX)
BROKER_PID=
cleanup() {
  if [ -n "$BROKER_PID" ]; then
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
  fi
  [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

# A missing prerequisite skips the suite locally (exit 125) but fails it under CI: a skipped test
# in CI is a test that cannot fail.
require() {
  local what=$1
  shift
  if ! "$@" >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
      echo "FAILED: prerequisite missing under CI: $what" >&2
      exit 1
    fi
    echo "SKIPPED: prerequisite missing: $what" >&2
    exit 125
  fi
}

require_kcat() { require kcat command -v kcat; }
require_python_kafka() { require "python3-confluent-kafka for $PY" "$PY" -c "import confluent_kafka"; }

# The test bed. DLQ_TEST_KAFKA=real runs a suite on a real Apache Kafka (scripts/kafka.sh)
# instead of the embedded broker: its bootstrap list is DLQ_TEST_BOOTSTRAP, or read from the
# kafka.sh directory DLQ_TEST_KAFKA_DIR (CTest's realkafka fixture starts one for every suite).
# A suite that runs on both says so in a line "# test-bed: embedded real" (tests/CMakeLists.txt
# registers it twice); a suite under tests/realkafka runs on real Kafka only. The cluster is
# shared: every topic and group name must be unique (unique_topic).
REPO_ROOT=$(cd "$E2E_DIR/../.." && pwd)
DLQ_TEST_KAFKA=${DLQ_TEST_KAFKA:-embedded}
real_kafka() { [ "$DLQ_TEST_KAFKA" = real ]; }

# require_real_kafka: skips (125) a suite that proves something only real Kafka can show when
# none is configured; under CI a missing cluster fails it.
require_real_kafka() {
  if ! real_kafka; then
    echo "SKIPPED: needs DLQ_TEST_KAFKA=real (tests/realkafka runs on real Kafka only)" >&2
    exit 125
  fi
  real_kafka_bootstrap
}

# real_kafka_bootstrap: sets BROKERS to the real cluster's bootstrap list.
real_kafka_bootstrap() {
  if [ -z "${DLQ_TEST_BOOTSTRAP:-}" ]; then
    : "${DLQ_TEST_KAFKA_DIR:?DLQ_TEST_KAFKA=real needs DLQ_TEST_BOOTSTRAP or DLQ_TEST_KAFKA_DIR}"
    DLQ_TEST_BOOTSTRAP=$("$REPO_ROOT/scripts/kafka.sh" bootstrap "$DLQ_TEST_KAFKA_DIR") ||
      { echo "FAILED: no real Kafka in $DLQ_TEST_KAFKA_DIR" >&2; exit 1; }
  fi
  BROKERS=$DLQ_TEST_BOOTSTRAP
  export BROKERS
}

# java_peer COMMAND ARGS...: Apache Kafka's Java client (tests/realkafka/Peer.java), the
# independent peer on real Kafka: dump (read_committed too), describe-configs, committed...
java_peer() { "$REPO_ROOT/tests/realkafka/peer.sh" "$@"; }

# create_topic NAME [PARTITIONS [REPLICATION [KEY=VALUE...]]]: on real Kafka a CreateTopics
# request (default 1 partition, replication 1; python3-confluent-kafka: a JVM start is slow
# here); the embedded broker creates a topic with 4 partitions when it is first named, so
# there this does nothing.
create_topic() {
  real_kafka || return 0
  "$PY" "$E2E_DIR/peer.py" create-topic "$BROKERS" "$1" "${2:-1}" "${3:-1}" "${@:4}" ||
    { echo "FAILED: could not create topic $1" >&2; exit 1; }
}

# start_broker [--topic NAME[:P]]...: a `dlqcat broker` process for this suite; sets BROKERS.
# On real Kafka: the shared cluster, and each --topic created there (CreateTopics).
start_broker() {
  if real_kafka; then
    real_kafka_bootstrap
    while [ $# -gt 0 ]; do
      case $1 in
        --topic) create_topic "${2%%:*}" "$([[ $2 == *:* ]] && echo "${2##*:}" || echo 1)"; shift 2 ;;
        *) echo "FAILED: start_broker $1 has no real-Kafka meaning" >&2; exit 1 ;;
      esac
    done
    return 0
  fi
  "$DLQCAT" broker -q "$@" >"$WORK/broker.out" 2>"$WORK/broker.err" &
  BROKER_PID=$!
  await_brokers
}

# await_brokers: BROKERS (exported) from the first line the embedded broker writes to
# $WORK/broker.out, within 10 s; the suite fails with the broker's stderr otherwise.
await_brokers() {
  local i
  for i in $(seq 1 100); do
    if [ -s "$WORK/broker.out" ]; then
      BROKERS=$(head -n 1 "$WORK/broker.out")
      export BROKERS
      return 0
    fi
    sleep 0.1
  done
  echo "FAILED: broker did not start: $(cat "$WORK/broker.err")" >&2
  exit 1
}

# start_controlled_broker [--topic NAME[:P]]...: start_broker whose faults the suite injects with
# broker_command (the broker's stdin protocol: topic-error, produce-errors).
start_controlled_broker() {
  if real_kafka; then
    echo "FAILED: fault injection through the broker's stdin exists on the embedded broker only" >&2
    exit 1
  fi
  mkfifo "$WORK/broker.in"
  "$DLQCAT" broker -q "$@" <"$WORK/broker.in" >"$WORK/broker.out" 2>"$WORK/broker.err" &
  BROKER_PID=$!
  exec 7>"$WORK/broker.in"
  await_brokers
}
broker_command() {
  echo "$*" >&7
  sleep 0.3 # the broker reads its stdin every 100 ms
}

CURRENT_TEST=
TEST() {
  CURRENT_TEST=$1
  echo "--- $CURRENT_TEST"
}

fail() {
  echo "FAILED [$CURRENT_TEST]: $*" >&2
  exit 1
}

expect_equal() {
  local actual=$1 expected=$2 what=${3:-value}
  if [ "$actual" != "$expected" ]; then
    fail "$what: expected [$expected], got [$actual]"
  fi
}

expect_contains() {
  local haystack=$1 needle=$2
  if [[ "$haystack" != *"$needle"* ]]; then
    fail "expected output to contain [$needle], got [$haystack]"
  fi
}

# expect_exit CODE CMD...: runs CMD (stdout/stderr saved in $WORK/out and $WORK/err), checks
# its exit code.
expect_exit() {
  local expected=$1
  shift
  local code=0
  "$@" >"$WORK/out" 2>"$WORK/err" || code=$?
  if [ "$code" != "$expected" ]; then
    fail "'$*' exited $code, expected $expected; stderr: $(cat "$WORK/err")"
  fi
}

# expect_error CODE MESSAGE CMD...: CMD fails with CODE and exactly one stderr line, MESSAGE.
expect_error() {
  local code=$1 message=$2
  shift 2
  expect_exit "$code" "$@"
  local err
  err=$(cat "$WORK/err")
  expect_equal "$err" "$message" "stderr of '$*'"
}

unique_topic() {
  echo "${1:-t}-$RANDOM$RANDOM"
}

# records_in TOPIC: how many records TOPIC holds, as kcat reads them (require_kcat).
records_in() { kcat -b "$BROKERS" -C -t "$1" -e -q -f 'x\n' 2>/dev/null | wc -l; }
# committed GROUP TOPIC: GROUP's committed offsets of TOPIC, "partition:offset " each, as
# python3-confluent-kafka reads them (require_python_kafka).
committed() { "$PY" "$E2E_DIR/peer.py" committed "$BROKERS" "$1" "$2" | tr '\n' ' '; }

# row NAME CODE 'MESSAGE' CMD...: a TEST in which CMD exits CODE and prints exactly MESSAGE, one
# line, on stderr; ROWS counts them (the bad-input tables check how many they ran).
ROWS=0
row() {
  local name=$1 code=$2 message=$3
  shift 3
  TEST "$name"
  expect_error "$code" "$message" "$@"
  ROWS=$((ROWS + 1))
}
