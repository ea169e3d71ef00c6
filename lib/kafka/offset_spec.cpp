#include "kafka/offset_spec.hpp"

#include "error.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

namespace dlq::kafka {

namespace {

// Digits only: from_chars alone would accept a leading '-' and stop quietly at junk.
std::optional<int64_t>
parse_digits(std::string_view text) noexcept
{
  if (text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end) {
    return std::nullopt; // out of range, or trailing junk
  }
  return value;
}

} // namespace

OffsetSpec
parse_offset(std::string_view text)
{
  using Kind = OffsetSpec::Kind;
  if (text == "beginning") {
    return {Kind::Beginning, 0};
  }
  if (text == "end") {
    return {Kind::End, 0};
  }
  if (text == "stored") {
    return {Kind::Stored, 0};
  }
  std::optional<int64_t> value;
  Kind kind = Kind::Absolute;
  if (text.starts_with("s@")) {
    kind = Kind::StartTimestamp;
    value = parse_digits(text.substr(2));
  } else if (text.starts_with("e@")) {
    kind = Kind::EndTimestamp;
    value = parse_digits(text.substr(2));
  } else if (text.starts_with('-')) {
    kind = Kind::FromEnd;
    value = parse_digits(text.substr(1));
  } else {
    value = parse_digits(text);
  }
  if (!value) {
    throw UsageError(
      fmt::format("-o: invalid offset \"{}\" (expected beginning, end, stored, N, -N, s@MS, e@MS)", text));
  }
  return {kind, *value};
}

std::optional<int64_t>
resolve_start(const OffsetSpec& spec, int64_t low, int64_t high)
{
  high = std::max(high, low);
  switch (spec.kind) {
  case OffsetSpec::Kind::Beginning:
    return low;
  case OffsetSpec::Kind::End:
    return high;
  case OffsetSpec::Kind::Absolute:
    return std::clamp(spec.value, low, high);
  case OffsetSpec::Kind::FromEnd:
    // Compared as a distance so that a huge N cannot overflow high - N.
    return spec.value >= high - low ? low : high - spec.value;
  case OffsetSpec::Kind::Stored:
  case OffsetSpec::Kind::StartTimestamp:
  case OffsetSpec::Kind::EndTimestamp:
    break;
  }
  return std::nullopt;
}

} // namespace dlq::kafka
