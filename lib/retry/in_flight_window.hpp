#pragma once

// Commit-after-ack bookkeeping, first half: which DLQ record each produced record stands for
// until its delivery report arrives (the OffsetTracker then decides what may be committed).

#include "retry/offset_tracker.hpp"
#include "retry/plan.hpp"

#include <cstdint>
#include <deque>
#include <optional>

namespace dlq::retry {

// What one produced record stands for, until its delivery report arrives.
struct InFlight
{
  OffsetTracker::Slot source = 0;
  int64_t offset = 0;
  Action action = Action::Replay;
  bool pending = true;
};

// The records handed to the producer, by token. Tokens are consecutive and delivery reports
// come back nearly in their order, so this is a queue: no allocation per record. A late report
// keeps the entries after it (a few bytes each) until it comes; the producer's bounded queue
// limits how many records can pass it meanwhile.
class InFlightWindow
{
public:
  // The token that the record's delivery report will carry.
  uint64_t add(const InFlight& entry)
  {
    m_entries.push_back(entry);
    return m_first + m_entries.size() - 1;
  }

  // The record `token` stands for, no longer in flight; std::nullopt if it is not in flight
  // (cleared meanwhile, or already taken).
  std::optional<InFlight> take(uint64_t token)
  {
    if (token < m_first || token - m_first >= m_entries.size() || !m_entries[token - m_first].pending) {
      return std::nullopt;
    }
    auto& entry = m_entries[token - m_first];
    entry.pending = false;
    const InFlight taken = entry;
    while (!m_entries.empty() && !m_entries.front().pending) {
      m_entries.pop_front();
      ++m_first;
    }
    return taken;
  }

  // Forget every record in flight: their reports, should they come, are ignored.
  void clear()
  {
    m_first += m_entries.size();
    m_entries.clear();
  }

private:
  std::deque<InFlight> m_entries;
  uint64_t m_first = 1; // token of m_entries.front()
};

} // namespace dlq::retry
