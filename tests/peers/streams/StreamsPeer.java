// Kafka Streams as the writer of dead letters (tests/peers/test_kafka_streams.bash): a topology
// reading TOPIC with an Integer value serde, with errors.dead.letter.queue.topic.name (KIP-1034,
// Kafka 4.2+) and the log-and-continue handlers, so that
//   deserialization  a 3-byte value fails the IntegerDeserializer: LogAndContinueExceptionHandler
//   processing       the value 13 throws an IllegalStateException without a message:
//                    LogAndContinueProcessingExceptionHandler
// each leave a dead letter in TOPIC-dlq while the records around them are processed. Prints each
// dead letter as a JSON line (common/DeadLetters.java) with what the handlers were handed.
//
//   StreamsPeer BOOTSTRAP TOPIC STATE-DIR
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Record;

public final class StreamsPeer {
  static final String WRITER = "kafka-streams " + AppInfoParser.getVersion();

  /** What a handler was handed, by source offset. */
  record Failure(String handler, String topic, int partition, long offset, long timestamp, Exception exception) {}

  static final Map<Long, Failure> FAILURES = new ConcurrentHashMap<>();
  static final List<Integer> PROCESSED = new CopyOnWriteArrayList<>();

  static void note(String handler, ErrorHandlerContext context, Exception exception) {
    FAILURES.put(context.offset(), new Failure(handler, context.topic(), context.partition(), context.offset(),
        context.timestamp(), exception));
  }

  public static final class Deserialization extends LogAndContinueExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
        Exception exception) {
      note("deserialization", context, exception);
      return super.handleError(context, record, exception);
    }
  }

  public static final class Processing extends LogAndContinueProcessingExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      note("processing", context, exception);
      return super.handleError(context, record, exception);
    }
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String dlq = topic + "-dlq";
    DeadLetters.createTopics(bootstrap, topic + ":1", dlq + ":1");

    Properties producerProps = new Properties();
    producerProps.put("bootstrap.servers", bootstrap);
    producerProps.put("key.serializer", ByteArraySerializer.class.getName());
    producerProps.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
      String[][] records = {{"reading-1", null}, {"reading-2", "abc"}, {"reading-3", null}, {"reading-4", null}};
      int[] values = {7, 0, 13, 8};
      for (int i = 0; i < records.length; i++) {
        byte[] value = records[i][1] != null ? records[i][1].getBytes(StandardCharsets.UTF_8) : DeadLetters.int32(values[i]);
        var record = new ProducerRecord<>(topic, 0, records[i][0].getBytes(StandardCharsets.UTF_8), value);
        record.headers().add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
      }
    }

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, topic + "-app");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
    props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlq);
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, Deserialization.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Processing.class);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put("consumer.auto.offset.reset", "earliest");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topic, Consumed.with(Serdes.String(), Serdes.Integer()))
        .foreach((key, value) -> {
          if (value == 13) {
            throw new IllegalStateException(); // no message: the message header's value is null
          }
          PROCESSED.add(value);
        });
    List<ConsumerRecord<byte[], byte[]>> dead;
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      dead = DeadLetters.read(bootstrap, dlq, 2);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (PROCESSED.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      streams.close(Duration.ofSeconds(30));
    }
    // The fault struck mid-run: the records before and after each failure were processed.
    if (!PROCESSED.equals(List.of(7, 8))) {
      throw new IllegalStateException("processed " + PROCESSED + ", expected [7, 8]");
    }
    for (ConsumerRecord<byte[], byte[]> record : dead) {
      long offset = Long.parseLong(new String(record.headers().lastHeader("__streams.errors.offset").value(),
          StandardCharsets.UTF_8));
      Failure failure = FAILURES.get(offset);
      if (record.timestamp() != failure.timestamp()) {
        throw new IllegalStateException("the dead letter of offset " + offset + " has timestamp "
            + record.timestamp() + ", the source " + failure.timestamp());
      }
      Map<String, Object> original = new LinkedHashMap<>();
      original.put("topic", failure.topic());
      original.put("partition", failure.partition());
      original.put("offset", failure.offset());
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("dialect", "streams");
      expected.put("original", original);
      Exception e = failure.exception();
      expected.put("exception", DeadLetters.exception(e.getClass().getName(), e.getMessage(),
          DeadLetters.stackTrace(e), null));
      DeadLetters.print(failure.handler(), "kafka-streams-" + failure.handler(), WRITER, record, expected);
    }
    System.exit(0);
  }
}
