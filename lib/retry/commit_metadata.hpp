#pragma once

// What replay and park record with each DLQ offset they commit (docs/REPLAY.md, "Commits"), in
// the commit's metadata string, which Kafka stores with the offset (OffsetCommit) and returns with
// it (OffsetFetch): the records past the committed offset that the group already handled, and how
// far the committing run has read. The committed offset is the group's first record not handled;
// the metadata lets a filtered run act past records it leaves for a later run, without those
// records becoming invisible and without a later run acting on the same record twice. Pure.
//
// Text: "dlqcat1", then ";r=READ" (omitted when READ is the offset), then the handled records as
// ";h=G.L.G.L..." (runs: G records not handled, then L handled, the first G counted from the
// committed offset, which is never handled) or ";b=BASE64" (a bitmap: bit i of byte i/8, least
// significant first, is the record at offset + 1 + i), whichever is shorter.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::retry {

// Kafka brokers refuse longer metadata (offset.metadata.max.bytes, 4096 by default): dlqcat
// writes at most this much, and leaves the margin to the ";r=" field and the prefix.
inline constexpr size_t k_max_commit_metadata = 4000;

struct OffsetRange
{
  int64_t begin = 0; // first offset
  int64_t end = 0;   // one past the last

  bool operator==(const OffsetRange&) const = default;
};

struct CommitMetadata
{
  // The committing run had read and decided every record below this (>= the committed offset).
  std::optional<int64_t> read;
  // Records past the committed offset that were handled: ascending, disjoint, each begin > the
  // committed offset.
  std::vector<OffsetRange> handled;

  bool operator==(const CommitMetadata&) const = default;
};

struct EncodedMetadata
{
  std::string text;
  // When the handled ranges did not all fit in k_max_commit_metadata: the first offset whose
  // handling is not recorded (a later run may act on those records again).
  std::optional<int64_t> truncated_at;
};

// The metadata for a commit of `offset`. Empty text when there is nothing beyond the offset.
EncodedMetadata encode_commit_metadata(int64_t offset, const CommitMetadata& metadata);

// std::nullopt when `text` is not dlqcat's metadata (empty, another client's, or damaged): then
// nothing is known past the committed offset.
std::optional<CommitMetadata> decode_commit_metadata(int64_t offset, std::string_view text);

// The length of the ";b=" form for records spanning `span` offsets past the committed one, and
// of one number in the ";h=" form: what the tracker adds up before it acts on one more record.
size_t bitmap_chars(int64_t span) noexcept;
size_t decimal_digits(int64_t value) noexcept;

} // namespace dlq::retry
