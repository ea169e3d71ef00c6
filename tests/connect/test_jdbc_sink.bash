# The seed for real (shared/seeds/connect-jdbc-sink-dlq.md, issue 18): a real Kafka Connect worker
# (Apache Kafka's connect-runtime, distributed mode, scripts/connect.sh) running Debezium's JDBC
# sink into a real PostgreSQL 15 table person(id int primary key, name varchar(10)), on the real
# Kafka cluster of the realkafka fixture. The story as the seed tells it: 1 Paul, 2 Gaby, 3 with
# malformed JSON (Connect's DLQ `dlq`, with its context headers), 4 Peter, 5 "Michael Mueller"
# (too long for varchar(10): kills every task, no DLQ catches it), 6 Barbara; then compact-fix,
# the seed's way (--strategy compact) with the README's recipe, and --strategy skip through
# Connect's offsets API. tests/e2e/test_compact_fix.bash keeps fake_connect.py for what a real
# 4.3 worker cannot do (a worker before Kafka 3.5: no /stop, no task restart).
#
# The worker starts once for the suite. DLQ_UPDATE_FIXTURES=1 rewrites the golden DLQ record
# (tests/fixtures/connect-dlq-value-converter.json) from this run.
source "${E2E_DIR:-$(dirname "$0")/../e2e}/common.bash"
source "$E2E_DIR/postgres.bash"
require_real_kafka
require_kcat
require_python_kafka
require curl command -v curl
require jq command -v jq
require psql command -v psql

CONNECT_SH="$REPO_ROOT/scripts/connect.sh"
CONNECT_DIR="$WORK/connect"
FIXTURE="$REPO_ROOT/tests/fixtures/connect-dlq-value-converter.json"
finish() {
  local code=$?
  if [ "$code" != 0 ] && [ -f "$CONNECT_DIR/connect.log" ]; then
    echo "--- the end of the Connect worker's log" >&2
    grep -v '^\s*at \|^\s*\.\.\. [0-9]* more' "$CONNECT_DIR/connect.log" | tail -n 60 >&2
  fi
  "$CONNECT_SH" stop "$CONNECT_DIR" || true
  stop_postgres
  cleanup
}
trap finish EXIT

start_postgres
# --ttl: a suite killed by CTest's timeout leaves no worker behind.
CONNECT_URL=$("$CONNECT_SH" start "$CONNECT_DIR" "$BROKERS" --ttl 1200 | head -n 1)

SCHEMA='{"type":"struct","fields":[{"type":"int16","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"}],"optional":false,"name":"msgschema"}'
person() { printf '{"schema":%s,"payload":{"id":%s,"name":"%s"}}' "$SCHEMA" "$1" "$2"; }
MALFORMED=$(person 3 Invalid | sed 's/}$//') # the seed's record 3: the closing brace missing
POISON_VALUE=$(person 5 "Michael Mueller")
CORRECTION=$(person 5 Michael)
DB_REFUSAL='PostgreSQL: value too long for type character varying(10) (SQLSTATE 22001)'

rest() { # rest METHOD PATH [JSON]: the worker's answer; fails on an HTTP error
  curl -fsS -m 30 -X "$1" "$CONNECT_URL$2" ${3:+-H 'Content-Type: application/json' --data "$3"}
}
task_states() { rest GET "/connectors/$1/status" | jq -r '[.connector.state] + [.tasks[].state] | join(" ")'; }
rows() { pg_sql "SELECT id || '|' || name FROM $1 ORDER BY id" | tr '\n' ' '; }
count_records() { kcat -b "$BROKERS" -C -t "$1" -e -q -f 'x\n' 2>/dev/null | wc -l; }
produce() { printf '%s\n' "$2" | kcat -P -b "$BROKERS" -t "$1" -K,; } # produce TOPIC "KEY,VALUE"
where_is() { # where_is TOPIC KEY: "PARTITION OFFSET" of the first record with KEY
  kcat -b "$BROKERS" -C -t "$1" -e -q -f '%k %p %o\n' 2>/dev/null | awk -v key="$2" '$1 == key {print $2, $3; exit}'
}
end_offsets() { # end_offsets TOPIC: "TOPIC PARTITION END" of each non-empty partition, sorted
  kcat -b "$BROKERS" -C -t "$1" -e -q -f '%p %o\n' 2>/dev/null |
    awk -v t="$1" '{ end[$1] = $2 + 1 } END { for (p in end) print t, p, end[p] }' | sort
}
committed() { java_peer committed "$BROKERS" "$1" | awk '$3 > 0' | sort; } # non-zero commits only

