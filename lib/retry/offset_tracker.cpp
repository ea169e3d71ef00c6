#include "retry/offset_tracker.hpp"

#include <algorithm>

namespace dlq::retry {

bool
OffsetTracker::by_offset(const InFlight& entry, int64_t offset) noexcept
{
  return entry.offset < offset;
}

OffsetTracker::Slot
OffsetTracker::slot(std::string_view topic, int32_t partition)
{
  const auto is = [&](const State& state) { return state.partition.second == partition && state.partition.first == topic; };
  if (m_last < m_states.size() && is(m_states[m_last])) {
    return m_last;
  }
  const auto it = std::find_if(m_states.begin(), m_states.end(), is);
  if (it != m_states.end()) {
    m_last = static_cast<Slot>(it - m_states.begin());
  } else {
    m_states.push_back({{std::string(topic), partition}, {}, 0, -1, -1});
    m_last = m_states.size() - 1;
  }
  return m_last;
}

void
OffsetTracker::begin(Slot slot, int64_t offset)
{
  auto& state = m_states[slot];
  state.next = std::max(state.next, offset + 1);
  auto& in_flight = state.in_flight;
  if (in_flight.empty() || in_flight.back().offset < offset) {
    in_flight.push_back({offset, false});
    ++state.pending;
    return;
  }
  // Read again (a rewind): in flight once more, in its place.
  const auto it = std::lower_bound(in_flight.begin(), in_flight.end(), offset, by_offset);
  if (it != in_flight.end() && it->offset == offset) {
    if (it->done) {
      it->done = false;
      ++state.pending;
    }
    return;
  }
  in_flight.insert(it, {offset, false});
  ++state.pending;
}

void
OffsetTracker::finish(Slot slot, int64_t offset)
{
  auto& state = m_states[slot];
  auto& in_flight = state.in_flight;
  const auto it = std::lower_bound(in_flight.begin(), in_flight.end(), offset, by_offset);
  if (it == in_flight.end() || it->offset != offset || it->done) {
    return;
  }
  it->done = true;
  --state.pending;
  while (!in_flight.empty() && in_flight.front().done) {
    in_flight.pop_front();
  }
}

std::optional<int64_t>
OffsetTracker::committable(const State& state)
{
  if (state.next < 0) {
    return std::nullopt;
  }
  return state.in_flight.empty() ? state.next : state.in_flight.front().offset;
}

std::optional<int64_t>
OffsetTracker::committable(const Partition& partition) const
{
  for (const auto& state : m_states) {
    if (state.partition == partition) {
      return committable(state);
    }
  }
  return std::nullopt;
}

std::vector<std::pair<OffsetTracker::Partition, int64_t>>
OffsetTracker::take_committable()
{
  std::vector<std::pair<Partition, int64_t>> result;
  for (auto& state : m_states) {
    const auto offset = committable(state);
    if (offset && *offset > state.committed) {
      state.committed = *offset;
      result.emplace_back(state.partition, *offset);
    }
  }
  return result;
}

void
OffsetTracker::untake()
{
  for (auto& state : m_states) {
    state.committed = -1;
  }
}

size_t
OffsetTracker::pending() const noexcept
{
  size_t count = 0;
  for (const auto& state : m_states) {
    count += state.pending;
  }
  return count;
}

void
OffsetTracker::forget(const Partition& partition)
{
  for (auto& state : m_states) {
    if (state.partition == partition) {
      state.in_flight.clear();
      state.pending = 0;
      state.next = -1;
      state.committed = -1;
    }
  }
}

} // namespace dlq::retry
