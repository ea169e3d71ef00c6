#include "util/utf8.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

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

TEST_CASE("util::is_valid_utf8 gives the same answers for long texts, at every position")
{
  // Texts of 128 bytes and more take simdjson's validator: each sequence, good or bad, at every
  // position of a 300-byte ASCII text (across its 16-, 32- and 64-byte blocks), and at the end.
  const std::pair<std::string, bool> sequences[] = {
    {"\xc3\xa9", true},         {"\xe2\x82\xac", true},     {"\xf0\x9f\x98\x80", true},
    {"\xf4\x8f\xbf\xbf", true},  {"\xed\x9f\xbf", true},     {"\x00"s, true},
    {"\xff", false},             {"\xc3", false},             {"\xc0\xaf", false},
    {"\xe0\x80\xaf", false},     {"\xed\xa0\x80", false},     {"\xf4\x90\x80\x80", false},
    {"\xf8\x88\x80\x80\x80", false}, {"\x80", false},           {"\xe2\x82", false},
  };
  for (const auto& [sequence, valid] : sequences) {
    for (size_t at = 0; at <= 300; ++at) {
      const std::string text = std::string(at, 'a') + sequence + std::string(300 - at, 'b');
      CAPTURE(at);
      CHECK(is_valid_utf8(text) == valid);
    }
    CHECK(is_valid_utf8(std::string(200, 'x') + sequence) == valid); // at the very end
  }
  CHECK(is_valid_utf8(std::string(127, 'x')));
  CHECK(is_valid_utf8(std::string(128, 'x')));
  CHECK_FALSE(is_valid_utf8(std::string(127, 'x') + "\xc3"));
}

TEST_SUITE_END();
