#include "mock_fixture.hpp"

#include "error.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "kafka/record_source.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

using namespace dlq;
using namespace std::string_literals;
using kafka::milliseconds;

namespace {

constexpr int16_t k_api_produce = 0; // Kafka protocol ApiKey of Produce

record::Record
make_record(const std::string& topic, int32_t partition, record::Bytes key, record::Bytes value,
            std::vector<record::Header> headers = {})
{
  record::Record record;
  record.topic = topic;
  record.partition = partition;
  record.key = std::move(key);
  record.value = std::move(value);
  record.headers = std::move(headers);
  return record;
}

void
produce_all(const std::vector<record::Record>& records)
{
  kafka::Producer producer(testing::client_config());
  for (const auto& record : records) {
    REQUIRE(producer.produce(record) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  REQUIRE(producer.flush(milliseconds(10000)));
  REQUIRE(producer.failed() == 0);
  REQUIRE(producer.delivered() == records.size());
}

// A new one-partition topic of the test cluster holding `count` records without keys, whose
// values "0", "1", ... are their offsets.
std::string
numbered_topic(const std::string& prefix, int count)
{
  const auto topic = testing::unique_name(prefix);
  testing::test_cluster().create_topic(topic, 1);
  std::vector<record::Record> records;
  for (int i = 0; i < count; ++i) {
    records.push_back(make_record(topic, 0, std::nullopt, std::to_string(i)));
  }
  produce_all(records);
  return topic;
}

// Reading `topic` in `group` from its committed offsets to the end (-G GROUP -o stored -e).
kafka::ReadOptions
group_read(const std::string& topic, const std::string& group)
{
  kafka::ReadOptions options;
  options.topics = {topic};
  options.group = group;
  options.start = {kafka::OffsetSpec::Kind::Stored, 0};
  options.stop_at_end = true;
  return options;
}

std::vector<record::Record>
read_to_end(kafka::ReadOptions options)
{
  options.stop_at_end = true;
  kafka::RecordSource source(testing::client_config(), std::move(options));
  std::vector<record::Record> records;
  while (const auto* record = source.next()) {
    records.push_back(*record);
  }
  source.close();
  return records;
}

} // namespace

TEST_SUITE_BEGIN("kafka");

TEST_CASE("kafka::Producer and RecordSource keep every byte: null vs empty, duplicate and null headers" * doctest::test_suite("real-kafka"))
{
  const auto topic = testing::unique_name("roundtrip");
  testing::test_cluster().create_topic(topic, 1);
  std::string binary;
  for (int i = 0; i < 256; ++i) {
    binary.push_back(static_cast<char>(i));
  }
  const std::vector<record::Record> written = {
    make_record(topic, 0, "k"s, "v"s, {{"h", "1"s}, {"h", std::nullopt}, {"h", ""s}}),
    make_record(topic, 0, std::nullopt, ""s),
    make_record(topic, 0, ""s, std::nullopt),
    make_record(topic, 0, binary, binary, {{"bin", binary}}),
  };
  produce_all(written);

  kafka::ReadOptions options;
  options.topics = {topic};
  const auto read = read_to_end(options);
  REQUIRE(read.size() == written.size());
  for (size_t i = 0; i < read.size(); ++i) {
    CAPTURE(i);
    CHECK(read[i].offset == static_cast<int64_t>(i));
    CHECK(read[i].key == written[i].key);
    CHECK(read[i].value == written[i].value);
    CHECK(read[i].headers == written[i].headers);
    CHECK(read[i].timestamp_type == record::TimestampType::CreateTime);
  }
}

TEST_CASE("kafka::RecordSource reads through a small prefetch queue without waiting for librdkafka's refetch")
{
  // librdkafka 2.0.2 stops fetching while queued.min.messages records wait, and looks again up to
  // a second later unless its thread is woken (see RecordSource::on_record_polled). 40 batches of
  // 100 records through a queue of 100: without the wake, about 40 pauses of up to a second.
  const auto topic = testing::unique_name("prefetch");
  testing::shared_cluster().create_topic(topic, 1);
  constexpr int k_batches = 40;
  constexpr int k_batch = 100;
  for (int batch = 0; batch < k_batches; ++batch) {
    std::vector<record::Record> records;
    for (int i = 0; i < k_batch; ++i) {
      records.push_back(make_record(topic, 0, std::to_string(batch * k_batch + i), "v"s));
    }
    produce_all(records); // one flush, one batch in the log
  }
  auto config = testing::client_config();
  config.set("queued.min.messages", std::to_string(k_batch));
  kafka::ReadOptions options;
  options.topics = {topic};
  options.stop_at_end = true;
  kafka::RecordSource source(config, options);
  using Clock = std::chrono::steady_clock;
  auto last = Clock::now();
  // Waits for a record that librdkafka's refetch pause would explain: a missed wake stalls the
  // reader until the fetcher looks again (up to a second later), a woken fetcher answers in
  // milliseconds. Not a bound on one wait (a loaded machine under ASan
  // may stall a thread now and then), but the count of stalls against the 39 refetches: without
  // the wake, most of them stall.
  constexpr auto k_stall = milliseconds(500);
  int stalls = 0;
  int read = 0;
  while (source.next() != nullptr) {
    const auto now = Clock::now();
    if (read > 0 && now - last >= k_stall) { // the first record waits for the connection, the offset lookup and a fetch
      ++stalls;
    }
    last = now;
    ++read;
  }
  source.close();
  CHECK(read == k_batches * k_batch);
  CAPTURE(stalls);
  CHECK(stalls <= 4);
}

TEST_CASE("kafka::Consumer::watermarks of many partitions at once agree with one at a time" * doctest::test_suite("real-kafka"))
{
  const auto topic = testing::unique_name("marks");
  testing::test_cluster().create_topic(topic, 6);
  std::vector<record::Record> records;
  for (int i = 0; i < 9; ++i) {
    records.push_back(make_record(topic, i % 3 == 0 ? 1 : 4, std::nullopt, std::to_string(i)));
  }
  produce_all(records);
  kafka::Consumer consumer(testing::client_config());
  std::vector<kafka::TopicPartition> partitions;
  for (int32_t partition = 0; partition < 6; ++partition) {
    partitions.push_back({topic, partition});
  }
  const auto marks = consumer.watermarks(partitions, milliseconds(10000));
  REQUIRE(marks.size() == 6);
  for (int32_t partition = 0; partition < 6; ++partition) {
    CAPTURE(partition);
    const auto one = consumer.watermarks(topic, partition);
    CHECK(marks[partition].low == one.low);
    CHECK(marks[partition].high == one.high);
  }
  CHECK(marks[1].high == 3);
  CHECK(marks[4].high == 6);
  CHECK(marks[0].high == 0);
  CHECK_THROWS_AS(consumer.watermarks({{topic, 99}}, milliseconds(3000)), KafkaError);
}

TEST_CASE("kafka::RecordSource with -e reads a sparse topic without waiting out fetch.wait.max.ms")
{
  // The broker holds a fetch until fetch.wait.max.ms when none of its partitions has data, and
  // partitions that become fetchable meanwhile wait for it. Assigned "from the beginning", each
  // partition first had its offset looked up, and a first fetch of empty ones went out before
  // the one below was ready: at least one such wait (here 5 s). Now the start offsets come from
  // the watermarks (all fetchable at once) and empty partitions are not assigned with -e: the
  // consumer's assignment shows it (no wait is measured).
  const auto topic = testing::unique_name("sparse");
  testing::shared_cluster().create_topic(topic, 16);
  produce_all({make_record(topic, 9, "only"s, "v"s)});
  auto config = testing::client_config();
  config.set("fetch.wait.max.ms", "5000");
  kafka::ReadOptions options;
  options.topics = {topic};
  options.stop_at_end = true;
  kafka::RecordSource source(config, options);
  std::vector<int32_t> assigned;
  for (const auto& partition : source.consumer().assignment()) {
    CHECK(partition.topic == topic);
    assigned.push_back(partition.partition);
  }
  CHECK(assigned == std::vector<int32_t>{9}); // the 15 empty partitions are never fetched
  std::vector<std::string> keys;
  while (const auto* record = source.next()) {
    keys.push_back(record->key.value_or("null"));
  }
  source.close();
  CHECK(keys == std::vector<std::string>{"only"});
}

TEST_CASE("kafka::RecordSource with -e stops at the end offsets seen at start, on a busy topic" * doctest::test_suite("real-kafka"))
{
  const auto topic = testing::unique_name("busy");
  testing::test_cluster().create_topic(topic, 2);
  std::vector<record::Record> initial;
  for (int i = 0; i < 50; ++i) {
    initial.push_back(make_record(topic, i % 2, std::to_string(i), "before"s));
  }
  produce_all(initial);

  kafka::ReadOptions options;
  options.topics = {topic};
  options.stop_at_end = true;
  kafka::RecordSource source(testing::client_config(), options);

  // Keep writing while the source reads: it must still end, and only with the first 50.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    kafka::Producer producer(testing::client_config());
    while (!stop) {
      producer.produce(make_record(topic, 0, "late"s, "after"s));
      producer.produce(make_record(topic, 1, "late"s, "after"s));
      producer.poll(milliseconds(5));
    }
    producer.flush(milliseconds(5000));
  });
  size_t count = 0;
  bool only_initial = true;
  while (const auto* record = source.next()) {
    ++count;
    only_initial = only_initial && record->value == "before";
  }
  stop = true;
  writer.join();
  source.close();
  CHECK(count == 50);
  CHECK(only_initial);
}

