// The golden Kafka Connect dead letter: one record that a real Kafka Connect 4.3.1 worker wrote to
// its DLQ (tests/fixtures/connect-dlq-value-converter.json, captured by tests/connect with
// python3-confluent-kafka; see its "written_by"), decoded here without a JVM.

#include "dialect/dialect.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace dlq;

namespace {

nlohmann::json
read_fixture(const std::string& name)
{
  std::ifstream in(std::string(DLQ_FIXTURES_DIR) + "/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

record::Bytes
bytes(const nlohmann::json& value)
{
  if (value.is_null()) {
    return std::nullopt;
  }
  return value.get<std::string>();
}

// The fixture's bytes as a record: key, value and every header in the worker's order.
record::Record
fixture_record(const nlohmann::json& fixture)
{
  record::Record record;
  record.topic = fixture.at("topic").get<std::string>();
  record.partition = fixture.at("partition").get<int32_t>();
  record.offset = fixture.at("offset").get<int64_t>();
  record.key = bytes(fixture.at("key"));
  record.value = bytes(fixture.at("value"));
  for (const auto& header : fixture.at("headers")) {
    record.headers.push_back({header.at("name").get<std::string>(), bytes(header.at("value"))});
  }
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::connect::decode the DLQ record of a real Kafka Connect 4.3.1 worker")
{
  const auto fixture = read_fixture("connect-dlq-value-converter.json");
  CHECK(fixture.at("written_by").get<std::string>().find("Kafka Connect 4.3.1") != std::string::npos);
  const auto record = fixture_record(fixture);
  REQUIRE(record.headers.size() == 10);

  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->dialect == "connect");
  CHECK(context->original.topic == "person");
  CHECK(context->original.partition == 1);
  CHECK(context->original.offset == 1);
  CHECK(context->connector == "jdbc-sink");
  CHECK(context->task == 0);
  CHECK(context->stage == "VALUE_CONVERTER");
  CHECK(context->executing_class == "org.apache.kafka.connect.json.JsonConverter");
  CHECK(context->exception.class_name == "org.apache.kafka.connect.errors.DataException");
  // Connect writes the message with the cause's empty message appended: a trailing ": ".
  CHECK(context->exception.message == "Converting byte[] to Kafka Connect data failed due to serialization error: ");
  REQUIRE(context->exception.stacktrace);
  CHECK(context->exception.stacktrace->starts_with("org.apache.kafka.connect.errors.DataException: "));
  CHECK(context->exception.stacktrace->find("Caused by: com.fasterxml.jackson.core.io.JsonEOFException") !=
        std::string::npos);
  CHECK_FALSE(context->attempts);
  CHECK(context->history.empty());
  CHECK(context->malformed.empty());

  // The record itself is the one that failed: key "3", the seed's JSON without its closing brace.
  CHECK(record.key == "3");
  REQUIRE(record.value);
  CHECK(record.value->starts_with("{\"schema\":"));
  CHECK(record.value->ends_with("\"payload\":{\"id\":3,\"name\":\"Invalid\"}"));
}

TEST_CASE("dialect::describe_headers of the real Kafka Connect 4.3.1 DLQ record")
{
  const auto record = fixture_record(read_fixture("connect-dlq-value-converter.json"));
  const auto typed = dialect::describe_headers(record);
  REQUIRE(typed.size() == 10);
  for (const auto& header : typed) {
    CAPTURE(header.name);
    CHECK(header.dialect == "connect");
    CHECK_FALSE(header.problem);
  }
  CHECK(typed[1].type == "dec"); // __connect.errors.partition
  CHECK(typed[2].type == "dec"); // __connect.errors.offset
  CHECK(typed[4].type == "dec"); // __connect.errors.task.id
  CHECK(typed[5].type == "utf8");
  CHECK(typed[5].display == "VALUE_CONVERTER");
}

TEST_SUITE_END();
