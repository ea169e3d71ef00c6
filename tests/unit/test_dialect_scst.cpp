#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

namespace {

// handleRecordForDlq: x-original-* then x-exception-*.
record::Record scst_record()
{
  record::Record record;
  record.headers = {
    {"x-original-topic", "so8400in"s},
    {"x-original-partition", "\0\0\0\0"s},
    {"x-original-offset", "\0\0\0\0\0\0\0\x2A"s},
    {"x-original-timestamp", "\0\0\x01\x8B\xCF\xE5\x68\x00"s},
    {"x-original-timestamp-type", "CreateTime"s},
    {"x-exception-fqcn", "org.springframework.messaging.MessagingException"s},
    {"x-exception-message", "Dispatcher failed to deliver Message"s},
    {"x-exception-stacktrace", "trace\n"s},
  };
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::scst::decode")
{
  const auto context = dialect::decode(scst_record());
  REQUIRE(context);
  CHECK(context->dialect == "scst");
  CHECK(context->original.topic == "so8400in");
  CHECK(context->original.partition == 0);
  CHECK(context->original.offset == 42);
  CHECK(context->original.timestamp == 1700000000000);
  CHECK(context->original.timestamp_type == "CreateTime");
  CHECK(context->exception.class_name == "org.springframework.messaging.MessagingException");
  CHECK(context->exception.message == "Dispatcher failed to deliver Message");
  CHECK(context->exception.stacktrace == "trace\n");
  CHECK_FALSE(context->attempts);
}

TEST_CASE("dialect::scst::decode binder 4 through DeadLetterPublishingRecoverer")
{
  // The binder's HeaderNames reuse Spring's names for the cause and the group: still scst.
  record::Record record;
  record.headers = {
    {"x-exception-fqcn", "org.springframework.messaging.MessagingException"s},
    {"kafka_dlt-exception-cause-fqcn", "java.lang.RuntimeException"s},
    {"x-exception-message", "fail"s},
    {"x-original-topic", "so8400in"s},
    {"kafka_dlt-original-consumer-group", "so8400"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "scst");
  CHECK(context->history.empty());
  CHECK(context->exception.cause_class == "java.lang.RuntimeException");
  CHECK(context->original.group == "so8400");
  const auto typed = dialect::describe_headers(record);
  CHECK(typed[1].dialect == "scst");
  CHECK(typed[4].dialect == "scst");
}

TEST_CASE("dialect::scst::decode dead-lettered twice")
{
  auto record = scst_record();
  record.headers.push_back({"x-original-topic", "error.so8400in.so8400"s});
  record.headers.push_back({"x-exception-fqcn", "java.lang.IllegalStateException"s});
  const auto context = dialect::decode(record);
  CHECK(context->original.topic == "so8400in");
  CHECK(context->exception.class_name == "java.lang.IllegalStateException");
}

TEST_CASE("dialect::scst::attempts")
{
  record::Record record;
  SUBCASE("JSON text from BinderHeaderMapper")
  {
    record.headers = {{"x-retries", "1"s}, {"spring_json_header_types", R"({"x-retries":"java.lang.Integer"})"s}};
    CHECK(dialect::attempts(record) == 1);
    const auto typed = dialect::describe_headers(record);
    CHECK(typed[0].type == "dec");
    CHECK(typed[0].dialect == "scst");
    CHECK(typed[1].type == "json");
    CHECK(typed[1].display == R"({"x-retries":"java.lang.Integer"})");
  }
  SUBCASE("JSON number")
  {
    record.headers = {{"x-retries", "2.0"s}};
    CHECK(dialect::attempts(record) == 2);
    CHECK(dialect::describe_headers(record)[0].type == "json");
  }
  SUBCASE("4-byte int")
  {
    record.headers = {{"x-retries", "\0\0\0\x03"s}};
    CHECK(dialect::attempts(record) == 3);
    CHECK(dialect::describe_headers(record)[0].type == "int32");
  }
  SUBCASE("malformed")
  {
    record.headers = {{"x-retries", "abc"s}};
    CHECK_FALSE(dialect::attempts(record));
    const auto typed = dialect::describe_headers(record);
    CHECK(typed[0].type == "malformed");
    CHECK(typed[0].problem == "expected decimal text, a JSON number or a 4-byte int32");
    CHECK(typed[0].display == "616263");
  }
  SUBCASE("a counter alone is not a DLQ record")
  {
    record.headers = {{"x-retries", "1"s}};
    CHECK_FALSE(dialect::decode(record));
  }
  SUBCASE("decode takes it")
  {
    record = scst_record();
    record.headers.push_back({"x-retries", "3"s});
    CHECK(dialect::decode(record)->attempts == 3);
  }
}

TEST_CASE("dialect::scst::encode")
{
  ErrorContext context;
  context.original.topic = "so8400in";
  context.original.partition = 0;
  context.original.offset = 42;
  context.original.timestamp = 1700000000000;
  context.original.timestamp_type = "CreateTime";
  context.exception.class_name = "org.springframework.messaging.MessagingException";
  context.exception.message = "Dispatcher failed to deliver Message";
  context.exception.stacktrace = "trace\n";

  SUBCASE("bytes and order")
  {
    record::Record record;
    dialect::encode("scst", context, record);
    CHECK(record.headers == scst_record().headers);
  }
  SUBCASE("round trip with a counter")
  {
    context.attempts = 2;
    record::Record record;
    record.headers = {{"x-retries", "1"s}, {"spring_json_header_types", R"({"contentType":"java.lang.String"})"s}};
    dialect::encode("scst", context, record);
    CHECK(record.headers[0] == record::Header{"x-retries", "2"s});
    CHECK(record.headers[1]
          == record::Header{"spring_json_header_types",
                            R"({"contentType":"java.lang.String","x-retries":"java.lang.Integer"})"s});
    auto expected = context;
    expected.dialect = "scst";
    CHECK(dialect::decode(record) == expected);
  }
  SUBCASE("the type map is added, as the binder's header mapper writes it with an Integer header")
  {
    // Without it the binder reads x-retries back as byte[] (binder 5.0.4, tests/peers).
    context.attempts = 1;
    record::Record record;
    dialect::encode("scst", context, record);
    CHECK(record.last_header("x-retries")->value() == "1");
    CHECK(record.last_header("spring_json_header_types")->value() == R"({"x-retries":"java.lang.Integer"})");
  }
}

TEST_SUITE_END();
