#!/usr/bin/python3
"""Writes the seed corpora of fuzz/corpus/ (committed; rerun after changing a target's input
format). Header values follow shared/DIALECTS.md's byte layouts, with the malformed variants the
decoders must survive (a 3-byte int, invalid UTF-8, a non-numeric offset)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def piece(data):
    data = data[:255]
    return bytes([len(data)]) + data


def record(headers, value=b""):
    """fuzz_dialect.cpp's input: count, then per header 0xff (name given), null flag, name, value."""
    out = bytes([len(headers)])
    for name, val in headers:
        out += b"\xff" + piece(name.encode())
        out += b"\x00" if val is None else b"\x01"
        out += piece(b"" if val is None else val)
    return out + value


i32 = lambda n: struct.pack(">i", n)
i64 = lambda n: struct.pack(">q", n)
TRACE = b"java.lang.IllegalStateException: boom\n\tat com.example.Listener.onMessage(Listener.java:42)\n"

DIALECT_SEEDS = {
    "connect": [("__connect.errors.topic", b"person"), ("__connect.errors.partition", b"0"),
                ("__connect.errors.offset", b"9"), ("__connect.errors.connector.name", b"jdbc-sink"),
                ("__connect.errors.task.id", b"0"), ("__connect.errors.stage", b"VALUE_CONVERTER"),
                ("__connect.errors.class.name", b"org.apache.kafka.connect.json.JsonConverter"),
                ("__connect.errors.exception.class.name", b"org.apache.kafka.connect.errors.DataException"),
                ("__connect.errors.exception.message", b"Converting byte[] to Kafka Connect data failed"),
                ("__connect.errors.exception.stacktrace", TRACE)],
    "connect-malformed": [("__connect.errors.offset", b"nine"), ("__connect.errors.partition", b"\xff\xfe"),
                          ("__connect.errors.topic", None)],
    "spring": [("kafka_dlt-original-topic", b"orders"), ("kafka_dlt-original-partition", i32(2)),
               ("kafka_dlt-original-offset", i64(42)), ("kafka_dlt-original-timestamp", i64(1700000000000)),
               ("kafka_dlt-original-timestamp-type", b"CreateTime"),
               ("kafka_dlt-original-consumer-group", b"orders-app"),
               ("kafka_dlt-exception-fqcn", b"org.springframework.kafka.listener.ListenerExecutionFailedException"),
               ("kafka_dlt-exception-cause-fqcn", b"java.net.SocketTimeoutException"),
               ("kafka_dlt-exception-message", b"Listener failed"), ("kafka_dlt-exception-stacktrace", TRACE)],
    "spring-truncated": [("kafka_dlt-original-partition", b"\x00\x00\x02"), ("kafka_dlt-original-offset", i32(42)),
                         ("kafka_dlt-exception-message", b"\xc3\x28")],
    "spring-retry": [("retry_topic-attempts", i32(3)), ("retry_topic-backoff-timestamp", i64(1700000000000)),
                     ("retry_topic-original-timestamp", i64(1700000000000)), ("kafka_deliveryAttempt", i32(2)),
                     ("kafka_exception-fqcn", b"java.lang.RuntimeException"), ("kafka_original-topic", b"orders"),
                     ("kafka_original-partition", i32(0)), ("kafka_original-offset", i64(7))],
    "scst": [("x-original-topic", b"so8400in"), ("x-original-partition", i32(0)), ("x-original-offset", i64(5)),
             ("x-exception-fqcn", b"java.lang.RuntimeException"), ("x-exception-message", b"fail"),
             ("x-exception-stacktrace", TRACE), ("x-retries", b"2"),
             ("spring_json_header_types", b'{"x-retries":"java.lang.Integer"}')],
    "scst-int-retries": [("x-retries", i32(3)), ("x-original-topic", b"so8400in")],
    "streams": [("__streams.errors.topic", b"input"), ("__streams.errors.partition", b"1"),
                ("__streams.errors.offset", b"99"), ("__streams.errors.exception", b"org.apache.kafka.common.errors.SerializationException"),
                ("__streams.errors.message", b"bad bytes"), ("__streams.errors.stacktrace", TRACE)],
    "smallrye": [("dead-letter-reason", b"boom"), ("dead-letter-cause", b"cause"),
                 ("dead-letter-exception-class-name", b"java.lang.IllegalArgumentException"),
                 ("dead-letter-topic", b"prices"), ("dead-letter-partition", b"3"), ("dead-letter-offset", b"12"),
                 ("delayed-retry-count", b"2"), ("delayed-retry-topic", b"prices")],
    "karafka": [("original_topic", b"events"), ("original_partition", b"0"), ("original_offset", b"4"),
                ("original_attempts", b"3"), ("original_consumer_group", b"app")],
    "share-group": [("__dlq.errors.topic", b"jobs"), ("__dlq.errors.partition", b"0"), ("__dlq.errors.offset", b"8"),
                    ("__dlq.errors.delivery.count", b"5"), ("__dlq.errors.group", b"workers"),
                    ("__dlq.errors.message", b"rejected")],
    "watermill": [("reason_poisoned", b"handler failed"), ("topic_poisoned", b"payments"),
                  ("handler_poisoned", b"payments-handler"), ("subscriber_poisoned", b"sub")],
    "layered": [("kafka_dlt-original-topic", b"orders"), ("kafka_dlt-exception-fqcn", b"java.lang.IllegalStateException"),
                ("__connect.errors.topic", b"orders-dlt"), ("__connect.errors.exception.class.name", b"X")],
}

