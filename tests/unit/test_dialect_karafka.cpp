#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::karafka::decode")
{
  record::Record record;
  record.headers = {
    {"traceparent", "00-abc-01"s},
    {"source_topic", "visits"s},
    {"source_partition", "4"s},
    {"source_offset", "1234"s},
    {"source_consumer_group", "visits-app"s},
    {"source_attempts", "3"s},
    {"source_trace_id", "8a0c0f3e-0e9b-4f6e-9a51-1f2b3c4d5e6f"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "karafka");
  CHECK(context->original.topic == "visits");
  CHECK(context->original.partition == 4);
  CHECK(context->original.offset == 1234);
  CHECK(context->original.group == "visits-app");
  CHECK(context->attempts == 3);
  CHECK_FALSE(context->exception.class_name);
  CHECK(dialect::attempts(record) == 3);
  const auto typed = dialect::describe_headers(record);
  CHECK(typed[6].dialect == "karafka");
  CHECK(typed[6].type == "utf8");
}

TEST_CASE("dialect::karafka::decode older names")
{
  record::Record record;
  SUBCASE("2.0.17-2.4")
  {
    record.headers = {
      {"original_topic", "visits"s}, {"original_partition", "1"s}, {"original_offset", "7"s},
      {"original_consumer_group", "g"s}, {"original_attempts", "2"s}, {"original_key", "\xff\x01"s},
    };
    const auto typed = dialect::describe_headers(record);
    CHECK(typed[5].type == "binary");
    CHECK(typed[5].display == "ff01");
  }
  SUBCASE("earlier")
  {
    record.headers = {
      {"original-topic", "visits"s}, {"original-partition", "1"s}, {"original-offset", "7"s},
      {"original-consumer-group", "g"s}, {"original-attempts", "2"s},
    };
  }
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "karafka");
  CHECK(context->original.topic == "visits");
  CHECK(context->original.partition == 1);
  CHECK(context->original.offset == 7);
  CHECK(context->original.group == "g");
  CHECK(context->attempts == 2);
}

TEST_CASE("dialect::karafka::decode malformed")
{
  record::Record record;
  record.headers = {{"source_topic", "visits"s}, {"source_offset", "12a"s}};
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->original.topic == "visits");
  CHECK_FALSE(context->original.offset);
  REQUIRE(context->malformed.size() == 1);
  CHECK(context->malformed[0]
        == MalformedHeader{"source_offset", "expected decimal digits, got a non-digit", "313261"});
}

TEST_CASE("dialect::karafka::encode")
{
  ErrorContext context;
  context.original.topic = "visits";
  context.original.partition = 4;
  context.original.offset = 1234;
  context.original.group = "visits-app";
  context.attempts = 3;
  record::Record record;
  // A second hop: Hash#merge overwrites in place.
  record.headers = {{"source_topic", "older"s}, {"traceparent", "00-abc-01"s}};
  dialect::encode("karafka", context, record);
  const std::vector<record::Header> expected_headers = {
    {"source_topic", "visits"s},           {"traceparent", "00-abc-01"s},   {"source_partition", "4"s},
    {"source_offset", "1234"s},            {"source_consumer_group", "visits-app"s},
    {"source_attempts", "3"s},
  };
  CHECK(record.headers == expected_headers);
  auto expected = context;
  expected.dialect = "karafka";
  CHECK(dialect::decode(record) == expected);
}

TEST_SUITE_END();
