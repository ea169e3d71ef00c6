#include "dialect/dialect.hpp"
#include "dialect/list.hpp"
#include "error.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace dlq;
using namespace std::string_literals;

namespace {

const std::vector<record::Header> k_spring_headers = {
  {"kafka_dlt-exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException"s},
  {"kafka_dlt-exception-cause-fqcn", "java.net.SocketTimeoutException"s},
  {"kafka_dlt-exception-message", "Read timed out"s},
  {"kafka_dlt-original-topic", "orders"s},
  {"kafka_dlt-original-partition", "\0\0\0\x01"s},
  {"kafka_dlt-original-offset", "\0\0\0\0\0\0\0\x2A"s},
};

const std::vector<record::Header> k_connect_headers = {
  {"__connect.errors.topic", "orders-dlt"s},
  {"__connect.errors.partition", "0"s},
  {"__connect.errors.offset", "7"s},
  {"__connect.errors.connector.name", "archive-sink"s},
  {"__connect.errors.task.id", "0"s},
  {"__connect.errors.stage", "VALUE_CONVERTER"s},
  {"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"s},
};

record::Record
layered(const std::vector<record::Header>& first, const std::vector<record::Header>& second)
{
  record::Record record;
  record.headers = first;
  record.headers.insert(record.headers.end(), second.begin(), second.end());
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::names")
{
  // The list (dialect/list.hpp) is the only registration: names() follows it, in its order.
  REQUIRE(dialect::names().size() == dialect::k_dialects.size());
  for (size_t i = 0; i < dialect::k_dialects.size(); ++i) {
    CHECK(dialect::names()[i] == dialect::k_dialects[i]->name);
    CHECK(dialect::is_known(dialect::k_dialects[i]->name));
    for (size_t j = 0; j < i; ++j) {
      CHECK(dialect::k_dialects[j]->name != dialect::k_dialects[i]->name);
    }
  }
  CHECK(dialect::names().front() == "connect"); // shared/DIALECTS.md order
  CHECK(dialect::names().back() == "envelope");
  CHECK_FALSE(dialect::is_known("kafka"));
  CHECK_FALSE(dialect::is_known(""));
}

TEST_CASE("dialect::encode unknown dialect")
{
  record::Record record;
  std::string known;
  for (const auto name : dialect::names()) {
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  CHECK_THROWS_AS(dialect::encode("kafka", ErrorContext{}, record), UsageError);
  CHECK_THROWS_WITH(dialect::encode("kafka", ErrorContext{}, record), ("unknown dialect \"kafka\" (expected " + known + ")").c_str());
  CHECK(known.starts_with("connect, spring, spring-retry, scst,"));
  CHECK(record.headers.empty());
}

TEST_CASE("dialect::encode then decode, every dialect of the list")
{
  ErrorContext context;
  context.original.topic = "orders";
  context.original.partition = 3;
  context.original.offset = 42;
  context.original.timestamp = 1700000000000;
  context.exception.class_name = "java.lang.IllegalStateException";
  context.exception.message = "boom";
  context.exception.stacktrace = "java.lang.IllegalStateException: boom\n\tat com.example.Listener.onMessage(Listener.java:42)";
  context.attempts = 2;
  for (const auto* entry : dialect::k_dialects) {
    const std::string name(entry->name);
    CAPTURE(name);
    record::Record record;
    record.topic = "dlq";
    record.value = R"({"id":1})";
    dialect::encode(name, context, record);
    const auto decoded = dialect::decode(record);
    REQUIRE(decoded);
    CHECK(decoded->dialect == name);
    CHECK(decoded->history.empty());
    // The fields the dialect's table says it carries come back (envelope: a value, no table).
    const auto carries = [&](dialect::Field field) {
      return entry->headers.empty()
             || std::any_of(entry->headers.begin(), entry->headers.end(),
                            [&](const dialect::HeaderSpec& spec) { return spec.field == field; });
    };
    if (carries(dialect::Field::OriginalTopic)) {
      CHECK(decoded->original.topic == "orders");
    }
    if (carries(dialect::Field::ExceptionClass)) {
      CHECK(decoded->exception.class_name == "java.lang.IllegalStateException");
    }
    // Writing the decoded context again gives the same headers: what encode writes, decode reads.
    record::Record again;
    again.topic = "dlq";
    again.value = R"({"id":1})";
    dialect::encode(name, *decoded, again);
    CHECK(again.headers == record.headers);
    CHECK(again.value == record.value);
  }
}

TEST_CASE("dialect::decode two dialects: spring DLT record dead-lettered by connect")
{
  const auto record = layered(k_spring_headers, k_connect_headers);
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "connect");
  CHECK(context->history == std::vector<std::string>{"spring"});
  // The current dialect's fields: where Connect read it from, Connect's exception.
  CHECK(context->original.topic == "orders-dlt");
  CHECK(context->original.partition == 0);
  CHECK(context->original.offset == 7);
  CHECK(context->exception.class_name == "org.apache.kafka.connect.errors.DataException");
  CHECK_FALSE(context->exception.cause_class);
  CHECK(context->connector == "archive-sink");
  const auto typed = dialect::describe_headers(record);
  REQUIRE(typed.size() == 13);
  CHECK(typed[1].dialect == "spring");
  CHECK(typed[5].dialect == "spring");
  CHECK(typed[5].type == "int64");
  CHECK(typed[6].dialect == "connect");
}

TEST_CASE("dialect::decode two dialects: connect DLQ record dead-lettered by spring")
{
  const auto record = layered(k_connect_headers, k_spring_headers);
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "spring");
  CHECK(context->history == std::vector<std::string>{"connect"});
  CHECK(context->original.topic == "orders");
  CHECK(context->original.offset == 42);
  CHECK(context->exception.cause_class == "java.net.SocketTimeoutException");
  CHECK_FALSE(context->connector);
}

TEST_CASE("dialect::decode three layers, history oldest first")
{
  auto record = layered(k_connect_headers, k_spring_headers);
  record.headers.push_back({"__dlq.errors.topic", "orders-dlt-2"s});
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "share-group");
  CHECK(context->history == std::vector<std::string>{"connect", "spring"});
  CHECK(context->original.topic == "orders-dlt-2");
}

