#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

namespace {

record::Record share_record()
{
  record::Record record;
  record.headers = {
    {"__dlq.errors.topic", "payments"s},
    {"__dlq.errors.partition", "2"s},
    {"__dlq.errors.offset", "77"s},
    {"__dlq.errors.group", "payments-share"s},
    {"__dlq.errors.delivery.count", "5"s},
    {"__dlq.errors.message", "delivery count exceeded"s},
  };
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::share-group::decode")
{
  const auto context = dialect::decode(share_record());
  REQUIRE(context);
  CHECK(context->dialect == "share-group");
  CHECK(context->original.topic == "payments");
  CHECK(context->original.partition == 2);
  CHECK(context->original.offset == 77);
  CHECK(context->original.group == "payments-share");
  CHECK(context->attempts == 5);
  CHECK(context->exception.message == "delivery count exceeded");
  CHECK(dialect::attempts(share_record()) == 5);
}

TEST_CASE("dialect::share-group::decode out of range")
{
  record::Record record;
  record.headers = {{"__dlq.errors.topic", "payments"s}, {"__dlq.errors.delivery.count", "4294967296"s}};
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK_FALSE(context->attempts);
  REQUIRE(context->malformed.size() == 1);
  CHECK(context->malformed[0].reason == "4294967296 is out of the 32-bit range");
}

TEST_CASE("dialect::share-group::encode")
{
  ErrorContext context;
  context.original.topic = "payments";
  context.original.partition = 2;
  context.original.offset = 77;
  context.original.group = "payments-share";
  context.attempts = 5;
  context.exception.message = "delivery count exceeded";
  record::Record record;
  dialect::encode("share-group", context, record);
  CHECK(record.headers == share_record().headers);
  auto expected = context;
  expected.dialect = "share-group";
  CHECK(dialect::decode(record) == expected);
}

TEST_SUITE_END();
