#include "dialect/dialect.hpp"
#include "retry/offset_tracker.hpp"
#include "retry/plan.hpp"
#include "retry/token_bucket.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::retry;
using namespace std::string_literals;

TEST_SUITE_BEGIN("retry");

TEST_CASE("retry::murmur2 matches Kafka's Utils.murmur2")
{
  // Vectors from apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java.
  CHECK(murmur2("21") == -973932308);
  CHECK(murmur2("foobar") == -790332482);
  CHECK(murmur2("a-little-bit-long-string") == -985981536);
  CHECK(murmur2("a-little-bit-longer-string") == -1486304829);
  CHECK(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  CHECK(murmur2("abc") == 479470107);
}

TEST_CASE("retry::java_partition")
{
  CHECK_FALSE(java_partition(std::nullopt, 3).has_value());
  CHECK(java_partition("21"s, 1) == 0);
  // toPositive(-973932308) = -973932308 & 0x7fffffff = 1173551340; % 7 = 1173551340 - 7*167650191
  CHECK(java_partition("21"s, 7) == 1173551340 % 7);
  CHECK(java_partition("foobar"s, 100) == (static_cast<uint32_t>(-790332482) & 0x7fffffffu) % 100);
}

namespace {

record::Record
scst_dead_letter(int attempts)
{
  record::Record record;
  record.topic = "error.orders.group";
  record.partition = 1;
  record.offset = 12;
  record.timestamp = 1700000000999;
  record.key = "k";
  record.value = "v";
  record.headers.push_back({"traceparent", "abc"s});
  ErrorContext context;
  context.original.topic = "orders";
  context.original.partition = 2;
  context.original.offset = 7;
  context.original.timestamp = 1700000000000;
  context.exception.class_name = "java.lang.IllegalStateException";
  context.exception.message = "boom";
  context.attempts = attempts;
  dialect::encode("scst", context, record);
  return record;
}

Policy
default_policy()
{
  Policy policy;
  policy.park_topic = "error.orders.group.parking-lot";
  return policy;
}

} // namespace

TEST_CASE("retry::plan replays with the counter incremented, error headers stripped, original timestamp")
{
  const auto dead = scst_dead_letter(1);
  const auto error = dialect::decode(dead);
  REQUIRE(error);
  const auto decision = plan(dead, &*error, default_policy(), 0);
  CHECK(decision.action == Action::Replay);
  CHECK(decision.attempts == 1);
  const auto& out = decision.output;
  CHECK(out.topic == "orders");
  CHECK(out.partition == -1);
  CHECK(out.key == "k");
  CHECK(out.value == "v");
  CHECK(out.timestamp == 1700000000000);
  CHECK(out.headers
        == std::vector<record::Header>{{"traceparent", "abc"s},
                                       {"spring_json_header_types", R"({"x-retries":"java.lang.Integer"})"s},
                                       {"x-retries", "2"s}});

  SUBCASE("--keep-partition, --keep-error-headers, --new-timestamp, --to, --retry-header")
  {
    auto policy = default_policy();
    policy.keep_partition = true;
    policy.keep_error_headers = true;
    policy.new_timestamp = true;
    policy.to_topic = "elsewhere";
    policy.retry_header = "attempt";
    const auto d = plan(dead, &*error, policy, 0);
    CHECK(d.output.topic == "elsewhere");
    CHECK(d.output.partition == 2);
    CHECK(d.output.timestamp == -1);
    CHECK(d.output.last_header("x-original-topic") != nullptr);
    CHECK(*d.output.last_header("attempt") == "2"s);
  }
}

TEST_CASE("retry::plan parks at --max-attempts, as the SCSt re-route sample does after 3")
{
  const auto dead = scst_dead_letter(3);
  const auto error = dialect::decode(dead);
  const auto decision = plan(dead, &*error, default_policy(), 1700000000000);
  CHECK(decision.action == Action::Park);
  CHECK(decision.reason == "attempts 3 reached --max-attempts 3");
  const auto& out = decision.output;
  CHECK(out.topic == "error.orders.group.parking-lot");
  CHECK(out.value == "v");
  CHECK(*out.last_header("dlqcat.parked.reason") == "attempts 3 reached --max-attempts 3"s);
  CHECK(*out.last_header("dlqcat.parked.at") == "2023-11-14T22:13:20.000Z"s);
  CHECK(*out.last_header("dlqcat.parked.source") == "error.orders.group-1@12"s);
  CHECK(out.last_header("x-exception-message") != nullptr); // kept for triage

  auto lenient = default_policy();
  lenient.max_attempts = 4;
  CHECK(plan(dead, &*error, lenient, 0).action == Action::Replay);
}

TEST_CASE("retry::plan skips a record with no target, and counts a missing counter as 0")
{
  record::Record bare;
  bare.topic = "dlq";
  bare.value = "x";
  const auto decision = plan(bare, nullptr, default_policy(), 0);
  CHECK(decision.action == Action::Skip);
  CHECK(decision.reason == "no original topic in its headers and no --to");
  auto policy = default_policy();
  policy.to_topic = "t";
  const auto replay = plan(bare, nullptr, policy, 0);
  CHECK(replay.action == Action::Replay);
  CHECK(*replay.output.last_header("x-retries") == "1"s);
}

TEST_CASE("retry::plan keeps spring_json_header_types consistent")
{
  auto dead = scst_dead_letter(1);
  dead.headers.push_back({"spring_json_header_types", R"({"contentType":"java.lang.String"})"s});
  const auto error = dialect::decode(dead);
  const auto decision = plan(dead, &*error, default_policy(), 0);
  CHECK(*decision.output.last_header("spring_json_header_types")
        == R"({"contentType":"java.lang.String","x-retries":"java.lang.Integer"})"s);
}

TEST_CASE("retry::plan declares x-retries for Spring Cloud Stream when the dead letter has no type map")
{
  // The binder's first dead letter of a record carries no x-retries and no spring_json_header_types;
  // undeclared, the binder would hand the application x-retries as byte[], not the Integer the
  // re-route sample reads (tests/peers/test_spring_cloud_stream.bash).
  record::Record dead;
  dead.topic = "error.orders.group";
  dead.value = "v";
  dead.headers = {{"x-original-topic", "orders"s}, {"x-exception-fqcn", "java.lang.IllegalStateException"s}};
  const auto error = dialect::decode(dead);
  REQUIRE(error);
  const auto decision = plan(dead, &*error, default_policy(), 0);
  CHECK(*decision.output.last_header("x-retries") == "1"s);
  CHECK(*decision.output.last_header("spring_json_header_types") == R"({"x-retries":"java.lang.Integer"})"s);

  // Other dialects' records get no Spring type map.
  record::Record connect;
  connect.headers = {{"__connect.errors.topic", "orders"s}};
  const auto connect_error = dialect::decode(connect);
  REQUIRE(connect_error);
  CHECK(plan(connect, &*connect_error, default_policy(), 0).output.last_header("spring_json_header_types") == nullptr);
}

TEST_CASE("retry::OffsetTracker commits only past acknowledged records")
{
  OffsetTracker tracker;
  const OffsetTracker::Partition p{"dlq", 0};
  using Committable = std::vector<std::pair<OffsetTracker::Partition, int64_t>>;
  const auto slot = tracker.slot("dlq", 0);
  CHECK(tracker.slot("dlq", 0) == slot);
  CHECK(tracker.slot("dlq", 1) != slot);
  CHECK(tracker.partition(slot) == p);
  tracker.begin(slot, 0);
  tracker.begin(slot, 1);
  tracker.begin(slot, 2);
  CHECK(tracker.take_committable() == Committable{{p, 0}});
  tracker.finish(slot, 1);
  CHECK(tracker.take_committable().empty()); // 0 still in flight
  tracker.finish(slot, 0);
  CHECK(tracker.take_committable() == Committable{{p, 2}});
  CHECK(tracker.pending() == 1);
  tracker.finish(slot, 2);
  CHECK(tracker.committable(p) == 3);

  SUBCASE("a record read again after a rewind is in flight again")
  {
    tracker.begin(slot, 1);
    CHECK(tracker.committable(p) == 1);
    tracker.begin(slot, 2);
    tracker.finish(slot, 1);
    CHECK(tracker.committable(p) == 2);
    tracker.finish(slot, 2);
    CHECK(tracker.committable(p) == 3);
    CHECK(tracker.pending() == 0);
  }
  SUBCASE("a forgotten partition starts afresh, and late reports for it change nothing")
  {
    tracker.begin(slot, 3);
    tracker.forget(p);
    CHECK_FALSE(tracker.committable(p).has_value());
    CHECK(tracker.pending() == 0);
    tracker.finish(slot, 3);
    CHECK_FALSE(tracker.committable(p).has_value());
    CHECK(tracker.slot("dlq", 0) == slot);
    tracker.begin(slot, 10);
    CHECK(tracker.committable(p) == 10);
  }
}

TEST_CASE("retry::TokenBucket")
{
  using namespace std::chrono;
  const auto t0 = TokenBucket::Clock::time_point{};
  TokenBucket bucket(10, t0); // 10/s
  CHECK(bucket.take(t0) == TokenBucket::Clock::duration::zero());
  const auto wait = bucket.take(t0);
  CHECK(wait > milliseconds(99));
  CHECK(wait <= milliseconds(101));
  CHECK(bucket.take(t0 + milliseconds(100)) == TokenBucket::Clock::duration::zero());
  // Idle for a minute: at most one second's worth (10) may go at once.
  int burst = 0;
  while (bucket.take(t0 + seconds(60)) == TokenBucket::Clock::duration::zero()) {
    ++burst;
  }
  CHECK(burst == 10);
}

TEST_SUITE_END();
