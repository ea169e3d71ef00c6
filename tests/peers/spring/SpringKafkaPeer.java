// Spring Kafka as the writer of dead letters (tests/peers/test_spring_kafka.bash). Each command
// prints every dead letter it caused as a JSON line (common/DeadLetters.java): the record read
// back with Apache Kafka's consumer, and what the peer knows it wrote.
//
//   dlpr BOOTSTRAP TOPIC
//       DeadLetterPublishingRecoverer from a plain main() (a KafkaTemplate over a
//       DefaultKafkaProducerFactory), on records produced to TOPIC (2 partitions) and read back:
//       lefe        a ListenerExecutionFailedException with a group id over a SocketTimeoutException
//       null-message  an exception without a message, on a record with a null value
//       key-deser   a key the ErrorHandlingDeserializer could not read (kafka_dlt-key-exception-*)
//       twice       the lefe dead letter dead-lettered again (TOPIC-dlt-dlt)
//   retry-topics BOOTSTRAP TOPIC COUNT
//       non-blocking retries (RetryTopicConfigurationBuilder, exponential back-off, 3 attempts):
//       a listener that always fails; COUNT records travel TOPIC-retry-* to TOPIC-dlt.
//   dump BOOTSTRAP TOPIC COUNT
//       the first COUNT records of TOPIC, one {"record": ...} line each
//   listener BOOTSTRAP TOPIC GROUP
//       a listener container on TOPIC (kafka_deliveryAttempt headers on) with a DefaultErrorHandler
//       that delivers a record 3 times, then publishes it to TOPIC-dlt. It fails every record
//       until a line "fix" comes on stdin; after that it prints each record it consumes
//       ("consumed" JSON lines). "quit" ends it.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.retrytopic.DeadLetterPublishingRecovererFactory;
import org.springframework.kafka.retrytopic.RetryTopicConfiguration;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationBuilder;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationSupport;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.backoff.FixedBackOff;

public final class SpringKafkaPeer {
  static final String WRITER = "spring-kafka " + KafkaTemplate.class.getPackage().getImplementationVersion();
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  public static void main(String[] args) throws Exception {
    switch (args.length > 0 ? args[0] : "") {
      case "dlpr" -> dlpr(args[1], args[2]);
      case "retry-topics" -> retryTopics(args[1], args[2], Integer.parseInt(args[3]));
      case "listener" -> listener(args[1], args[2], args[3]);
      case "dump" -> {
        for (var record : DeadLetters.read(args[1], args[2], Integer.parseInt(args[3]))) {
          DeadLetters.printObject(Map.of("record", DeadLetters.record(record)));
        }
      }
      default -> {
        System.err.println("usage: SpringKafkaPeer dlpr|retry-topics|listener BOOTSTRAP TOPIC ... (see the source)");
        System.exit(2);
      }
    }
    System.exit(0); // the producer's and the containers' threads
  }

