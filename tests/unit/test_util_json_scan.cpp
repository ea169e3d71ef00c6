#include "util/json_scan.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using dlq::util::json_nests_deeper_than;
using dlq::util::k_max_json_depth;
using dlq::util::scan_json;
using namespace std::string_literals;

namespace {

// Records every event as a short string; declines every string value when `skip` is set.
struct Recorder : dlq::util::JsonEvents
{
  bool skip = false;
  std::vector<std::string> events;
  void null() override { events.emplace_back("null"); }
  void boolean(bool value) override { events.emplace_back(value ? "true" : "false"); }
  void number_integer(int64_t value) override { events.push_back("i" + std::to_string(value)); }
  void number_unsigned(uint64_t value) override { events.push_back("u" + std::to_string(value)); }
  void number_float(std::string_view text) override { events.push_back("f" + std::string(text)); }
  bool wants_string() override { return !skip; }
  void string(std::string& value) override { events.push_back("s" + value); }
  void key(std::string& name) override { events.push_back("k" + name); }
  void start_object() override { events.emplace_back("{"); }
  void end_object() override { events.emplace_back("}"); }
  void start_array() override { events.emplace_back("["); }
  void end_array() override { events.emplace_back("]"); }
};

std::vector<std::string>
events_of(std::string_view text, bool skip = false)
{
  Recorder recorder;
  recorder.skip = skip;
  REQUIRE(scan_json(text, recorder));
  return recorder.events;
}

bool
accepts(std::string_view text)
{
  Recorder recorder;
  return static_cast<bool>(scan_json(text, recorder));
}

} // namespace

TEST_CASE("util::scan_json events")
{
  using V = std::vector<std::string>;
  CHECK(events_of(R"( {"a": [1, -2, 2.5, true, false, null], "b": {"c": "d"}, "e": []} )")
        == V{"{", "ka", "[", "u1", "i-2", "f2.5", "true", "false", "null", "]", "kb", "{", "kc", "sd", "}", "ke", "[",
             "]", "}"});
  CHECK(events_of("\"x\"") == V{"sx"});
  CHECK(events_of("18446744073709551615") == V{"u18446744073709551615"});
  CHECK(events_of("18446744073709551616") == V{"f18446744073709551616"}); // beyond uint64: a float
  CHECK(events_of("\xEF\xBB\xBF{}") == V{"{", "}"});                      // a byte order mark is skipped
  CHECK(events_of("{}\0garbage"s) == V{"{", "}"});                         // NUL ends the input, as nlohmann
}

TEST_CASE("util::scan_json strings")
{
  using V = std::vector<std::string>;
  CHECK(events_of(R"("a\"b\\c\/d\b\f\n\r\t")") == V{"sa\"b\\c/d\b\f\n\r\t"});
  CHECK(events_of(R"("\u00e9\u20ac\ud83d\ude00")") == V{"s\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"});
  CHECK(events_of("\"caf\xc3\xa9\"") == V{"scaf\xc3\xa9"});

  SUBCASE("a special byte at every position of a long string")
  {
    // The scanner skips 16 bytes at a time: each position of the block must stop it, in kept
    // and in declined strings alike.
    for (size_t at = 0; at < 40; ++at) {
      for (const std::string& special : {"\\\""s, "\\\\"s, "\xc3\xa9"s}) {
        std::string body(40, 'x');
        body.insert(at, special);
        const std::string expected = "s" + std::string(40, 'x').insert(at, special == "\\\"" ? "\"" : special == "\\\\" ? "\\" : special);
        CHECK(events_of("\"" + body + "\"") == V{expected});
      }
      std::string control(40, 'x');
      control[at] = '\n';
      CHECK_FALSE(accepts("\"" + control + "\""));
      std::string invalid(40, 'x');
      invalid[at] = '\xff';
      CHECK_FALSE(accepts("\"" + invalid + "\""));
      Recorder declining;
      declining.skip = true;
      CHECK_FALSE(scan_json("[\"" + control + "\"]", declining));
      CHECK_FALSE(scan_json("[\"" + invalid + "\"]", declining));
      std::string escaped(40, 'x');
      escaped.insert(at, "\\u00e9\\\"\xc3\xa9\\n");
      CHECK(events_of("[\"" + escaped + "\", 1]", true) == V{"[", "s", "u1", "]"});
      CHECK(events_of("[\"" + escaped + "\", 1]") == V{"[", "s" + std::string(40, 'x').insert(at, "\xc3\xa9\"\xc3\xa9\n"), "u1", "]"});
    }
  }

  SUBCASE("declined strings are checked but not copied")
  {
    CHECK(events_of(R"({"k": "v\n", "l": ["w"]})", true) == V{"{", "kk", "s", "kl", "[", "s", "]", "}"});
    Recorder recorder;
    recorder.skip = true;
    CHECK_FALSE(scan_json("{\"k\": \"\xff\"}", recorder)); // still UTF-8 checked
    CHECK_FALSE(scan_json(R"({"k": "\x"})", recorder));     // and escapes
    CHECK_FALSE(scan_json(R"({"k": "\ud800"})", recorder)); // and surrogates
  }
}

