#pragma once

// What replay and park may commit (docs/REPLAY.md, "Commits"). Per DLQ partition, every record
// read is noted as handled (acknowledged, skipped, or handled by an earlier run), in flight
// (produced, not yet acknowledged) or left (not acted on by this run: filtered out, deferred, not
// delivered). The commit is the first record not handled, with the handled records past it in
// the commit's metadata (retry/commit_metadata.hpp): a record left stays visible to the next run
// in the group, and a record handled is never acted on again by it. Pure.

#include "retry/commit_metadata.hpp"

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

  struct Commit
  {
    Partition partition;
    int64_t offset = 0;   // the next record the group reads
    std::string metadata; // "" when nothing is known past the offset
    // Handled records from here on did not fit in the metadata: a later run may act on them again.
    std::optional<int64_t> truncated_at;
  };

  Slot slot(std::string_view topic, int32_t partition);
  const Partition& partition(Slot slot) const { return m_states[slot].partition; }

  // Reading the partition starts (again) at `offset`, the group's committed offset, and
  // `earlier` is what that commit recorded past it (empty: nothing, or reading starts elsewhere).
  // Without a call, a partition starts at its first record with nothing recorded.
  void start(Slot slot, int64_t offset, const CommitMetadata& earlier = {});

  // True when an earlier run handled the record at `offset` (the commit's metadata says so):
  // the record is passed over, and noted with handle().
  bool handled_earlier(Slot slot, int64_t offset) const;

  // False when acting on the record at `offset` could not be recorded: the commit stays before
  // the first record left in the partition, and the metadata would outgrow
  // k_max_commit_metadata with one more handled record past it. Such a record is left too.
  bool may_act(Slot slot, int64_t offset) const;

  // Notes on the records read, in offset order per partition (after a rewind(), from there).
  void begin(Slot slot, int64_t offset);  // acted on: produced, awaiting its acknowledgement
  void handle(Slot slot, int64_t offset); // handled with no acknowledgement to wait for
  void leave(Slot slot, int64_t offset);  // not acted on by this run: it stays for a later run
  // The acknowledgement of a record begun: handled (`delivered`) or left (not delivered). A
  // record not in flight (its partition was forgotten or rewound meanwhile) changes nothing.
  void finish(Slot slot, int64_t offset, bool delivered = true);

  // For each partition whose commit changed since the last call, the commit. Marks them as
  // taken, so that a later call returns only changes.
  std::vector<Commit> take_committable();
  // Same, for one partition, regardless of what was taken before (rebalance revocation).
  std::optional<Commit> committable(const Partition& partition) const;
  // A commit of what take_committable() returned failed: offer it again next time.
  void untake();
  // The group's commit of the slot's partition is already this one: take_committable() returns
  // the partition only once its commit differs.
  void assume_committed(Slot slot, int64_t offset, std::string_view metadata);

  // Records begun and not finished, in all partitions.
  size_t in_flight() const noexcept;
  // Revoked: no longer ours. Its slot stays, empty, until start().
  void forget(const Partition& partition);
  // Revoked before its progress was committed: the notes are kept aside (and the slot emptied),
  // in case the partition comes back with the group's commit unchanged (take_back()).
  void set_aside(const Partition& partition);
  // Puts back what set_aside() kept for the slot's partition; false if nothing was kept. The next
  // take_committable() returns its commit.
  bool take_back(Slot slot);
  void drop_aside(const Partition& partition);
  // The commits of what was set aside and never taken back.
  std::vector<Commit> aside_commits() const;
  // Where reading of the slot's partition goes on: after the last record noted.
  int64_t next(Slot slot) const noexcept { return m_states[slot].next; }
  // Whether the slot's partition is being noted (started, not forgotten or set aside).
  bool started(Slot slot) const noexcept { return m_states[slot].started; }
  // A transaction was aborted: its records, from `offset` on, will be read and noted again.
  void rewind(Slot slot, int64_t offset);

private:
  enum class Note : uint8_t { InFlight, Handled, Left };
  // Offsets [begin, end) noted alike (in flight: one offset each). Offsets that do not exist
  // (compacted away, transaction markers) belong to the entry before them.
  struct Entry
  {
    int64_t begin;
    int64_t end;
    Note note;
  };
  struct State
  {
    Partition partition;
    bool started = false;
    // Entries cover [base, next) without holes; the first one is never Handled (those are
    // dropped, and base moves past them).
    int64_t base = 0;
    int64_t next = 0;
    std::deque<Entry> entries;
    size_t in_flight = 0;
    std::vector<OffsetRange> earlier; // handled by earlier runs, past the start
    // may_act()'s running estimate of the ";h=" form past the first record left.
    std::optional<int64_t> first_left;
    int64_t acted_end = -1;  // end of the last run of records handled or in flight past it
    int64_t acted_run = 0;   // that run's length
    size_t runs_chars = 0;   // the form's length for the runs past first_left
    // The last commit take_committable() returned.
    std::optional<int64_t> taken_offset;
    std::string taken_metadata;
  };

  State& started_at(Slot slot, int64_t offset);
  void append(State& state, int64_t offset, Note note);
  static void count_acted(State& state, int64_t begin, int64_t end);
  static void recount(State& state);
  static void drop_handled_front(State& state);
  static void compact(State& state);
  static Commit commit_of(const State& state);

  std::vector<State> m_states;
  std::vector<State> m_aside;
  Slot m_last = 0; // the slot looked up last: records come in runs from one partition
};

} // namespace dlq::retry
