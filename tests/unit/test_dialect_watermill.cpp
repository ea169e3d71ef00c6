#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::watermill::decode")
{
  record::Record record;
  record.headers = {
    {"_watermill_message_uuid", "5f1c"s},
    {"reason_poisoned", "handler failed: boom"s},
    {"topic_poisoned", "orders"s},
    {"handler_poisoned", "order-handler"s},
    {"subscriber_poisoned", "kafka"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "watermill");
  CHECK(context->exception.message == "handler failed: boom");
  CHECK(context->original.topic == "orders");
  CHECK_FALSE(context->original.partition);
  CHECK_FALSE(context->original.offset);
  const auto typed = dialect::describe_headers(record);
  CHECK(typed[0].dialect == "");
  CHECK(typed[3].dialect == "watermill");
  CHECK(typed[3].display == "order-handler");
}

TEST_CASE("dialect::watermill::decode invalid utf8")
{
  record::Record record;
  record.headers = {{"reason_poisoned", "\xc3"s}, {"topic_poisoned", "orders"s}};
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->original.topic == "orders");
  CHECK(context->malformed == std::vector<MalformedHeader>{{"reason_poisoned", "invalid UTF-8", "c3"}});
}

TEST_CASE("dialect::watermill::encode")
{
  ErrorContext context;
  context.exception.message = "handler failed: boom";
  context.original.topic = "orders";
  record::Record record;
  record.headers = {{"topic_poisoned", "stale"s}};
  dialect::encode("watermill", context, record);
  const std::vector<record::Header> expected_headers = {{"topic_poisoned", "orders"s},
                                                        {"reason_poisoned", "handler failed: boom"s}};
  CHECK(record.headers == expected_headers);
  auto expected = context;
  expected.dialect = "watermill";
  CHECK(dialect::decode(record) == expected);
}

TEST_SUITE_END();
