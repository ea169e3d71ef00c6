"""The Python contender for replay (python3-confluent-kafka, /usr/bin/python3): the re-route logic
of the Spring Cloud Stream sample (shared/seeds/spring-cloud-stream-dlq.txt,
ReRouteDlqKApplication): read x-retries; absent -> 1, below 3 -> + 1, and send the record back to
the original destination on the partition it was received from; 3 or more -> send it unchanged
to the parking lot. Like the sample it reads in a consumer group; instead of stopping after 5 s
without records it stops at the end offsets seen at start (dlqcat replay -e), waits for every
delivery and commits the group's offsets.
Usage: py_reroute.py BROKERS DLQ_TOPIC TARGET_TOPIC PARKING_LOT GROUP
Prints "records=N rerouted=N parked=N delivered=N" on stderr; exit 0 when all were delivered.
Ends with os._exit (confluent-kafka 1.7 may abort at exit)."""
import os
import sys

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

X_RETRIES = "x-retries"


def finish(code):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(brokers, dlq, target, parking_lot, group):
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": group, "enable.auto.commit": False,
                         "auto.offset.reset": "earliest"})
    producer_stats = {"delivered": 0, "failed": 0}

    def on_delivery(err, _msg):
        producer_stats["failed" if err is not None else "delivered"] += 1

    producer = Producer({"bootstrap.servers": brokers})
    metadata = consumer.list_topics(dlq, timeout=10)
    ends = {}
    for p in metadata.topics[dlq].partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(dlq, p), timeout=10)
        if high > low:
            ends[p] = high
    consumer.subscribe([dlq])
    records = rerouted = parked = 0
    while ends:
        for msg in consumer.consume(1000, 0.1):
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    continue
                print("py_reroute.py: %s" % err, file=sys.stderr)
                finish(1)
            partition = msg.partition()
            end = ends.get(partition)
            if end is None or msg.offset() >= end:
                continue
            if msg.offset() + 1 >= end:
                del ends[partition]
            records += 1
            headers = msg.headers() or []
            retries = None
            for name, value in headers:
                if name == X_RETRIES and value is not None:
                    retries = int(value)
            if retries is None or retries < 3:
                retries = 1 if retries is None else retries + 1
                out = [(name, value) for name, value in headers if name != X_RETRIES]
                out.append((X_RETRIES, str(retries).encode()))
                topic = target
                rerouted += 1
            else:
                out = headers
                topic = parking_lot
                parked += 1
            while True:
                try:
                    producer.produce(topic, key=msg.key(), value=msg.value(), headers=out, partition=partition,
                                     on_delivery=on_delivery)
                    break
                except BufferError:
                    producer.poll(0.1)
            producer.poll(0)
    remaining = producer.flush(60)
    consumer.commit(asynchronous=False)
    consumer.close()
    print("records=%d rerouted=%d parked=%d delivered=%d" % (records, rerouted, parked, producer_stats["delivered"]),
          file=sys.stderr)
    finish(0 if remaining == 0 and producer_stats["failed"] == 0 and producer_stats["delivered"] == records else 1)


if __name__ == "__main__":
    try:
        main(*sys.argv[1:6])
    except Exception as e:  # report, then leave without running interpreter teardown
        print("py_reroute.py: %s" % e, file=sys.stderr)
        finish(1)
