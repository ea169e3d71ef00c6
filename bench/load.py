"""Loads the standard benchmark workloads into a Kafka cluster (the embedded broker or real Kafka), with
python3-confluent-kafka (Debian's, for /usr/bin/python3). Usage:
  load.py w1 BROKERS TOPIC COUNT PARTITIONS   Kafka Connect DLQ records: every __connect.errors.*
                                              header, ~2.5 KB stack traces
  load.py w2 BROKERS TOPIC COUNT PARTITIONS   ~200-byte JSON error envelopes, no headers (the
                                              streaming job of shared/seeds/streaming-job-dlq.md)
  load.py w3 BROKERS TOPIC COUNT PARTITIONS   Spring DLT records (kafka_dlt-* headers) with x-retries
                                              0..3 (absent, "1", "2", "3"), DLT partition = original
  load.py count BROKERS TOPIC                 prints "HIGH LOW": the sums of TOPIC's high and low
                                              watermarks (records written, records lost to retention)
  load.py create BROKERS PARTITIONS TOPIC...  CreateTopics (real Kafka creates no topic by itself),
                                              retention.ms=-1: the records' timestamps are from 2023
  load.py delete BROKERS TOPIC...             DeleteTopics (a replay run's target and parking lot)
Records are deterministic: record i is the same in every run. Every path ends with os._exit
(confluent-kafka 1.7 may abort at interpreter exit)."""
import json
import os
import struct
import sys

import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

CONNECT_FRAMES = [
    "org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:334)",
    "org.apache.kafka.connect.runtime.WorkerSinkTask.lambda$convertAndTransformRecord$1(WorkerSinkTask.java:514)",
    "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execAndRetry(RetryWithToleranceOperator.java:128)",
    "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execAndHandleError(RetryWithToleranceOperator.java:162)",
    "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execute(RetryWithToleranceOperator.java:104)",
    "org.apache.kafka.connect.runtime.WorkerSinkTask.convertAndTransformRecord(WorkerSinkTask.java:514)",
    "org.apache.kafka.connect.runtime.WorkerSinkTask.convertMessages(WorkerSinkTask.java:491)",
    "org.apache.kafka.connect.runtime.WorkerSinkTask.poll(WorkerSinkTask.java:322)",
    "org.apache.kafka.connect.runtime.WorkerSinkTask.iteration(WorkerSinkTask.java:226)",
    "org.apache.kafka.connect.runtime.WorkerSinkTask.execute(WorkerSinkTask.java:194)",
    "org.apache.kafka.connect.runtime.WorkerTask.doRun(WorkerTask.java:175)",
    "org.apache.kafka.connect.runtime.WorkerTask.run(WorkerTask.java:219)",
    "java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:515)",
    "java.base/java.util.concurrent.FutureTask.run(FutureTask.java:264)",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1128)",
    "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:628)",
    "java.base/java.lang.Thread.run(Thread.java:829)",
]

SPRING_FRAMES = [
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.decorateException(KafkaMessageListenerContainer.java:2873)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeOnMessage(KafkaMessageListenerContainer.java:2814)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage(KafkaMessageListenerContainer.java:2778)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeRecordListener(KafkaMessageListenerContainer.java:2690)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.pollAndInvoke(KafkaMessageListenerContainer.java:1293)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run(KafkaMessageListenerContainer.java:1195)",
    "java.base/java.lang.Thread.run(Thread.java:833)",
]


def finish(code):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def stacktrace(head, frames, i, size):
    lines = [head]
    while sum(len(line) + 1 for line in lines) < size:
        lines.append("\tat " + frames[len(lines) % len(frames)])
    lines.append("\t... %d more" % (i % 40))
    return "\n".join(lines).encode()


def connect_record(i, partitions):
    message = "Converting byte[] to Kafka Connect data failed due to serialization error: "
    head = "org.apache.kafka.connect.errors.DataException: " + message
    value = ('{"schema":{"type":"struct","fields":[{"type":"int16","optional":false,"field":"id"}]},'
             '"payload":{"id":%d,"name":"Invalid' % i).encode()
    headers = [
        ("__connect.errors.topic", b"person"),
        ("__connect.errors.partition", str(i % partitions).encode()),
        ("__connect.errors.offset", str(i).encode()),
        ("__connect.errors.connector.name", b"jdbc-sink"),
        ("__connect.errors.task.id", str(i % 4).encode()),
        ("__connect.errors.stage", b"VALUE_CONVERTER"),
        ("__connect.errors.class.name", b"org.apache.kafka.connect.json.JsonConverter"),
        ("__connect.errors.exception.class.name", b"org.apache.kafka.connect.errors.DataException"),
        ("__connect.errors.exception.message", message.encode()),
        ("__connect.errors.exception.stacktrace", stacktrace(head, CONNECT_FRAMES, i, 2500)),
    ]
    return str(i).encode(), value, headers


