#!/usr/bin/env bash
# Kafka Streams (4.3.1) writes the dead letters (errors.dead.letter.queue.topic.name, KIP-1034) with
# the log-and-continue handlers (tests/peers/streams/StreamsPeer.java); dlqcat reads them.
source "$E2E_DIR/common.bash"
source "$(dirname "${BASH_SOURCE[0]}")/peers.bash"
require_real_kafka

TEST "Kafka Streams DLQ: a 3-byte Integer value and a message-less processing exception"
topic=$(unique_topic streams)
peer streams StreamsPeer "$BROKERS" "$topic" "$WORK/state" >"$WORK/streams.jsonl" 2>"$WORK/streams.err" ||
  fail "the Streams peer failed: $(tail -n 20 "$WORK/streams.err")"
expect_equal "$(jq -r .case "$WORK/streams.jsonl" | sort | tr '\n' ' ')" "deserialization processing " "cases written"
"$DLQCAT" consume-dlq -b "$BROKERS" -t "$topic-dlq" -e -J --stacktrace >"$WORK/streams.dlqcat"
compare "$WORK/streams.jsonl" "$WORK/streams.dlqcat"
expect_equal "$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$topic-dlq" -e -f '%d %O %E\n')" \
  "streams $topic [0] @ 1 org.apache.kafka.common.errors.SerializationException
streams $topic [0] @ 2 java.lang.IllegalStateException" "dlqcat's summary lines"
echo "all kafka-streams peer tests passed"
