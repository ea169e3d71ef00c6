#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

namespace {

const std::string k_trace = "org.apache.kafka.connect.errors.DataException: Converting byte[] failed\n"
                            "\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:324)\n";

// As DeadLetterQueueReporter.populateContextHeaders writes them (dec numbers, utf8 text).
record::Record
connect_record()
{
  record::Record record;
  record.headers = {
    {"__connect.errors.topic", "person"s},
    {"__connect.errors.partition", "0"s},
    {"__connect.errors.offset", "9"s},
    {"__connect.errors.connector.name", "jdbc-sink"s},
    {"__connect.errors.task.id", "1"s},
    {"__connect.errors.stage", "VALUE_CONVERTER"s},
    {"__connect.errors.class.name", "org.apache.kafka.connect.json.JsonConverter"s},
    {"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"s},
    {"__connect.errors.exception.message", "Converting byte[] to Kafka Connect data failed"s},
    {"__connect.errors.exception.stacktrace", k_trace},
  };
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::connect::decode")
{
  const auto context = dialect::decode(connect_record());
  REQUIRE(context);
  CHECK(context->dialect == "connect");
  CHECK(context->original.topic == "person");
  CHECK(context->original.partition == 0);
  CHECK(context->original.offset == 9);
  CHECK_FALSE(context->original.timestamp);
  CHECK(context->connector == "jdbc-sink");
  CHECK(context->task == 1);
  CHECK(context->stage == "VALUE_CONVERTER");
  CHECK(context->executing_class == "org.apache.kafka.connect.json.JsonConverter");
  CHECK(context->exception.class_name == "org.apache.kafka.connect.errors.DataException");
  CHECK(context->exception.message == "Converting byte[] to Kafka Connect data failed");
  CHECK(context->exception.stacktrace == k_trace);
  CHECK_FALSE(context->attempts);
  CHECK(context->history.empty());
  CHECK(context->malformed.empty());
}

TEST_CASE("dialect::connect::decode takes the root cause from the stack trace's last Caused by")
{
  // Issue 15.8: --exception did not match Connect's root cause. The trace as Throwable prints it:
  // nested causes unindented, a suppressed exception's cause indented.
  const std::string trace =
    "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed\n"
    "\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:324)\n"
    "Caused by: org.apache.kafka.common.errors.SerializationException: Error deserializing message\n"
    "\t... 17 more\n"
    "Caused by: com.fasterxml.jackson.core.JsonParseException: Unexpected character ('o': was expecting null)\n"
    "\tat com.fasterxml.jackson.core.JsonParser._constructError(JsonParser.java:1840)\n"
    "\tSuppressed: java.io.IOException: close failed\n"
    "\t\tCaused by: java.lang.IllegalStateException: not this one\n";
  auto record = connect_record();
  record.headers.back().value = trace;
  ErrorContext context;
  REQUIRE(dialect::decode(record, context));
  CHECK(context.exception.class_name == "org.apache.kafka.connect.errors.DataException");
  CHECK(context.exception.cause_class == "com.fasterxml.jackson.core.JsonParseException");
  CHECK(context.exception.cause_message == "Unexpected character ('o': was expecting null)");

  SUBCASE("reused for the next record: a trace without a cause leaves no stale one")
  {
    REQUIRE(dialect::decode(connect_record(), context));
    CHECK_FALSE(context.exception.cause_class);
    CHECK_FALSE(context.exception.cause_message);
  }
  SUBCASE("a cause without a message, at the very start")
  {
    record.headers.back().value = "Caused by: java.lang.NullPointerException"s;
    REQUIRE(dialect::decode(record, context));
    CHECK(context.exception.cause_class == "java.lang.NullPointerException");
    CHECK_FALSE(context.exception.cause_message);
  }
  SUBCASE("only a line's start counts, whatever follows the last one, CR LF line ends too")
  {
    record.headers.back().value =
      "E: top\r\nCaused by: a.First: one\r\n\tat x(X.java:1)\r\nnot Caused by: b.Second: two\r\nCaused by:"s
      + "\n"s;
    REQUIRE(dialect::decode(record, context));
    CHECK(context.exception.cause_class == "a.First");
    CHECK(context.exception.cause_message == "one");
  }
}

TEST_CASE("dialect::connect::decode malformed and partial")
{
  record::Record record;
  record.headers = {
    {"__connect.errors.topic", "person"s},
    {"__connect.errors.partition", "0x1"s},
    {"__connect.errors.offset", "12"s},
    {"__connect.errors.exception.message", "bad \xff"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "connect");
  CHECK(context->original.topic == "person");
  CHECK_FALSE(context->original.partition);
  CHECK(context->original.offset == 12);
  CHECK_FALSE(context->exception.message);
  REQUIRE(context->malformed.size() == 2);
  CHECK(context->malformed[0]
        == MalformedHeader{"__connect.errors.partition", "expected decimal digits, got a non-digit", "307831"});
  CHECK(context->malformed[1] == MalformedHeader{"__connect.errors.exception.message", "invalid UTF-8", "62616420ff"});
}

TEST_CASE("dialect::connect::decode without context headers")
{
  // errors.deadletterqueue.context.headers.enable=false: nothing says it is a DLQ record.
  record::Record record;
  record.value = "{\"id\":1"s;
  record.headers = {{"traceparent", "00-abc-01"s}};
  CHECK_FALSE(dialect::decode(record));
}

TEST_CASE("dialect::connect::encode")
{
  ErrorContext context;
  context.original.topic = "person";
  context.original.partition = 0;
  context.original.offset = 9;
  context.connector = "jdbc-sink";
  context.task = 1;
  context.stage = "VALUE_CONVERTER";
  context.executing_class = "org.apache.kafka.connect.json.JsonConverter";
  context.exception.class_name = "org.apache.kafka.connect.errors.DataException";
  context.exception.message = "Converting byte[] to Kafka Connect data failed";
  context.exception.stacktrace = k_trace;

  SUBCASE("bytes and order")
  {
    record::Record record;
    record.headers = {{"traceparent", "00-abc-01"s}};
    dialect::encode("connect", context, record);
    auto expected = connect_record().headers;
    expected.insert(expected.begin(), {"traceparent", "00-abc-01"s});
    CHECK(record.headers == expected);
  }

  SUBCASE("round trip")
  {
    record::Record record;
    dialect::encode("connect", context, record);
    auto expected = context;
    expected.dialect = "connect";
    CHECK(dialect::decode(record) == expected);
  }

  SUBCASE("never overwrites a header already there")
  {
    record::Record record;
    record.headers = {{"__connect.errors.topic", "first"s}};
    dialect::encode("connect", context, record);
    CHECK(record.headers.size() == 10);
    CHECK(record.headers[0].value == "first");
    CHECK(dialect::decode(record)->original.topic == "first");
  }

  SUBCASE("no exception headers without an exception")
  {
    ErrorContext partial;
    partial.original.topic = "person";
    partial.exception.message = "ignored without a class";
    record::Record record;
    dialect::encode("connect", partial, record);
    REQUIRE(record.headers.size() == 1);
    CHECK(record.headers[0].name == "__connect.errors.topic");
  }
}

TEST_CASE("dialect::connect::describe_headers")
{
  auto record = connect_record();
  record.headers.push_back({"traceparent", "00-abc-01"s});
  const auto typed = dialect::describe_headers(record);
  REQUIRE(typed.size() == 11);
  CHECK(typed[1].name == "__connect.errors.partition");
  CHECK(typed[1].dialect == "connect");
  CHECK(typed[1].type == "dec");
  CHECK(typed[1].display == "0");
  CHECK(typed[0].type == "utf8");
  CHECK(typed[0].display == "person");
  CHECK(typed[10].dialect == "");
  CHECK(typed[10].type == "utf8");
  CHECK(typed[10].display == "00-abc-01");
  CHECK_FALSE(typed[10].problem);
}

TEST_SUITE_END();
