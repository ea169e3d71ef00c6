#include "util/utf8.hpp"

#include <doctest/doctest.h>

#include <string>

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

TEST_SUITE_END();
