"""Joins the Spring Cloud Stream peer's events with its DLQ as read back by Apache Kafka's
consumer, into compare.py's peer lines.

usage: scst_expected.py EVENTS DUMP
EVENTS: ScstApp's stdout ("process" and "dead-letter" events of one round, one per key).
DUMP: `SpringKafkaPeer dump` of the DLQ (one {"record": ...} line per dead letter, that round).
Each dead letter is matched by its value to what the binder's DLQ handler was handed.
"""
import json
import sys

WRITER_PREFIX = "spring-cloud-stream-binder-kafka"


def main():
    processed, handed = {}, {}
    writer = None
    for line in open(sys.argv[1], encoding="utf-8"):
        event = json.loads(line)
        if event.get("event") == "process":
            processed[event["value"]] = event
        elif event.get("event") == "dead-letter":
            handed[event["value"]] = event
        elif event.get("event") == "ready":
            writer = event.get("writer")
    first = True
    for line in open(sys.argv[2], encoding="utf-8"):
        record = json.loads(line)["record"]
        value = record["value"]
        source, failure = processed[value], handed[value]
        expected = {
            "dialect": "scst",
            # Binder 5.0.4 writes no consumer group and no cause class (both must be absent).
            "original": dict({field: source[field] for field in
                              ("topic", "partition", "offset", "timestamp", "timestamp_type")},
                             group=None),
            "exception": {"class": failure["exception"], "message": failure["message"],
                          "stacktrace": failure["stacktrace"], "cause_class": None},
        }
        print(json.dumps({"case": "dlq", "fixture": "spring-cloud-stream-dlq" if first else None,
                          "writer": writer, "record": record, "expected": expected}))
        first = False


if __name__ == "__main__":
    main()
