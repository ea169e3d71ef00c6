# compact-fix on the seed's scenario (shared/seeds/connect-jdbc-sink-dlq.md) with Kafka Connect
# workers that a real Kafka 4.3 cannot stand in for: a real PostgreSQL table with name
# varchar(10), a JDBC-sink-like connector behind fake_connect.py (a worker of Kafka 3.5: /stop but
# no offsets API, so the sink's group is committed by dlqcat; --legacy: a worker before 3.0, no
# /stop and no task restart, so the connector is deleted and recreated), and the record
# "Michael Mueller" that kills every task. The seed on real Kafka Connect, with Debezium's JDBC
# sink, is tests/connect/test_jdbc_sink.bash.
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
source "$E2E_DIR/postgres.bash"
require_python_kafka
require_kcat
require "python3-psycopg2 for $PY" "$PY" -c "import psycopg2"
require curl command -v curl
start_broker --topic person:3 --topic people:3 --topic vault:3
start_postgres

CONNECT_PIDS=()
trap 'for p in "${CONNECT_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; stop_postgres; cleanup' EXIT

SCHEMA='{"type":"struct","fields":[{"type":"int16","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"}],"optional":false,"name":"msgschema"}'
person() { printf '{"schema":%s,"payload":{"id":%s,"name":"%s"}}' "$SCHEMA" "$1" "$2"; }
POISON_VALUE=$(person 5 "Michael Mueller")
CORRECTION=$(person 5 Michael)
DB_REFUSAL='PostgreSQL: value too long for type character varying(10) (SQLSTATE 22001)'

# start_connect NAME [--legacy]: a Connect worker of its own; sets CONNECT_URL and CALLS.
start_connect() {
  local name=$1
  shift
  CALLS="$WORK/$name.calls"
  : >"$CALLS"
  "$PY" "$E2E_DIR/fake_connect.py" --brokers "$BROKERS" --port-file "$WORK/$name.port" --calls "$CALLS" "$@" \
    2>"$WORK/$name.connect.err" &
  CONNECT_PIDS+=($!)
  local i
  for i in $(seq 1 100); do
    [ -s "$WORK/$name.port" ] && break
    sleep 0.1
  done
  CONNECT_URL="http://127.0.0.1:$(cat "$WORK/$name.port")"
}

status_of() { curl -fsS "$CONNECT_URL/connectors/$1/status"; }
task_states() { status_of "$1" | jq -r '[.connector.state] + [.tasks[].state] | join(" ")'; }

# wait_for_output EXPECTED CMD...: polls CMD until it prints EXPECTED (30 s at most).
wait_for_output() {
  local expected=$1 i actual
  shift
  for i in $(seq 1 300); do
    actual=$("$@" 2>/dev/null) || true
    if [ "$actual" = "$expected" ]; then return 0; fi
    sleep 0.1
  done
  fail "timed out waiting for '$*' to print [$expected]; last: [$actual]"
}

hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
rows() { pg_sql "SELECT id || '|' || name FROM $1 ORDER BY id" | tr '\n' ' '; }
group_offset() { # group_offset GROUP TOPIC PARTITION
  "$PY" - "$BROKERS" "$@" <<'PY'
import os, sys
import confluent_kafka as ck
brokers, group, topic, partition = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = ck.Consumer({"bootstrap.servers": brokers, "group.id": group})
print(consumer.committed([ck.TopicPartition(topic, partition)], timeout=10)[0].offset)
sys.stdout.flush(); os._exit(0)
PY
}
count_records() { kcat -b "$BROKERS" -C -t "$1" -e -q -f 'x\n' 2>/dev/null | wc -l; }
mutating_calls() { jq -r 'select(.method != "GET") | "\(.method) \(.path)"' "$CALLS"; }

