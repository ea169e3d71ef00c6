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
  fails_with(R"({"partition":-5})", R"("partition": -5 is out of range (a partition is 0 or more; -1 or null: the partitioner's choice))");
  fails_with(R"({"timestamp":-5})", R"("timestamp": -5 is out of range (milliseconds since the epoch; -1 or null: none))");
  fails_with(R"({"value":)", "invalid JSON at column 10: unexpected end of input");
  fails_with("", "invalid JSON at column 1: unexpected end of input");
  fails_with("{\"topic\":\"\xff\"}", R"("topic": not UTF-8)");
  CHECK(parse_json_line(R"({"partition":-1,"timestamp":-1})").partition == -1);
}

TEST_CASE("record::parse_json_line: nesting is bounded, whatever field it is in")
{
  std::string deep = R"({"value":"v","extra":)";
  deep += std::string(5000, '[') + std::string(5000, ']') + "}";
  CHECK_THROWS_WITH_AS(parse_json_line(deep), "invalid JSON at column 1021: nested deeper than 1000 levels", UsageError);
  std::string fine = R"({"value":"v","extra":)";
  fine += std::string(999, '[') + std::string(999, ']') + "}";
  CHECK(parse_json_line(fine).value == "v");
}

TEST_CASE("record::parse_json_line reads kcat -J's raw bytes as bytes")
{
  // kcat 1.7 writes binary keys and header values into its JSON strings as they are.
  const auto record = parse_json_line("{\"topic\":\"dlt\",\"partition\":0,\"offset\":1,\"tstype\":\"create\",\"ts\":1,"
                                      "\"broker\":0,\"headers\":[\"kafka_dlt-original-offset\",\"\\u0000\\u0000\\u0000\\u0000\\u0000"
                                      "\\u0000\\u0000*\",\"kafka_dlt-original-partition\",\"\\u0000\\u0000\\u0000\\u0002\",\"bin\",\"\xac\xed"
                                      "\\u0000\\u0005\",\"\xff-name\",\"v\"],\"key\":\"\xff\xfe\",\"payload\":\"caf\xc3\xa9\"}");
  CHECK(record.key == "\xff\xfe"s);
  CHECK(record.value == "caf\xc3\xa9"s);
  REQUIRE(record.headers.size() == 4);
  CHECK(record.headers[0].value == "\0\0\0\0\0\0\0*"s);
  CHECK(record.headers[1].value == "\0\0\0\x02"s);
  CHECK(record.headers[2].value == "\xac\xed\0\x05"s);
  CHECK(record.headers[3].name == "\xff-name");
  // Written back losslessly: base64 for the bytes that are not UTF-8, names included.
  std::string line;
  append_json_line(line, record, nullptr);
  CHECK(line.find(R"({"name":{"base64":"/y1uYW1l"},"value":"v"})") != std::string::npos);
  CHECK(parse_json_line(line) == record);
  CHECK(parse_json_line("{\"value\":\"\xff\"}").value == "\xff"s); // dlqcat's form is read leniently too
}

TEST_SUITE_END();

TEST_CASE("a number too large for a double is bad input, not a crash (found by fuzz_json_line)")
{
  CHECK_THROWS_WITH_AS(dlq::record::parse_json_line(R"({"partition":5e7777777})"),
                       "invalid JSON at column 14: number out of range", dlq::UsageError);
}

TEST_CASE("record::append_json_line from a RecordView of headers viewed one by one")
{
  // lib/kafka hands consume-dlq -J a view whose headers are a list of HeaderView: the line must
  // be the one the Record gives.
  Record record;
  record.topic = "t";
  record.partition = 3;
  record.offset = 9;
  record.timestamp = 1700000000000;
  record.timestamp_type = TimestampType::CreateTime;
  record.key = "k\"";
  record.value = std::nullopt;
  record.headers = {{"a", "1"s}, {"n", std::nullopt}, {"bin", "\xff\x00"s}, {"a", ""s}};
  std::vector<HeaderView> headers;
  for (const auto& header : record.headers) {
    headers.push_back({header.name, header.value ? BytesView(*header.value) : std::nullopt});
  }
  RecordView view = record;
  view.headers = HeadersView(headers);
  std::string from_record, from_view;
  append_json_line(from_record, record, nullptr);
  append_json_line(from_view, view, nullptr);
  CHECK(from_view == from_record);
  Record copy;
  assign(copy, view);
  CHECK(copy == record);
}
