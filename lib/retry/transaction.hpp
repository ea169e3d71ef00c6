#pragma once

// replay --transactional: the producer's transaction state machine. The produced records and the
// source offsets they stand for commit together; an aborted transaction rewinds the source (and
// the tracker) to where it began, so that its records are read and produced again (docs/REPLAY.md).

#include "kafka/producer.hpp"
#include "kafka/record_source.hpp"
#include "retry/group_commits.hpp"
#include "retry/in_flight_window.hpp"
#include "retry/offset_tracker.hpp"
#include "retry/plan.hpp"
#include "retry/replayer.hpp"

#include <map>
#include <vector>

namespace dlq::retry {

class Transaction
{
public:
  using Partition = OffsetTracker::Partition;
  using Slot = OffsetTracker::Slot;

  // `commits` notes offsets whose metadata was cut short; `stats` receives the records counted at
  // each commit and the aborted transactions.
  Transaction(kafka::Producer& producer, kafka::RecordSource& source, OffsetTracker& tracker,
              InFlightWindow& in_flight, GroupCommits& commits, ReplayStats& stats)
    : m_producer(producer),
      m_source(source),
      m_tracker(tracker),
      m_in_flight(in_flight),
      m_commits(commits),
      m_stats(stats)
  {
  }

  // Once, before the first begin().
  void init();
  void begin();
  // True when committed; false when it was aborted and its records will be read again (the
  // source rewound). Throws when the commit failed for good, or after too many aborts in a row.
  bool commit();
  // Ends the open transaction without rewinding (the run stops).
  void abort();
  // The transaction's records are discarded by the cluster; read them again from where it began
  // (but not in `revoked` partitions, which their next owner reads).
  void abort_and_rewind(const std::vector<Partition>* revoked);

  bool open() const noexcept { return m_open; }
  // Records produced in this transaction.
  size_t records() const noexcept { return m_records; }
  void count_produced() noexcept { ++m_records; }
  // An acknowledged record: counted in the stats when the transaction commits.
  void count_delivered(Action action) noexcept { ++(action == Action::Park ? m_parked : m_replayed); }

  // The first offset read from a source partition in this transaction (where a rewind goes).
  void note_position(Slot source, int64_t offset) { m_start.try_emplace(source, offset); }
  void forget_position(Slot source) { m_start.erase(source); }

private:
  kafka::ErrorPtr send_offsets();

  kafka::Producer& m_producer;
  kafka::RecordSource& m_source;
  OffsetTracker& m_tracker;
  InFlightWindow& m_in_flight;
  GroupCommits& m_commits;
  ReplayStats& m_stats;
  bool m_open = false;
  int m_consecutive_aborts = 0;
  size_t m_records = 0;
  uint64_t m_replayed = 0;
  uint64_t m_parked = 0;
  std::map<Slot, int64_t> m_start; // first offset read in this transaction
};

} // namespace dlq::retry
