#include "dialect/dialect.hpp"
#include "format/block.hpp"
#include "format/format.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

namespace {

// DeadLetterPublishingRecoverer (3.x): exception headers first, then original-*.
record::Record
spring_record()
{
  record::Record record;
  record.headers = {
    {"traceparent", "00-abc-01"s},
    {"kafka_dlt-exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException"s},
    {"kafka_dlt-exception-cause-fqcn", "java.net.SocketTimeoutException"s},
    {"kafka_dlt-exception-message", "Listener method threw exception; Read timed out"s},
    {"kafka_dlt-exception-stacktrace", "ListenerExecutionFailedException\n\tat X.y(X.java:1)\n"s},
    {"kafka_dlt-original-topic", "orders"s},
    {"kafka_dlt-original-partition", "\0\0\0\x01"s},
    {"kafka_dlt-original-offset", "\0\0\0\0\0\0\0\x2A"s},
    {"kafka_dlt-original-timestamp", "\0\0\x01\x8B\xCF\xE5\x68\x00"s},
    {"kafka_dlt-original-timestamp-type", "CreateTime"s},
    {"kafka_dlt-original-consumer-group", "order-service"s},
  };
  return record;
}

ErrorContext
spring_context()
{
  ErrorContext context;
  context.original.topic = "orders";
  context.original.partition = 1;
  context.original.offset = 42;
  context.original.timestamp = 1700000000000;
  context.original.timestamp_type = "CreateTime";
  context.original.group = "order-service";
  context.exception.class_name = "org.springframework.kafka.listener.ListenerExecutionFailedException";
  context.exception.cause_class = "java.net.SocketTimeoutException";
  context.exception.message = "Listener method threw exception; Read timed out";
  context.exception.stacktrace = "ListenerExecutionFailedException\n\tat X.y(X.java:1)\n";
  return context;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::spring::decode")
{
  const auto context = dialect::decode(spring_record());
  REQUIRE(context);
  auto expected = spring_context();
  expected.dialect = "spring";
  CHECK(*context == expected);
  CHECK(context->exception.cause_class == "java.net.SocketTimeoutException");
  CHECK(context->original.timestamp == 1700000000000);
}

TEST_CASE("dialect::spring::decode timestamp -1 is none")
{
  record::Record record;
  record.headers = {
    {"kafka_dlt-original-topic", "orders"s},
    {"kafka_dlt-original-timestamp", "\xff\xff\xff\xff\xff\xff\xff\xff"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK_FALSE(context->original.timestamp);
  CHECK(context->malformed.empty());
}

TEST_CASE("dialect::spring::decode malformed and partial")
{
  record::Record record;
  record.headers = {
    {"kafka_dlt-original-topic", "orders"s},
    {"kafka_dlt-original-partition", "\0\0\x01"s},
    {"kafka_dlt-original-offset", "42"s},
    {"kafka_dlt-exception-fqcn", "java.lang.IllegalStateException"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->original.topic == "orders");
  CHECK_FALSE(context->original.partition);
  CHECK_FALSE(context->original.offset);
  CHECK(context->exception.class_name == "java.lang.IllegalStateException");
  REQUIRE(context->malformed.size() == 2);
  CHECK(context->malformed[0]
        == MalformedHeader{"kafka_dlt-original-partition", "expected 4-byte big-endian int32, got 3 bytes", "000001"});
  CHECK(context->malformed[1]
        == MalformedHeader{"kafka_dlt-original-offset", "expected 8-byte big-endian int64, got 2 bytes", "3432"});
}

TEST_CASE("dialect::spring::decode repeated headers")
{
  // Dead-lettered twice with appendOriginalHeaders and without stripPreviousExceptionHeaders.
  record::Record record;
  record.headers = {
    {"kafka_dlt-original-topic", "orders"s},
    {"kafka_dlt-original-offset", "\0\0\0\0\0\0\0\x05"s},
    {"kafka_dlt-exception-fqcn", "first.Exception"s},
    {"kafka_dlt-original-topic", "orders.DLT"s},
    {"kafka_dlt-original-offset", "\0\0\0\0\0\0\0\x07"s},
    {"kafka_dlt-exception-fqcn", "second.Exception"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->original.topic == "orders");
  CHECK(context->original.offset == 5);
  CHECK(context->exception.class_name == "second.Exception");
  CHECK(context->history.empty());
}

TEST_CASE("dialect::spring::decode keeps the key's exception apart from the value's")
{
  record::Record record;
  record.headers = {
    {"kafka_dlt-key-exception-fqcn", "org.springframework.kafka.support.serializer.DeserializationException"s},
    {"kafka_dlt-key-exception-message", "failed to deserialize key"s},
    {"kafka_dlt-original-topic", "orders"s},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "spring");
  CHECK(context->key_exception.class_name == "org.springframework.kafka.support.serializer.DeserializationException");
  CHECK(context->key_exception.message == "failed to deserialize key");
  CHECK_FALSE(context->exception.class_name);
  CHECK_FALSE(context->exception.message);
  // Only the key failed: that is the record's exception for summaries and %E.
  CHECK(&primary_exception(*context) == &context->key_exception);

  SUBCASE("issue 15.6: a value class without a message never takes the key's message")
  {
    record.headers.push_back({"kafka_dlt-exception-fqcn", "value.Exception"s});
    const auto both = dialect::decode(record);
    REQUIRE(both);
    CHECK(both->exception.class_name == "value.Exception");
    CHECK_FALSE(both->exception.message);
    CHECK(both->key_exception.message == "failed to deserialize key");
    CHECK(&primary_exception(*both) == &both->exception);
    std::string json;
    append_json(json, *both);
    CHECK(json.find(R"("exception":{"class":"value.Exception"})") != std::string::npos);
    CHECK(json.find(R"("key_exception":{"class":"org.springframework.kafka.support.serializer.DeserializationException","message":"failed to deserialize key"})")
          != std::string::npos);
  }
  SUBCASE("encode writes it back")
  {
    record::Record written;
    dialect::encode("spring", *context, written);
    CHECK(dialect::decode(written)->key_exception == context->key_exception);
  }
}

TEST_CASE("dialect::spring::decode a key deserialization failure as Spring writes it: the cause header is the key's")
{
  // The header set spring-kafka 4.0.6 wrote for a key its ErrorHandlingDeserializer refused
  // (tests/fixtures/peers/spring-kafka-dlpr-key-deser.json): kafka_dlt-key-exception-*, and the
  // unprefixed kafka_dlt-exception-cause-fqcn, which DeadLetterPublishingRecoverer writes for the
  // key's exception as for the value's.
  const std::string deser = "org.springframework.kafka.support.serializer.DeserializationException";
  record::Record record;
  record.key = "abc"s;
  record.value = R"({"amount":3})"s;
  record.headers = {
    {"kafka_dlt-key-exception-fqcn", deser},
    {"kafka_dlt-exception-cause-fqcn", deser},
    {"kafka_dlt-key-exception-message", "failed to deserialize"s},
    {"kafka_dlt-key-exception-stacktrace", deser + ": failed to deserialize\n\tat x.y(Z.java:1)\n"},
    {"kafka_dlt-original-topic", "orders"s},
    {"kafka_dlt-original-partition", std::string("\0\0\0\1", 4)},
    {"kafka_dlt-original-offset", std::string("\0\0\0\0\0\0\0\1", 8)},
  };
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "spring");
  CHECK(context->key_exception.class_name == deser);
  CHECK(context->key_exception.message == "failed to deserialize");
  CHECK(context->key_exception.cause_class == deser);
  CHECK(context->exception == ExceptionInfo{});
  CHECK(&primary_exception(*context) == &context->key_exception);
  CHECK(context->original.partition == 1);
  CHECK(context->original.offset == 1);

  std::string json;
  append_json(json, *context);
  CHECK(json.find(R"("exception")") == std::string::npos);
  CHECK(json.find(R"("cause_class":")" + deser + "\"") != std::string::npos);

  std::string line;
  format::render(line, format::compile("%E|%M|%d"), record, &*context);
  CHECK(line == deser + "|failed to deserialize|spring");

  std::string block;
  format::render_block(block, record, &*context, {});
  CHECK(block.find("  error:   key: " + deser + ": failed to deserialize (spring)\n") != std::string::npos);
  CHECK(block.find("  cause:   " + deser + "\n") != std::string::npos);
  CHECK(block.find("(exception class not given)") == std::string::npos);

  SUBCASE("beside a value exception, the cause stays the value's")
  {
    record.headers.push_back({"kafka_dlt-exception-fqcn", "value.Exception"s});
    const auto both = dialect::decode(record);
    REQUIRE(both);
    CHECK(both->exception.cause_class == deser);
    CHECK_FALSE(both->key_exception.cause_class);
  }
  SUBCASE("encode writes the key's cause back under the one cause header")
  {
    record::Record written;
    dialect::encode("spring", *context, written);
    CHECK(dialect::decode(written)->key_exception == context->key_exception);
  }
}

TEST_CASE("dialect::spring::encode")
{
  SUBCASE("bytes and order")
  {
    record::Record record;
    record.headers = {{"traceparent", "00-abc-01"s}};
    dialect::encode("spring", spring_context(), record);
    CHECK(record.headers == spring_record().headers);
  }

  SUBCASE("round trip")
  {
    record::Record record;
    dialect::encode("spring", spring_context(), record);
    auto expected = spring_context();
    expected.dialect = "spring";
    CHECK(dialect::decode(record) == expected);
  }

  SUBCASE("replaces exception headers, appends the origin after the first")
  {
    // appendOriginalHeaders, true by default (spring-kafka 4.0.6: tests/peers "twice").
    record::Record record;
    record.headers = {{"kafka_dlt-exception-fqcn", "old.Exception"s}, {"kafka_dlt-original-topic", "first"s}};
    dialect::encode("spring", spring_context(), record);
    CHECK(record.headers[0] == record::Header{"kafka_dlt-original-topic", "first"s});
    CHECK(record.headers[5] == record::Header{"kafka_dlt-original-topic", "orders"s});
    CHECK(record.headers.size() == 11);
    const auto context = dialect::decode(record);
    CHECK(context->original.topic == "first");
    CHECK(context->exception.class_name == "org.springframework.kafka.listener.ListenerExecutionFailedException");
  }
}

TEST_CASE("dialect::spring::describe_headers")
{
  auto record = spring_record();
  record.headers.push_back({"springDeserializerExceptionValue", "\xac\xed\x00\x05sr\x00"s});
  record.headers.push_back({"kafka_deliveryAttempt", "\0\0\0\x03"s});
  record.headers.push_back({"empty", std::nullopt});
  const auto typed = dialect::describe_headers(record);
  REQUIRE(typed.size() == 14);
  CHECK(typed[0].dialect == "");
  CHECK(typed[6].name == "kafka_dlt-original-partition");
  CHECK(typed[6].type == "int32");
  CHECK(typed[6].display == "1");
  CHECK(typed[7].name == "kafka_dlt-original-offset");
  CHECK(typed[7].type == "int64");
  CHECK(typed[7].display == "42");
  CHECK(typed[7].dialect == "spring");
  CHECK(typed[8].display == "1700000000000");
  CHECK(typed[10].dialect == "spring");
  CHECK(typed[11].type == "java-serialized");
  CHECK(typed[11].display == "aced0005737200");
  CHECK(typed[11].dialect == "spring");
  CHECK_FALSE(typed[11].problem);
  CHECK(typed[12].type == "int32");
  CHECK(typed[12].display == "3");
  CHECK(typed[13].type == "null");
  CHECK(typed[13].dialect == "");
}

TEST_CASE("dialect::spring::describe_headers malformed")
{
  record::Record record;
  record.headers = {{"kafka_dlt-original-offset", "\0\0\x2A"s}};
  const auto typed = dialect::describe_headers(record);
  REQUIRE(typed.size() == 1);
  CHECK(typed[0].type == "malformed");
  CHECK(typed[0].display == "00002a");
  CHECK(typed[0].problem == "expected 8-byte big-endian int64, got 3 bytes");
}

TEST_CASE("dialect::spring::attempts")
{
  auto record = spring_record();
  CHECK_FALSE(dialect::attempts(record));
  record.headers.push_back({"kafka_deliveryAttempt", "\0\0\0\x03"s});
  CHECK(dialect::attempts(record) == 3);
  CHECK(dialect::decode(record)->attempts == 3);
}

TEST_SUITE_END();
