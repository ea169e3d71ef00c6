#!/usr/bin/env bash
# Spring Cloud Stream's Kafka binder writes the dead letters, and seed 002's re-route application
# (ReRouteDlqKApplication) runs beside dlqcat on the same DLQ: tests/peers/spring/ScstApp.java, one
# Boot application with the failing consumer and the seed's reRoute function. Real Kafka only.
source "$E2E_DIR/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/peers.bash"
require_real_kafka

topic=$(unique_topic scst)
group=$topic-group
dlq=error.$topic.$group # the binder's DLQ name
lot=$topic.parkingLot   # the seed's parking lot
replay_group=$group-replay # the seed's re-route group, shared by dlqcat's replays

# round NAME: the failing consumer processes what waits on the topic (3 more records), each
# dead-lettered again; it is stopped again after.
processed=0
process_round() {
  processed=$((processed + 3))
  app_send app "start process"
  wait_events app '.event == "dead-letter"' "$processed"
  wait_count "$dlq" "$processed"
  app_send app "stop process"
}

# x_retries_seen N: the x-retries each record's Nth processing saw, "nI=VALUE" sorted. Records
# are told apart by their value ({"n":I}): the seed's re-route does not keep the key.
x_retries_seen() {
  events app '.event == "process"' | jq -sr --argjson n "$1" \
    'group_by(.value)[] | "n\(.[0].value | fromjson | .n)=\(.[$n - 1]["x-retries"] // "none")"' | tr '\n' ' '
}

TEST "the binder's DLQ records decoded as the binder wrote them"
start_app app spring ScstApp "$BROKERS" "$topic" "$group"
wait_events app '.event == "ready"' 1 300
printf '%s\t{"n":%s}\n' k0 0 k1 1 | kcat -P -b "$BROKERS" -t "$topic" -p 0 -K $'\t' -H traceparent=00-cccc-dddd-01
printf '%s\t{"n":%s}\n' k2 2 | kcat -P -b "$BROKERS" -t "$topic" -p 1 -K $'\t' -H traceparent=00-cccc-dddd-01
process_round
expect_equal "$(x_retries_seen 1)" "n0=none n1=none n2=none " "x-retries of the first processing"
peer spring SpringKafkaPeer dump "$BROKERS" "$dlq" 3 >"$WORK/dump.jsonl" 2>"$WORK/dump.err" ||
  fail "dump: $(tail -n 5 "$WORK/dump.err")"
/usr/bin/python3 "$PEERS_DIR/scst_expected.py" "$WORK/app.out" "$WORK/dump.jsonl" >"$WORK/scst.jsonl"
"$DLQCAT" consume-dlq -b "$BROKERS" -t "$dlq" -e -J --stacktrace >"$WORK/scst.dlqcat"
compare "$WORK/scst.jsonl" "$WORK/scst.dlqcat"

TEST "dlqcat replay and the seed's re-route take turns; x-retries counts both; parked after 3"
# 1: dlqcat replays (x-retries 1) in the re-route application's own group.
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$replay_group" -e --keep-partition --max-attempts 3 \
  --park-topic "$lot" >"$WORK/replay1.out" 2>&1 || fail "replay: $(cat "$WORK/replay1.out")"
process_round
# The application reads dlqcat's counter as the Integer the seed's code asks for.
expect_equal "$(x_retries_seen 2)" "n0=1 n1=1 n2=1 " "x-retries after dlqcat's replay"
# 2: the seed's reRoute (x-retries 2), continuing from dlqcat's commits.
app_send app "start reRoute"
wait_events app '.event == "reroute" or .event == "reroute-error"' 3
app_send app "stop reRoute"
expect_equal "$(events app '.event == "reroute"' | jq -r '"\(.value):\(.retries)->\(.next)"' | sort | tr '\n' ' ')" \
  '{"n":0}:1->2 {"n":1}:1->2 {"n":2}:1->2 ' "the seed's re-routes"
process_round
expect_equal "$(x_retries_seen 3)" "n0=2 n1=2 n2=2 " "x-retries after the seed's re-route"
# 3: dlqcat again (x-retries 3), from the seed's commits.
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$replay_group" -e --keep-partition --max-attempts 3 \
  --park-topic "$lot" >"$WORK/replay3.out" 2>&1 || fail "replay: $(cat "$WORK/replay3.out")"
process_round
expect_equal "$(x_retries_seen 4)" "n0=3 n1=3 n2=3 " "x-retries after dlqcat's second replay"
# dlqcat would park them now, as the seed does:
"$DLQCAT" replay -b "$BROKERS" -t "$dlq" -G "$replay_group" -e --max-attempts 3 --park-topic "$lot" \
  --dry-run >"$WORK/dry.out" 2>&1 || fail "replay --dry-run: $(cat "$WORK/dry.out")"
expect_contains "$(cat "$WORK/dry.out")" "$lot"
# 4: the seed parks them (retries 3 is not < 3).
app_send app "start reRoute"
wait_events app '.event == "park"' 3
app_send app "stop reRoute"
stop_app app

# Nothing lost, nothing twice: each record once in the parking lot, with x-retries 3.
expect_equal "$(kcat -C -b "$BROKERS" -t "$lot" -e -q -J |
  jq -r '.headers as $h | .payload + " x-retries=" + ([range(0; $h | length; 2) | select($h[.] == "x-retries") | $h[. + 1]] | last)' |
  sort)" \
  '{"n":0} x-retries=3
{"n":1} x-retries=3
{"n":2} x-retries=3' "the parking lot"
# The DLQ holds each record's four dead letters, and dlqcat counts the attempts of each: none, 1, 2, 3.
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$dlq" -e -f '%s:%A\n' | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" \
  '{"n":0}:x1 {"n":0}:1x1 {"n":0}:2x1 {"n":0}:3x1 {"n":1}:x1 {"n":1}:1x1 {"n":1}:2x1 {"n":1}:3x1 {"n":2}:x1 {"n":2}:1x1 {"n":2}:2x1 {"n":2}:3x1 ' "attempts in the DLQ"
# The shared group read the DLQ to its end (the end offsets: nothing is deleted).
expect_equal "$(java_peer committed "$BROKERS" "$replay_group")" \
  "$(kcat -C -b "$BROKERS" -t "$dlq" -e -q -f '%p\n' | sort | uniq -c | awk -v t="$dlq" '{print t, $2, $1}')" \
  "the re-route group's commits"
echo "all spring-cloud-stream peer tests passed"
