// replay against an in-process embedded broker, with the mock cluster's fault injection.

#include "mock_fixture.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "kafka/producer.hpp"
#include "kafka/record_source.hpp"
#include "retry/replayer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <thread>

using namespace dlq;
using namespace std::string_literals;
using kafka::milliseconds;

namespace {

constexpr int16_t k_api_produce = 0;

// A broker of its own: these tests take it down and inject errors.
struct ReplayBed
{
  kafka::MockCluster cluster{1};
  std::string dlq = testing::unique_name("dlq");
  std::string orders = testing::unique_name("orders");

  ReplayBed(int dlq_partitions = 2, int order_partitions = 3)
  {
    cluster.create_topic(dlq, dlq_partitions);
    cluster.create_topic(orders, order_partitions);
    cluster.create_topic(dlq + ".parking-lot", 1);
  }

  kafka::ClientConfig config() const
  {
    kafka::ClientConfig config;
    config.set("bootstrap.servers", cluster.bootstraps());
    config.set("session.timeout.ms", "6000"); // rebalances on the mock wait this - 1 s
    return config;
  }

  // SCSt dead letters (shared/DIALECTS.md) for `orders`: key k<i>, x-retries = attempts(i).
  void write_dead_letters(int count, const std::function<int(int)>& attempts = [](int) { return 1; })
  {
    kafka::Producer producer(config());
    for (int i = 0; i < count; ++i) {
      record::Record record;
      record.topic = dlq;
      record.partition = i % 2;
      record.key = "k" + std::to_string(i);
      record.value = "v" + std::to_string(i);
      record.timestamp = 1700000000000 + i;
      record.headers.push_back({"traceparent", "t" + std::to_string(i)});
      ErrorContext context;
      context.original.topic = orders;
      context.original.partition = i % 3;
      context.original.offset = i;
      context.exception.class_name = "java.lang.IllegalStateException";
      context.exception.message = "boom";
      context.attempts = attempts(i);
      dialect::encode("scst", context, record);
      REQUIRE(producer.produce(record) == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    REQUIRE(producer.flush(milliseconds(10000)));
    REQUIRE(producer.failed() == 0);
  }

  std::vector<record::Record> read_all(const std::string& topic) const
  {
    kafka::ReadOptions options;
    options.topics = {topic};
    options.stop_at_end = true;
    kafka::RecordSource source(config(), options);
    std::vector<record::Record> records;
    while (const auto* record = source.next()) {
      records.push_back(*record);
    }
    source.close();
    return records;
  }

  retry::ReplayOptions options(const std::string& group) const
  {
    retry::ReplayOptions options;
    options.read.topics = {dlq};
    options.read.group = group;
    options.read.start = {kafka::OffsetSpec::Kind::Stored, 0};
    options.read.stop_at_end = true;
    options.policy.park_topic = dlq + ".parking-lot";
    return options;
  }
};

std::map<std::string, int>
count_keys(const std::vector<record::Record>& records)
{
  std::map<std::string, int> counts;
  for (const auto& record : records) {
    ++counts[record.key.value_or("(null)")];
  }
  return counts;
}

std::string
header(const record::Record& record, std::string_view name)
{
  const auto* value = record.last_header(name);
  return value != nullptr && *value ? **value : "(absent)";
}

} // namespace

TEST_SUITE_BEGIN("replay");

TEST_CASE("retry::Replayer replays to the original partition with x-retries + 1 and parks exhausted records")
{
  ReplayBed bed;
  bed.write_dead_letters(9, [](int i) { return i % 4; }); // attempts 0,1,2,3,0,1,2,3,0
  auto options = bed.options(testing::unique_name("replay"));
  options.policy.keep_partition = true;
  retry::Replayer replayer(bed.config(), options);
  const auto stats = replayer.run();
  CHECK(stats.read == 9);
  CHECK(stats.replayed == 7);
  CHECK(stats.parked == 2);
  CHECK(stats.failed == 0);

  const auto replayed = bed.read_all(bed.orders);
  REQUIRE(replayed.size() == 7);
  for (const auto& record : replayed) {
    CAPTURE(*record.key);
    const int i = std::stoi(record.key->substr(1));
    CHECK(record.partition == i % 3);                       // --keep-partition
    CHECK(record.value == "v" + std::to_string(i));
    CHECK(record.timestamp == 1700000000000 + i);           // original timestamp kept
    CHECK(header(record, "x-retries") == std::to_string(i % 4 + 1));
    CHECK(header(record, "traceparent") == "t" + std::to_string(i)); // business headers kept
    CHECK(record.last_header("x-original-topic") == nullptr);        // error headers stripped
    CHECK(record.last_header("x-exception-message") == nullptr);
  }
  const auto parked = bed.read_all(bed.dlq + ".parking-lot");
  REQUIRE(parked.size() == 2);
  for (const auto& record : parked) {
    CHECK(header(record, "x-retries") == "3");
    CHECK(header(record, "dlqcat.parked.reason") == "attempts 3 reached --max-attempts 3");
    CHECK(header(record, "dlqcat.parked.source").starts_with(bed.dlq + "-"));
    CHECK(header(record, "x-exception-message") == "boom"); // kept for whoever looks later
  }

  SUBCASE("a rerun in the same group finds nothing left")
  {
    retry::Replayer again(bed.config(), options);
    CHECK(again.run().read == 0);
  }
}

TEST_CASE("retry::Replayer --dry-run produces and commits nothing")
{
  ReplayBed bed;
  bed.write_dead_letters(6);
  auto options = bed.options(testing::unique_name("dry"));
  options.dry_run = true;
  const auto stats = retry::Replayer(bed.config(), options).run();
  CHECK(stats.replayed == 6);
  CHECK(stats.by_target.at(bed.orders) == 6);
  CHECK(stats.by_exception.at("java.lang.IllegalStateException") == 6);
  CHECK(bed.read_all(bed.orders).empty());
  // Nothing committed: a real run in the same group still sees every record.
  options.dry_run = false;
  CHECK(retry::Replayer(bed.config(), options).run().replayed == 6);
}

TEST_CASE("retry::Replayer skips records with no target and counts why")
{
  ReplayBed bed;
  {
    kafka::Producer producer(bed.config());
    record::Record orphan;
    orphan.topic = bed.dlq;
    orphan.partition = 0;
    orphan.value = "no headers at all"s;
    REQUIRE(producer.produce(orphan) == RD_KAFKA_RESP_ERR_NO_ERROR);
    producer.flush(milliseconds(5000));
  }
  const auto stats = retry::Replayer(bed.config(), bed.options(testing::unique_name("skip"))).run();
  CHECK(stats.skipped == 1);
  CHECK(stats.skip_reasons.at("no original topic in its headers and no --to") == 1);
}

TEST_CASE("retry::Replayer loses nothing when the broker goes down and comes back mid-replay")
{
  ReplayBed bed;
  bed.write_dead_letters(300);
  auto options = bed.options(testing::unique_name("down"));
  options.rate = 300; // about a second of work, so the outage lands in the middle
  std::thread outage([&] {
    std::this_thread::sleep_for(milliseconds(400));
    rd_kafka_mock_broker_set_down(bed.cluster.get(), 1);
    std::this_thread::sleep_for(milliseconds(1500));
    rd_kafka_mock_broker_set_up(bed.cluster.get(), 1);
  });
  retry::ReplayStats stats;
  try {
    stats = retry::Replayer(bed.config(), options).run();
  } catch (...) {
    outage.join();
    throw;
  }
  outage.join();
  CHECK(stats.failed == 0);
  const auto counts = count_keys(bed.read_all(bed.orders));
  CHECK(counts.size() == 300); // every key arrived (idempotent producer: exactly once here)
  for (const auto& [key, count] : counts) {
    CHECK_MESSAGE(count == 1, key);
  }
}

TEST_CASE("retry::Replayer never commits past a record that was not delivered")
{
  ReplayBed bed;
  bed.write_dead_letters(40);
  const auto group = testing::unique_name("rejected");
  // The next Produce requests fail for good (MSG_SIZE_TOO_LARGE is not retriable).
  rd_kafka_mock_push_request_errors(bed.cluster.get(), k_api_produce, 3, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
                                    RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  const auto first = retry::Replayer(bed.config(), bed.options(group)).run();
  CHECK(first.failed > 0);
  CHECK(first.replayed + first.failed == 40);
  // A rerun picks up from the first undelivered record: together, every key arrives.
  const auto second = retry::Replayer(bed.config(), bed.options(group)).run();
  CHECK(second.failed == 0);
  CHECK(second.read >= first.failed);
  CHECK(count_keys(bed.read_all(bed.orders)).size() == 40);
}

TEST_CASE("retry::Replayer --transactional commits records and offsets in transactions, and retries aborted ones")
{
  ReplayBed bed;
  bed.write_dead_letters(50);
  auto options = bed.options(testing::unique_name("txn"));
  options.transactional = true;
  options.transactional_id = testing::unique_name("txn-id");
  options.transaction_records = 20;
  SUBCASE("clean run")
  {
    const auto stats = retry::Replayer(bed.config(), options).run();
    CHECK(stats.replayed == 50);
    CHECK(stats.aborted_transactions == 0);
    CHECK(count_keys(bed.read_all(bed.orders)).size() == 50);
  }
  SUBCASE("a failed produce aborts the transaction; its records are read and produced again")
  {
    rd_kafka_mock_push_request_errors(bed.cluster.get(), k_api_produce, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
    const auto stats = retry::Replayer(bed.config(), options).run();
    CHECK(stats.aborted_transactions >= 1);
    CHECK(stats.replayed == 50); // counted once, when their transaction committed
    // The mock writes no abort markers (shared/TESTBED.md), so aborted copies stay visible here;
    // a real cluster hides them from read_committed consumers.
    CHECK(count_keys(bed.read_all(bed.orders)).size() == 50);
  }
}

TEST_CASE("retry::Replayer --rate holds")
{
  ReplayBed bed;
  bed.write_dead_letters(30);
  auto options = bed.options(testing::unique_name("rate"));
  options.rate = 40;
  const auto started = std::chrono::steady_clock::now();
  const auto stats = retry::Replayer(bed.config(), options).run();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(stats.replayed == 30);
  // 30 records at 40/s: the first token is free, the other 29 take 29/40 s.
  CHECK(elapsed >= milliseconds(29 * 1000 / 40 - 50));
}

TEST_CASE("retry::Replayer --keep-partition fails clearly when the target has fewer partitions")
{
  ReplayBed bed(2, 1); // orders has 1 partition; the records name partitions 0..2
  bed.write_dead_letters(3);
  auto options = bed.options(testing::unique_name("narrow"));
  options.policy.keep_partition = true;
  retry::Replayer replayer(bed.config(), options);
  // k1 or k2 comes first (two DLQ partitions): either names its partition.
  try {
    replayer.run();
    FAIL("expected a UsageError");
  } catch (const UsageError& e) {
    const std::string message = e.what();
    CHECK((message == "--keep-partition: partition 1 does not exist in \"" + bed.orders + "\" (1 partitions)"
           || message == "--keep-partition: partition 2 does not exist in \"" + bed.orders + "\" (1 partitions)"));
  }
}

TEST_SUITE_END();
