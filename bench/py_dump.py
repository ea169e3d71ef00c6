"""The Python contender for reading a DLQ (python3-confluent-kafka, /usr/bin/python3): read every
record of a topic up to the end offsets seen at start and print it as one JSON line with its key,
value and ALL headers (text when UTF-8, else base64), as a hand-written DLQ dump script would.
Usage: py_dump.py BROKERS TOPIC
Prints "records=N" on stderr. Ends with os._exit (confluent-kafka 1.7 may abort at exit)."""
import base64
import json
import os
import sys

from confluent_kafka import Consumer, KafkaError, TopicPartition


def finish(code):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def text(data):
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def main(brokers, topic):
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "py-dump", "enable.auto.commit": False,
                         "enable.partition.eof": True})
    metadata = consumer.list_topics(topic, timeout=10)
    ends = {}
    for p in metadata.topics[topic].partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        if high > low:
            ends[p] = high
    consumer.assign([TopicPartition(topic, p, -2) for p in ends])
    out = sys.stdout
    records = 0
    while ends:
        for msg in consumer.consume(1000, 0.1):
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    continue
                print("py_dump.py: %s" % err, file=sys.stderr)
                finish(1)
            partition = msg.partition()
            end = ends.get(partition)
            if end is None or msg.offset() >= end:
                continue
            if msg.offset() + 1 >= end:
                del ends[partition]
            records += 1
            out.write(json.dumps({
                "topic": msg.topic(), "partition": partition, "offset": msg.offset(), "timestamp": msg.timestamp()[1],
                "key": text(msg.key()), "value": text(msg.value()),
                "headers": [{"name": name, "value": text(value)} for name, value in (msg.headers() or [])],
            }))
            out.write("\n")
    consumer.close()
    print("records=%d" % records, file=sys.stderr)
    finish(0)


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except Exception as e:  # report, then leave without running interpreter teardown
        print("py_dump.py: %s" % e, file=sys.stderr)
        finish(1)
