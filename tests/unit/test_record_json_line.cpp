#include "error.hpp"
#include "record/json_line.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::record;
using namespace std::string_literals;

TEST_SUITE_BEGIN("record");

TEST_CASE("record::append_json_line")
{
  Record record;
  record.topic = "person";
  record.partition = 0;
  record.offset = 9;
  record.timestamp = 1550313955799;
  record.timestamp_type = TimestampType::CreateTime;
  record.key = "3";
  record.value = "\x00\xff"s;
  record.headers = {{"h", "a"s}, {"h", std::nullopt}, {"e", ""s}};
  std::string out;
  append_json_line(out, record, nullptr);
  CHECK(out
        == R"({"topic":"person","partition":0,"offset":9,"timestamp":1550313955799,"timestamp_type":"CreateTime",)"
           R"("key":"3","value":{"base64":"AP8="},"headers":[{"name":"h","value":"a"},{"name":"h","value":null},)"
           R"({"name":"e","value":""}]})");

  SUBCASE("with an error context")
  {
    ErrorContext error;
    error.dialect = "connect";
    error.original.topic = "person";
    error.original.offset = 9;
    error.stage = "VALUE_CONVERTER";
    out.clear();
    append_json_line(out, record, &error);
    CHECK(out.ends_with(
      R"("error":{"dialect":"connect","original":{"topic":"person","offset":9},"stage":"VALUE_CONVERTER"}})"));
  }

  SUBCASE("the stack trace only when asked for")
  {
    ErrorContext error;
    error.dialect = "spring";
    error.exception.class_name = "E";
    error.exception.stacktrace = "E: boom\n\tat A.b(A.java:1)";
    out.clear();
    append_json_line(out, record, &error);
    CHECK(out.ends_with(R"j("error":{"dialect":"spring","exception":{"class":"E","stacktrace":"E: boom\n\tat A.b(A.java:1)"}}})j"));
    out.clear();
    append_json_line(out, record, &error, {.stacktrace = false});
    CHECK(out.ends_with(R"("error":{"dialect":"spring","exception":{"class":"E"}}})"));

    ErrorContext only_trace;
    only_trace.dialect = "spring";
    only_trace.exception.stacktrace = "E: boom";
    out.clear();
    append_json_line(out, record, &only_trace, {.stacktrace = false});
    CHECK(out.ends_with(R"("error":{"dialect":"spring"}})")); // no empty "exception" object
  }
}

TEST_CASE("record::parse_json_line round trip")
{
  Record record;
  record.topic = "t";
  record.partition = 2;
  record.offset = 5;
  record.timestamp = 42;
  record.timestamp_type = TimestampType::LogAppendTime;
  record.key = std::nullopt;
  record.value = ""s;
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all.push_back(static_cast<char>(i));
  }
  record.headers = {{"bin", all}, {"bin", all}, {"null", std::nullopt}, {"utf8", "caf\xc3\xa9"s}};
  std::string line;
  append_json_line(line, record, nullptr);
  CHECK(parse_json_line(line) == record);
}

TEST_CASE("record::parse_json_line reads kcat -J lines")
{
  const auto record = parse_json_line(
    R"({"topic":"person","partition":1,"offset":3,"tstype":"create","ts":1550313955799,"broker":1,)"
    R"("headers":["a","1","a",null],"key":null,"payload":"hello"})");
  CHECK(record.topic == "person");
  CHECK(record.partition == 1);
  CHECK(record.offset == 3);
  CHECK(record.timestamp == 1550313955799);
  CHECK(record.timestamp_type == TimestampType::CreateTime);
  CHECK_FALSE(record.key.has_value());
  CHECK(record.value == "hello");
  CHECK(record.headers == std::vector<Header>{{"a", "1"s}, {"a", std::nullopt}});
}

TEST_CASE("record::parse_json_line minimal input keeps defaults")
{
  const auto record = parse_json_line(R"({"value":"v"})");
  CHECK(record.partition == -1);
  CHECK(record.timestamp == -1);
  CHECK_FALSE(record.key.has_value());
  CHECK(record.headers.empty());
}

TEST_CASE("record::parse_json_line errors")
{
  const auto fails_with = [](std::string_view line, const std::string& message) {
    CAPTURE(line);
    CHECK_THROWS_WITH_AS(parse_json_line(line), message.c_str(), UsageError);
  };
  fails_with(R"([1,2])", "invalid JSON record: expected an object");
  fails_with(R"({"value":1})", R"("value": expected a string, null or {"base64": ...})");
  fails_with(R"({"value":{"base64":"%%%"}})", R"("value": invalid base64)");
  fails_with(R"({"partition":"1"})", R"("partition": expected an integer)");
  fails_with(R"({"partition":4294967296})", R"("partition": 4294967296 is out of range)");
  fails_with(R"({"headers":{"a":"b"}})", R"("headers": expected an array of {"name": ..., "value": ...})");
  fails_with(R"({"headers":[{"value":"b"}]})", R"("headers": expected an array of {"name": ..., "value": ...})");
  fails_with(R"({"payload":"x","headers":["a"]})", R"("headers": expected kcat's flat [name, value, ...] array)");
  fails_with(R"({"timestamp_type":"Yesterday"})", R"("timestamp_type": unknown timestamp type "Yesterday")");
  CHECK_THROWS_AS(parse_json_line(R"({"value":)"), UsageError);
  CHECK_THROWS_AS(parse_json_line("{\"value\":\"\xff\"}"), UsageError); // invalid UTF-8
  CHECK_THROWS_AS(parse_json_line(""), UsageError);
}

TEST_SUITE_END();

TEST_CASE("a number too large for a double is bad input, not a crash (found by fuzz_json_line)")
{
  CHECK_THROWS_WITH_AS(dlq::record::parse_json_line(R"({"partition":5e7777777})"),
                       "invalid JSON: number overflow parsing '5e7777777'", dlq::UsageError);
}
