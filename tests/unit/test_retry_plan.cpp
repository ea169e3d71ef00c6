#include "dialect/dialect.hpp"
#include "dialect/values.hpp"
#include "retry/counter.hpp"
#include "retry/plan.hpp"

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
  CHECK(decision.counter.value == 1);
  CHECK(decision.counter.header == "x-retries");
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
    // "attempt" is the counter now: absent, so 0, written as 1; x-retries rides along untouched.
    CHECK(*d.output.last_header("attempt") == "1"s);
    CHECK(*d.output.last_header("x-retries") == "1"s);
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

TEST_CASE("retry::plan reads the counter it writes (--retry-header), in the form it found it")
{
  auto dead = scst_dead_letter(1);
  const auto error = dialect::decode(dead);
  auto policy = default_policy();
  policy.retry_header = "my-retries";
  policy.max_attempts = 3;
  SUBCASE("decimal text: 5 reached 3, parked (issue 15.1: it was replayed with my-retries=1)")
  {
    dead.headers.push_back({"my-retries", "5"s});
    const auto d = plan(dead, &*error, policy, 0);
    CHECK(d.action == Action::Park);
    CHECK(d.reason == "attempts 5 reached --max-attempts 3");
  }
  SUBCASE("Spring's int32 is read and written back as an int32")
  {
    dead.headers.push_back({"my-retries", dialect::values::encode_i32(2)});
    const auto d = plan(dead, &*error, policy, 0);
    REQUIRE(d.action == Action::Replay);
    CHECK(*d.output.last_header("my-retries") == dialect::values::encode_i32(3));
  }
  SUBCASE("a 1-byte BigInteger (retry_topic-attempts before spring-kafka 2.7.9) stays one byte")
  {
    dead.headers.push_back({"my-retries", std::string(1, '\x01')});
    const auto d = plan(dead, &*error, policy, 0);
    REQUIRE(d.action == Action::Replay);
    CHECK(*d.output.last_header("my-retries") == std::string(1, '\x02'));
  }
  SUBCASE("the last occurrence counts, and one header is written in place of all")
  {
    dead.headers.push_back({"my-retries", "0"s});
    dead.headers.push_back({"my-retries", "2"s});
    const auto d = plan(dead, &*error, policy, 0);
    REQUIRE(d.action == Action::Replay);
    int count = 0;
    for (const auto& h : d.output.headers) {
      count += h.name == "my-retries" ? 1 : 0;
    }
    CHECK(count == 1);
    CHECK(*d.output.last_header("my-retries") == "3"s);
  }
}

TEST_CASE("retry::plan counts its own counter, not Spring's in-app kafka_deliveryAttempt")
{
  // Issue 15.2: x-retries=1 with kafka_deliveryAttempt=3 was parked at --max-attempts 3.
  record::Record dead;
  dead.topic = "orders.DLT";
  dead.value = "v";
  dead.headers.push_back({"x-retries", "1"s});
  dead.headers.push_back({"kafka_deliveryAttempt", dialect::values::encode_i32(3)});
  dead.headers.push_back({"kafka_dlt-original-topic", "orders"s});
  dead.headers.push_back({"kafka_dlt-exception-fqcn", "java.lang.IllegalStateException"s});
  const auto error = dialect::decode(dead);
  REQUIRE(error);
  CHECK(error->attempts == 3); // shown as the dialect's count...
  const auto d = plan(dead, &*error, default_policy(), 0);
  CHECK(d.action == Action::Replay); // ...not counted
  CHECK(d.counter.value == 1);
  CHECK(*d.output.last_header("x-retries") == "2"s);
  CHECK(d.output.last_header("kafka_deliveryAttempt") != nullptr); // rides along
}

TEST_CASE("retry::plan parks a record whose counter cannot be read: -5 never becomes -4")
{
  for (const auto& bad : {"-5"s, "abc"s, "\x01\x02"s, "99999999999"s}) {
    CAPTURE(bad);
    auto dead = scst_dead_letter(0);
    for (auto& h : dead.headers) {
      if (h.name == "x-retries") {
        h.value = bad;
      }
    }
    const auto error = dialect::decode(dead);
    const auto d = plan(dead, &*error, default_policy(), 0);
    CHECK(d.action == Action::Park);
    CHECK(d.reason.starts_with("replay counter x-retries unreadable: "));
  }
}