TEST_CASE("kafka::RecordSource start offsets: absolute, from the end, end" * doctest::test_suite("real-kafka"))
{
  const auto topic = numbered_topic("offsets", 10);
  kafka::ReadOptions options;
  options.topics = {topic};

  options.start = {kafka::OffsetSpec::Kind::Absolute, 7};
  auto read = read_to_end(options);
  REQUIRE(read.size() == 3);
  CHECK(read.front().value == "7");

  options.start = {kafka::OffsetSpec::Kind::FromEnd, 2};
  read = read_to_end(options);
  REQUIRE(read.size() == 2);
  CHECK(read.front().value == "8");

  options.start = {kafka::OffsetSpec::Kind::End, 0};
  CHECK(read_to_end(options).empty());
}

TEST_CASE("kafka::RecordSource in a group commits only what was marked processed" * doctest::test_suite("real-kafka"))
{
  const auto topic = numbered_topic("group", 10);
  const auto group = testing::unique_name("group");

  auto config = testing::client_config();
  config.set("session.timeout.ms", "6000");
  const auto options = group_read(topic, group);
  {
    kafka::RecordSource source(config, options);
    for (int i = 0; i < 4; ++i) {
      const auto* record = source.next();
      REQUIRE(record != nullptr);
      source.mark_processed(*record);
    }
    source.commit();
    source.close();
  }
  kafka::RecordSource again(config, options);
  std::vector<std::string> rest;
  while (const auto* record = again.next()) {
    rest.push_back(*record->value);
  }
  again.close();
  CHECK(rest == std::vector<std::string>{"4", "5", "6", "7", "8", "9"});
}

