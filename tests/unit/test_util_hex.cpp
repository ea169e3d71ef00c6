#include "util/hex.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace std::string_literals;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::to_hex")
{
  CHECK(dlq::util::to_hex("") == "");
  CHECK(dlq::util::to_hex("\x01\xab\x00"s) == "01ab00");
  CHECK(dlq::util::to_hex("\xff\x10"s) == "ff10");
}

TEST_CASE("util::append_hex_byte")
{
  std::string out;
  dlq::util::append_hex_byte(out, 0xab);
  dlq::util::append_hex_byte(out, 0x0f, dlq::util::k_hex_upper);
  CHECK(out == "ab0F");
}

TEST_CASE("util::hex_digit_value")
{
  const std::string digits = "0123456789abcdefABCDEF";
  const int expected[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 10, 11, 12, 13, 14, 15};
  for (size_t i = 0; i < digits.size(); ++i) {
    CHECK(dlq::util::hex_digit_value(digits[i]) == expected[i]);
  }
  for (const char c : {'g', 'G', '/', ':', '@', '`', ' ', '\0'}) {
    CHECK(dlq::util::hex_digit_value(c) == -1);
  }
}

TEST_SUITE_END();