TEST_CASE("retry::plan: Spring retry-topic records count retry_topic-attempts, as an int32")
{
  record::Record dead;
  dead.topic = "orders-dlt";
  dead.value = "v";
  ErrorContext context;
  context.original.topic = "orders";
  context.exception.class_name = "java.lang.RuntimeException";
  context.attempts = 2;
  dialect::encode("spring-retry", context, dead);
  const auto error = dialect::decode(dead);
  REQUIRE(error);
  REQUIRE(error->dialect == "spring-retry");
  const auto d = plan(dead, &*error, default_policy(), 0);
  REQUIRE(d.action == Action::Replay);
  CHECK(d.counter.header == "retry_topic-attempts");
  CHECK(d.counter.value == 2);
  CHECK(*d.output.last_header("retry_topic-attempts") == dialect::values::encode_i32(3));
  CHECK(d.output.last_header("x-retries") == nullptr);
}

TEST_CASE("retry::plan: retry_topic-attempts holds the next delivery's number: --max-attempts N counts N failed deliveries")
{
  // As spring-kafka 4.0.6 wrote it (tests/peers): maxAttempts 3, so the -dlt record carries 2, 3, 4.
  record::Record dead;
  dead.topic = "orders-dlt";
  dead.value = "v";
  dead.headers = {{"kafka_original-topic", "orders"s},
                  {"kafka_exception-fqcn", "java.lang.IllegalStateException"s},
                  {"retry_topic-attempts", dialect::values::encode_i32(2)},
                  {"retry_topic-attempts", dialect::values::encode_i32(3)},
                  {"retry_topic-attempts", dialect::values::encode_i32(4)}};
  const auto error = dialect::decode(dead);
  REQUIRE(error);
  REQUIRE(error->dialect == "spring-retry");
  CHECK(error->attempts == 3); // shown as the failed deliveries, like the replay counter

  const auto counter = read_counter(dead, "retry_topic-attempts");
  CHECK(counter.value == 3);
  CHECK(counter.ahead == 1);
  CHECK(counter.encoding == CounterEncoding::Int32);

  auto policy = default_policy(); // --max-attempts 3: three failed deliveries, as x-retries 3
  auto d = plan(dead, &*error, policy, 0);
  CHECK(d.action == Action::Park);
  CHECK(d.reason == "attempts 3 reached --max-attempts 3");

  policy.max_attempts = 4;
  d = plan(dead, &*error, policy, 0);
  REQUIRE(d.action == Action::Replay);
  // The replay is the fourth delivery, and says so as Spring would; if it fails, Spring's chain
  // writes 5 (four failed), so a failed delivery is counted once.
  CHECK(*d.output.last_header("retry_topic-attempts") == dialect::values::encode_i32(4));

  // x-retries 3 is parked by --max-attempts 3 the same way.
  record::Record counted;
  counted.topic = "orders.dlq";
  counted.value = "v";
  counted.headers = {{"x-original-topic", "orders"s}, {"x-exception-message", "boom"s}, {"x-retries", "3"s}};
  const auto counted_error = dialect::decode(counted);
  CHECK(plan(counted, counted_error ? &*counted_error : nullptr, default_policy(), 0).reason
        == "attempts 3 reached --max-attempts 3");
}

TEST_CASE("retry::plan skips a record whose original topic Kafka would not accept (a NUL is not cut short)")
{
  for (const auto& topic : {"mo\0evil"s, "with space"s, std::string(250, 'a'), ".."s}) {
    CAPTURE(topic);
    record::Record dead;
    dead.topic = "dlq";
    dead.value = "v";
    dead.headers.push_back({"x-original-topic", topic});
    dead.headers.push_back({"x-exception-message", "boom"s});
    const auto error = dialect::decode(dead);
    REQUIRE(error);
    const auto d = plan(dead, &*error, default_policy(), 0);
    CHECK(d.action == Action::Skip);
    CHECK(d.reason == k_illegal_target);
    auto to = default_policy();
    to.to_topic = "fallback";
    CHECK(plan(dead, &*error, to, 0).action == Action::Replay);
  }
}

TEST_SUITE_END();