TEST_CASE("kafka::RecordSource in a group with -e ends without waiting out empty partitions' fetches")
{
  // A group member starts each partition from its commit (or the low watermark), and with -e a
  // partition that starts at its end is done then. It used to wait for the partition's
  // end-of-partition event, which comes with a fetch that the broker holds for
  // fetch.wait.max.ms (5 s here) when none of its partitions has data: the read ended seconds
  // after its last record. (When the first record comes is librdkafka's fetch scheduling: a slow
  // machine may send a first fetch of empty partitions only, and wait it out.)
  const auto topic = testing::unique_name("sparse-group");
  const auto group = testing::unique_name("sparse-group");
  testing::shared_cluster().create_topic(topic, 16);
  produce_all({make_record(topic, 5, std::nullopt, "0"s), make_record(topic, 5, std::nullopt, "1"s),
               make_record(topic, 5, std::nullopt, "2"s)});
  auto config = testing::client_config();
  config.set("session.timeout.ms", "6000");
  config.set("fetch.wait.max.ms", "5000");
  config.set("group.id", group);
  // The group's commit, made without joining it: a member that had read and left would make the
  // next join wait on its leaving, which is not what this test measures.
  kafka::Consumer(config).commit_offsets({{topic, 5, 1}});
  const auto options = group_read(topic, group);
  kafka::RecordSource source(config, options);
  std::vector<std::string> rest;
  std::vector<int32_t> open_at_first_record; // partitions the reader still waited on then
  while (const auto* record = source.next()) {
    if (rest.empty()) {
      // The first record comes after the assignment: every partition that started at its end is
      // done by then, not when its end-of-partition event comes (partitions queued behind this
      // record in the same fetch, or held by the broker, have not sent theirs yet).
      for (int32_t partition = 0; partition < 16; ++partition) {
        if (partition != 5 && !source.done_with(topic, partition)) {
          open_at_first_record.push_back(partition);
        }
      }
    }
    rest.push_back(*record->value);
  }
  CHECK(source.done_with(topic, 5));
  source.close();
  CHECK(rest == std::vector<std::string>{"1", "2"});
  CHECK(open_at_first_record.empty());
}