# wait_for_output EXPECTED SECONDS CMD...: polls CMD until it prints EXPECTED.
wait_for_output() {
  local expected=$1 seconds=$2 actual=
  shift 2
  local deadline=$((SECONDS + seconds))
  while [ $SECONDS -lt $deadline ]; do
    actual=$("$@" 2>/dev/null) || true
    if [ "$actual" = "$expected" ]; then return 0; fi
    sleep 0.5
  done
  fail "timed out after $seconds s waiting for '$*' to print [$expected]; last: [$actual]"
}

# create_sink NAME TOPIC TABLE: the seed's connector, in Debezium's JDBC sink's terms:
# Confluent's pk.mode/pk.fields are primary.key.mode/primary.key.fields, the table is named by
# collection.name.format, and flush.max.retries replaces the seed's errors.retry.* for the
# writes (one retry, to keep the suite short; the errors.* settings are Connect's and the seed's).
create_sink() {
  local name=$1 topic=$2 table=$3
  rest POST /connectors "$(jq -n --arg name "$name" --arg topic "$topic" --arg table "$table" \
    --arg url "jdbc:postgresql://127.0.0.1:$PG_PORT/sample" --arg dlq "$DLQ" '{name: $name, config: {
      "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",
      "tasks.max": "2",
      "topics": $topic,
      "connection.url": $url,
      "connection.username": "sample",
      "collection.name.format": $table,
      "insert.mode": "upsert",
      "primary.key.mode": "record_value",
      "primary.key.fields": "id",
      "key.converter": "org.apache.kafka.connect.storage.StringConverter",
      "key.converter.schemas.enable": "false",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": "true",
      "flush.max.retries": "1",
      "flush.retry.delay.ms": "500",
      "errors.retry.timeout": "30000",
      "errors.retry.delay.max.ms": "3000",
      "errors.tolerance": "all",
      "errors.log.enable": "true",
      "errors.log.include.messages": "true",
      "errors.deadletterqueue.topic.name": $dlq,
      "errors.deadletterqueue.topic.replication.factor": "1",
      "errors.deadletterqueue.context.headers.enable": "true"}}')" >/dev/null
  wait_for_output "RUNNING RUNNING RUNNING" 60 task_states "$name"
}

# until_poison TOPIC CONNECTOR TABLE: the seed up to the dead sink. The good records are written
# and committed before the poison comes (as in the seed, where each is checked in the table), so
# that the sink's group stands exactly at the poison.
until_poison() {
  local topic=$1 connector=$2 table=$3
  produce "$topic" "1,$(person 1 Paul)"
  produce "$topic" "2,$(person 2 Gaby)"
  wait_for_output "1|Paul 2|Gaby " 60 rows "$table"
  if [ "$topic" = person ]; then
    produce "$topic" "3,$MALFORMED"
    wait_for_output 1 60 count_records "$DLQ"
  fi
  produce "$topic" "4,$(person 4 Peter)"
  wait_for_output "1|Paul 2|Gaby 4|Peter " 60 rows "$table"
  wait_for_output "$(end_offsets "$topic")" 60 committed "connect-$connector"
  produce "$topic" "5,$POISON_VALUE"
  wait_for_output "RUNNING FAILED FAILED" 90 task_states "$connector"
  produce "$topic" "6,$(person 6 Barbara)"
  read -r POISON_PARTITION POISON_OFFSET <<<"$(where_is "$topic" 5)"
}

