#include "dialect/dialect.hpp"
#include "dialect/values.hpp"
#include "kafka/topic_name.hpp"
#include "retry/commit_metadata.hpp"
#include "retry/counter.hpp"
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

TEST_CASE("retry::read_counter and write_counter")
{
  record::Record r;
  CHECK_FALSE(read_counter(r, "x-retries").present);
  CHECK(read_counter(r, "x-retries").value == 0);
  CHECK(read_counter(r, "retry_topic-attempts").encoding == CounterEncoding::Int32);
  r.headers.push_back({"x-retries", "7"s});
  CHECK(read_counter(r, "x-retries").value == 7);
  r.headers.back().value = " 3 "s; // SCSt's JSON-typed Integer
  CHECK(read_counter(r, "x-retries").value == 3);
  CHECK(read_counter(r, "x-retries").encoding == CounterEncoding::Text);
  r.headers.back().value = std::nullopt;
  CHECK(read_counter(r, "x-retries").problem == "a null value");
  r.headers.back().value = "-1"s;
  CHECK(read_counter(r, "x-retries").problem == "negative");
  r.headers.back().value = dialect::values::encode_i32(-2);
  CHECK(read_counter(r, "x-retries").problem == "negative");
  r.headers.back().value = "2147483648"s;
  CHECK(read_counter(r, "x-retries").problem == "out of the 32-bit range");

  std::string out = "previous";
  write_counter(out, 12, CounterEncoding::Text);
  CHECK(out == "12");
  write_counter(out, 3, CounterEncoding::Int32);
  CHECK(out == std::string("\0\0\0\x03", 4));
  write_counter(out, 200, CounterEncoding::BigInt);
  CHECK(out == dialect::values::encode_bigint(200));
  CHECK(counter_header(std::nullopt, nullptr) == "x-retries");
  CHECK(counter_header("mine"s, nullptr) == "mine");
}

TEST_CASE("kafka::topic_name_problem")
{
  CHECK(kafka::is_legal_topic_name("orders.v1_a-B9"));
  CHECK_FALSE(kafka::is_legal_topic_name(""));
  CHECK_FALSE(kafka::is_legal_topic_name("."));
  CHECK_FALSE(kafka::is_legal_topic_name(".."));
  CHECK(kafka::is_legal_topic_name("..."));
  CHECK_FALSE(kafka::is_legal_topic_name(std::string("mo\0evil", 7)));
  CHECK_FALSE(kafka::is_legal_topic_name("a/b"));
  CHECK(kafka::is_legal_topic_name(std::string(249, 'x')));
  CHECK_FALSE(kafka::is_legal_topic_name(std::string(250, 'x')));
}

TEST_CASE("retry::commit metadata: both forms read back, the shorter is written")
{
  CHECK(encode_commit_metadata(5, {}).text.empty());
  CHECK(encode_commit_metadata(5, {7, {}}).text == "dlqcat1;r=7");
  CHECK(encode_commit_metadata(5, {5, {}}).text.empty()); // read == offset: nothing to say
  // Handled 7..8 and 10, past a commit at 5: runs "2 not handled (5,6), 2 handled, 1 not, 1 handled".
  const CommitMetadata sparse{11, {{7, 9}, {10, 11}}};
  const auto text = encode_commit_metadata(5, sparse).text;
  CHECK(text == "dlqcat1;r=11;b=Fg=="); // bits of 6..10: 01101 (shorter than ";h=2.2.1.1")
  CHECK(decode_commit_metadata(5, text) == sparse);
  CHECK(decode_commit_metadata(5, "dlqcat1;r=11;h=2.2.1.1") == sparse);
  // Far apart, runs are shorter.
  const CommitMetadata far_apart{std::nullopt, {{1005, 1006}}};
  CHECK(encode_commit_metadata(5, far_apart).text == "dlqcat1;h=1000.1");
  // Alternating records over a long span: the bitmap is shorter.
  CommitMetadata alternating;
  for (int64_t o = 101; o < 3101; o += 2) {
    alternating.handled.push_back({o, o + 1});
  }
  const auto dense = encode_commit_metadata(100, alternating);
  CHECK(dense.text.starts_with("dlqcat1;b="));
  CHECK_FALSE(dense.truncated_at);
  CHECK(dense.text.size() < 1100);
  CHECK(decode_commit_metadata(100, dense.text) == alternating);

  SUBCASE("what does not fit is left out, from the end, and said")
  {
    CommitMetadata far;
    for (int64_t o = 1; o < 200000; o += 100) { // sparse over a long span: ~2000 runs
      far.handled.push_back({o * 1000, o * 1000 + 1});
    }
    const auto encoded = encode_commit_metadata(0, far);
    CHECK(encoded.text.size() <= k_max_commit_metadata);
    REQUIRE(encoded.truncated_at);
    const auto back = decode_commit_metadata(0, encoded.text);
    REQUIRE(back);
    REQUIRE_FALSE(back->handled.empty());
    CHECK(back->handled.back().end <= *encoded.truncated_at);
    CHECK(std::equal(back->handled.begin(), back->handled.end(), far.handled.begin()));
  }
  SUBCASE("another client's metadata, or damaged, means nothing is known past the offset")
  {
    CHECK_FALSE(decode_commit_metadata(5, ""));
    CHECK_FALSE(decode_commit_metadata(5, "connect-offsets"));
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=0.1"));  // a run of nothing
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=1.1.1")); // ends in a gap
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;r=4"));     // read before the commit
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=1.x"));
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;b=!!"));
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=99999999999999999999.1"));
    CHECK(decode_commit_metadata(5, "dlqcat1") == CommitMetadata{});
  }
}

