#include "dialect/dialect.hpp"
#include "inventory/inventory.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::inventory;

TEST_SUITE_BEGIN("inventory");

TEST_CASE("inventory::looks_like_dlq")
{
  for (const char* name : {"orders-dlt", "orders.DLT", "error.orders.billing", "jdbc-sink-dlq", "DLQ.orders",
                           "dead-letter-topic-orders", "orders.parking-lot", "ordersParkingLot"}) {
    CAPTURE(name);
    CHECK(looks_like_dlq(name));
  }
  for (const char* name : {"orders", "error.orders", "errors", "dltx", "parking", "orders-retry-0", "connect-offsets"}) {
    CAPTURE(name);
    CHECK_FALSE(looks_like_dlq(name));
  }
}

TEST_CASE("inventory::is_internal and sampling_priority")
{
  CHECK(is_internal("__consumer_offsets"));
  CHECK(is_internal("__connect.errors.x"));
  CHECK_FALSE(is_internal("_schemas"));
  CHECK(sampling_priority("orders-dlt") == 0);
  CHECK(sampling_priority("orders") == 1);
  CHECK(sampling_priority("_schemas") == 2);
  CHECK(sampling_priority("my-connect-offsets") == 2);
}

namespace {

record::Record
spring_record(const std::string& original, int64_t timestamp)
{
  record::Record record;
  record.topic = "x";
  record.timestamp = timestamp;
  ErrorContext context;
  context.original.topic = original;
  context.exception.class_name = "org.springframework.kafka.listener.ListenerExecutionFailedException";
  context.exception.cause_class = "java.net.SocketTimeoutException";
  dialect::encode("spring", context, record);
  return record;
}

TopicFacts
facts(const std::string& topic, std::vector<kafka::Watermarks> marks)
{
  TopicFacts f;
  f.topic = topic;
  for (size_t i = 0; i < marks.size(); ++i) {
    f.partitions.push_back(static_cast<int32_t>(i));
  }
  f.marks = std::move(marks);
  return f;
}

void
add_decoded(TopicSample& sample, const record::Record& record)
{
  const auto context = dialect::decode(record);
  sample.add(record, context ? &*context : nullptr);
}

} // namespace

TEST_CASE("inventory::classify")
{
  SUBCASE("a dead letter in the sample makes a DLQ, whatever its name")
  {
    auto f = facts("quarantine", {{0, 3}, {5, 6}});
    add_decoded(f.sample, spring_record("orders", 10));
    add_decoded(f.sample, record::Record{});
    const auto dlq = classify(f);
    REQUIRE(dlq);
    CHECK(dlq->records == 4);
    CHECK(dlq->partitions == 2);
    CHECK(dlq->identified_by == Identified::Content);
    CHECK(dlq->dialects == std::vector<Count>{{"spring", 1}});
    CHECK(dlq->original_topics == std::vector<Count>{{"orders", 1}});
    CHECK(dlq->exceptions == std::vector<Count>{{"java.net.SocketTimeoutException", 1}});
    CHECK(dlq->sampled == 2);
    CHECK(dlq->sampled_dead_letters == 1);
  }
  SUBCASE("an empty topic only by its name")
  {
    CHECK(classify(facts("refunds.DLT", {{4, 4}}))->identified_by == Identified::Name);
    CHECK_FALSE(classify(facts("refunds", {{4, 4}})));
  }
  SUBCASE("plain records under a DLQ-like name: not a DLQ")
  {
    auto f = facts("audit-dlq", {{0, 1}});
    add_decoded(f.sample, record::Record{});
    CHECK_FALSE(classify(f));
  }
  SUBCASE("a DLQ-like name the deadline left unread")
  {
    auto f = facts("audit-dlq", {{0, 1}});
    f.sample_complete = false;
    CHECK(classify(f)->identified_by == Identified::Name);
    f.topic = "audit";
    CHECK_FALSE(classify(f));
  }
  SUBCASE("internal topics never")
  {
    auto f = facts("__dlq", {{0, 1}});
    add_decoded(f.sample, spring_record("orders", 10));
    CHECK_FALSE(classify(f));
  }
}

TEST_CASE("inventory::group_lags")
{
  const std::vector<int32_t> partitions{0, 1};
  const std::vector<kafka::Watermarks> marks{{10, 20}, {0, 5}};
  std::vector<kafka::GroupOffsets> groups;
  groups.push_back({"app", {{"dlq", 0, 15}, {"other", 0, 1}}});
  groups.push_back({"dlqcat-replay-dlq", {{"dlq", 0, 20}, {"dlq", 1, 5}}});
  groups.push_back({"custom", {{"dlq", 0, 3, "dlqcat1"}, {"dlq", 1, 5}}});
  groups.push_back({"elsewhere", {{"other", 0, 1}}});
  const auto lags = group_lags("dlq", partitions, marks, groups);
  // app: 5 left in partition 0, all 5 of partition 1 (never committed there).
  CHECK(lags == std::vector<GroupLag>{{"app", 10, false}, {"dlqcat-replay-dlq", 0, true}, {"custom", 10, true}});
}

TEST_CASE("inventory::render_json")
{
  DlqTopic topic;
  topic.topic = "orders-dlt";
  topic.records = 2;
  topic.partitions = 1;
  topic.dialects = {{"spring", 2}};
  topic.oldest = 1;
  topic.newest = 2;
  topic.sampled = 2;
  topic.sampled_dead_letters = 2;
  topic.exceptions = {{"java.lang.X", 2}};
  CHECK(render_json(topic) ==
        R"({"topic":"orders-dlt","records":2,"partitions":1,"dialect":"spring","dialects":["spring"],"identified_by":"content",)"
        R"("oldest":1,"newest":2,"groups":null,"sample":{"records":2,"dead_letters":2,"complete":true,"original_topics":[],)"
        R"("exceptions":[{"class":"java.lang.X","count":2}]}})"
        "\n");
  topic.groups = std::vector<GroupLag>{{"g", 1, true}};
  CHECK(render_json(topic).find(R"("groups":[{"group":"g","lag":1,"replay":true}])") != std::string::npos);
}

TEST_CASE("inventory::render_prometheus")
{
  DlqTopic topic;
  topic.topic = "a";
  topic.records = 7;
  topic.partitions = 3;
  topic.groups = std::vector<GroupLag>{{"we\"ird\\g\nroup", 4, false}};
  ScanInfo info;
  info.topics_seen = 9;
  const auto text = render_prometheus({topic}, info);
  CHECK(text.find("# TYPE dlqcat_dlq_records gauge\ndlqcat_dlq_records{topic=\"a\"} 7\n") != std::string::npos);
  CHECK(text.find("dlqcat_dlq_info{topic=\"a\",dialect=\"none\",identified_by=\"content\"} 1\n") != std::string::npos);
  CHECK(text.find(R"(dlqcat_dlq_consumer_group_lag{topic="a",group="we\"ird\\g\nroup",replay="false"} 4)") != std::string::npos);
  CHECK(text.find("dlqcat_ls_topics_scanned 9\n") != std::string::npos);
}

TEST_CASE("inventory::age_text")
{
  CHECK(age_text(-5) == "0s");
  CHECK(age_text(59'000) == "59s");
  CHECK(age_text(600'000) == "10m");
  CHECK(age_text(3 * 3600'000) == "3h");
  CHECK(age_text(3 * 86400'000LL) == "3d");
}

TEST_SUITE_END();
