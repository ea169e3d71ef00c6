#include "dialect/dialect.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <vector>

using namespace dlq;
using namespace std::string_literals;

namespace {

// shared/seeds/streaming-job-dlq.md, visits_dlq.
const std::string k_seed =
  R"({"processing_time": "2024-01-13T04:21:50.037894", "input_json": "{\"visit_id\": null, \"page\": \"page_8\"}", "error_message": "fromisoformat: argument must be str"})";

record::Record
with_value(record::Bytes value)
{
  record::Record record;
  record.value = std::move(value);
  return record;
}

} // namespace

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::envelope::decode")
{
  const auto context = dialect::decode(with_value(k_seed));
  REQUIRE(context);
  CHECK(context->dialect == "envelope");
  CHECK(context->exception.message == "fromisoformat: argument must be str");
  CHECK_FALSE(context->exception.class_name);
  CHECK_FALSE(context->original.topic);
  CHECK(dialect::unwrap_envelope(with_value(k_seed)) == record::Bytes(R"({"visit_id": null, "page": "page_8"})"));
}

TEST_CASE("dialect::envelope::decode error object and payload object")
{
  const auto record = with_value(
    R"({"error": {"type": "ValueError", "message": "bad", "traceback": "Traceback..."}, "payload": {"a": 1}, "topic": "visits", "offset": 5})"s);
  const auto context = dialect::decode(record);
  REQUIRE(context);
  CHECK(context->exception.class_name == "ValueError");
  CHECK(context->exception.message == "bad");
  CHECK(context->exception.stacktrace == "Traceback...");
  CHECK(context->original.topic == "visits");
  CHECK(context->original.offset == 5);
  CHECK(dialect::unwrap_envelope(record) == record::Bytes(R"({"a":1})"));
}

TEST_CASE("dialect::envelope::decode not an envelope")
{
  CHECK_FALSE(dialect::decode(with_value(R"({"error_message": "no payload"})"s)));
  CHECK_FALSE(dialect::decode(with_value(R"({"input_json": "no error"})"s)));
  CHECK_FALSE(dialect::decode(with_value(R"({"error": null, "payload": "x"})"s)));
  CHECK_FALSE(dialect::decode(with_value(R"({"error": "x", "payload": )"s)));
  CHECK_FALSE(dialect::decode(with_value("plain text"s)));
  CHECK_FALSE(dialect::decode(with_value(std::nullopt)));
  CHECK_FALSE(dialect::unwrap_envelope(with_value("plain text"s)));
}

TEST_CASE("dialect::envelope::decode finds the error key at every position of the value")
{
  // The prefilter looks for `"error` and `"exception"` 16 positions at a time, then the last
  // ones again: each key at every offset across two blocks and the tail, after decoys that
  // start the same way (`"e`, `"erro`, `"exceptio`), must still be found.
  for (size_t pad = 0; pad < 40; ++pad) {
    const std::string before = "{" + std::string(pad, ' ') + R"("e": "\"erro\"", "exceptio": 1, )";
    for (const auto& tail : {R"("input_json": "x", "error_message": "m"})"s, R"("payload": 1, "error": "m"})"s,
                             R"("record": 1, "exception": "m"})"s, R"("original": 1, "exception": "a.B"})"s}) {
      CAPTURE(pad);
      CAPTURE(tail);
      const auto context = dialect::decode(with_value(before + tail));
      REQUIRE(context);
      CHECK(context->dialect == "envelope");
    }
    // And the same value without any error key is not one.
    CHECK_FALSE(dialect::decode(with_value(before + R"("input_json": "x", "errors": "m"})")));
  }
}