for name, headers in DIALECT_SEEDS.items():
    write("dialect", name, record(headers))
write("dialect", "envelope", record([], b'{"payload":{"id":1},"error":{"class":"Boom","message":"bad"},"topic":"in","partition":0,"offset":3}'))
write("dialect", "envelope-not-json", record([], b'{"payload":'))

JSON_LINES = [
    b'{"topic":"dlq","partition":0,"offset":3,"timestamp":1700000000000,"key":"k","value":"v","headers":[["a","1"],["n",null]]}',
    b'{"topic":"dlq","key":null,"value":{"base64":"/w=="},"headers":[["b",{"base64":"AAE="}]]}',
    b'{"topic":"t","partition":0,"offset":1,"tstype":"create","ts":1,"broker":1,"headers":["h","v","h","w"],"key":"k","payload":"p"}',
    b'{"value":"\\ud83d\\ude00 \\u0000"}',
    b'{"headers":[["x"]]}',
    b'[1,2]',
]
for n, line in enumerate(JSON_LINES):
    write("fuzz_json_line", "line%d" % n, line)
    write("fuzz_json_scan", "line%d" % n, line)
for n, text in enumerate([b'\xef\xbb\xbf{"a":[1,-2,3.5e1,true,false,null,{}]}', b'"\\ud83d\\ude00"', b'"\\udc00"',
                          b'[[[[[[[[[[[]]]]]]]]]]]', b'18446744073709551616', b'-9223372036854775809', b'01', b'{"a" 1}',
                          b'"\xc3\x28"', b' 1 ', b'[1,]']):
    write("fuzz_json_scan", "scan%d" % n, text)

for n, fmt in enumerate([b"%t [%p] @ %o: %k %s\\n", b"%h %T %K %S %R", b"%E %M %O %A %G %d", b"\\x41\\t\\0%%", b"%", b"%Q", b"\\x"]):
    write("fuzz_format", "fmt%d" % n, fmt)

marks = i64(5) + i64(100)
for n, text in enumerate([b"beginning", b"end", b"stored", b"42", b"-10", b"s@1700000000000", b"e@1700000000000",
                          b"-9223372036854775808", b"99999999999999999999", b"s@", b"x"]):
    write("fuzz_offset", "off%d" % n, marks + text)

for n, (delim, size, chunk, stream) in enumerate([(b"\n", 64, 3, b"a\nbb\n\nccc"), (b",", 1, 1, b"1,{\"id\":1}"),
                                                   (b"\r\n", 255, 16, b"x\r\ny\r\n"), (b"ab", 2, 5, b"aabab")]):
    write("fuzz_delimited", "d%d" % n, piece(delim) + bytes([size, chunk]) + stream)

for n, text in enumerate([b"\\n\\t\\r\\0", b"\\x41\\x4", b"\\", b"\\u00e9", b"plain", b"\\\\\\"]):
    write("fuzz_unescape", "u%d" % n, text)

for n, value in enumerate([
        b'{"schema":{"type":"struct","fields":[{"type":"int16","optional":false,"field":"id"}]},"payload":{"id":5,"name":"Michael Mueller"}}',
        b'{"id":1,"name":"it\'s","tags":["a"],"ok":true,"none":null}', b'{"a.b":"x\\"y"}', b'[]', b'{', b'{"x":"\\u0000"}']):
    write("fuzz_sink_row", "row%d" % n, value)