namespace {

const OffsetTracker::Partition k_p{"dlq", 0};

// The (offset, metadata) the tracker would commit now.
std::pair<int64_t, std::string>
commit_now(const OffsetTracker& tracker)
{
  const auto c = tracker.committable(k_p);
  REQUIRE(c);
  return {c->offset, c->metadata};
}

} // namespace

TEST_CASE("retry::OffsetTracker commits only past handled records")
{
  OffsetTracker tracker;
  const auto slot = tracker.slot("dlq", 0);
  CHECK(tracker.slot("dlq", 0) == slot);
  CHECK(tracker.slot("dlq", 1) != slot);
  CHECK(tracker.partition(slot) == k_p);
  tracker.start(slot, 0);
  tracker.begin(slot, 0);
  tracker.begin(slot, 1);
  tracker.begin(slot, 2);
  auto taken = tracker.take_committable();
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].offset == 0);
  CHECK(taken[0].metadata == "dlqcat1;r=3");
  tracker.finish(slot, 1);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{0, "dlqcat1;r=3;h=1.1"});
  tracker.finish(slot, 0);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{2, "dlqcat1;r=3"});
  CHECK(tracker.in_flight() == 1);
  tracker.finish(slot, 2);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{3, ""});
  CHECK(tracker.take_committable().size() == 1);
  CHECK(tracker.take_committable().empty()); // nothing new

  SUBCASE("a forgotten partition starts afresh, and late reports for it change nothing")
  {
    tracker.begin(slot, 3);
    tracker.forget(k_p);
    CHECK_FALSE(tracker.committable(k_p).has_value());
    CHECK(tracker.in_flight() == 0);
    tracker.finish(slot, 3);
    CHECK_FALSE(tracker.committable(k_p).has_value());
    CHECK(tracker.slot("dlq", 0) == slot);
    tracker.begin(slot, 10);
    CHECK(commit_now(tracker).first == 10);
  }
  SUBCASE("a record not delivered is left: the commit stays before it, what follows is recorded")
  {
    tracker.begin(slot, 3);
    tracker.begin(slot, 4);
    tracker.finish(slot, 3, false);
    tracker.finish(slot, 4);
    CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{3, "dlqcat1;r=5;h=1.1"});
  }
}

TEST_CASE("retry::OffsetTracker: a filtered run leaves records visible and records what it handled past them")
{
  // Issue 15.3: fa/fb alternate on one partition. Run 1 acts on fa (0, 2, 4), leaves fb.
  OffsetTracker first;
  const auto slot = first.slot("dlq", 0);
  first.start(slot, 0);
  for (int64_t o = 0; o < 6; ++o) {
    if (o % 2 == 0) {
      first.begin(slot, o);
      first.finish(slot, o);
    } else {
      first.leave(slot, o);
    }
  }
  const auto [offset, metadata] = commit_now(first);
  CHECK(offset == 1);
  CHECK(metadata == "dlqcat1;r=6;b=BQ=="); // 2 and 4 handled: bits 0 and 2 past the commit at 1

  // Run 2 starts from that commit: 2 and 4 are passed over, 1, 3, 5 acted on; the commit reaches 6.
  OffsetTracker second;
  REQUIRE(second.slot("dlq", 0) == slot);
  const auto earlier = decode_commit_metadata(offset, metadata);
  REQUIRE(earlier);
  second.start(slot, offset, *earlier);
  for (int64_t o = 1; o < 6; ++o) {
    if (second.handled_earlier(slot, o)) {
      CHECK(o % 2 == 0);
      second.handle(slot, o);
    } else {
      CHECK(o % 2 == 1);
      second.begin(slot, o);
      second.finish(slot, o);
    }
  }
  CHECK(commit_now(second) == std::pair<int64_t, std::string>{6, ""});

  SUBCASE("interrupted before reading on, a run carries the earlier run's records forward")
  {
    OffsetTracker third;
    REQUIRE(third.slot("dlq", 0) == slot);
    third.start(slot, offset, *earlier);
    third.begin(slot, 1);
    third.finish(slot, 1);
    CHECK(commit_now(third) == std::pair<int64_t, std::string>{3, "dlqcat1;h=1.1"}); // 3 not handled; 4 handled
  }
}

