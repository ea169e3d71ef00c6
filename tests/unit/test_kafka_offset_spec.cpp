#include "error.hpp"
#include "kafka/offset_spec.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

using dlq::kafka::OffsetSpec;
using dlq::kafka::parse_offset;
using dlq::kafka::resolve_start;
using Kind = OffsetSpec::Kind;

TEST_SUITE_BEGIN("offset");

TEST_CASE("kafka::parse_offset")
{
  struct Case
  {
    std::string_view in;
    OffsetSpec out;
  };
  const Case cases[] = {
    {"beginning", {Kind::Beginning, 0}},
    {"end", {Kind::End, 0}},
    {"stored", {Kind::Stored, 0}},
    {"0", {Kind::Absolute, 0}},
    {"9", {Kind::Absolute, 9}},
    {"007", {Kind::Absolute, 7}},
    {"9223372036854775807", {Kind::Absolute, std::numeric_limits<int64_t>::max()}},
    {"-10", {Kind::FromEnd, 10}},
    {"-0", {Kind::FromEnd, 0}},
    {"s@1550313955799", {Kind::StartTimestamp, 1550313955799}},
    {"s@0", {Kind::StartTimestamp, 0}},
    {"e@1550313955799", {Kind::EndTimestamp, 1550313955799}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(parse_offset(c.in) == c.out);
  }
}

TEST_CASE("kafka::parse_offset errors")
{
  const std::string_view bad[] = {
    "foo", "-", "s@", "e@", "e@x", "12a", "99999999999999999999", "", "--1", "+5", " 5", "5 ",
    "-9223372036854775808", "s@-5", "e@+5", "s@12x", "Beginning", "END", "beginning ", "0x10", "1e3",
  };
  for (const auto text : bad) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(parse_offset(text),
                         ("-o: invalid offset \"" + std::string(text)
                          + "\" (expected beginning, end, stored, N, -N, s@MS, e@MS)")
                           .c_str(),
                         dlq::UsageError);
  }
}

TEST_CASE("kafka::resolve_start")
{
  constexpr auto max = std::numeric_limits<int64_t>::max();
  struct Case
  {
    OffsetSpec spec;
    int64_t low;
    int64_t high;
    std::optional<int64_t> out;
  };
  const Case cases[] = {
    {{Kind::Beginning, 0}, 5, 20, 5},
    {{Kind::End, 0}, 5, 20, 20},
    {{Kind::Absolute, 10}, 5, 20, 10},
    {{Kind::Absolute, 5}, 5, 20, 5},
    {{Kind::Absolute, 20}, 5, 20, 20},
    {{Kind::Absolute, 2}, 5, 20, 5},   // compacted/deleted away: clamp to low
    {{Kind::Absolute, 99}, 5, 20, 20}, // past the end: wait at the end
    {{Kind::Absolute, max}, 5, 20, 20},
    {{Kind::FromEnd, 3}, 5, 20, 17},
    {{Kind::FromEnd, 0}, 5, 20, 20},
    {{Kind::FromEnd, 15}, 5, 20, 5},
    {{Kind::FromEnd, 16}, 5, 20, 5},
    {{Kind::FromEnd, max}, 5, 20, 5}, // no overflow
    {{Kind::Beginning, 0}, 0, 0, 0}, // empty partition
    {{Kind::End, 0}, 0, 0, 0},
    {{Kind::Absolute, 3}, 0, 0, 0},
    {{Kind::FromEnd, 3}, 0, 0, 0},
    {{Kind::End, 0}, 7, 3, 7}, // high below low is taken as low
    {{Kind::Stored, 0}, 5, 20, std::nullopt},
    {{Kind::StartTimestamp, 1550313955799}, 5, 20, std::nullopt},
    {{Kind::EndTimestamp, 1550313955799}, 5, 20, std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(static_cast<int>(c.spec.kind));
    CAPTURE(c.spec.value);
    CAPTURE(c.low);
    CAPTURE(c.high);
    CHECK(resolve_start(c.spec, c.low, c.high) == c.out);
  }
}

TEST_SUITE_END();
