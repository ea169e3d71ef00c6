#include "dialect/dialect.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace std::string_literals;

namespace {

// A record that went orders -> orders-retry-0 -> orders-retry-1 (2.9.6+: the retry headers
// accumulate, one set per hop; each hop's retry_topic-attempts is the number of the delivery to
// come, as spring-kafka 4.0.6 wrote them in tests/peers: 2, then 3).
record::Record retry_record()
{
  record::Record record;
  record.headers = {
    {"kafka_exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException"s},
    {"kafka_exception-cause-fqcn", "java.lang.IllegalStateException"s},
    {"kafka_exception-message", "Listener failed; boom"s},
    {"kafka_exception-stacktrace", "trace\n"s},
    {"kafka_original-topic", "orders"s},
    {"kafka_original-partition", "\0\0\0\x02"s},
    {"kafka_original-offset", "\0\0\0\0\0\0\0\x2A"s},
    {"kafka_original-timestamp", "\0\0\x01\x8B\xCF\xE5\x68\x00"s},
    {"kafka_original-timestamp-type", "CreateTime"s},
    {"kafka_dlt-original-consumer-group", "orders-group"s},
    {"retry_topic-original-timestamp", "\x01\x8B\xCF\xE5\x68\x00"s},
    {"retry_topic-attempts", "\0\0\0\x02"s},
    {"retry_topic-backoff-timestamp", "\x01\x8B\xCF\xE5\x6B\xE8"s},
    {"retry_topic-original-timestamp", "\x01\x8B\xCF\xE5\x68\x00"s},
    {"retry_topic-attempts", "\0\0\0\x03"s},
    {"retry_topic-backoff-timestamp", "\x01\x8B\xCF\xE5\x73\xB8"s},
  };
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::spring-retry::decode")
{
  const auto context = dialect::decode(retry_record());
  REQUIRE(context);
  CHECK(context->dialect == "spring-retry");
  CHECK(context->original.topic == "orders");
  CHECK(context->original.partition == 2);
  CHECK(context->original.offset == 42);
  CHECK(context->original.timestamp == 1700000000000);
  CHECK(context->original.timestamp_type == "CreateTime");
  CHECK(context->original.group == "orders-group");
  CHECK(context->exception.class_name == "org.springframework.kafka.listener.ListenerExecutionFailedException");
  CHECK(context->exception.cause_class == "java.lang.IllegalStateException");
  CHECK(context->exception.message == "Listener failed; boom");
  // The last hop's header says the next delivery is the third: two failed.
  CHECK(context->attempts == 2);
  CHECK(context->history.empty());
  CHECK(context->malformed.empty());
}

TEST_CASE("dialect::spring-retry::decode timestamp from the retry header")
{
  record::Record record;
  record.headers = {
    {"kafka_original-topic", "orders"s},
    {"retry_topic-original-timestamp", "\x01\x8B\xCF\xE5\x68\x00"s},
  };
  CHECK(dialect::decode(record)->original.timestamp == 1700000000000);
}

TEST_CASE("dialect::spring-retry::attempts")
{
  record::Record record;
  SUBCASE("i32")
  {
    // Spring's 4 on a -dlt record after maxAttempts 3: three failed deliveries.
    record.headers = {{"retry_topic-attempts", "\0\0\0\x04"s}};
    CHECK(dialect::attempts(record) == 3);
    CHECK(dialect::describe_headers(record)[0].display == "4"); // the header's own value
  }
  SUBCASE("1, the first delivery to come, is no failure yet; 0 is none either")
  {
    record.headers = {{"retry_topic-attempts", "\0\0\0\x01"s}};
    CHECK(dialect::attempts(record) == 0);
    record.headers = {{"retry_topic-attempts", "\0\0\0\x00"s}};
    CHECK(dialect::attempts(record) == 0);
  }
  SUBCASE("legacy 1-byte BigInteger")
  {
    record.headers = {{"retry_topic-attempts", "\x02"s}};
    CHECK(dialect::attempts(record) == 1);
    CHECK(dialect::describe_headers(record)[0].type == "bigint");
  }
  SUBCASE("malformed length")
  {
    record.headers = {{"kafka_original-topic", "orders"s}, {"retry_topic-attempts", "\0\x02"s}};
    CHECK_FALSE(dialect::attempts(record));
    const auto context = dialect::decode(record);
    REQUIRE(context->malformed.size() == 1);
    CHECK(context->malformed[0] == MalformedHeader{"retry_topic-attempts",
                                                   "expected a 4-byte int32 or a 1-byte BigInteger, got 2 bytes",
                                                   "0002"});
  }
}

TEST_CASE("dialect::spring-retry::describe_headers")
{
  auto record = retry_record();
  record.headers.push_back({"retry_topic-backoff-timestamp", "\x01\x02\x03\x04\x05\x06\x07\x08\x09"s});
  const auto typed = dialect::describe_headers(record);
  REQUIRE(typed.size() == 17);
  CHECK(typed[9].name == "kafka_dlt-original-consumer-group");
  CHECK(typed[9].dialect == "spring-retry");
  CHECK(typed[10].type == "bigint");
  CHECK(typed[10].display == "1700000000000");
  CHECK(typed[12].type == "bigint");
  CHECK(typed[12].display == "1700000001000");
  CHECK(typed[14].type == "int32");
  CHECK(typed[14].display == "3");
  CHECK(typed[16].type == "malformed");
  CHECK(typed[16].problem == "expected a 1- to 8-byte big-endian BigInteger, got 9 bytes");
}

TEST_CASE("dialect::spring-retry::encode")
{
  ErrorContext context;
  context.original.topic = "orders";
  context.original.partition = 2;
  context.original.offset = 42;
  context.original.timestamp = 1700000000000;
  context.original.timestamp_type = "CreateTime";
  context.exception.class_name = "java.lang.IllegalStateException";
  context.exception.message = "boom";
  context.attempts = 3;
  record::Record record;
  dialect::encode("spring-retry", context, record);
  REQUIRE(record.headers.size() == 9);
  CHECK(record.headers[0] == record::Header{"kafka_exception-fqcn", "java.lang.IllegalStateException"s});
  CHECK(record.headers[3] == record::Header{"kafka_original-partition", "\0\0\0\x02"s});
  CHECK(record.headers[7] == record::Header{"retry_topic-original-timestamp", "\x01\x8B\xCF\xE5\x68\x00"s});
  // Three failed deliveries: Spring's form says the next is the fourth.
  CHECK(record.headers[8] == record::Header{"retry_topic-attempts", "\0\0\0\x04"s});
  auto expected = context;
  expected.dialect = "spring-retry";
  CHECK(dialect::decode(record) == expected);
}

TEST_SUITE_END();