def envelope_record(i, _partitions):
    visit = {"visit_id": "140380747557760_%d" % i, "event_time": None, "user_id": None, "page": "page_%d" % (i % 20)}
    value = json.dumps({"processing_time": "2024-01-13T04:21:50.%06d" % (i % 1000000),
                        "input_json": json.dumps(visit),
                        "error_message": "fromisoformat: argument must be str"})
    return ("140380747557760_%d" % i).encode(), value.encode(), []


def spring_record(i, partitions):
    message = "Listener method 'public void com.example.Orders.listen(java.lang.String)' threw exception"
    head = "org.springframework.kafka.listener.ListenerExecutionFailedException: " + message
    headers = [("traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    retries = i % 4
    if retries > 0:
        headers.append(("x-retries", str(retries).encode()))
    headers += [
        ("kafka_dlt-original-topic", b"orders"),
        ("kafka_dlt-original-partition", struct.pack(">i", i % partitions)),
        ("kafka_dlt-original-offset", struct.pack(">q", i)),
        ("kafka_dlt-original-timestamp", struct.pack(">q", 1700000000000 + i)),
        ("kafka_dlt-original-timestamp-type", b"CreateTime"),
        ("kafka_dlt-original-consumer-group", b"orders-service"),
        ("kafka_dlt-exception-fqcn", b"org.springframework.kafka.listener.ListenerExecutionFailedException"),
        ("kafka_dlt-exception-cause-fqcn", b"java.lang.IllegalStateException"),
        ("kafka_dlt-exception-message", (message + "; order %d not found" % i).encode()),
        ("kafka_dlt-exception-stacktrace", stacktrace(head, SPRING_FRAMES, i, 1500)),
    ]
    value = ('{"orderId":%d,"customer":"c-%d","amount":%d.%02d}' % (i, i % 997, i % 500, i % 100)).encode()
    return ("order-%d" % i).encode(), value, headers


WORKLOADS = {"w1": connect_record, "w2": envelope_record, "w3": spring_record}


def load(kind, brokers, topic, count, partitions):
    producer = Producer({"bootstrap.servers": brokers, "linger.ms": 20, "batch.num.messages": 10000,
                         "queue.buffering.max.messages": 1000000, "queue.buffering.max.kbytes": 1048576})
    failures = []

    def on_delivery(err, _msg):
        if err is not None:
            failures.append(str(err))

    make = WORKLOADS[kind]
    for i in range(count):
        key, value, headers = make(i, partitions)
        # W3's DLT partition is the original partition, as DeadLetterPublishingRecoverer does.
        while True:
            try:
                producer.produce(topic, key=key, value=value, headers=headers, partition=i % partitions,
                                 timestamp=1700000000000 + i, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.1)
        if i % 10000 == 0:
            producer.poll(0)
    remaining = producer.flush(120)
    if failures or remaining:
        print("load.py: %d not delivered: %s" % (len(failures) + remaining, failures[:3]), file=sys.stderr)
        finish(1)
    finish(0)


def watermarks(consumer, partition):
    """(low, high); a partition real Kafka has just created may answer "not leader" for a while."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return consumer.get_watermark_offsets(partition, timeout=10)
        except KafkaException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def count_records(brokers, topic):
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "bench-count"})
    metadata = consumer.list_topics(topic, timeout=10)
    highs = lows = 0
    for p in metadata.topics[topic].partitions:
        low, high = watermarks(consumer, TopicPartition(topic, p))
        highs += high
        lows += low
    print(highs, lows)
    finish(0)


def create_topics(brokers, partitions, topics):
    admin = AdminClient({"bootstrap.servers": brokers})
    futures = admin.create_topics([NewTopic(t, partitions, 1, config={"retention.ms": "-1"}) for t in topics],
                                  request_timeout=60, operation_timeout=60)
    for future in futures.values():
        future.result()
    # The controller answered; wait until every partition has a leader in the metadata.
    for _ in range(600):
        metadata = admin.list_topics(timeout=10).topics
        if all(t in metadata and metadata[t].error is None and len(metadata[t].partitions) == partitions
               and all(p.leader >= 0 for p in metadata[t].partitions.values()) for t in topics):
            # ...and until each leader answers ListOffsets (it says "not leader" for a moment).
            consumer = Consumer({"bootstrap.servers": brokers, "group.id": "bench-count"})
            for t in topics:
                for p in range(partitions):
                    watermarks(consumer, TopicPartition(t, p))
            finish(0)
        time.sleep(0.1)
    print("load.py: topics without leaders after 60 s: %s" % topics, file=sys.stderr)
    finish(1)


def delete_topics(brokers, topics):
    admin = AdminClient({"bootstrap.servers": brokers})
    for future in admin.delete_topics(topics, request_timeout=60, operation_timeout=60).values():
        future.result()
    finish(0)


if __name__ == "__main__":
    try:
        if sys.argv[1] == "count":
            count_records(sys.argv[2], sys.argv[3])
        if sys.argv[1] == "create":
            create_topics(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
        if sys.argv[1] == "delete":
            delete_topics(sys.argv[2], sys.argv[3:])
        load(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    except Exception as e:  # report, then leave without running interpreter teardown
        print("load.py: %s" % e, file=sys.stderr)
        finish(1)