# The README's compact-fix recipe, word for word, with this test bed's addresses and the names
# given as WORD=REPLACEMENT pairs (exact words only).
readme_recipe() {
  local -a words
  local word pair
  read -r -a words <<<"$(awk '/^\*\*Unstick a JDBC sink/ { found = 1 } found && /^```sh/ { inside = 1; next }
    inside && /^```/ { exit } inside { sub(/\\$/, ""); printf "%s ", $0 }' "$REPO_ROOT/README.md")"
  [ "${#words[@]}" -gt 5 ] || fail "no compact-fix recipe found in README.md"
  RECIPE=()
  for word in "${words[@]}"; do
    case $word in
      dlqcat) word=$DLQCAT ;;
      kafka:9092) word=$BROKERS ;;
      http://connect:8083) word=$CONNECT_URL ;;
      postgresql://sample@db/sample) word=$PG_URL ;;
      michael.json) word=$WORK/michael.json ;;
    esac
    for pair in "$@"; do
      [ "$word" = "${pair%%=*}" ] && word=${pair#*=}
    done
    RECIPE+=("$word")
  done
}

DLQ=dlq
create_topic person 3 1 cleanup.policy=compact
create_topic dlq 1 1
pg_sql "CREATE TABLE person (id int PRIMARY KEY, name varchar(10))"

TEST "the seed up to the dead sink: Debezium's JDBC sink writes 1, 2 and 4; 3 is dead-lettered; 5 kills it"
expect_equal "$(rest GET / | jq -r .version)" 4.3.1 "Kafka Connect version"
expect_equal "$(rest GET /connector-plugins | jq -r '.[] | select(.class == "io.debezium.connector.jdbc.JdbcSinkConnector") | .version')" \
  3.6.0.Final "JDBC sink version"
create_sink jdbc-sink person person
until_poison person jdbc-sink person
expect_equal "$(rows person)" "1|Paul 2|Gaby 4|Peter " "rows"

TEST "the malformed record is in Connect's DLQ with Connect's own headers, decoded"
read -r BAD_PARTITION BAD_OFFSET <<<"$(where_is person 3)"
expect_equal "$(count_records dlq)" 1 "records in the DLQ (record 3 only)"
"$PY" "$E2E_DIR/peer.py" dump "$BROKERS" dlq >"$WORK/dlq.peer"
header() { # header NAME: the DLQ record's header as text (the peer dumps bytes as hex)
  "$PY" -c 'import binascii, json, sys
record = json.load(open(sys.argv[1]))
print("".join(binascii.unhexlify(v).decode() for n, v in record["headers"] if n == sys.argv[2]), end="")' "$WORK/dlq.peer" "$1"
}
expect_equal "$(header __connect.errors.topic)" person
expect_equal "$(header __connect.errors.partition)" "$BAD_PARTITION"
expect_equal "$(header __connect.errors.offset)" "$BAD_OFFSET"
expect_exit 0 "$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -J
line=$(cat "$WORK/out")
expect_equal "$(jq -c '.error.original' <<<"$line")" "{\"topic\":\"person\",\"partition\":$BAD_PARTITION,\"offset\":$BAD_OFFSET}" "original"
expect_equal "$(jq -r '.error.dialect' <<<"$line")" connect
expect_equal "$(jq -r '.error.exception.class' <<<"$line")" org.apache.kafka.connect.errors.DataException
# The root cause, from the stack trace's last "Caused by:" (Connect writes no cause header).
expect_equal "$(jq -r '.error.exception.cause_class' <<<"$line")" com.fasterxml.jackson.core.io.JsonEOFException
expect_equal "$(jq -r '.error.stage' <<<"$line")" VALUE_CONVERTER
expect_equal "$(jq -r '.error.connector' <<<"$line")" jdbc-sink
expect_equal "$(jq -r '.error.task' <<<"$line")" "$(header __connect.errors.task.id)" "task"
expect_equal "$(jq -r '.value' <<<"$line")" "$MALFORMED" "value (the record as it was)"
expect_equal "$(jq -r '.key' <<<"$line")" 3 "key"
expect_exit 0 "$DLQCAT" inspect-headers -b "$BROKERS" -t dlq --summary
# The summary groups by the root cause when one is known (as Spring's cause header).
expect_equal "$(awk '$1 == "person" { print $2, $3, $4 }' "$WORK/out")" \
  "com.fasterxml.jackson.core.io.JsonEOFException VALUE_CONVERTER 1" "summary row (exception, stage, count)"
expect_contains "$(cat "$WORK/out")" "1 record, 1 group, 0 without decodable error headers"
# The golden record for the unit tests (tests/unit/test_dialect_connect.cpp): its headers are the
# ones this worker writes, in its order.
if [ "${DLQ_UPDATE_FIXTURES:-}" = 1 ]; then
  mkdir -p "$(dirname "$FIXTURE")"
  "$PY" - "$WORK/dlq.peer" "$FIXTURE" <<'PY'
import binascii, json, sys
record = json.loads(open(sys.argv[1]).read())
text = lambda h: None if h is None else binascii.unhexlify(h).decode("utf-8")
json.dump({
    "written_by": "Apache Kafka Connect 4.3.1 (org.apache.kafka:connect-runtime, distributed worker), "
                  "JsonConverter with schemas.enable=true failing on the value, errors.tolerance=all, "
                  "errors.deadletterqueue.context.headers.enable=true; connector: Debezium JDBC sink "
                  "3.6.0.Final; broker: Apache Kafka 4.3.1 (KRaft)",
    "captured_by": "tests/connect/test_jdbc_sink.bash with DLQ_UPDATE_FIXTURES=1 (python3-confluent-kafka)",
    "topic": "dlq", "partition": record["partition"], "offset": record["offset"], "timestamp": record["timestamp"],
    "key": text(record["key"]), "value": text(record["value"]),
    "headers": [{"name": n, "value": text(v)} for n, v in record["headers"]],
}, open(sys.argv[2], "w"), indent=2)
open(sys.argv[2], "a").write("\n")
PY
  echo "rewrote $FIXTURE" >&2
fi
expect_equal "$(jq -r '.headers[][0]' "$WORK/dlq.peer" | tr '\n' ' ')" \
  "$(jq -r '.headers[].name' "$FIXTURE" | tr '\n' ' ')" "header names and order (the golden fixture's)"
expect_equal "$(header __connect.errors.exception.message)" \
  "$(jq -r '.headers[] | select(.name == "__connect.errors.exception.message") | .value' "$FIXTURE")" "exception message"

TEST "the poison kills every task, no DLQ catches it, and a restart does not help"
status=$(rest GET /connectors/jdbc-sink/status)
expect_equal "$(jq -r '[.tasks[].trace | contains("ERROR: value too long for type character varying(10)")] | all' <<<"$status")" true \
  "every task's trace quotes PostgreSQL"
expect_equal "$(count_records dlq)" 1 "records in the DLQ"
# The restart is asynchronous, so the status alone cannot tell the old failures from new ones:
# the worker's log counts each task killed.
kills() { grep -c 'Task is being killed and will not recover until manually restarted (org.apache.kafka.connect.runtime.WorkerTask)' "$CONNECT_DIR/connect.log"; }
killed=$(kills)
rest POST "/connectors/jdbc-sink/restart?includeTasks=true&onlyFailed=true" >/dev/null
wait_for_output $((killed + 2)) 90 kills
wait_for_output "RUNNING FAILED FAILED" 90 task_states jdbc-sink
expect_equal "$(count_records dlq)" 1 "records in the DLQ"
expect_equal "$(rows person)" "1|Paul 2|Gaby 4|Peter " "rows (Barbara waits behind the poison)"
expect_equal "$(committed connect-jdbc-sink | grep "^person $POISON_PARTITION ")" "person $POISON_PARTITION $POISON_OFFSET" \
  "the group stands at the poison"

FIND=("$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --connect "$CONNECT_URL"
  --find-poison --pg "$PG_URL" --table person)
POISON_LINE="poison: person [$POISON_PARTITION] @ $POISON_OFFSET, key \"5\": $DB_REFUSAL"

TEST "--find-poison names the record with PostgreSQL's own message; a missing park topic, --dry-run: nothing changes"
expect_exit 3 "${FIND[@]}" # found, no fix asked: the CI gate's code
expect_contains "$(cat "$WORK/out")" "$POISON_LINE"
# This cluster, as most production ones, does not create a topic when it is first used.
expect_error 1 "dlqcat: error: the park topic \"person.parking-lot\" does not exist and the cluster does not create topics on first use: create it, or name another with --park-topic; nothing was changed" \
  "${FIND[@]}" --strategy compact --value "$CORRECTION"
expect_equal "$(task_states jdbc-sink)" "RUNNING FAILED FAILED" "connector state"
create_topic person.parking-lot 1 1
expect_exit 0 "${FIND[@]}" --strategy compact --value "$CORRECTION" --dry-run
out=$(cat "$WORK/out")
expect_contains "$out" "$POISON_LINE"
expect_contains "$out" "connector jdbc-sink: RUNNING, tasks: 0 FAILED, 1 FAILED (org.postgresql.util.PSQLException: ERROR: value too long for type character varying(10))"
expect_contains "$out" "dry run: nothing changed"
expect_equal "$(task_states jdbc-sink)" "RUNNING FAILED FAILED" "connector state"
expect_equal "$(java_peer describe-configs "$BROKERS" person)" "cleanup.policy=compact" "topic configs"
expect_equal "$(count_records person)" 6 "records in person"

TEST "--strategy compact, the README's recipe: Michael, Barbara, every task RUNNING, poison gone and parked"
java_peer describe-configs "$BROKERS" person >"$WORK/configs.before"
printf '%s\n' "$CORRECTION" >"$WORK/michael.json"
readme_recipe
expect_exit 0 "${RECIPE[@]}"
out=$(cat "$WORK/out")
expect_contains "$out" "$POISON_LINE"
expect_contains "$out" "connector jdbc-sink: stopped"
expect_contains "$out" "parked: person [$POISON_PARTITION] @ $POISON_OFFSET, key \"5\" in person.parking-lot"
expect_contains "$out" "topic configs set: cleanup.policy=compact, min.cleanable.dirty.ratio=0.01, segment.ms=1000"
expect_contains "$out" "compacted: person [$POISON_PARTITION] @ $POISON_OFFSET is gone"
expect_contains "$out" "topic configs restored: cleanup.policy=compact"
expect_contains "$out" "connector jdbc-sink: RUNNING, tasks: 0 RUNNING, 1 RUNNING"
expect_contains "$out" "check: table person holds the correction"
wait_for_output "1|Paul 2|Gaby 4|Peter 5|Michael 6|Barbara " 60 rows person
expect_equal "$(task_states jdbc-sink)" "RUNNING RUNNING RUNNING" "connector state"
expect_equal "$(java_peer describe-configs "$BROKERS" person)" "$(cat "$WORK/configs.before")" "topic configs (Java admin client)"
java_peer dump "$BROKERS" person >"$WORK/person.after"
expect_equal "$(grep -c 'Michael Mueller' "$WORK/person.after" || true)" 0 "poison records left in person"
expect_equal "$(awk -F '\t' -v p="$POISON_PARTITION" -v o="$POISON_OFFSET" '$1 == p && $2 == o' "$WORK/person.after")" "" \
  "the record at the poison's offset"
# Parked byte for byte, with its provenance and the database's reason.
"$PY" "$E2E_DIR/peer.py" dump "$BROKERS" person.parking-lot >"$WORK/parked.json"
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
parked_header() { jq -r --arg name "$1" '.headers[] | select(.[0] == $name) | .[1]' "$WORK/parked.json"; }
expect_equal "$(jq -r '.value' "$WORK/parked.json")" "$(hex "$POISON_VALUE")" "parked value"
expect_equal "$(jq -r '.key' "$WORK/parked.json")" "$(hex 5)" "parked key"
expect_equal "$(parked_header dlqcat.parked.source)" "$(hex "person-$POISON_PARTITION@$POISON_OFFSET")" "parked source"
expect_equal "$(parked_header dlqcat.parked.reason)" "$(hex "$DB_REFUSAL")" "parked reason"

TEST "a DLQ replay after the fix: record 3, corrected upstream, reaches the table through the sink"
create_topic dlq.corrected 1 1
"$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -J | jq -c '.value += "}" | del(.error)' |
  "$DLQCAT" produce -b "$BROKERS" -t dlq.corrected --json -q
expect_exit 0 "$DLQCAT" replay -b "$BROKERS" -t dlq.corrected -G replay-dlq -e
wait_for_output "1|Paul 2|Gaby 3|Invalid 4|Peter 5|Michael 6|Barbara " 60 rows person
expect_equal "$(count_records dlq)" 1 "records in the DLQ (the replayed one was not dead-lettered again)"

TEST "--strategy skip through Connect's offsets API (stop, PATCH offsets, resume)"
DLQ=dlq2
create_topic person2 3 1 cleanup.policy=compact
pg_sql "CREATE TABLE person2 (id int PRIMARY KEY, name varchar(10))"
create_sink jdbc-sink2 person2 person2
until_poison person2 jdbc-sink2 person2
create_topic person2.parking-lot 1 1
readme_recipe person=person2 jdbc-sink=jdbc-sink2 compact=skip
expect_exit 0 "${RECIPE[@]}"
out=$(cat "$WORK/out")
expect_contains "$out" "poison: person2 [$POISON_PARTITION] @ $POISON_OFFSET, key \"5\": $DB_REFUSAL"
expect_contains "$out" "connector jdbc-sink2: stopped"
expect_contains "$out" "connector jdbc-sink2: person2 [$POISON_PARTITION] moved from @ $POISON_OFFSET to @ $((POISON_OFFSET + 1)) (Connect's offsets API)"
expect_contains "$out" "check: table person2 holds the correction"
wait_for_output "1|Paul 2|Gaby 4|Peter 5|Michael 6|Barbara " 60 rows person2
expect_equal "$(task_states jdbc-sink2)" "RUNNING RUNNING RUNNING" "connector state"
# The worker's own request log: the offsets were moved by Connect, not by a commit of dlqcat's.
expect_contains "$(cat "$CONNECT_DIR/connect.log")" '"PATCH /connectors/jdbc-sink2/offsets HTTP/1.1" 200'
wait_for_output "$(end_offsets person2)" 60 committed connect-jdbc-sink2
expect_equal "$(java_peer dump "$BROKERS" person2 | grep -c 'Michael Mueller')" 1 "the poison stays in the log (skipped)"

TEST "REST failure: an unknown connector is one line, before anything changes"
configs=$(java_peer describe-configs "$BROKERS" person2)
parked=$(count_records person2.parking-lot)
expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t person2 --connector nosuch --connect "$CONNECT_URL" \
  --partition "$POISON_PARTITION" --offset "$POISON_OFFSET" --strategy compact --value "$CORRECTION"
expect_equal "$(cat "$WORK/err")" "dlqcat: error: connector nosuch: No status found for connector nosuch" "stderr"
expect_equal "$(java_peer describe-configs "$BROKERS" person2)" "$configs" "topic configs"
expect_equal "$(count_records person2.parking-lot)" "$parked" "parked records"

# run_until LINE CMD...: runs CMD in the background (output in $WORK/bg.out, .err) until it
# prints LINE; then the caller strikes and calls finish_run.
run_until() {
  local line=$1 deadline
  shift
  "$@" >"$WORK/bg.out" 2>"$WORK/bg.err" &
  BG_PID=$!
  deadline=$((SECONDS + 120))
  until grep -qF -- "$line" "$WORK/bg.out"; do
    kill -0 "$BG_PID" 2>/dev/null || fail "'$*' ended before printing [$line]: $(cat "$WORK/bg.out" "$WORK/bg.err")"
    [ $SECONDS -lt $deadline ] || fail "'$*' did not print [$line]"
    sleep 0.1
  done
}
# struck_mid_run: the fault came while the topic's configs were forced (before their restore).
struck_mid_run() {
  if grep -q "topic configs restored" "$WORK/bg.out"; then
    fail "the fault came too late (after the configs were restored): $(cat "$WORK/bg.out")"
  fi
}
finish_run() { # finish_run CODE: the background run's exit code
  local code=0
  wait "$BG_PID" || code=$?
  expect_equal "$code" "$1" "exit code of the run (stderr: $(cat "$WORK/bg.err"))"
}

TEST "REST failure: the connector deleted mid-run: one line, topic configs restored"
# Record 6 of person2 named as the poison: the fix runs through compaction, with 5 s of
# segment.ms in which the connector goes away.
read -r P6 O6 <<<"$(where_is person2 6)"
run_until "topic configs set:" "$DLQCAT" compact-fix -b "$BROKERS" -t person2 --connector jdbc-sink2 \
  --connect "$CONNECT_URL" --partition "$P6" --offset "$O6" --strategy compact --value "$(person 6 Barbara)" --segment-ms 5000
rest DELETE /connectors/jdbc-sink2
struck_mid_run
finish_run 1
expect_equal "$(cat "$WORK/bg.err")" "dlqcat: error: resume connector jdbc-sink2: Unknown connector jdbc-sink2" "stderr"
expect_contains "$(cat "$WORK/bg.out")" "topic configs restored: cleanup.policy=compact"
expect_equal "$(java_peer describe-configs "$BROKERS" person2)" "$configs" "topic configs"

TEST "REST failure: the worker down mid-run, then down from the start: one line, configs restored"
read -r P6 O6 <<<"$(where_is person 6)"
configs=$(java_peer describe-configs "$BROKERS" person)
run_until "topic configs set:" "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink \
  --connect "$CONNECT_URL" --partition "$P6" --offset "$O6" --strategy compact --value "$(person 6 Barbara)" --segment-ms 10000
"$CONNECT_SH" stop "$CONNECT_DIR"
struck_mid_run
finish_run 1
expect_equal "$(wc -l <"$WORK/bg.err")" 1 "stderr lines"
expect_contains "$(cat "$WORK/bg.err")" "dlqcat: error: PUT $CONNECT_URL/connectors/jdbc-sink/resume: "
expect_contains "$(cat "$WORK/bg.out")" "topic configs restored: cleanup.policy=compact"
expect_equal "$(java_peer describe-configs "$BROKERS" person)" "$configs" "topic configs"
records=$(count_records person)
read -r P6 O6 <<<"$(where_is person 6)" # the one before was compacted away
expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --connect "$CONNECT_URL" \
  --partition "$P6" --offset "$O6" --strategy compact --value "$(person 6 Barbara)"
expect_equal "$(wc -l <"$WORK/err")" 1 "stderr lines"
expect_contains "$(cat "$WORK/err")" "dlqcat: error: GET $CONNECT_URL/connectors/jdbc-sink/status: "
expect_equal "$(java_peer describe-configs "$BROKERS" person)" "$configs" "topic configs"
expect_equal "$(count_records person)" "$records" "records in person (nothing produced)"
