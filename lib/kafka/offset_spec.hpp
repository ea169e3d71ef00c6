#pragma once

// -o OFFSET as kcat spells it (kcat.c main(), case 'o'), but validated in full: kcat's strtoll()
// turns "foo" into offset 0 and "12a" into 12, dlqcat refuses both.

#include <cstdint>
#include <optional>
#include <string_view>

namespace dlq::kafka {

struct OffsetSpec
{
  enum class Kind { Beginning, End, Stored, Absolute, FromEnd, StartTimestamp, EndTimestamp };
  Kind kind = Kind::Beginning;
  int64_t value = 0; // Absolute: the offset; FromEnd: N (for "-N"); *Timestamp: ms
  bool operator==(const OffsetSpec&) const = default;
};

// beginning | end | stored | N | -N | s@MS | e@MS, where N and MS are decimal digits only (no sign,
// no spaces, no trailing text) that fit an int64_t. "-0" is FromEnd 0, i.e. the end. Throws
// UsageError `-o: invalid offset "foo" (expected beginning, end, stored, N, -N, s@MS, e@MS)`.
OffsetSpec parse_offset(std::string_view text);

// The first offset to read from a partition whose watermarks are [low, high): Beginning -> low,
// End -> high, Absolute N -> N clamped to [low, high], FromEnd N -> max(low, high - N). Stored and
// the timestamps are resolved by the broker (committed offset, offsets_for_times): std::nullopt.
// A `high` below `low` (never sent by a broker) is treated as `low`.
std::optional<int64_t> resolve_start(const OffsetSpec& spec, int64_t low, int64_t high);

} // namespace dlq::kafka
