// Golden dead letters written by the frameworks themselves (tests/fixtures/peers/*.json, captured by
// tests/peers with DLQ_PEERS_FIXTURES set): each holds the record as Apache Kafka's Java consumer
// read it, the framework and version that wrote it, and what the writing program knows it wrote.
// The decoders must read each as the live suites do, without a JVM or a broker.

#include "dialect/dialect.hpp"
#include "error_context.hpp"
#include "record/json_line.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace dlq;
using nlohmann::json;

namespace {

const std::filesystem::path k_dir = std::filesystem::path(DLQ_FIXTURES_DIR) / "peers";

json
read_fixture(const std::filesystem::path& path)
{
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// Every key of `expected` holds in `actual`: equal values, and null = absent (as compare.py).
void
check_fields(const std::string& where, const json& expected, const json& actual)
{
  for (const auto& [key, want] : expected.items()) {
    const json got = actual.is_object() && actual.contains(key) ? actual.at(key) : json();
    INFO(where << "." << key);
    if (want.is_object()) {
      check_fields(where + "." + key, want, got.is_object() ? got : json::object());
    } else if (want.is_null()) {
      CHECK(got.is_null());
    } else {
      CHECK(got == want);
    }
  }
}

// dlqcat's layout before issue 15 showed a key-only failure as `exception` (see compare.py).
json
legacy_expectation(json expected, const json& error)
{
  if (!expected.contains("key_exception") || error.contains("key_exception")) {
    return expected;
  }
  json key = expected["key_exception"];
  expected.erase("key_exception");
  for (const char* field : {"class", "message", "stacktrace"}) {
    if (expected["exception"][field].is_null()) {
      expected["exception"][field] = key[field];
    }
  }
  return expected;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::peer_fixtures: the frameworks' own dead letters (tests/fixtures/peers)")
{
  // One per case of tests/peers: a missing file is a lost case, not a pass.
  const std::set<std::string> wanted = {
    "spring-kafka-dlpr-lefe",        "spring-kafka-dlpr-null-message", "spring-kafka-dlpr-twice",
    "spring-kafka-dlpr-key-deser",   "spring-kafka-retry-topics-dlt",  "spring-cloud-stream-dlq",
    "kafka-streams-deserialization", "kafka-streams-processing",
  };
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(k_dir)) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    const std::string name = entry.path().stem().string();
    found.insert(name);
    const json fixture = read_fixture(entry.path());
    INFO(name << " written by " << fixture.value("writer", "?"));
    CHECK(!fixture.value("writer", "").empty());
    const record::Record record = record::parse_json_line(fixture.at("record").dump());
    const auto context = dialect::decode(record);
    REQUIRE(context);
    std::string error_text;
    append_json(error_text, *context);
    const json error = json::parse(error_text);
    check_fields(name + ": error", legacy_expectation(fixture.at("expected"), error), error);
    CHECK(context->malformed.empty());
  }
  CHECK(found == wanted);
}

TEST_SUITE_END();
