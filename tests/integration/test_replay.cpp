// replay against an in-process embedded broker, with the mock cluster's fault injection.

#include "mock_fixture.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "kafka/producer.hpp"
#include "kafka/record_source.hpp"
#include "retry/commit_metadata.hpp"
#include "retry/replayer.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
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

  int dlq_partitions;
  std::optional<std::string> stacktrace; // the dead letters' x-exception-stacktrace, if any

  ReplayBed(int dlq_partitions_ = 2, int order_partitions = 3) : dlq_partitions(dlq_partitions_)
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
      record.partition = i % dlq_partitions;
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
      context.exception.stacktrace = stacktrace;
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
  constexpr int k_records = 300;
  ReplayBed bed;
  bed.write_dead_letters(k_records);
  auto options = bed.options(testing::unique_name("down"));
  options.rate = 100; // about 3 s of work: the outage starts once the first records are acknowledged
  std::atomic<bool> struck{false};
  uint64_t replayed_when_struck = 0;
  std::thread restore;
  const auto progress = [&](const retry::ReplayStats& stats) {
    if (stats.replayed > 0 && !struck.exchange(true)) {
      replayed_when_struck = stats.replayed;
      rd_kafka_mock_broker_set_down(bed.cluster.get(), 1);
      restore = std::thread([&] {
        std::this_thread::sleep_for(milliseconds(1500));
        rd_kafka_mock_broker_set_up(bed.cluster.get(), 1);
      });
    }
  };
  retry::ReplayStats stats;
  try {
    stats = retry::Replayer(bed.config(), options).run(progress);
  } catch (...) {
    if (restore.joinable()) {
      restore.join();
    }
    throw;
  }
  REQUIRE(restore.joinable());
  restore.join();
  // The fault struck mid-run: records were replayed before it, and others after it.
  CHECK(replayed_when_struck > 0);
  CHECK(replayed_when_struck < k_records);
  CHECK(stats.failed == 0);
  CHECK(stats.replayed == k_records);
  // Every key arrived. dlqcat produced each record once (stats.replayed counts one
  // acknowledgement a token); whether the idempotent producer's retries add copies is the
  // broker's to prevent, and the mock does so only for transactional producers
  // (rd_kafka_mock_validate_records, src/rdkafka_mock.c, librdkafka 2.0.2): a batch it appended
  // just before the outage cut the connection, sent again, is appended twice. Real Kafka drops
  // it: tests/realkafka/test_failover.bash.
  CHECK(count_keys(bed.read_all(bed.orders)).size() == k_records);
}

