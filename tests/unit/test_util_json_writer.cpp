#include "util/base64.hpp"
#include "util/byte_scan.hpp"
#include "util/json_writer.hpp"
#include "util/utf8.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>

using namespace dlq::util;
using namespace std::string_literals;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::append_json_bytes")
{
  std::string out;
  SUBCASE("null")
  {
    append_json_bytes(out, std::nullopt);
    CHECK(out == "null");
  }
  SUBCASE("empty is not null")
  {
    append_json_bytes(out, ""s);
    CHECK(out == "\"\"");
  }
  SUBCASE("text with escapes")
  {
    append_json_bytes(out, "a\"b\\c\n\t\x01"s);
    CHECK(out == R"("a\"b\\c\n\t\u0001")");
  }
  SUBCASE("binary")
  {
    append_json_bytes(out, "\x00\x00\x00\x2a\xff"s);
    CHECK(out == R"({"base64":"AAAAKv8="})");
  }
}

TEST_CASE("util::append_json_string finds escapes at every position of long text")
{
  // The 16-byte blocks must neither skip nor invent an escape, wherever it sits.
  const std::pair<std::string, std::string> specials[] = {
    {"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {"\x01"s, "\\u0001"}, {"\x1f", "\\u001f"},
    {"\x00"s, "\\u0000"}, {"\x7f", "\x7f"}, {"\xc3\xa9", "\xc3\xa9"}, {" ", " "}, {"!", "!"},
  };
  const std::string plain = "at org.example.Worker.run(Worker.java:42)";
  for (const auto& [raw, escaped] : specials) {
    for (size_t position = 0; position <= plain.size(); ++position) {
      const std::string text = plain.substr(0, position) + raw + plain.substr(position);
      std::string out;
      append_json_string(out, text);
      CHECK(out == "\"" + plain.substr(0, position) + escaped + plain.substr(position) + "\"");
    }
  }
}

namespace {

// The JSON string of ASCII `text`, one byte at a time: what the block-wise writer must match.
std::string
escaped_slowly(std::string_view text)
{
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char hex[8];
        std::snprintf(hex, sizeof(hex), "\\u%04x", static_cast<unsigned>(c));
        out += hex;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

} // namespace

TEST_CASE("util::append_json_string matches a byte-at-a-time escaper, however dense the escapes")
{
  // The writer grows its output once for the text and again only when escapes use up the
  // slack: text that is all escapes (6 bytes each) must grow it as often as needed, after
  // whatever the line already holds.
  // The second and third alphabets have only two-byte escapes (a JSON envelope's value, a
  // stack trace), whose blocks take the writer's short way; the first mixes them with six-byte
  // escapes, which leave it mid-block.
  uint32_t seed = 12345;
  const auto next = [&] { return seed = seed * 1103515245 + 12345, (seed >> 16) & 0x7fff; };
  for (const std::string& alphabet : {"ab \"\\\n\t\x01\x1f\r\b\f"s, "ab{}:\"\\"s, "at \n\t\r"s}) {
    for (size_t length = 0; length < 200; ++length) {
      for (const unsigned plain_share : {0u, 50u, 90u, 95u}) { // percent of plain bytes
        std::string text;
        for (size_t i = 0; i < length; ++i) {
          text += next() % 100 < plain_share ? 'x' : alphabet[next() % alphabet.size()];
        }
        std::string line = "{\"value\":";
        append_json_string(line, text);
        CHECK(line == "{\"value\":" + escaped_slowly(text));
        std::string bytes = "[";
        append_json_bytes(bytes, text);
        CHECK(bytes == "[" + escaped_slowly(text));
      }
    }
  }
  std::string out;
  append_json_string(out, std::string(5000, '\x01'));
  CHECK(out.size() == 2 + 5000 * 6);
  CHECK(out == escaped_slowly(std::string(5000, '\x01')));
}

TEST_CASE("util::append_json_bytes validates UTF-8 at every position of long text")
{
  // Validation runs inside the escaping scan: a bad sequence anywhere, also straddling the
  // 16-byte blocks, turns the whole value into base64; a good one is copied unchanged.
  const std::string plain = "at org.example.Worker.run(Worker.java:42)";
  const std::string good[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed\x9f\xbf"};
  const std::string bad[] = {"\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xac\xed\x00\x05"s};
  for (size_t position = 0; position <= plain.size(); ++position) {
    for (const auto& raw : good) {
      const std::string text = plain.substr(0, position) + raw + "\n" + plain.substr(position);
      std::string out;
      append_json_bytes(out, text);
      CHECK(out == "\"" + plain.substr(0, position) + raw + "\\n" + plain.substr(position) + "\"");
    }
    for (const auto& raw : bad) {
      const std::string text = plain.substr(0, position) + "\t" + raw + plain.substr(position);
      std::string out = "[";
      append_json_bytes(out, text);
      CHECK(out == "[{\"base64\":\"" + base64_encode(text) + "\"}");
    }
  }
}

TEST_CASE("util::JsonWriter writes what the append functions do, in one growth or many")
{
  // However far off the expected size is, the writer grows as it needs to and leaves the
  // string holding exactly what was written, after what it held before.
  const std::string long_text(3000, 'x');
  const std::string binary = "\xff\xfe"s + std::string(100, '"');
  for (const size_t expected : {size_t(0), size_t(1), size_t(64), size_t(100000)}) {
    CAPTURE(expected);
    std::string out = "before;";
    {
      JsonWriter writer(out, expected);
      writer.raw('[');
      writer.string("a\"b");
      writer.raw(",");
      writer.bytes(binary);
      writer.raw(",");
      writer.integer(INT64_MIN);
      writer.raw(",");
      writer.bytes(std::nullopt);
      writer.raw(",");
      writer.string(long_text + "\n" + long_text);
      writer.raw(']');
    }
    std::string expected_out = "before;[";
    append_json_string(expected_out, "a\"b");
    expected_out += ",";
    append_json_bytes(expected_out, binary);
    expected_out += ",";
    append_json_int(expected_out, INT64_MIN);
    expected_out += ",null,";
    append_json_string(expected_out, long_text + "\n" + long_text);
    expected_out += "]";
    CHECK(out == expected_out);
    CHECK(out.find("{\"base64\":\"") != std::string::npos);
    CHECK(out.find("-9223372036854775808") != std::string::npos);
  }
}

TEST_SUITE_END();