TEST_CASE("retry::OffsetTracker::may_act stops a filtered run before its commit metadata would overflow")
{
  OffsetTracker tracker;
  const auto slot = tracker.slot("dlq", 0);
  tracker.start(slot, 0);
  tracker.leave(slot, 0); // the filter left the first record
  int64_t o = 1;
  // Alternating: the bitmap holds ~24,000 offsets in 4,000 characters.
  for (; o < 100000; ++o) {
    if (o % 2 == 0) {
      tracker.leave(slot, o);
      continue;
    }
    if (!tracker.may_act(slot, o)) {
      break;
    }
    tracker.begin(slot, o);
    tracker.finish(slot, o);
  }
  CHECK(o > 20000);
  CHECK(o < 24000);
  const auto c = tracker.committable(k_p);
  REQUIRE(c);
  CHECK(c->offset == 0);
  CHECK(c->metadata.size() <= k_max_commit_metadata);
  CHECK_FALSE(c->truncated_at);
  const auto decoded = decode_commit_metadata(0, c->metadata);
  REQUIRE(decoded);
  CHECK(decoded->handled.size() == static_cast<size_t>(o / 2));

  SUBCASE("sparse records far apart fit as runs, however long the span")
  {
    OffsetTracker sparse;
    const auto s = sparse.slot("dlq", 1);
    sparse.start(s, 0);
    sparse.leave(s, 0);
    int acted = 0;
    for (int64_t at = 1000; at < 10000000; at += 1000) {
      if (!sparse.may_act(s, at)) {
        break;
      }
      sparse.begin(s, at);
      sparse.finish(s, at);
      ++acted;
    }
    CHECK(acted > 400);
    const auto sc = sparse.committable({"dlq", 1});
    REQUIRE(sc);
    CHECK(sc->metadata.size() <= k_max_commit_metadata);
    CHECK_FALSE(sc->truncated_at);
  }
  SUBCASE("without a record left, there is no limit")
  {
    OffsetTracker plain;
    const auto s = plain.slot("dlq", 2);
    for (int64_t at = 0; at < 100000; ++at) {
      CHECK(plain.may_act(s, at));
      plain.begin(s, at);
      plain.finish(s, at);
    }
  }
}

TEST_CASE("retry::OffsetTracker::rewind forgets what an aborted transaction noted")
{
  OffsetTracker tracker;
  const auto slot = tracker.slot("dlq", 0);
  tracker.start(slot, 10);
  tracker.handle(slot, 10);
  tracker.handle(slot, 11);
  CHECK(commit_now(tracker).first == 12);
  tracker.handle(slot, 12);
  tracker.leave(slot, 13);
  tracker.handle(slot, 14);
  tracker.rewind(slot, 12);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{12, ""});
  tracker.handle(slot, 12);
  tracker.handle(slot, 13);
  CHECK(commit_now(tracker).first == 14);
}

TEST_CASE("retry::TokenBucket starts empty and bursts at most 10 ms worth")
{
  using namespace std::chrono;
  const auto t0 = TokenBucket::Clock::time_point{};
  TokenBucket bucket(10, t0); // 10/s
  const auto first = bucket.take(t0);
  CHECK(first > milliseconds(99)); // issue 15.5: no token to start with
  CHECK(first <= milliseconds(101));
  CHECK(bucket.take(t0 + milliseconds(100)) == TokenBucket::Clock::duration::zero());
  CHECK(bucket.take(t0 + milliseconds(100)) > milliseconds(99));
  // Idle for a minute: one token (10 ms at 10/s is less than one).
  int burst = 0;
  while (bucket.take(t0 + seconds(60)) == TokenBucket::Clock::duration::zero()) {
    ++burst;
  }
  CHECK(burst == 1);
  TokenBucket fast(5000, t0);
  CHECK(fast.capacity() == 50);
}

TEST_SUITE_END();