TEST_CASE("util::scan_json rejects what json::parse rejects")
{
  for (const char* text : {"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", "1e", "-",
                           "+1", "tru", "nul", "\"abc", "\"\\u12\"", "\"\\udc00\"", "1 2", "{} x", "'a'",
                           "1e999"}) {
    CAPTURE(text);
    CHECK_FALSE(accepts(text));
  }
}

TEST_CASE("util::scan_json says where and why it stopped")
{
  const auto problem = [](std::string_view text) {
    Recorder recorder;
    const auto result = scan_json(text, recorder);
    REQUIRE_FALSE(result);
    return std::to_string(result.offset) + ": " + result.problem;
  };
  CHECK(problem(R"({"value":)") == "9: unexpected end of input");
  CHECK(problem(R"({"a":1 "b":2})") == "7: expected ',' or '}'");
  CHECK(problem(R"([1,2 3])") == "5: expected ',' or ']'");
  CHECK(problem(R"({a:1})") == "1: expected a member name");
  CHECK(problem("\"a\nb\"") == "2: a control character in a string (it must be escaped)");
  CHECK(problem("{\"v\":\"\xff\"}") == "6: invalid UTF-8 in a string");
  CHECK(problem(R"("\x")") == "2: invalid escape");
  CHECK(problem("1e999") == "0: number out of range");
  CHECK(problem("{} x") == "3: unexpected text after the value");
  CHECK(problem("@") == "0: unexpected character");
}

TEST_CASE("util::scan_json nesting limit")
{
  // `depth` containers around a 1.
  const auto nested = [](size_t depth, std::string_view open, std::string_view close) {
    std::string text;
    for (size_t i = 0; i < depth; ++i) {
      text += open;
    }
    text += "1";
    for (size_t i = 0; i < depth; ++i) {
      text += close;
    }
    return text;
  };
  CHECK(accepts(nested(k_max_json_depth, "[", "]")));
  CHECK(accepts(nested(k_max_json_depth - 1, "{\"a\":", "}").insert(0, "[").append("]")));
  Recorder recorder;
  const auto deep = scan_json(nested(k_max_json_depth + 1, "[", "]"), recorder);
  CHECK_FALSE(deep);
  CHECK(deep.offset == k_max_json_depth);
  CHECK(deep.problem == "nested deeper than 1000 levels");
  CHECK_FALSE(accepts(nested(k_max_json_depth + 1, "{\"a\":", "}")));
  CHECK_FALSE(accepts(nested(200000, "[", "]"))); // refused at the limit, without recursion
  Recorder shallow;
  CHECK_FALSE(scan_json("[[[]]]", shallow, {.max_depth = 2}));
  CHECK(scan_json("[[]]", shallow, {.max_depth = 2}));

  CHECK_FALSE(json_nests_deeper_than(nested(k_max_json_depth, "[", "]")));
  CHECK(json_nests_deeper_than(nested(k_max_json_depth + 1, "{\"a\":", "}")));
  CHECK_FALSE(json_nests_deeper_than("[\"" + std::string(5000, '[') + "\"]")); // brackets in a string
  CHECK_FALSE(json_nests_deeper_than("[\"\\\"" + std::string(5000, '[') + "\"]"));
  CHECK(json_nests_deeper_than("[[[", 2));
}

TEST_CASE("util::scan_json raw_bytes_in_strings takes bytes that are not UTF-8 as they are")
{
  using V = std::vector<std::string>;
  Recorder recorder;
  const std::string kcat = "[\"\x00\x01\", \"\xff\xfe\xac\xed\", \"caf\xc3\xa9\"]";
  CHECK_FALSE(scan_json("[\"\xff\"]", recorder));
  Recorder lenient;
  REQUIRE(scan_json("[\"\xff\xfe\xac\xed\", \"caf\xc3\xa9\"]", lenient, {.raw_bytes_in_strings = true}));
  CHECK(lenient.events == V{"[", "s\xff\xfe\xac\xed", "scaf\xc3\xa9", "]"});
  Recorder still_strict;
  CHECK_FALSE(scan_json("[\"a\x01b\"]", still_strict, {.raw_bytes_in_strings = true})); // controls still escaped
  Recorder declining;
  declining.skip = true;
  CHECK(scan_json("[\"\xff\"]", declining, {.raw_bytes_in_strings = true}));
  (void)kcat;
}