TEST_CASE("dialect::decode malformed headers of an older layer are reported")
{
  auto spring = k_spring_headers;
  spring[4].value = "\0\x01"s;
  const auto context = dialect::decode(layered(spring, k_connect_headers));
  REQUIRE(context);
  CHECK(context->dialect == "connect");
  CHECK(context->malformed
        == std::vector<MalformedHeader>{
          {"kafka_dlt-original-partition", "expected 4-byte big-endian int32, got 2 bytes", "0001"}});
}

TEST_CASE("dialect::decode no dialect")
{
  record::Record record;
  record.value = "hello"s;
  record.headers = {{"traceparent", "00-abc-01"s}, {"x-retries", "1"s}, {"kafka_dlt-unknown", "x"s}};
  CHECK_FALSE(dialect::decode(record));
  CHECK_FALSE(dialect::decode(record::Record{}));
  const auto typed = dialect::describe_headers(record);
  REQUIRE(typed.size() == 3);
  CHECK(typed[2].dialect == "");
}

TEST_CASE("dialect::decode into a context that held another record's error")
{
  // Readers decode every record into one context: nothing of the last record may stay behind,
  // whichever dialects, layers, malformed headers or envelope the two records have.
  auto malformed = k_spring_headers;
  malformed[4].value = "\0\x01"s;
  record::Record envelope;
  envelope.value = R"({"error":{"class":"java.lang.IllegalStateException","message":"boom"},"topic":"payments"})"s;
  record::Record streams;
  streams.headers = {{"__streams.errors.exception", "java.lang.ArithmeticException: / by zero"s}};
  record::Record none;
  none.value = "hello"s;
  const std::vector<record::Record> records = {
    layered(k_spring_headers, k_connect_headers), layered(k_connect_headers, k_spring_headers),
    layered(malformed, k_connect_headers), envelope, streams, none, record::Record{},
  };
  for (const auto& before : records) {
    for (const auto& after : records) {
      ErrorContext context;
      dialect::decode(before, context);
      const bool found = dialect::decode(after, context);
      const auto fresh = dialect::decode(after);
      REQUIRE(found == fresh.has_value());
      if (found) {
        CHECK(context == *fresh);
      }
    }
  }
}