# seed TOPIC CONNECTOR [CONFIG]: the seed up to the dead sink: table, connector (its config plus
# the JSON object CONFIG), two good records written, then the poison and one more record; every
# task FAILED.
seed() {
  local topic=$1 connector=$2 extra=${3:-"{}"}
  pg_sql "CREATE TABLE $topic (id int PRIMARY KEY, name varchar(10))"
  curl -fsS -X POST "$CONNECT_URL/connectors" -H 'Content-Type: application/json' --data "$(jq -n \
    --arg name "$connector" --arg topic "$topic" --arg url "$PG_URL" --argjson extra "$extra" \
    '{name: $name, config: ({"connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "tasks.max": "2",
      topics: $topic, "connection.url": $url, "insert.mode": "upsert", "pk.fields": "id", "pk.mode": "record_value",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "true"} + $extra)}')" >/dev/null
  for record in "1,$(person 1 Paul)" "2,$(person 2 Gaby)"; do
    echo "$record" | kcat -P -b "$BROKERS" -t "$topic" -K,
  done
  wait_for_output "1|Paul 2|Gaby " rows "$topic"
  echo "5,$POISON_VALUE" | kcat -P -b "$BROKERS" -t "$topic" -K,
  echo "6,$(person 6 Barbara)" | kcat -P -b "$BROKERS" -t "$topic" -K,
  wait_for_output "RUNNING FAILED FAILED" task_states "$connector"
  expect_contains "$(status_of "$connector")" "ERROR: value too long for type character varying(10)"
  POISON_PARTITION=$(kcat -b "$BROKERS" -C -t "$topic" -e -q -f '%k %p\n' 2>/dev/null | awk '$1 == 5 {print $2}')
  POISON_OFFSET=$(kcat -b "$BROKERS" -C -t "$topic" -e -q -f '%k %o\n' 2>/dev/null | awk '$1 == 5 {print $2}')
  : >"$CALLS" # from here on, only dlqcat's calls
}

start_connect modern
seed person jdbc-sink
FIX=("$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --connect "$CONNECT_URL"
  --find-poison --pg "$PG_URL" --table person)
POISON_LINE="poison: person [$POISON_PARTITION] @ $POISON_OFFSET, key \"5\": $DB_REFUSAL"

TEST "--find-poison alone reports the record with PostgreSQL's own message, changes nothing, and exits 3 (a CI gate)"
expect_exit 3 "${FIX[@]}" --all
expect_contains "$(cat "$WORK/out")" "$POISON_LINE"
expect_equal "$(grep -c '^poison:' "$WORK/out")" 1 "poison records listed"
expect_equal "$(wc -l <"$CALLS")" 0 "Connect calls"
expect_equal "$(group_offset connect-jdbc-sink person "$POISON_PARTITION")" "$POISON_OFFSET" "group offset"
expect_equal "$(rows person)" "1|Paul 2|Gaby " "rows (the trial was rolled back)"

TEST "the poison named by --partition/--offset or by --key, without a database"
expect_exit 0 "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --partition "$POISON_PARTITION" --offset "$POISON_OFFSET"
expect_equal "$(cat "$WORK/out")" \
  "poison: person [$POISON_PARTITION] @ $POISON_OFFSET, key \"5\": named by --partition $POISON_PARTITION --offset $POISON_OFFSET"
expect_exit 0 "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --key 5
expect_equal "$(cat "$WORK/out")" "poison: person [$POISON_PARTITION] @ $POISON_OFFSET, key \"5\": named by --key"
expect_error 1 "dlqcat: error: person [$POISON_PARTITION] has no record at offset 99" \
  "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --partition "$POISON_PARTITION" --offset 99
expect_error 2 "dlqcat: error: topic \"person\" has no partition 7 (it has 3)" \
  "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --partition 7 --offset 0

TEST "--dry-run prints the plan and changes nothing"
expect_exit 0 "${FIX[@]}" --strategy skip --value "$CORRECTION" --dry-run
expect_contains "$(cat "$WORK/out")" "$POISON_LINE"
expect_contains "$(cat "$WORK/out")" "plan: move connector jdbc-sink (Connect's offsets API; without it: commit group connect-jdbc-sink) at person [$POISON_PARTITION] @ $((POISON_OFFSET + 1)) (now @ $POISON_OFFSET)"
expect_contains "$(cat "$WORK/out")" "dry run: nothing changed"
expect_equal "$(mutating_calls)" "" "Connect calls that change something"
expect_equal "$(count_records person.parking-lot)" 0 "parked records"
expect_equal "$(count_records person)" 4 "records in person"
expect_equal "$(task_states jdbc-sink)" "RUNNING FAILED FAILED" "connector state"

