// The independent client of the real-Kafka tests: Apache Kafka's own Java client (kafka-clients,
// from scripts/kafka/pom.xml), which shares no code with librdkafka. tests/realkafka/peer.sh
// compiles and runs it. Every command prints plain lines for bash to compare:
//
//   create-topic B TOPIC PARTITIONS RF [KEY=VALUE...]   CreateTopics (topic configs as given)
//   describe-configs B TOPIC      the topic's dynamic configs (set on the topic), "KEY=VALUE" sorted
//   alter-configs B TOPIC [KEY=VALUE...]   IncrementalAlterConfigs SET of each pair
//   dump B TOPIC [read_committed]  every record from the start to the end seen now (read_committed:
//                                 once no transaction is open on TOPIC), one a line:
//                                 PARTITION OFFSET TIMESTAMP KEY VALUE HEADERS (tab-separated;
//                                 bytes as text, '\xNN' for the rest, "(null)" for null,
//                                 headers "name=value" joined by ',')
//   committed B GROUP             the group's committed offsets, "TOPIC PARTITION OFFSET" sorted
//   committed-metadata B GROUP    the same with each commit's metadata: "TOPIC PARTITION OFFSET
//                                 BYTES METADATA" (BYTES: its length in UTF-8)
//   commit-metadata B GROUP TOPIC PARTITION OFFSET BYTES
//                                 commits OFFSET with BYTES bytes of metadata ('x') for an empty
//                                 group (AlterConsumerGroupOffsets); prints "committed" or the
//                                 refusal's exception class
//   offsets-for-times B TOPIC MS  per partition, the first offset with a timestamp >= MS, or the
//                                 end offset when none: "PARTITION OFFSET"
//   produce B TOPIC               stdin lines "PARTITION TIMESTAMP KEY VALUE" (tab-separated;
//                                 PARTITION -1: the default partitioner) produced in order
//   delete-group B GROUP          DeleteGroups
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class Peer {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      usage();
    }
    String bootstrap = args[1];
    switch (args[0]) {
      case "create-topic" -> createTopic(bootstrap, args);
      case "describe-configs" -> describeConfigs(bootstrap, args[2]);
      case "alter-configs" -> alterConfigs(bootstrap, args);
      case "dump" -> dump(bootstrap, args[2], args.length > 3 ? args[3] : "read_uncommitted");
      case "committed" -> committed(bootstrap, args[2]);
      case "committed-metadata" -> committedMetadata(bootstrap, args[2]);
      case "commit-metadata" -> commitMetadata(bootstrap, args[2], args[3], Integer.parseInt(args[4]),
          Long.parseLong(args[5]), Integer.parseInt(args[6]));
      case "offsets-for-times" -> offsetsForTimes(bootstrap, args[2], Long.parseLong(args[3]));
      case "produce" -> produce(bootstrap, args[2]);
      case "delete-group" -> deleteGroup(bootstrap, args[2]);
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: Peer create-topic|describe-configs|alter-configs|dump|committed|committed-metadata|commit-metadata|"
        + "offsets-for-times|produce|delete-group BOOTSTRAP ... (see Peer.java)");
    System.exit(2);
  }

  private static Admin admin(String bootstrap) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    return Admin.create(props);
  }

  private static Map<String, String> pairs(String[] args, int from) {
    Map<String, String> configs = new TreeMap<>();
    for (int i = from; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("not KEY=VALUE: " + args[i]);
      }
      configs.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    return configs;
  }

  private static void createTopic(String bootstrap, String[] args) throws Exception {
    NewTopic topic = new NewTopic(args[2], Integer.parseInt(args[3]), Short.parseShort(args[4]))
        .configs(pairs(args, 5));
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(topic)).all().get();
      // CreateTopics returns once the controller has the topic; wait until a broker knows it too.
      admin.describeTopics(List.of(args[2])).allTopicNames().get();
    }
  }

  private static void describeConfigs(String bootstrap, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try (Admin admin = admin(bootstrap)) {
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      new TreeSet<>(config.entries().stream()
              .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
              .map(e -> e.name() + "=" + e.value())
              .collect(Collectors.toList()))
          .forEach(System.out::println);
    }
  }

  private static void alterConfigs(String bootstrap, String[] args) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, args[2]);
    List<AlterConfigOp> ops = new ArrayList<>();
    pairs(args, 3).forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
    try (Admin admin = admin(bootstrap)) {
      admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("isolation.level", isolation);
    props.put("enable.auto.commit", "false");
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("no such topic: " + topic);
    }
    return infos.stream().map(p -> new TopicPartition(topic, p.partition()))
        .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).collect(Collectors.toList());
  }

  // Reads from the beginning to the end offsets seen at the start. Under read_committed it first
  // waits (up to a minute) until no transaction is open on the topic: until the last stable
  // offsets equal the high watermarks, so that a crashed producer's transaction has been aborted
  // by its timeout and everything committed before and after it is read.
  private static void dump(String bootstrap, String topic, String isolation) throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
      List<TopicPartition> parts = partitions(consumer, topic);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, TIMEOUT));
      if (isolation.equals("read_committed")) {
        try (KafkaConsumer<byte[], byte[]> all = consumer(bootstrap, "read_uncommitted")) {
          long settle = System.nanoTime() + TIMEOUT.toNanos();
          while (!end.equals(all.endOffsets(parts, TIMEOUT))) {
            if (System.nanoTime() > settle) {
              throw new IllegalStateException("a transaction stays open on " + topic + ": last stable offsets "
                  + end + ", high watermarks " + all.endOffsets(parts, TIMEOUT));
            }
            Thread.sleep(200);
            end = new HashMap<>(consumer.endOffsets(parts, TIMEOUT));
          }
        }
      }
      StringBuilder out = new StringBuilder();
      long deadline = System.nanoTime() + TIMEOUT.toNanos() * 5;
      while (!done(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("dump did not reach the end offsets " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          out.append(r.partition()).append('\t').append(r.offset()).append('\t').append(r.timestamp())
              .append('\t').append(text(r.key())).append('\t').append(text(r.value())).append('\t');
          boolean first = true;
          for (Header h : r.headers()) {
            out.append(first ? "" : ",").append(h.key()).append('=').append(text(h.value()));
            first = false;
          }
          out.append('\n');
        }
      }
      System.out.print(out);
    }
  }

  private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] bytes) {
    if (bytes == null) {
      return "(null)";
    }
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\' && c != ',' && c != '=') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.toString();
  }

  private static void committed(String bootstrap, String group) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      new TreeSet<>(offsets.entrySet().stream()
              .filter(e -> e.getValue() != null)
              .map(e -> e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue().offset())
              .collect(Collectors.toList()))
          .forEach(System.out::println);
    }
  }

  private static void committedMetadata(String bootstrap, String group) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      new TreeSet<>(offsets.entrySet().stream()
              .filter(e -> e.getValue() != null)
              .map(e -> e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue().offset() + " "
                  + e.getValue().metadata().getBytes(StandardCharsets.UTF_8).length + " " + e.getValue().metadata())
              .collect(Collectors.toList()))
          .forEach(System.out::println);
    }
  }

  private static void commitMetadata(String bootstrap, String group, String topic, int partition, long offset,
      int bytes) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, partition),
          new OffsetAndMetadata(offset, "x".repeat(bytes)))).all().get();
      System.out.println("committed");
    } catch (java.util.concurrent.ExecutionException e) {
      System.out.println(e.getCause().getClass().getSimpleName());
    }
  }

  private static void offsetsForTimes(String bootstrap, String topic, long ms) throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_uncommitted")) {
      List<TopicPartition> parts = partitions(consumer, topic);
      Map<TopicPartition, Long> query = new HashMap<>();
      parts.forEach(p -> query.put(p, ms));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
      for (TopicPartition p : parts) {
        OffsetAndTimestamp at = found.get(p);
        System.out.println(p.partition() + " " + (at == null ? end.get(p) : at.offset()));
      }
    }
  }

  private static void produce(String bootstrap, String topic) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("key.serializer", ByteArraySerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
         BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split("\t", 4);
        Integer partition = Integer.parseInt(f[0]) < 0 ? null : Integer.parseInt(f[0]);
        sent.add(producer.send(new ProducerRecord<>(topic, partition, Long.parseLong(f[1]),
            f[2].getBytes(StandardCharsets.UTF_8), f[3].getBytes(StandardCharsets.UTF_8))));
      }
      for (java.util.concurrent.Future<?> f : sent) {
        f.get();
      }
    }
  }

  private static void deleteGroup(String bootstrap, String group) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin.deleteConsumerGroups(Collections.singleton(group)).all().get();
    }
  }
}
