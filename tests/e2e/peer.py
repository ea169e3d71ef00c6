"""Independent peer client for the e2e suites: python3-confluent-kafka (Debian's, for
/usr/bin/python3). Usage:
  peer.py produce-tricky BROKERS TOPIC     write records that stress losslessness
  peer.py dump BROKERS TOPIC               print every record (to the end) as one canonical line
  peer.py committed BROKERS GROUP TOPIC    print the group's committed offsets, one P:OFFSET a line
  peer.py produce-raw BROKERS TOPIC FILE   write records described by a JSON file, values in hex
  peer.py produce-dlq BROKERS TOPIC FILE   write dead letters described by a JSON file, typed values
  peer.py create-topic BROKERS TOPIC PARTITIONS RF [KEY=VALUE...]   CreateTopics (real Kafka),
                                           returns once every broker's metadata has the topic
confluent-kafka 1.7 may abort at interpreter exit after a null header value: every path ends
with os._exit."""
import binascii
import json
import os
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def finish(code):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def tricky_records():
    binary = bytes(range(256))
    java_serialized = b"\xac\xed\x00\x05sr\x00\x13java.lang.Exception"
    return [
        dict(key=b"k1", value=b'{"id":1,"name":"Paul"}', headers=[("h", b"1"), ("h", b"2"), ("h", b"1")]),
        dict(key=None, value=b"null key", headers=[("nullvalue", None), ("empty", b"")]),
        dict(key=b"", value=b"", headers=[]),
        dict(key=b"nullvalue", value=None, headers=[("only", b"x")]),
        dict(key=binary, value=binary[::-1], headers=[("bin", binary), ("java", java_serialized)]),
        dict(key="café €".encode(), value="ünïcødé 😀 \t\n\"quoted\" \\".encode(), headers=[("ü", "ß".encode())]),
        dict(key=b"\xff\xfe", value=b"\x00\x01\x02", headers=[("invalid-utf8", b"\xc3\x28")]),
        dict(key=b"ts", value=b"fixed timestamp", headers=[], timestamp=1550313955799),
    ]


def produce_tricky(brokers, topic):
    producer = Producer({"bootstrap.servers": brokers})
    failures = []

    def on_delivery(err, _msg):
        if err is not None:
            failures.append(str(err))

    for i, rec in enumerate(tricky_records()):
        kwargs = dict(key=rec["key"], value=rec["value"], headers=rec["headers"], partition=i % 2, on_delivery=on_delivery)
        if "timestamp" in rec:
            kwargs["timestamp"] = rec["timestamp"]
        producer.produce(topic, **kwargs)
    producer.flush(30)
    if failures:
        print("delivery failed: %s" % failures, file=sys.stderr)
        finish(1)
    finish(0)


def hexed(data):
    return None if data is None else binascii.hexlify(data).decode()


def dump(brokers, topic):
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "peer-dump-%d" % os.getpid(),
                         "enable.auto.commit": False, "enable.partition.eof": True})
    metadata = consumer.list_topics(topic, timeout=10)
    partitions = sorted(metadata.topics[topic].partitions)
    ends = {}
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        if high > low:
            ends[p] = high
    consumer.assign([TopicPartition(topic, p, -2) for p in ends])
    lines = []
    while ends:
        msg = consumer.poll(1.0)
        if msg is None or msg.error():
            continue
        if msg.offset() + 1 >= ends.get(msg.partition(), 0):
            ends.pop(msg.partition(), None)
        ts_type, ts = msg.timestamp()
        lines.append(json.dumps({
            "partition": msg.partition(), "offset": msg.offset(), "timestamp": ts,
            "key": hexed(msg.key()), "value": hexed(msg.value()),
            "headers": [[name, hexed(value)] for name, value in (msg.headers() or [])],
        }, sort_keys=True))
    consumer.close()
    lines.sort(key=lambda line: (json.loads(line)["partition"], json.loads(line)["offset"]))
    print("\n".join(lines))
    finish(0)


def committed(brokers, group, topic):
    """Prints the group's committed offset per partition, "P:OFFSET" (-1001: none)."""
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": group})
    partitions = sorted(consumer.list_topics(topic, timeout=10).topics[topic].partitions)
    for tp in consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10):
        print("%d:%d" % (tp.partition, tp.offset))
    finish(0)


