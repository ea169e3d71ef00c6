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
  uint32_t bytes = 0; // kafka::footprint() of the produced record
};

// The records handed to the producer, by token. Tokens are consecutive and delivery reports
// come back nearly in their order, so this is a queue: no allocation per record. A late report
// keeps the entries after it (a few bytes each) until it comes; the producer's bounded queue
// limits how many records can pass it meanwhile. It also adds up the records' footprints, which
// the replayer keeps under a byte bound.
class InFlightWindow
{
public:
  // The token that the record's delivery report will carry.
  uint64_t add(const InFlight& entry)
  {
    m_entries.push_back(entry);
    m_bytes += entry.bytes;
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
    m_bytes -= entry.bytes;
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
    m_bytes = 0;
  }

  // The footprints of the records in flight, added up.
  uint64_t bytes() const noexcept { return m_bytes; }

private:
  std::deque<InFlight> m_entries;
  uint64_t m_first = 1; // token of m_entries.front()
  uint64_t m_bytes = 0;
};

} // namespace dlq::retry
