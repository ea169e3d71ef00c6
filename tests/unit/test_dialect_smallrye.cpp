#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

namespace {

// KafkaDeadLetterQueue.handle(): its headers first, the incoming record's headers after.
record::Record smallrye_record()
{
  record::Record record;
  record.headers = {
    {"dead-letter-exception-class-name", "java.lang.IllegalArgumentException"s},
    {"dead-letter-reason", "bad price"s},
    {"dead-letter-cause-class-name", "java.lang.NumberFormatException"s},
    {"dead-letter-cause", "For input string: \"x\""s},
    {"dead-letter-topic", "prices"s},
    {"dead-letter-partition", "0"s},
    {"dead-letter-offset", "12"s},
    {"traceparent", "00-abc-01"s},
  };
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::smallrye::decode")
{
  const auto context = dialect::decode(smallrye_record());
  REQUIRE(context);
  CHECK(context->dialect == "smallrye");
  CHECK(context->exception.class_name == "java.lang.IllegalArgumentException");
  CHECK(context->exception.message == "bad price");
  CHECK(context->exception.cause_class == "java.lang.NumberFormatException");
  CHECK(context->exception.cause_message == "For input string: \"x\"");
  CHECK(context->original.topic == "prices");
  CHECK(context->original.partition == 0);
  CHECK(context->original.offset == 12);
}

TEST_CASE("dialect::smallrye::decode after delayed retries")
{
  auto record = smallrye_record();
  record.headers[4].value = "prices_retry_1000";
  record.headers.push_back({"delayed-retry-topic", "prices"s});
  record.headers.push_back({"delayed-retry-partition", "1"s});
  record.headers.push_back({"delayed-retry-offset", "9"s});
  record.headers.push_back({"delayed-retry-count", "2"s});
  record.headers.push_back({"delayed-retry-original-timestamp", "1700000000000"s});
  record.headers.push_back({"delayed-retry-exception-class-name", "java.lang.Exception"s});
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->original.topic == "prices");
  CHECK(context->original.partition == 1);
  CHECK(context->original.offset == 9);
  CHECK(context->original.timestamp == 1700000000000);
  CHECK(context->attempts == 2);
  CHECK(context->exception.class_name == "java.lang.IllegalArgumentException");
  CHECK(dialect::attempts(record) == 2);
}

TEST_CASE("dialect::smallrye::describe_headers")
{
  auto record = smallrye_record();
  record.headers.push_back({"deserialization-failure-data", "\xff\x00"s});
  record.headers.push_back({"deserialization-failure-reason", "Unrecognized token"s});
  const auto typed = dialect::describe_headers(record);
  CHECK(typed[5].type == "dec");
  CHECK(typed[5].display == "0");
  CHECK(typed[7].dialect == "");
  CHECK(typed[8].dialect == "smallrye");
  CHECK(typed[8].type == "binary");
  CHECK(typed[8].display == "ff00");
  CHECK(typed[9].type == "utf8");
}

TEST_CASE("dialect::smallrye::encode")
{
  ErrorContext context;
  context.exception.class_name = "java.lang.IllegalArgumentException";
  context.exception.message = "bad price";
  context.exception.cause_class = "java.lang.NumberFormatException";
  context.exception.cause_message = "For input string: \"x\"";
  context.original.topic = "prices";
  context.original.partition = 0;
  context.original.offset = 12;
  record::Record record;
  record.headers = {{"traceparent", "00-abc-01"s}};
  dialect::encode("smallrye", context, record);
  CHECK(record.headers == smallrye_record().headers);
  auto expected = context;
  expected.dialect = "smallrye";
  CHECK(dialect::decode(record) == expected);
}

TEST_CASE("dialect::smallrye::encode reason without a message")
{
  ErrorContext context;
  context.exception.class_name = "java.lang.NullPointerException";
  record::Record record;
  dialect::encode("smallrye", context, record);
  REQUIRE(record.headers.size() == 2);
  CHECK(record.headers[1] == record::Header{"dead-letter-reason", "java.lang.NullPointerException"s});
}

TEST_SUITE_END();
