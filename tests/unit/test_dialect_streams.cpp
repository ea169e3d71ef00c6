#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

namespace {

record::Record streams_record()
{
  record::Record record;
  record.headers = {
    {"__streams.errors.exception", "java.lang.NullPointerException"s},
    {"__streams.errors.message", "Oopsie!"s},
    {"__streams.errors.stacktrace", "java.lang.NullPointerException: Oopsie!\n\tat A.b(A.java:1)\n"s},
    {"__streams.errors.topic", "source"s},
    {"__streams.errors.partition", "3"s},
    {"__streams.errors.offset", "2"s},
  };
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::streams::decode")
{
  const auto context = dialect::decode(streams_record());
  REQUIRE(context);
  CHECK(context->dialect == "streams");
  CHECK(context->exception.class_name == "java.lang.NullPointerException");
  CHECK(context->exception.message == "Oopsie!");
  CHECK(context->exception.stacktrace == "java.lang.NullPointerException: Oopsie!\n\tat A.b(A.java:1)\n");
  CHECK(context->original.topic == "source");
  CHECK(context->original.partition == 3);
  CHECK(context->original.offset == 2);
}

TEST_CASE("dialect::streams::decode first implementation")
{
  // exception.toString() in the class header, a null message header.
  record::Record record;
  record.headers = {
    {"__streams.errors.exception", "java.lang.NullPointerException: Oopsie!"s},
    {"__streams.errors.message", std::nullopt},
    {"__streams.errors.partition", "-3a"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->exception.class_name == "java.lang.NullPointerException");
  CHECK(context->exception.message == "Oopsie!");
  REQUIRE(context->malformed.size() == 1);
  CHECK(context->malformed[0].name == "__streams.errors.partition");
  CHECK(context->malformed[0].hex == "2d3361");
  CHECK(dialect::describe_headers(record)[1].type == "null");
}

TEST_CASE("dialect::streams::encode")
{
  ErrorContext context;
  context.exception.class_name = "java.lang.NullPointerException";
  context.exception.message = "Oopsie!";
  context.exception.stacktrace = "java.lang.NullPointerException: Oopsie!\n\tat A.b(A.java:1)\n";
  context.original.topic = "source";
  context.original.partition = 3;
  context.original.offset = 2;
  SUBCASE("bytes and order")
  {
    record::Record record;
    dialect::encode("streams", context, record);
    CHECK(record.headers == streams_record().headers);
    auto expected = context;
    expected.dialect = "streams";
    CHECK(dialect::decode(record) == expected);
  }
  SUBCASE("null message header")
  {
    context.exception.message.reset();
    record::Record record;
    dialect::encode("streams", context, record);
    CHECK(record.headers[1] == record::Header{"__streams.errors.message", std::nullopt});
    CHECK_FALSE(dialect::decode(record)->exception.message);
  }
}

TEST_SUITE_END();
