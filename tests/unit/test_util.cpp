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

TEST_CASE("util::is_valid_utf8")
{
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii text, long enough for the 8-byte fast path"));
  CHECK(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("abc\xc3"));             // truncated sequence
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));            // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));        // overlong, 3 bytes
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));        // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));    // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("12345678\xac\xed\x00\x05")); // Java serialization magic
  CHECK(is_valid_utf8("\x00\x01"s));                 // NUL is valid UTF-8
}

TEST_CASE("util::base64")
{
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("\xac\xed\x00\x05"s) == "rO0ABQ==");
  CHECK(base64_decode("rO0ABQ==") == "\xac\xed\x00\x05"s);
  CHECK(base64_decode("Zm9vYg==") == "foob");
  CHECK_FALSE(base64_decode("Zm9").has_value());
  CHECK_FALSE(base64_decode("Zm=v").has_value());
  CHECK_FALSE(base64_decode("Zm9v\n").has_value());
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all.push_back(static_cast<char>(i));
  }
  CHECK(base64_decode(base64_encode(all)) == all);
}

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
  const std::string alphabet = "ab \"\\\n\t\x01\x1f\r\b\f"s;
  uint32_t seed = 12345;
  const auto next = [&] { return seed = seed * 1103515245 + 12345, (seed >> 16) & 0x7fff; };
  for (size_t length = 0; length < 200; ++length) {
    for (const unsigned plain_share : {0u, 50u, 95u}) { // percent of plain bytes
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

TEST_CASE("util::json_stops finds every stop byte, with SSE2 and without")
{
  // Every byte value at every position of a block of plain text, and a second stop after it:
  // both implementations must give the same mask (the writer shifts its low bits away).
  const auto first = [](unsigned bits) { return bits == 0 ? 16 : std::countr_zero(bits); };
  for (int value = 0; value < 256; ++value) {
    const auto c = static_cast<unsigned char>(value);
    const bool stop = c < 0x20 || c == '"' || c == '\\';
    const bool non_ascii = c >= 0x80;
    for (int at = 0; at < 16; ++at) {
      char block[16];
      std::memset(block, 'a', sizeof(block));
      block[at] = static_cast<char>(c);
      if (at < 15) {
        block[15] = '"';
      }
      CAPTURE(value);
      CAPTURE(at);
      const int plain = stop ? at : (at < 15 ? 15 : 16);
      const int strict = stop || non_ascii ? at : (at < 15 ? 15 : 16);
      CHECK(first(json_stops<false>(block)) == plain);
      CHECK(first(json_stops_portable<false>(block)) == plain);
      CHECK(first(json_stops<true>(block)) == strict);
      CHECK(json_stops_portable<false>(block) == json_stops<false>(block));
      CHECK(json_stops_portable<true>(block) == json_stops<true>(block));
      CHECK(first(non_ascii_bits(block)) == (non_ascii ? at : 16));
    }
  }
  // Blocks of bytes near every boundary of the tests, in every mix.
  const unsigned char edges[] = {0x00, 0x01, 0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7f, 0x80, 0x9f, 0xa0, 0xdf, 0xe0, 0xff};
  uint32_t seed = 7;
  for (int round = 0; round < 20000; ++round) {
    char block[16];
    for (auto& byte : block) {
      seed = seed * 1103515245 + 12345;
      byte = static_cast<char>(edges[(seed >> 16) % sizeof(edges)]);
    }
    CHECK(json_stops_portable<false>(block) == json_stops<false>(block));
    CHECK(json_stops_portable<true>(block) == json_stops<true>(block));
  }
}

TEST_SUITE_END();