TEST "--strategy compact against a broker without DescribeConfigs: exit 1, one line, nothing changed"
expect_error 1 'dlqcat: error: describe configs of topic "person": Failed while waiting for controller: Local: Timed out (--strategy compact needs the DescribeConfigs and AlterConfigs admin APIs); nothing was changed' \
  "${FIX[@]}" --strategy compact --value "$CORRECTION" --admin-timeout 2
expect_equal "$(mutating_calls)" "" "Connect calls that change something"
expect_equal "$(count_records person.parking-lot)" 0 "parked records"
expect_equal "$(count_records person)" 4 "records in person"
expect_equal "$(group_offset connect-jdbc-sink person "$POISON_PARTITION")" "$POISON_OFFSET" "group offset"

TEST "a worker without the offsets API (Kafka 3.5): found, parked, corrected, group committed, connector resumed"
expect_exit 0 "${FIX[@]}" --strategy skip --value "$CORRECTION"
out=$(cat "$WORK/out")
expect_contains "$out" "$POISON_LINE"
expect_contains "$out" "connector jdbc-sink: stopped"
expect_contains "$out" "parked: person [$POISON_PARTITION] @ $POISON_OFFSET, key \"5\" in person.parking-lot"
expect_contains "$out" "group connect-jdbc-sink: person [$POISON_PARTITION] moved from @ $POISON_OFFSET to @ $((POISON_OFFSET + 1))"
expect_contains "$out" "connector jdbc-sink: RUNNING, tasks: 0 RUNNING, 1 RUNNING"
expect_contains "$out" "check: table person holds the correction"
expect_equal "$(mutating_calls | tr '\n' ';')" \
  "PUT /connectors/jdbc-sink/stop;PATCH /connectors/jdbc-sink/offsets;PUT /connectors/jdbc-sink/resume;" "Connect calls"
expect_equal "$(rows person)" "1|Paul 2|Gaby 5|Michael 6|Barbara " "rows"
expect_equal "$(group_offset connect-jdbc-sink person "$POISON_PARTITION")" \
  "$(kcat -b "$BROKERS" -C -t person -p "$POISON_PARTITION" -e -q -f 'x\n' 2>/dev/null | wc -l)" \
  "group offset (the sink read its partition to the end, correction included)"
# The parked record is the poison, byte for byte, with the database's reason.
"$PY" "$E2E_DIR/peer.py" dump "$BROKERS" person.parking-lot >"$WORK/parked.json"
expect_equal "$(jq -r '.key' "$WORK/parked.json")" "$(hex 5)" "parked key"
expect_equal "$(jq -r '.value' "$WORK/parked.json")" "$(hex "$POISON_VALUE")" "parked value"
expect_equal "$(jq -r '.headers[] | select(.[0] == "dlqcat.parked.reason") | .[1]' "$WORK/parked.json")" "$(hex "$DB_REFUSAL")"
expect_equal "$(jq -r '.headers[] | select(.[0] == "dlqcat.parked.source") | .[1]' "$WORK/parked.json")" \
  "$(hex "person-$POISON_PARTITION@$POISON_OFFSET")"
# The gate again, after the fix: the table accepts every record from the group's offsets on.
expect_exit 0 "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --find-poison --pg "$PG_URL" --table person
expect_contains "$(cat "$WORK/out")" "no poison record found"

TEST "a worker before Kafka 3.5 (no /stop, no task restart): deleted and recreated from its saved config"
start_connect legacy --legacy
seed people jdbc-legacy
expect_exit 0 "$DLQCAT" compact-fix -b "$BROKERS" -t people --connector jdbc-legacy --connect "$CONNECT_URL" \
  --find-poison --pg "$PG_URL" --table people --strategy skip --value-file - <<<"$CORRECTION"
expect_contains "$(cat "$WORK/out")" "connector jdbc-legacy: deleted (this worker has no /stop); its config is saved"
expect_contains "$(cat "$WORK/out")" "group connect-jdbc-legacy: people [$POISON_PARTITION] moved from @ $POISON_OFFSET to @ $((POISON_OFFSET + 1))"
expect_equal "$(mutating_calls | tr '\n' ';')" \
  "PUT /connectors/jdbc-legacy/stop;DELETE /connectors/jdbc-legacy;POST /connectors;" "Connect calls"
expect_equal "$(rows people)" "1|Paul 2|Gaby 5|Michael 6|Barbara " "rows"
expect_equal "$(task_states jdbc-legacy)" "RUNNING RUNNING RUNNING" "connector state"

