#include "util/time.hpp"

#include <doctest/doctest.h>

using dlq::util::format_timestamp;
using dlq::util::parse_time;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::parse_time")
{
  CHECK(parse_time("1700000000000") == 1700000000000);
  CHECK(parse_time("1970-01-01") == 0);
  CHECK(parse_time("2023-11-14T22:13:20Z") == 1700000000000);
  CHECK(parse_time("2023-11-14T22:13:20.5Z") == 1700000000500);
  CHECK(parse_time("2023-11-14 22:13:20.123456") == 1700000000123);
  CHECK(parse_time("2023-11-15T00:13:20+02:00") == 1700000000000);
  CHECK(parse_time("2023-11-14T17:13:20-05:00") == 1700000000000);
  CHECK(parse_time("2024-02-29T00:00") == 1709164800000);
  CHECK(parse_time("1969-12-31T23:59:59Z") == -1000);
  CHECK_FALSE(parse_time("").has_value());
  CHECK_FALSE(parse_time("yesterday").has_value());
  CHECK_FALSE(parse_time("2023-13-01").has_value());
  CHECK_FALSE(parse_time("2023-00-01").has_value());
  CHECK_FALSE(parse_time("2023-11-00").has_value());
  CHECK_FALSE(parse_time("2023-11-14T25:00").has_value());
  CHECK_FALSE(parse_time("2023-11-14T22:60").has_value());
  CHECK_FALSE(parse_time("2023-11-14T22:13:20.Z").has_value());
  CHECK_FALSE(parse_time("2023-11-14T22:13:20Zjunk").has_value());
  CHECK_FALSE(parse_time("2023-11-14T22:13:20+0200").has_value());
  CHECK_FALSE(parse_time("2023-11-14X22:13").has_value());
  CHECK_FALSE(parse_time("99999999999999999999").has_value());

  SUBCASE("dates that do not exist")
  {
    CHECK_FALSE(parse_time("2024-02-31").has_value()); // was read as 2024-03-02
    CHECK_FALSE(parse_time("2023-02-29").has_value()); // not a leap year
    CHECK_FALSE(parse_time("1900-02-29T00:00Z").has_value()); // century, not a leap year
    CHECK_FALSE(parse_time("2024-04-31T12:00").has_value());
    CHECK(parse_time("2000-02-29").has_value()); // divisible by 400: a leap year
  }
}

TEST_CASE("util::format_timestamp")
{
  CHECK(format_timestamp(1550313955799) == "2019-02-16T10:45:55.799Z");
  CHECK(format_timestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_timestamp(1709164800000) == "2024-02-29T00:00:00.000Z");
  CHECK(format_timestamp(1700000000005) == "2023-11-14T22:13:20.005Z");
  // Round trip through the parser.
  CHECK(parse_time(format_timestamp(1700000000123)) == 1700000000123);
}

TEST_CASE("util::now_ms")
{
  const auto now = dlq::util::now_ms();
  CHECK(now > 1700000000000);
  CHECK(parse_time(format_timestamp(now)) == now);
}

TEST_SUITE_END();