TEST_CASE("kafka::Client fails fast when no broker answers")
{
  kafka::MockCluster doomed(1);
  auto config = testing::client_config();
  config.set("bootstrap.servers", doomed.bootstraps());
  rd_kafka_mock_broker_set_down(doomed.get(), 1);
  kafka::Producer producer(config);
  // Every broker refused the connection: the call ends on librdkafka's all-brokers-down event,
  // not on its timeout, which would say "no answer from ... within 8000 ms" (Client::wait_for_metadata).
  try {
    producer.partitions("anything", milliseconds(8000));
    FAIL("no error from an unreachable cluster");
  } catch (const KafkaError& e) {
    CHECK(std::string(e.what()) == "cannot reach any broker of " + doomed.bootstraps());
    CHECK(e.code() == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN);
  }
}

TEST_CASE("kafka::Client waits for a broker slower than its first metadata slice")
{
  // Client::wait_for_metadata asks in slices, and a request whose slice runs out is never
  // answered: slices of a fixed 250 ms failed every time against a broker that takes 400 ms.
  kafka::MockCluster slow(1);
  slow.create_topic("orders", 3);
  auto config = testing::client_config();
  config.set("bootstrap.servers", slow.bootstraps());
  rd_kafka_mock_broker_set_rtt(slow.get(), 1, 400);
  kafka::Producer producer(config);
  CHECK(producer.partitions("orders", milliseconds(8000)).size() == 3);
}

TEST_CASE("kafka::Client::topics lists the cluster's topics, sorted, without Kafka's internal ones")
{
  kafka::MockCluster cluster(1);
  cluster.create_topic("payments", 1);
  cluster.create_topic("orders.DLT", 3);
  cluster.create_topic("orders", 1);
  // The mock keeps group offsets without these topics; a real cluster lists them.
  cluster.create_topic("__consumer_offsets", 1);
  cluster.create_topic("__transaction_state", 1);
  auto config = testing::client_config();
  config.set("bootstrap.servers", cluster.bootstraps());
  kafka::Producer producer(config);
  CHECK(producer.topics(milliseconds(5000)) == std::vector<std::string>{"orders", "orders.DLT", "payments"});
}

TEST_CASE("kafka::Producer counts records the cluster rejects as failed")
{
  const auto topic = testing::unique_name("rejected");
  testing::shared_cluster().create_topic(topic, 1);
  // The next Produce requests fail with a non-retriable error (shared/TESTBED.md).
  rd_kafka_mock_push_request_errors(testing::shared_cluster().get(), k_api_produce, 1,
                                    RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  kafka::Producer producer(testing::client_config());
  REQUIRE(producer.produce(make_record(topic, 0, std::nullopt, "x"s)) == RD_KAFKA_RESP_ERR_NO_ERROR);
  producer.flush(milliseconds(10000));
  CHECK(producer.failed() == 1);
  CHECK(producer.delivered() == 0);
  CHECK(producer.first_error() == "Broker: Message size too large");
}

TEST_SUITE_END();
