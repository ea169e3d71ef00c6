#include "dialect/values.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace dlq::dialect::values;
using namespace std::string_literals;

TEST_SUITE_BEGIN("dialect");

TEST_CASE("dialect::values::parse_dec")
{
  CHECK(parse_dec("3").value == 3);
  CHECK(parse_dec("-1").value == -1);
  CHECK(parse_dec("9223372036854775807").value == std::numeric_limits<int64_t>::max());
  CHECK(parse_dec("-9223372036854775808").value == std::numeric_limits<int64_t>::min());
  CHECK_FALSE(parse_dec("9223372036854775808").value);
  CHECK(parse_dec("9223372036854775808").problem == "decimal number out of 64-bit range");
  CHECK(parse_dec("4x").problem == "expected decimal digits, got a non-digit");
  CHECK(parse_dec(" 4").problem == "expected decimal digits, got a non-digit");
  CHECK(parse_dec("+4").problem == "expected decimal digits, got a non-digit");
  CHECK(parse_dec("").problem == "expected decimal digits, got nothing");
  CHECK(parse_dec("-").problem == "expected decimal digits, got nothing");
}

TEST_CASE("dialect::values::parse_i32_i64")
{
  CHECK(parse_i32("\0\0\0\x03"s).value == 3);
  CHECK(parse_i32("\xff\xff\xff\xff"s).value == -1);
  CHECK(parse_i32("\x80\0\0\0"s).value == std::numeric_limits<int32_t>::min());
  CHECK(parse_i32("\0\0\x03"s).problem == "expected 4-byte big-endian int32, got 3 bytes");
  CHECK(parse_i32("\x03"s).problem == "expected 4-byte big-endian int32, got 1 byte");
  CHECK(parse_i64("\0\0\0\0\0\0\0\x2A"s).value == 42);
  CHECK(parse_i64("\0\0\x01\x8B\xCF\xE5\x68\x00"s).value == 1700000000000);
  CHECK(parse_i64("\xff\xff\xff\xff\xff\xff\xff\xff"s).value == -1);
  CHECK(parse_i64("\0\0\0\x2A"s).problem == "expected 8-byte big-endian int64, got 4 bytes");
}

TEST_CASE("dialect::values::parse_bigint")
{
  CHECK(parse_bigint("\x02"s).value == 2);
  CHECK(parse_bigint("\x01\x8B\xCF\xE5\x68\x00"s).value == 1700000000000);
  CHECK(parse_bigint("\xff"s).value == -1);
  CHECK(parse_bigint("\x00\x80"s).value == 128);
  CHECK(parse_bigint("\x80"s).value == -128);
  CHECK(parse_bigint(""s).problem == "expected a 1- to 8-byte big-endian BigInteger, got 0 bytes");
  CHECK_FALSE(parse_bigint("\x01\0\0\0\0\0\0\0\0"s).value);
}

TEST_CASE("dialect::values::parse_json_number")
{
  CHECK(parse_json_number("1").value == 1);
  CHECK(parse_json_number(" 2.0 ").value == 2);
  CHECK(parse_json_number("3e0").value == 3);
  CHECK(parse_json_number("2.5").problem == "JSON number is not a 64-bit integer");
  CHECK(parse_json_number("\"3\"").problem == "expected a JSON number");
  CHECK(parse_json_number("abc").problem == "expected a JSON number");
}

TEST_CASE("dialect::values::parse_utf8")
{
  CHECK(parse_utf8("caf\xc3\xa9").value == "caf\xc3\xa9");
  CHECK(parse_utf8("\xff").problem == "invalid UTF-8");
  CHECK(parse_utf8("\xac\xed\x00\x05sr"s).problem == "expected UTF-8 text, got a Java-serialized object");
}

TEST_CASE("dialect::values::encode")
{
  CHECK(encode_dec(3) == "3");
  CHECK(encode_dec(-1) == "-1");
  CHECK(encode_i32(3) == "\0\0\0\x03"s);
  CHECK(encode_i32(-1) == "\xff\xff\xff\xff"s);
  CHECK(encode_i64(42) == "\0\0\0\0\0\0\0\x2A"s);
  CHECK(encode_i64(1700000000000) == "\0\0\x01\x8B\xCF\xE5\x68\x00"s);
  CHECK(encode_bigint(1700000000000) == "\x01\x8B\xCF\xE5\x68\x00"s);
  CHECK(encode_bigint(2) == "\x02"s);
  CHECK(encode_bigint(0) == "\x00"s);
  CHECK(encode_bigint(128) == "\x00\x80"s);
  CHECK(encode_bigint(-1) == "\xff"s);
  CHECK(encode_bigint(-129) == "\xff\x7f"s);
  for (const int64_t n : {int64_t(0), int64_t(1), int64_t(-1), int64_t(127), int64_t(-128), int64_t(255),
                          int64_t(1700000000000), std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min()}) {
    CHECK(parse_bigint(encode_bigint(n)).value == n);
    CHECK(parse_i64(encode_i64(n)).value == n);
    CHECK(parse_dec(encode_dec(n)).value == n);
  }
  CHECK(is_java_serialized("\xac\xed\x00\x05"s));
  CHECK_FALSE(is_java_serialized("\xac\xed\x00"s));
}

TEST_SUITE_END();
