// The commit metadata a replay or park run reads back from the cluster (retry/commit_metadata):
// whatever the text, decoding never crashes nor allocates without bound, and what it decodes to is
// written back within k_max_commit_metadata and reads back the same (up to what was left out). The
// tracker, started from it, notes records and commits without breaking its invariants.

#include "fuzz_input.hpp"
#include "retry/commit_metadata.hpp"
#include "retry/offset_tracker.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq::retry;
  dlq::fuzz::Input input(data, size);
  int64_t offset = 0;
  for (int i = 0; i < 5; ++i) {
    offset = (offset << 8) | input.byte(); // up to 2^40: real offsets, and room to add
  }
  const auto notes = input.piece(); // what the tracker then sees, one byte a record
  const auto text = input.rest();
  const auto decoded = decode_commit_metadata(offset, text);
  if (!decoded) {
    return 0;
  }
  int64_t previous_end = offset;
  for (const auto& range : decoded->handled) {
    if (range.begin <= previous_end || range.end <= range.begin) {
      std::abort(); // ascending, disjoint, past the offset, not touching
    }
    previous_end = range.end;
  }
  const auto encoded = encode_commit_metadata(offset, *decoded);
  if (encoded.text.size() > k_max_commit_metadata) {
    std::abort();
  }
  const auto again = decode_commit_metadata(offset, encoded.text);
  if (encoded.text.empty() ? again.has_value() : !again.has_value()) {
    std::abort();
  }
  if (again && !encoded.truncated_at && again->handled != decoded->handled) {
    std::abort();
  }

  OffsetTracker tracker;
  const auto slot = tracker.slot("dlq", 0);
  tracker.start(slot, offset, *decoded);
  int64_t at = offset;
  for (const char note : notes) {
    const auto n = static_cast<uint8_t>(note);
    at += 1 + (n >> 6); // gaps: offsets compaction removed
    if (tracker.handled_earlier(slot, at)) {
      tracker.handle(slot, at);
    } else if ((n & 3) == 0 || !tracker.may_act(slot, at)) {
      tracker.leave(slot, at);
    } else if ((n & 3) == 1) {
      tracker.handle(slot, at);
    } else {
      tracker.begin(slot, at);
      tracker.finish(slot, at, (n & 4) != 0);
    }
  }
  for (const auto& commit : tracker.take_committable()) {
    if (commit.offset < offset || commit.metadata.size() > k_max_commit_metadata
        || (!commit.metadata.empty() && !decode_commit_metadata(commit.offset, commit.metadata))) {
      std::abort();
    }
  }
  return 0;
}