TEST_CASE("dialect::envelope::decode precedence and types")
{
  SUBCASE("exception as a class name, error_message first")
  {
    const auto context = dialect::decode(with_value(
      R"({"exception": "java.lang.IllegalStateException", "record": null, "error_message": "m", "error": "later"})"s));
    REQUIRE(context);
    CHECK(context->exception.class_name == "java.lang.IllegalStateException");
    CHECK(context->exception.message == "m");
  }
  SUBCASE("exception as a sentence is a message")
  {
    const auto context = dialect::decode(with_value(R"({"exception": "it broke: badly", "payload": 1})"s));
    REQUIRE(context);
    CHECK_FALSE(context->exception.class_name);
    CHECK(context->exception.message == "it broke: badly");
  }
  SUBCASE("inside an error object the first name of each list wins, nested values are not read")
  {
    const auto context = dialect::decode(with_value(
      R"({"error": {"name": "N", "type": "T", "msg": "short", "message": "long", "deep": {"class": "no"}, "class": 7},)"
      R"( "exception": {"stacktrace": "S", "class": "late"}, "original": [1, {"a": "b"}], "partition": 3, "offset": 1.5,)"
      R"( "original_offset": 12, "topic": null, "original_topic": "t"})"s));
    REQUIRE(context);
    CHECK(context->exception.class_name == "T");
    CHECK(context->exception.message == "long");
    CHECK(context->exception.stacktrace == "S");
    CHECK(context->original.partition == 3);
    CHECK(context->original.offset == 12);
    CHECK(context->original.topic == "t");
  }
  SUBCASE("a repeated member: the last one counts, as json::parse keeps it")
  {
    const auto context = dialect::decode(with_value(R"({"error": "first", "payload": "p", "error": "second"})"s));
    REQUIRE(context);
    CHECK(context->exception.message == "second");
  }
  SUBCASE("not an object, or not JSON after the object")
  {
    CHECK_FALSE(dialect::decode(with_value(R"([{"error": "x", "payload": "p"}])"s)));
    CHECK_FALSE(dialect::decode(with_value(R"({"error": "x", "payload": "p"} trailing)"s)));
  }
}

TEST_CASE("dialect::envelope::decode headers win over the value")
{
  auto record = with_value(k_seed);
  record.headers = {{"__connect.errors.topic", "visits"s}};
  CHECK(dialect::decode(record)->dialect == "connect");
}

TEST_CASE("dialect::envelope::encode")
{
  ErrorContext context;
  context.exception.message = "fromisoformat: argument must be str";
  SUBCASE("bytes")
  {
    auto record = with_value(R"({"page": "x"})"s);
    dialect::encode("envelope", context, record);
    CHECK(record.value
          == R"({"input_json": "{\"page\": \"x\"}", "error_message": "fromisoformat: argument must be str"})");
    CHECK(dialect::unwrap_envelope(record) == record::Bytes(R"({"page": "x"})"));
  }
  SUBCASE("round trip")
  {
    context.exception.class_name = "ValueError";
    context.exception.stacktrace = "Traceback...";
    context.original.topic = "visits";
    context.original.partition = 1;
    context.original.offset = 9;
    auto record = with_value("abc"s);
    dialect::encode("envelope", context, record);
    auto expected = context;
    expected.dialect = "envelope";
    CHECK(dialect::decode(record) == expected);
  }
  SUBCASE("binary and null payloads")
  {
    auto binary = with_value("\xff\x00"s);
    dialect::encode("envelope", context, binary);
    CHECK(dialect::unwrap_envelope(binary) == record::Bytes("\xff\x00"s));
    auto null = with_value(std::nullopt);
    dialect::encode("envelope", context, null);
    const auto unwrapped = dialect::unwrap_envelope(null);
    REQUIRE(unwrapped);
    CHECK_FALSE(unwrapped->has_value());
  }
}

