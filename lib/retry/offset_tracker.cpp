#include "retry/offset_tracker.hpp"

#include <optional>

namespace dlq::retry {

OffsetTracker::State&
OffsetTracker::state(const Partition& partition)
{
  if (m_last == m_partitions.end() || m_last->first.second != partition.second || m_last->first.first != partition.first) {
    m_last = m_partitions.try_emplace(partition).first;
  }
  return m_last->second;
}

void
OffsetTracker::begin(const Partition& partition, int64_t offset)
{
  auto& state = this->state(partition);
  state.in_flight.insert(offset);
  state.next = std::max(state.next, offset + 1);
}

void
OffsetTracker::finish(const Partition& partition, int64_t offset)
{
  auto& state = this->state(partition);
  state.in_flight.erase(offset);
  state.next = std::max(state.next, offset + 1);
}

std::optional<int64_t>
OffsetTracker::committable(const Partition& partition) const
{
  const auto it = m_partitions.find(partition);
  if (it == m_partitions.end() || it->second.next < 0) {
    return std::nullopt;
  }
  const auto& state = it->second;
  return state.in_flight.empty() ? state.next : *state.in_flight.begin();
}

std::vector<std::pair<OffsetTracker::Partition, int64_t>>
OffsetTracker::take_committable()
{
  std::vector<std::pair<Partition, int64_t>> result;
  for (auto& [partition, state] : m_partitions) {
    const auto offset = committable(partition);
    if (offset && *offset > state.committed) {
      state.committed = *offset;
      result.emplace_back(partition, *offset);
    }
  }
  return result;
}

void
OffsetTracker::untake()
{
  for (auto& [partition, state] : m_partitions) {
    state.committed = -1;
  }
}

size_t
OffsetTracker::pending() const noexcept
{
  size_t count = 0;
  for (const auto& [partition, state] : m_partitions) {
    count += state.in_flight.size();
  }
  return count;
}

void
OffsetTracker::forget(const Partition& partition)
{
  m_partitions.erase(partition);
  m_last = m_partitions.end();
}

} // namespace dlq::retry