TEST_CASE("retry::Replayer keeps the bytes in flight, headers counted, under queue.buffering.max.kbytes")
{
  // Dead letters whose error context weighs 8 KB in a header and whose value is 2 bytes:
  // librdkafka's own bound (queue.buffering.max.kbytes) counts only the values.
  ReplayBed bed;
  bed.stacktrace = std::string(8000, 's');
  int records = 0;
  int kbytes = 0;
  uint64_t most = 0; // records planned and not yet acknowledged, at most
  SUBCASE("64 KiB: about 7 records of 8.5 KB at once (and the next one, planned)")
  {
    records = 40;
    kbytes = 64;
    most = 8;
  }
  SUBCASE("4 KiB: each record alone is over it, so they go one at a time, and none is stuck")
  {
    records = 10;
    kbytes = 4;
    most = 2;
  }
  bed.write_dead_letters(records);
  auto config = bed.config();
  config.set("queue.buffering.max.kbytes", std::to_string(kbytes));
  // Acknowledgements take 200 ms: without the bound, every record would be in flight at once.
  rd_kafka_mock_broker_set_rtt(bed.cluster.get(), 1, 200);
  auto options = bed.options(testing::unique_name("bytes"));
  options.policy.keep_error_headers = true; // the stack trace travels with each record (as to a parking lot)
  uint64_t planned = 0;
  options.explain = [&](const retry::Explanation& e) { planned += e.outcome == retry::Outcome::Replay ? 1 : 0; };
  uint64_t widest = 0; // planned but not yet acknowledged, as the progress reports saw it
  const auto stats = retry::Replayer(config, options).run([&](const retry::ReplayStats& now) {
    widest = std::max(widest, planned - now.replayed);
  });
  CHECK(widest > 0); // seen mid-run, with records in flight
  CHECK(widest <= most);
  CHECK(stats.replayed == static_cast<uint64_t>(records));
  CHECK(count_keys(bed.read_all(bed.orders)).size() == static_cast<size_t>(records));
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

TEST_CASE("retry::Replayer --rate spaces the records it produces, from the first one on")
{
  // Issue 15.5: the bucket was full after the group join, so the run began with a burst of a
  // second's worth. The produced records' own timestamps (--new-timestamp) show the pace, however
  // long the join and the machine's load took.
  constexpr int k_records = 60;
  constexpr int k_rate = 20;
  ReplayBed bed(1, 1);
  bed.write_dead_letters(k_records);
  auto options = bed.options(testing::unique_name("rate"));
  options.rate = k_rate;
  options.policy.new_timestamp = true;
  const auto stats = retry::Replayer(bed.config(), options).run();
  REQUIRE(stats.replayed == k_records);
  std::vector<int64_t> stamps;
  for (const auto& record : bed.read_all(bed.orders)) {
    stamps.push_back(record.timestamp);
  }
  REQUIRE(stamps.size() == k_records);
  std::sort(stamps.begin(), stamps.end());
  // Any k_rate + 1 consecutive records span at least a second (a millisecond of rounding aside).
  for (size_t i = 0; i + k_rate < stamps.size(); ++i) {
    CAPTURE(i);
    CHECK(stamps[i + k_rate] - stamps[i] >= 1000 - 2);
  }
  CHECK(stamps.back() - stamps.front() >= (k_records - 1) * 1000 / k_rate - 2);
}

TEST_CASE("retry::Replayer --keep-partition stops at a partition the target lacks, naming the record, past nothing")
{
  // Issue 16.16: a runtime error (exit 1), not a usage error; no record lost, nothing committed
  // past it. k0 names partition 0, k1 partition 1, k2 partition 2 of a 1-partition target.
  ReplayBed bed(1, 1);
  bed.write_dead_letters(3);
  const auto group = testing::unique_name("narrow");
  auto options = bed.options(group);
  options.policy.keep_partition = true;
  try {
    retry::Replayer(bed.config(), options).run();
    FAIL("expected a DeliveryError");
  } catch (const DeliveryError& e) {
    CHECK(std::string(e.what())
          == bed.dlq + " [0] @ 1: --keep-partition: partition 1 does not exist in \"" + bed.orders
               + "\" (1 partition); nothing was committed from this record on");
  }
  // k0 went out; the group stands at k1.
  CHECK(count_keys(bed.read_all(bed.orders)) == std::map<std::string, int>{{"k0", 1}});
  kafka::ClientConfig config = bed.config();
  config.set("group.id", group);
  kafka::Consumer consumer(config);
  CHECK(consumer.committed({{bed.dlq, 0}}, milliseconds(5000)).front().offset == 1);
  // Without --keep-partition a rerun in the group replays the rest.
  options.policy.keep_partition = false;
  CHECK(retry::Replayer(bed.config(), options).run().replayed == 2);
  CHECK(count_keys(bed.read_all(bed.orders)).size() == 3);
}

TEST_CASE("kafka::Consumer commits metadata with an offset and reads it back (librdkafka 2.0.2, embedded broker)")
{
  ReplayBed bed(2, 1);
  kafka::ClientConfig config = bed.config();
  config.set("group.id", testing::unique_name("metadata"));
  kafka::Consumer consumer(config);
  const std::string metadata = "dlqcat1;r=9;h=2.1.3.1";
  const std::string big(retry::k_max_commit_metadata, 'x');
  REQUIRE(consumer.try_commit({{bed.dlq, 0, 5, metadata}, {bed.dlq, 1, 3, big}}).committed());
  auto committed = consumer.committed({{bed.dlq, 0}, {bed.dlq, 1}}, milliseconds(5000));
  REQUIRE(committed.size() == 2);
  CHECK(committed[0].offset == 5);
  CHECK(committed[0].metadata == metadata);
  CHECK(committed[1].metadata == big);
  // A commit without metadata clears it.
  REQUIRE(consumer.try_commit({{bed.dlq, 0, 6}}).committed());
  committed = consumer.committed({{bed.dlq, 0}}, milliseconds(5000));
  CHECK(committed[0].offset == 6);
  CHECK(committed[0].metadata.empty());
}

TEST_CASE("retry::Replayer: filtered runs in one group act on each record once, and leave the rest visible")
{
  // Issue 15.3: records alternate between two original topics on one partition.
  ReplayBed bed(1, 1);
  const auto other = testing::unique_name("other");
  bed.cluster.create_topic(other, 1);
  {
    kafka::Producer producer(bed.config());
    for (int i = 0; i < 6; ++i) {
      record::Record record;
      record.topic = bed.dlq;
      record.partition = 0;
      record.key = "k" + std::to_string(i);
      record.value = "v"s;
      ErrorContext context;
      context.original.topic = i % 2 == 0 ? bed.orders : other;
      context.exception.class_name = "java.lang.IllegalStateException";
      dialect::encode("scst", context, record);
      REQUIRE(producer.produce(record) == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    REQUIRE(producer.flush(milliseconds(10000)));
  }
  const auto group = testing::unique_name("filtered");
  auto first = bed.options(group);
  first.filter.original_topic = bed.orders;
  const auto a = retry::Replayer(bed.config(), first).run();
  CHECK(a.replayed == 3);
  CHECK(a.filtered == 3);

  kafka::ClientConfig config = bed.config();
  config.set("group.id", group);
  kafka::Consumer consumer(config);
  const auto committed = consumer.committed({{bed.dlq, 0}}, milliseconds(5000)).front();
  CHECK(committed.offset == 1); // the first record left
  const auto metadata = retry::decode_commit_metadata(committed.offset, committed.metadata);
  REQUIRE(metadata);
  CHECK(metadata->read == 6);
  CHECK(metadata->handled == std::vector<retry::OffsetRange>{{2, 3}, {4, 5}});

  auto second = bed.options(group);
  second.filter.original_topic = other;
  const auto b = retry::Replayer(bed.config(), second).run();
  CHECK(b.replayed == 3);
  CHECK(b.already_handled == 2);
  CHECK(b.filtered == 0);
  CHECK(consumer.committed({{bed.dlq, 0}}, milliseconds(5000)).front().offset == 6);
  CHECK(retry::Replayer(bed.config(), bed.options(group)).run().read == 0);
  CHECK(count_keys(bed.read_all(bed.orders)).size() == 3);
  CHECK(count_keys(bed.read_all(other)).size() == 3);
}

TEST_SUITE_END();
