#pragma once

// Which source offsets may be committed: a DLQ offset is committable only once it and every
// offset before it in its partition were acknowledged (or accounted for: filtered, skipped).
// A failed delivery stays pending, so no commit ever passes a record that was not delivered.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dlq::retry {

class OffsetTracker
{
public:
  using Partition = std::pair<std::string, int32_t>;
  // A partition's place in the tracker: stable for the tracker's life (forget() keeps the slot),
  // so that a record in flight can name its partition without a copy of the topic name.
  using Slot = size_t;

  Slot slot(std::string_view topic, int32_t partition);
  const Partition& partition(Slot slot) const { return m_states[slot].partition; }

  // A record was read and is now in flight (produced, not yet acknowledged).
  void begin(Slot slot, int64_t offset);
  // Its delivery was acknowledged, or it needed none. An offset that is not in flight (its
  // partition was forgotten meanwhile) changes nothing.
  void finish(Slot slot, int64_t offset);

  // For each partition with progress since the last call, the next offset to commit. Marks
  // them as taken, so a later call returns only new progress.
  std::vector<std::pair<Partition, int64_t>> take_committable();
  // Same, for one partition, regardless of what was taken before (rebalance revocation).
  std::optional<int64_t> committable(const Partition& partition) const;

  // A commit of what take_committable() returned failed: offer it again next time.
  void untake();

  size_t pending() const noexcept;
  void forget(const Partition& partition); // revoked: no longer ours

private:
  struct InFlight
  {
    int64_t offset;
    bool done;
  };
  struct State
  {
    Partition partition;
    // Offsets begun, ascending; the first is never done (done ones are dropped from the front).
    // Records come in offset order, so this is a queue: no allocation per record.
    std::deque<InFlight> in_flight;
    size_t pending = 0;     // entries of in_flight not done
    int64_t next = -1;      // highest offset begun + 1; -1: nothing tracked
    int64_t committed = -1; // last value returned by take_committable
  };
  static bool by_offset(const InFlight& entry, int64_t offset) noexcept;
  static std::optional<int64_t> committable(const State& state);

  std::vector<State> m_states;
  Slot m_last = 0; // the slot looked up last: records come in runs from one partition
};

} // namespace dlq::retry