def commit(brokers, group, topic, offsets):
    """Commits OFFSETS ("P:OFFSET", the next offset to read) for GROUP without joining it, as a
    consumer that read that far would have."""
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": group, "enable.auto.commit": False})
    parts = [TopicPartition(topic, int(p), int(o)) for p, o in (x.split(":") for x in offsets)]
    for tp in consumer.commit(offsets=parts, asynchronous=False):
        if tp.error is not None:
            print("peer.py: commit %s [%d]: %s" % (tp.topic, tp.partition, tp.error), file=sys.stderr)
            finish(1)
    finish(0)


def produce_raw(brokers, topic, path):
    """FILE: a JSON list of {key, value, headers: [[name, value]], partition}, bytes in hex."""
    producer = Producer({"bootstrap.servers": brokers})
    failures = []
    unhex = lambda h: None if h is None else binascii.unhexlify(h)
    with open(path) as f:
        records = json.load(f)
    for rec in records:
        producer.produce(topic, key=unhex(rec.get("key")), value=unhex(rec.get("value")),
                         headers=[(n, unhex(v)) for n, v in rec.get("headers", [])],
                         partition=rec.get("partition", 0),
                         on_delivery=lambda err, _m: err and failures.append(str(err)))
    producer.flush(30)
    finish(1 if failures else 0)


def typed_value(value):
    """A header value as a framework writes it: a string is UTF-8 (NUL and all), null is a null
    value, {"i32": n} / {"i64": n} big-endian, {"hex": "..."} raw bytes."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode()
    if "i32" in value:
        return int(value["i32"]).to_bytes(4, "big", signed=True)
    if "i64" in value:
        return int(value["i64"]).to_bytes(8, "big", signed=True)
    return binascii.unhexlify(value["hex"])


def produce_dlq(brokers, topic, path):
    """FILE: a JSON list of {key, value, partition, timestamp, headers: [[name, typed value]]}
    (key and value text or null), in order; exits 1 unless every record was acknowledged."""
    producer = Producer({"bootstrap.servers": brokers})
    failures = []
    with open(path) as f:
        records = json.load(f)
    for rec in records:
        kwargs = dict(key=None if rec.get("key") is None else rec["key"].encode(),
                      value=None if rec.get("value") is None else rec["value"].encode(),
                      headers=[(n, typed_value(v)) for n, v in rec.get("headers", [])],
                      partition=rec.get("partition", 0),
                      on_delivery=lambda err, _m: err and failures.append(str(err)))
        if "timestamp" in rec:
            kwargs["timestamp"] = rec["timestamp"]
        producer.produce(topic, **kwargs)
        producer.poll(0)
    producer.flush(30)
    if failures:
        print("delivery failed: %s" % failures, file=sys.stderr)
    finish(1 if failures else 0)


def create_topic(brokers, topic, partitions, replication, configs):
    admin = AdminClient({"bootstrap.servers": brokers})
    config = dict(pair.split("=", 1) for pair in configs)
    futures = admin.create_topics([NewTopic(topic, int(partitions), int(replication), config=config)],
                                  request_timeout=30, operation_timeout=30)
    futures[topic].result()
    # The controller answered; wait until the topic's partitions have leaders in the metadata.
    for _ in range(300):
        meta = admin.list_topics(topic, timeout=10).topics.get(topic)
        if meta is not None and meta.error is None and len(meta.partitions) == int(partitions) \
                and all(p.leader >= 0 for p in meta.partitions.values()):
            finish(0)
        time.sleep(0.1)
    print("peer.py: topic %s has no leaders after 30 s" % topic, file=sys.stderr)
    finish(1)


if __name__ == "__main__":
    try:
        command = sys.argv[1]
        if command == "produce-tricky":
            produce_tricky(sys.argv[2], sys.argv[3])
        elif command == "dump":
            dump(sys.argv[2], sys.argv[3])
        elif command == "committed":
            committed(sys.argv[2], sys.argv[3], sys.argv[4])
        elif command == "commit":
            commit(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
        elif command == "produce-raw":
            produce_raw(sys.argv[2], sys.argv[3], sys.argv[4])
        elif command == "produce-dlq":
            produce_dlq(sys.argv[2], sys.argv[3], sys.argv[4])
        elif command == "create-topic":
            create_topic(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
        print("unknown command %s" % command, file=sys.stderr)
        finish(2)
    except Exception as e:  # report, then leave without running interpreter teardown
        print("peer.py: %s" % e, file=sys.stderr)
        finish(1)
