#pragma once

// Which source offsets may be committed: a DLQ offset is committable only once it and every
// offset before it in its partition were acknowledged (or accounted for: filtered, skipped).
// A failed delivery stays pending, so no commit ever passes a record that was not delivered.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dlq::retry {

class OffsetTracker
{
public:
  using Partition = std::pair<std::string, int32_t>;

  OffsetTracker() = default;
  OffsetTracker(const OffsetTracker&) = delete; // m_last points into m_partitions
  OffsetTracker& operator=(const OffsetTracker&) = delete;

  // A record was read and is now in flight (produced, not yet acknowledged).
  void begin(const Partition& partition, int64_t offset);
  // Its delivery was acknowledged, or it needed none.
  void finish(const Partition& partition, int64_t offset);

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
  struct State
  {
    std::set<int64_t> in_flight;
    int64_t next = -1;      // highest offset begun + 1
    int64_t committed = -1; // last value returned by take_committable
  };
  State& state(const Partition& partition);

  std::map<Partition, State> m_partitions;
  // The last partition used: records come in runs from one partition (map nodes never move).
  std::map<Partition, State>::iterator m_last = m_partitions.end();
};

} // namespace dlq::retry
