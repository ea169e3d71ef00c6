// Shared by the framework peers of tests/peers (compiled into each, see build.sh): reading a topic
// back with Apache Kafka's own consumer, and printing each dead letter a framework wrote as one
// JSON line for compare.py, beside what the peer knows it wrote:
//
//   {"case": NAME, "fixture": NAME|null, "writer": "spring-kafka 4.0.6",
//    "record": {dlqcat's JSON line form: topic, partition, offset, timestamp, timestamp_type, key,
//               value, headers [{name, value}]; bytes as a string when valid UTF-8, else
//               {"base64": ...}, null for null},
//    "expected": {"dialect", "original": {...}, "exception": {...}, "key_exception": {...},
//                 "attempts"}}
//
// "expected" has the keys of dlqcat's `error` object; a key present with null means "must be
// absent", a key left out is not checked.
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public final class DeadLetters {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private DeadLetters() {}

  /** Creates each "NAME:PARTITIONS" topic (replication 1); one that exists is left alone. */
  public static void createTopics(String bootstrap, String... topics) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(props)) {
      List<NewTopic> wanted = new ArrayList<>();
      for (String topic : topics) {
        String[] parts = topic.split(":");
        wanted.add(new NewTopic(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 1, (short) 1));
      }
      for (var future : admin.createTopics(wanted).values().values()) {
        try {
          future.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("enable.auto.commit", "false");
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  /** Every record of `topic` from its start until `count` were read (fails after a minute). */
  public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int count) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (records.size() < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("read " + records.size() + " of " + count + " records from " + topic);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** What Throwable.printStackTrace writes: every framework here builds its stack trace so. */
  public static String stackTrace(Throwable e) {
    StringWriter text = new StringWriter();
    e.printStackTrace(new PrintWriter(text, true));
    return text.toString();
  }

  public static byte[] int32(int value) {
    return ByteBuffer.allocate(4).putInt(value).array();
  }

  /** The "original" object of an expectation: where `record` was read. */
  public static Map<String, Object> original(ConsumerRecord<?, ?> record, String group) {
    Map<String, Object> original = new LinkedHashMap<>();
    original.put("topic", record.topic());
    original.put("partition", record.partition());
    original.put("offset", record.offset());
    original.put("timestamp", record.timestamp());
    original.put("timestamp_type", record.timestampType().toString());
    original.put("group", group);
    return original;
  }

  /** An "exception" object: every key present, null where the field must be absent. */
  public static Map<String, Object> exception(String className, String message, String stacktrace,
      String causeClass) {
    Map<String, Object> exception = new LinkedHashMap<>();
    exception.put("class", className);
    exception.put("message", message);
    exception.put("stacktrace", stacktrace);
    exception.put("cause_class", causeClass);
    return exception;
  }

  /** Prints one dead letter as the JSON line described at the top of this file. */
  public static void print(String name, String fixture, String writer, ConsumerRecord<byte[], byte[]> record,
      Map<String, Object> expected) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("case", name);
    line.put("fixture", fixture);
    line.put("writer", writer);
    line.put("record", record(record));
    line.put("expected", expected);
    printObject(line);
  }

  /**
   * The message text Spring Kafka's recoverer and Spring Cloud Stream's binder both write
   * (DeadLetterPublishingRecoverer.buildMessage, KafkaMessageChannelBinder.buildMessage):
   * "message; cause message" when the cause is another exception, null when neither has one.
   */
  public static String joinedMessage(Throwable exception, Throwable cause) {
    String message = exception.getMessage();
    if (!exception.equals(cause)) {
      if (message != null) {
        message = message + "; ";
      }
      String causeMessage = cause.getMessage();
      if (causeMessage != null) {
        message = message != null ? message + causeMessage : causeMessage;
      }
    }
    return message;
  }

  /** Prints any map as one JSON line (a peer's events). */
  public static void printObject(Map<String, Object> object) {
    StringBuilder out = new StringBuilder();
    json(out, object);
    synchronized (System.out) {
      System.out.println(out);
      System.out.flush();
    }
  }

  public static Map<String, Object> record(ConsumerRecord<byte[], byte[]> record) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("topic", record.topic());
    json.put("partition", record.partition());
    json.put("offset", record.offset());
    json.put("timestamp", record.timestamp());
    json.put("timestamp_type", record.timestampType().toString());
    json.put("key", new Bytes(record.key()));
    json.put("value", new Bytes(record.value()));
    List<Object> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("name", header.key());
      h.put("value", new Bytes(header.value()));
      headers.add(h);
    }
    json.put("headers", headers);
    return json;
  }

  /** Bytes in dlqcat's JSON form: a string when valid UTF-8, else {"base64": ...}, or null. */
  public record Bytes(byte[] bytes) {}

  private static void json(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      string(out, text);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Bytes bytes) {
      if (bytes.bytes() == null) {
        out.append("null");
        return;
      }
      try {
        String text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes.bytes())).toString();
        string(out, text);
      } catch (CharacterCodingException e) {
        out.append("{\"base64\":");
        string(out, Base64.getEncoder().encodeToString(bytes.bytes()));
        out.append('}');
      }
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (var entry : map.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        string(out, entry.getKey().toString());
        out.append(':');
        json(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        json(out, list.get(i));
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass());
    }
  }

  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