TEST "bad combinations are usage errors"
expect_error 2 "dlqcat: error: name the poison record with one of --find-poison, --partition with --offset, or --key" \
  "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink
expect_error 2 "dlqcat: error: --find-poison needs --pg URL and --table TABLE" \
  "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --find-poison
expect_error 2 "dlqcat: error: give only one of --value, --value-file and --tombstone" \
  "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --key 5 --strategy skip --value x --tombstone
expect_error 1 "dlqcat: error: PostgreSQL table 'nosuch': relation \"nosuch\" does not exist" \
  "$DLQCAT" compact-fix -b "$BROKERS" -t person --connector jdbc-sink --find-poison --pg "$PG_URL" --table nosuch

# --- Issue 16 -------------------------------------------------------------------------------------
TEST "16.3 --find-poison past a value nested 100k deep: reported and skipped, never a crash"
pg_sql "CREATE TABLE nested (id int PRIMARY KEY, name varchar(10))"
{
  printf 'deep,{"payload":%s%s}\n' "$(head -c 100000 /dev/zero | tr '\0' '[')" "$(head -c 100000 /dev/zero | tr '\0' ']')"
  printf '8,%s\n' "$(person 8 Ok)"
} | kcat -P -b "$BROKERS" -t nested -p 0 -K,
expect_exit 0 "$DLQCAT" compact-fix -b "$BROKERS" -t nested -G connect-nested --find-poison --pg "$PG_URL" --table nested --all
expect_equal "$(cat "$WORK/out")" "not tried: nested [0] @ 0, key \"deep\": its value's JSON nested deeper than 1000 levels (a converter refuses it before the sink)
tried 1 record from group connect-nested's offsets against table nested, rolled back (1 skipped: tombstones, or not JSON objects a converter reads)
no poison record found: the table accepts every record after the group's offsets"

TEST "16.16 --find-poison names a string value holding NUL as the poison PostgreSQL refuses"
pg_sql "CREATE TABLE nuls (id int PRIMARY KEY, name varchar(10))"
printf '9,%s\n' "$(person 9 'a\u0000b')" | kcat -P -b "$BROKERS" -t nuls -p 0 -K,
expect_exit 3 "$DLQCAT" compact-fix -b "$BROKERS" -t nuls -G connect-nuls --find-poison --pg "$PG_URL" --table nuls # found: the gate
expect_contains "$(cat "$WORK/out")" \
  'poison: nuls [0] @ 0, key "9": PostgreSQL: invalid byte sequence for encoding "UTF8": 0x00 (a NUL byte in the value of column "name") (SQLSTATE 22021)'
# What PostgreSQL itself answers for that byte in text, as the JDBC sink gets it:
expect_contains "$(psql "$PG_URL" -qAt -c "SELECT convert_from('\\x610062'::bytea, 'UTF8')" 2>&1 || true)" \
  'invalid byte sequence for encoding "UTF8": 0x00'

TEST "16.11 a connector config printed after a failed fix hides every credential: JAAS configs, tokens, URL passwords"
SECRET=Hunter2-$RANDOM$RANDOM
start_connect secretive --legacy
seed vault jdbc-secretive "$(jq -n --arg s "$SECRET" --arg url "$PG_URL?password=$SECRET" '{
  "connection.url": $url, "connection.password": $s, "bearer.auth.token": $s,
  "consumer.override.sasl.jaas.config": ("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"" + $s + "\";")}')"
# The correction is larger than the broker takes: the fix fails after the connector was deleted.
head -c 2000000 /dev/zero | tr '\0' x >"$WORK/huge.value"
expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t vault --connector jdbc-secretive --connect "$CONNECT_URL" --key 5 \
  --strategy skip --value-file "$WORK/huge.value"
out=$(cat "$WORK/out")
expect_contains "$out" "connector jdbc-secretive was left deleted (config printed above)"
expect_contains "$out" "  consumer.override.sasl.jaas.config=***"
expect_contains "$out" "  connection.password=***"
expect_contains "$out" "  bearer.auth.token=***"
expect_contains "$out" "  connection.url=$PG_URL?password=***"
if grep -q "$SECRET" "$WORK/out" "$WORK/err"; then
  fail "secret printed: $(grep -h "$SECRET" "$WORK/out" "$WORK/err" | cut -c1-200)"
fi