  static KafkaTemplate<byte[], byte[]> template(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("key.serializer", ByteArraySerializer.class);
    props.put("value.serializer", ByteArraySerializer.class);
    props.put("linger.ms", 0);
    return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(props));
  }

  static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  static RecordMetadata send(KafkaTemplate<byte[], byte[]> template, String topic, int partition, byte[] key,
      byte[] value, String traceparent) throws Exception {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, key, value);
    if (traceparent != null) {
      record.headers().add("traceparent", utf8(traceparent));
    }
    return template.send(record).get(60, TimeUnit.SECONDS).getRecordMetadata();
  }

  /** The record at `metadata`'s offset, read with `consumer` (assigned to its partition only). */
  static <K, V> ConsumerRecord<K, V> readAt(KafkaConsumer<K, V> consumer, RecordMetadata metadata) {
    TopicPartition partition = new TopicPartition(metadata.topic(), metadata.partition());
    consumer.assign(List.of(partition));
    consumer.seek(partition, metadata.offset());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<K, V> record : consumer.poll(java.time.Duration.ofMillis(200))) {
        if (record.offset() == metadata.offset()) {
          return record;
        }
      }
    }
    throw new IllegalStateException("record " + metadata + " not read back");
  }

  /** Spring's root cause (ErrorHandlingUtils.findRootCause): under the container's wrappers. */
  static Exception rootCause(Exception exception) {
    Exception root = exception;
    while ((root instanceof ListenerExecutionFailedException
        || root.getClass().getSimpleName().equals("TimestampedException"))
        && root.getCause() instanceof Exception cause) {
      root = cause;
    }
    return root;
  }

  static Map<String, Object> expectSpring(String dialect, ConsumerRecord<?, ?> original, String group,
      Exception exception, Throwable rootCause) {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("dialect", dialect);
    expected.put("original", DeadLetters.original(original, group));
    expected.put("exception", DeadLetters.exception(exception.getClass().getName(),
        DeadLetters.joinedMessage(exception, rootCause), DeadLetters.stackTrace(exception), rootCause.getClass().getName()));
    return expected;
  }

  static void dlpr(String bootstrap, String topic) throws Exception {
    String dlt = topic + "-dlt"; // DeadLetterPublishingRecoverer's default destination since 3.3
    DeadLetters.createTopics(bootstrap, topic + ":2", dlt + ":2", dlt + "-dlt:2");
    KafkaTemplate<byte[], byte[]> template = template(bootstrap);
    RecordMetadata at1 = send(template, topic, 1, utf8("order-1"), utf8("{\"amount\":12}"), TRACEPARENT);
    RecordMetadata at2 = send(template, topic, 0, utf8("order-2"), null, null);
    RecordMetadata at3 = send(template, topic, 1, utf8("abc"), utf8("{\"amount\":3}"), TRACEPARENT);

    DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template);
    try (KafkaConsumer<byte[], byte[]> bytes = DeadLetters.consumer(bootstrap)) {
      // lefe: what a listener container hands the recoverer when a @KafkaListener method threw.
      ConsumerRecord<byte[], byte[]> r1 = readAt(bytes, at1);
      var lefe = new ListenerExecutionFailedException("Listener failed", "orders-group",
          new SocketTimeoutException("Read timed out"));
      recoverer.accept(r1, lefe);
      ConsumerRecord<byte[], byte[]> d1 = DeadLetters.read(bootstrap, dlt, 1).get(0);
      DeadLetters.print("lefe", "spring-kafka-dlpr-lefe", WRITER, d1, expectSpring("spring", r1, "orders-group",
          lefe, lefe.getCause()));

      // null-message: no message at all, on a tombstone.
      ConsumerRecord<byte[], byte[]> r2 = readAt(bytes, at2);
      var bare = new IllegalStateException();
      recoverer.accept(r2, bare);
      ConsumerRecord<byte[], byte[]> d2 = findByOriginal(bootstrap, dlt, 2, r2);
      DeadLetters.print("null-message", "spring-kafka-dlpr-null-message", WRITER, d2,
          expectSpring("spring", r2, null, bare, bare));

      // twice: the dead letter d1, failing again in another group, goes to TOPIC-dlt-dlt. The
      // original-* headers are appended (the first origin stays first), the exception ones replaced.
      var again = new ListenerExecutionFailedException("Listener failed", "audit-group",
          new IllegalArgumentException("amount 12 above the audit limit"));
      recoverer.accept(d1, again);
      ConsumerRecord<byte[], byte[]> dd = DeadLetters.read(bootstrap, dlt + "-dlt", 1).get(0);
      Map<String, Object> twice = expectSpring("spring", r1, "orders-group", again, again.getCause());
      DeadLetters.print("twice", "spring-kafka-dlpr-twice", WRITER, dd, twice);
    }

    // key-deser: the key is not a 4-byte Integer; ErrorHandlingDeserializer leaves a null key and
    // the exception in a header, which the recoverer turns into kafka_dlt-key-exception-*.
    try (KafkaConsumer<Integer, byte[]> keyed = new KafkaConsumer<>(keyFailingConsumerProps(bootstrap),
        new ErrorHandlingDeserializer<Integer>(new IntegerDeserializer()).keyDeserializer(true),
        new ByteArrayDeserializer())) {
      ConsumerRecord<Integer, byte[]> r3 = readAt(keyed, at3);
      DeserializationException keyFailure = SerializationUtils.getExceptionFromHeader(r3,
          SerializationUtils.KEY_DESERIALIZER_EXCEPTION_HEADER, new LogAccessor(SpringKafkaPeer.class));
      if (r3.key() != null || keyFailure == null) {
        throw new IllegalStateException("the key of " + r3 + " was expected to fail");
      }
      // The container wraps what reaches the error handler in a ListenerExecutionFailedException.
      var wrapped = new ListenerExecutionFailedException("Listener failed", "orders-group", keyFailure);
      recoverer.accept(r3, wrapped);
      ConsumerRecord<byte[], byte[]> d3 = findByOriginal(bootstrap, dlt, 3, r3);
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("dialect", "spring");
      expected.put("original", DeadLetters.original(r3, "orders-group"));
      // Only the key failed: the value exception headers are not written at all; the one cause
      // header (kafka_dlt-exception-cause-fqcn, unprefixed for the key too) is the key exception's
      // own class (its root cause: it is no ListenerExecutionFailedException), and dlqcat shows it
      // as the key exception's cause.
      expected.put("key_exception", DeadLetters.exception(keyFailure.getClass().getName(),
          DeadLetters.joinedMessage(keyFailure, keyFailure), DeadLetters.stackTrace(keyFailure),
          keyFailure.getClass().getName()));
      expected.put("exception", DeadLetters.exception(null, null, null, null));
      DeadLetters.print("key-deser", "spring-kafka-dlpr-key-deser", WRITER, d3, expected);
    }
  }

  static Map<String, Object> keyFailingConsumerProps(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("enable.auto.commit", "false");
    return props;
  }

  /** The record of `dlt` (holding `count` records) whose kafka_dlt-original-offset is `original`'s. */
  static ConsumerRecord<byte[], byte[]> findByOriginal(String bootstrap, String dlt, int count,
      ConsumerRecord<?, ?> original) {
    for (ConsumerRecord<byte[], byte[]> record : DeadLetters.read(bootstrap, dlt, count)) {
      var offset = record.headers().lastHeader("kafka_dlt-original-offset");
      var partition = record.headers().lastHeader("kafka_dlt-original-partition");
      if (offset != null && partition != null
          && java.nio.ByteBuffer.wrap(offset.value()).getLong() == original.offset()
          && java.nio.ByteBuffer.wrap(partition.value()).getInt() == original.partition()) {
        return record;
      }
    }
    throw new IllegalStateException("no dead letter of " + original + " in " + dlt);
  }

  // ---- retry topics ----------------------------------------------------------------------------

  /** What each attempt's listener saw and which exception each hop's recoverer was handed. */
  static final Map<String, List<Exception>> HOPS = new ConcurrentHashMap<>();
  static final Map<String, ConsumerRecord<?, ?>> FIRST_SEEN = new ConcurrentHashMap<>();
  static final Map<String, List<String>> ATTEMPTS = new ConcurrentHashMap<>();

  static String keyOf(ConsumerRecord<?, ?> record) {
    return record.key() == null ? "" : new String((byte[]) record.key(), StandardCharsets.UTF_8);
  }

  @Configuration
  @EnableKafka
  static class RetryTopics extends RetryTopicConfigurationSupport {
    @Bean
    KafkaAdmin admin(Environment env) {
      return new KafkaAdmin(Map.of("bootstrap.servers", env.getRequiredProperty("peer.bootstrap")));
    }

    @Bean
    DefaultKafkaProducerFactory<byte[], byte[]> producerFactory(Environment env) {
      return new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", env.getRequiredProperty("peer.bootstrap"),
          "key.serializer", ByteArraySerializer.class, "value.serializer", ByteArraySerializer.class));
    }

    @Bean
    KafkaTemplate<byte[], byte[]> kafkaTemplate(DefaultKafkaProducerFactory<byte[], byte[]> factory) {
      return new KafkaTemplate<>(factory);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> kafkaListenerContainerFactory(Environment env) {
      var factory = new ConcurrentKafkaListenerContainerFactory<byte[], byte[]>();
      factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(Map.of(
          "bootstrap.servers", env.getRequiredProperty("peer.bootstrap"),
          "auto.offset.reset", "earliest",
          "key.deserializer", ByteArrayDeserializer.class, "value.deserializer", ByteArrayDeserializer.class)));
      return factory;
    }

    @Bean
    RetryTopicConfiguration retryTopics(KafkaTemplate<byte[], byte[]> template, Environment env) {
      return RetryTopicConfigurationBuilder.newInstance()
          .maxAttempts(3)
          .exponentialBackoff(100, 2, 1000)
          .autoCreateTopicsWith(1, (short) 1)
          .includeTopic(env.getRequiredProperty("peer.topic"))
          .create(template);
    }

    // Each hop's recoverer: note the exception it was handed, keyed by the record's key.
    @Override
    protected java.util.function.Consumer<DeadLetterPublishingRecovererFactory> configureDeadLetterPublishingContainerFactory() {
      return factory -> factory.setHeadersFunction((record, exception) -> {
        HOPS.computeIfAbsent(keyOf(record), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(exception);
        return null;
      });
    }

    // The retry topics' back-off is scheduled on it.
    @Bean
    org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler taskScheduler() {
      return new org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler();
    }
  }

  public static class AlwaysFails {
    @KafkaListener(id = "always-fails", topics = "${peer.topic}", groupId = "${peer.topic}-group")
    public void listen(ConsumerRecord<byte[], byte[]> record) {
      FIRST_SEEN.putIfAbsent(keyOf(record), record);
      ATTEMPTS.computeIfAbsent(keyOf(record), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
          .add(record.topic() + "-" + record.partition() + "@" + record.offset());
      throw new IllegalStateException("cannot process " + new String(record.value(), StandardCharsets.UTF_8));
    }
  }

  static void retryTopics(String bootstrap, String topic, int count) throws Exception {
    DeadLetters.createTopics(bootstrap, topic + ":1");
    System.setProperty("peer.bootstrap", bootstrap);
    System.setProperty("peer.topic", topic);
    try (var context = new AnnotationConfigApplicationContext(RetryTopics.class, AlwaysFails.class)) {
      KafkaTemplate<byte[], byte[]> template = template(bootstrap);
      for (int i = 0; i < count; i++) {
        send(template, topic, 0, utf8("payment-" + i), utf8("{\"payment\":" + i + "}"), TRACEPARENT);
      }
      List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.read(bootstrap, topic + "-dlt", count);
      for (ConsumerRecord<byte[], byte[]> record : dead) {
        String key = keyOf(record);
        List<Exception> hops = HOPS.get(key);
        Exception last = hops.get(hops.size() - 1);
        Exception root = rootCause(last);
        Map<String, Object> expected = expectSpring("spring-retry", FIRST_SEEN.get(key), topic + "-group", last, root);
        // One retry_topic-attempts value per hop, the number of the delivery to come: after the
        // three hops (to -retry-100, -retry-200, -dlt) the last is 4. dlqcat's attempts are the
        // failed deliveries, one per hop: 3 (docs/REPLAY.md, "Counter rules").
        if (hops.size() != 3) {
          throw new IllegalStateException(key + " made " + hops.size() + " hops, expected 3");
        }
        expected.put("attempts", hops.size());
        DeadLetters.print("retry-topics", key.equals("payment-0") ? "spring-kafka-retry-topics-dlt" : null, WRITER,
            record, expected);
        System.err.println("attempts of " + key + ": " + ATTEMPTS.get(key));
      }
    }
  }

  // ---- a listener whose bug gets fixed -----------------------------------------------------------

  static void listener(String bootstrap, String topic, String group) throws Exception {
    DeadLetters.createTopics(bootstrap, topic + ":1", topic + "-dlt:1");
    KafkaTemplate<byte[], byte[]> template = template(bootstrap);
    AtomicBoolean fixed = new AtomicBoolean(false);
    Map<String, Object> consumerProps = new HashMap<>();
    consumerProps.put("bootstrap.servers", bootstrap);
    consumerProps.put("group.id", group);
    consumerProps.put("auto.offset.reset", "earliest");
    consumerProps.put("key.deserializer", ByteArrayDeserializer.class);
    consumerProps.put("value.deserializer", ByteArrayDeserializer.class);
    ContainerProperties containerProps = new ContainerProperties(topic);
    // kafka_deliveryAttempt on every delivery: the dead letter carries the last one (3).
    containerProps.setDeliveryAttemptHeader(true);
    containerProps.setMessageListener((MessageListener<byte[], byte[]>) record -> {
      if (!fixed.get()) {
        throw new IllegalArgumentException("bug: cannot parse " + new String(record.value(), StandardCharsets.UTF_8));
      }
      DeadLetters.print("consumed", null, WRITER, record, Map.of());
    });
    var container = new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<byte[], byte[]>(consumerProps),
        containerProps);
    container.setCommonErrorHandler(new DefaultErrorHandler(new DeadLetterPublishingRecoverer(template),
        new FixedBackOff(0L, 2L))); // 3 deliveries, then the -dlt
    container.start();
    System.out.println("{\"ready\":true}");
    System.out.flush();
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = stdin.readLine()) != null;) {
      if (line.equals("fix")) {
        fixed.set(true);
        System.out.println("{\"fixed\":true}");
        System.out.flush();
      } else if (line.equals("quit")) {
        break;
      }
    }
    container.stop();
  }
}