TEST_CASE("dialect::attempts")
{
  record::Record record;
  CHECK_FALSE(dialect::attempts(record));
  record.headers = {{"x-retries", "1"s}, {"__dlq.errors.delivery.count", "4"s}};
  CHECK(dialect::attempts(record) == 4); // the last counter in header order
  record.headers = {{"x-retries", "1"s}, {"retry_topic-attempts", "\0\x01"s}};
  CHECK(dialect::attempts(record) == 1); // a malformed counter does not count
  record.headers = {{"delayed-retry-count", "6"s}};
  CHECK(dialect::attempts(record) == 6);
  record.headers = {{"original_attempts", "2"s}};
  CHECK(dialect::attempts(record) == 2);
}

TEST_CASE("dialect::is_error_header")
{
  CHECK(dialect::is_error_header("kafka_dlt-original-topic"));
  CHECK(dialect::is_error_header("kafka_dlt-exception-stacktrace"));
  CHECK(dialect::is_error_header("springDeserializerExceptionValue"));
  CHECK(dialect::is_error_header("__connect.errors.exception.stacktrace"));
  CHECK(dialect::is_error_header("retry_topic-attempts"));
  CHECK(dialect::is_error_header("x-original-offset"));
  CHECK(dialect::is_error_header("__streams.errors.offset"));
  CHECK(dialect::is_error_header("dead-letter-reason"));
  CHECK(dialect::is_error_header("deserialization-failure-data"));
  CHECK(dialect::is_error_header("source_attempts"));
  CHECK(dialect::is_error_header("__dlq.errors.delivery.count"));
  CHECK(dialect::is_error_header("reason_poisoned"));
  CHECK_FALSE(dialect::is_error_header("x-retries"));
  CHECK_FALSE(dialect::is_error_header("spring_json_header_types"));
  CHECK_FALSE(dialect::is_error_header("kafka_deliveryAttempt"));
  CHECK_FALSE(dialect::is_error_header("traceparent"));
  CHECK_FALSE(dialect::is_error_header("x-custom"));
  CHECK_FALSE(dialect::is_error_header("kafka_dlt-"));
}

TEST_CASE("dialect::describe_headers finds every header's first owner, and no owner for near misses")
{
  // The engine's lookup table against a linear search of the dialect tables, for every name
  // they list and for names one edit away (shorter, longer, another last byte, another length
  // with the same last eight bytes).
  const auto first_owner = [](std::string_view name) -> std::string {
    for (const auto* dialect : dialect::k_dialects) {
      for (const auto& spec : dialect->headers) {
        if (spec.name == name) {
          return std::string(dialect->name);
        }
      }
    }
    return "";
  };
  std::vector<std::string> names = {"", "x", "traceparent", "x-custom"};
  for (const auto* dialect : dialect::k_dialects) {
    for (const auto& spec : dialect->headers) {
      const std::string name(spec.name);
      names.push_back(name);
      names.push_back(name.substr(0, name.size() - 1));
      names.push_back(name + "s");
      names.push_back(name.substr(0, name.size() - 1) + (name.back() == 'z' ? 'y' : 'z'));
      names.push_back("_" + name);
      names.push_back(name.substr(1));
    }
  }
  size_t owned = 0;
  for (const auto& name : names) {
    record::Record record;
    record.headers.push_back({name, "1"s});
    const auto typed = dialect::describe_headers(record);
    REQUIRE(typed.size() == 1);
    CAPTURE(name);
    CHECK(typed[0].dialect == first_owner(name));
    owned += typed[0].dialect.empty() ? 0 : 1;
  }
  CHECK(owned > 50);
}

TEST_CASE("dialect::decode JSON of the result")
{
  record::Record record;
  record.headers = {{"__connect.errors.class.name", "org.apache.kafka.connect.json.JsonConverter"s}};
  std::string json;
  append_json(json, *dialect::decode(record));
  CHECK(json == R"({"dialect":"connect","executing_class":"org.apache.kafka.connect.json.JsonConverter"})");
}

TEST_SUITE_END();