// The decoder reads envelopes with simdjson On-Demand and must accept exactly the JSON that
// json::parse accepts, also in members it does not keep.
TEST_CASE("dialect::envelope::decode accepts what json::parse accepts")
{
  const std::string head = R"({"error_message": "e", "input_json": "p", "x": )";
  const std::vector<std::string> members = {
    "tru", "nul", "fals", "01", "1.", "-", "1e", "1e400", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
    "[1 2]", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "{1:2}", "\"a\tb\"", "\"\xff\"", "\"\xc0\xaf\"", "'a'", "NaN", "-0",
    "18446744073709551616", "-9223372036854775809", "1E+2", "[[[]]]", "{\"a\":{\"b\":[true,false,null]}}",
    "\"\\u00e9\\n\\\"\"", "[\"\\u0000\"]", "0x10", "+1", ".5",
  };
  for (const auto& member : members) {
    for (const auto& text : {head + member + "}", R"({"error_message": )" + member + R"(, "payload": 1})",
                             R"({"error": {"message": "m", "x": )" + member + R"(}, "payload": 1})"}) {
      CAPTURE(text);
      const bool accepted = nlohmann::json::accept(text);
      if (!accepted) {
        CHECK_FALSE(dialect::decode(with_value(text)));
      }
      if (accepted && !text.starts_with(R"({"error_message": )" + member)) {
        CHECK(dialect::decode(with_value(text)));
      }
    }
  }
  SUBCASE("after the object: whitespace, or a NUL byte and anything")
  {
    CHECK(dialect::decode(with_value(R"({"error": "x", "payload": "p"} )" "\n"s)));
    CHECK(dialect::decode(with_value(R"({"error": "x", "payload": "p"})" "\0garbage"s)));
    CHECK_FALSE(dialect::decode(with_value(R"({"error": "x", "payload": "p"} })"s)));
    CHECK_FALSE(dialect::decode(with_value(R"({"error": "x", "payload": "p"}{})"s)));
    CHECK_FALSE(dialect::decode(with_value(R"({"error": "x", "payload": "p"})" "\x01"s)));
  }
  SUBCASE("nesting: 1000 levels in all, not 1001")
  {
    const auto nested = [](size_t levels) {
      return R"({"error_message": "e", "input_json": )" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
    };
    CHECK(dialect::decode(with_value(nested(1000))));
    CHECK_FALSE(dialect::decode(with_value(nested(1001))));
  }
  SUBCASE("long values (past the stack buffer) and escaped keys")
  {
    const std::string trace(5000, 't');
    const auto context = dialect::decode(with_value(R"({"error_message": "m", "payl\u006fad": 1, "stacktrace": ")" + trace + "\"}"));
    REQUIRE(context);
    CHECK(context->exception.message == "m");
    CHECK(context->exception.stacktrace == trace);
  }
  SUBCASE("integers: negative, unsigned beyond int64, beyond uint64")
  {
    auto context = dialect::decode(with_value(R"({"error": "x", "payload": 1, "partition": -1, "offset": 9223372036854775807})"s));
    REQUIRE(context);
    CHECK(context->original.partition == -1);
    CHECK(context->original.offset == 9223372036854775807);
    context = dialect::decode(with_value(R"({"error": "x", "payload": 1, "offset": 18446744073709551616, "original_offset": 4})"s));
    REQUIRE(context);
    CHECK(context->original.offset == 4); // a float to json::parse: not an offset
  }
}

TEST_SUITE_END();

TEST_CASE("dialect::Decoder::decode reuses its buffers and the context's, with the results of a fresh decode")
{
  // One decoder and one context across records of every shape, as consume-dlq and replay hold
  // them: each result must equal decoding that record alone, whatever the record before left.
  auto connect = with_value(k_seed);
  connect.headers = {{"__connect.errors.topic", "visits"s}, {"__connect.errors.exception.class.name", "E"s}};
  auto spring = with_value("v"s);
  spring.headers = {{"kafka_dlt-original-topic", "orders"s}, {"kafka_dlt-exception-message", "boom"s},
                    {"kafka_dlt-original-partition", "\x00\x00\x00\x03"s}};
  std::vector<record::Record> records = {
    with_value(
      R"({"error": {"type": "ValueError", "message": "bad", "traceback": "T"}, "payload": 1, "topic": "a", "partition": 2, "offset": 5})"s),
    with_value(k_seed),
    spring,
    with_value(R"({"exception": "java.lang.IllegalStateException", "record": null, "error_message": "m"})"s),
    connect,
    with_value(k_seed),
    with_value("plain text"s),
    with_value(R"({"error": "x", "payload": 123456789012345678901234567890})"s), // re-read through nlohmann
    with_value(k_seed),
  };
  records.push_back(with_value(R"({"error": "big", "payload": ")" + std::string(2 << 20, 'x') + "\"}")); // own parser
  records.push_back(with_value(k_seed));
  dialect::Decoder decoder;
  ErrorContext context;
  for (size_t i = 0; i < records.size(); ++i) {
    CAPTURE(i);
    const auto fresh = dialect::decode(records[i]);
    const bool found = decoder.decode(records[i], context);
    REQUIRE(found == fresh.has_value());
    if (found) {
      CHECK(context == *fresh);
    }
  }
}
