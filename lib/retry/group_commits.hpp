#pragma once

// Commit after acknowledgement, outside transactions: the group commits of what the tracker
// allows, held while the group rebalances, sent again while the group's coordinator moves or
// loads (for a bounded time), the handover commit inside a revoke, and what this member last knew
// of each partition's commit (docs/REPLAY.md).

#include "kafka/consumer.hpp"
#include "kafka/record_source.hpp"
#include "retry/offset_tracker.hpp"
#include "retry/replayer.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::kafka {
class Producer;
}

namespace dlq::retry {

// On an interrupt, how long records already handed to librdkafka (and the commits after them)
// may still take.
inline constexpr kafka::milliseconds k_interrupt_flush{10000};

class GroupCommits
{
public:
  using Clock = std::chrono::steady_clock;
  using Partition = OffsetTracker::Partition;

  // `stats` receives commit_retries and the warnings (truncated metadata, handovers).
  GroupCommits(OffsetTracker& tracker, ReplayStats& stats) : m_tracker(tracker), m_stats(stats) {}

  // Whether commits wait for the end of a rebalance: one was refused for it. A commit sent while
  // the group rejoins carries a generation the coordinator has just replaced, and librdkafka then
  // takes the whole assignment for lost (seen on the embedded broker, one commit a second).
  bool held(const kafka::RecordSource& source) const noexcept;
  // A rebalance ended (an assignment): commits may go again.
  void release() noexcept { m_held_at.reset(); }

  // Commits from the tracker. A periodic commit refused for a rebalance is offered again once the
  // rebalance ended; the final one waits for that end (serving the group, and dropping records
  // read meanwhile: uncommitted, they are read again). One refused as retriable (the group's
  // coordinator moving or loading) is offered again at the next tick, the final one after a
  // backoff; either way for a bounded time (note_retry).
  void commit_progress(kafka::RecordSource& source, bool final);

  // Inside a revoke: the commit of the revoked partitions, retried while it is retriable, for
  // k_revoke_commit_limit at most (the group cannot be served from its own callback: plain
  // pauses, serving the producer's delivery reports).
  kafka::CommitResult commit_for_handover(kafka::RecordSource& source, kafka::Producer& producer,
                                          const std::vector<OffsetTracker::Commit>& commits);

  // A commit whose metadata was cut short: warned about once per partition.
  void note_truncation(const OffsetTracker::Commit& c);

  // The group's commit of a partition as this member last knew it (assignment, own commits).
  bool known_unchanged(const Partition& partition, const std::optional<int64_t>& committed,
                       std::string_view metadata) const;
  void set_known(const Partition& partition, const std::optional<int64_t>& committed, std::string metadata);

  // At the end: partitions handed over with progress that no commit recorded (warnings).
  void report_handovers();

private:
  kafka::CommitResult commit(kafka::RecordSource& source, const std::vector<OffsetTracker::Commit>& commits);
  [[noreturn]] static void throw_commit_error(const kafka::CommitResult& result, std::string_view how_long = {});
  kafka::milliseconds retry_limit(const kafka::RecordSource& source) const;
  void note_retry(const kafka::RecordSource& source, const kafka::CommitResult& result);
  void wait_backoff(kafka::RecordSource& source, const kafka::CommitResult& result);

  OffsetTracker& m_tracker;
  ReplayStats& m_stats;
  // Set when a commit was refused for a rebalance: the number of assignments seen then, and when.
  std::optional<std::pair<uint64_t, Clock::time_point>> m_held_at;
  // The group's commit of each partition as this member last knew it (assignment, own commits).
  std::map<Partition, std::pair<std::optional<int64_t>, std::string>> m_known;
  std::set<Partition> m_truncation_noted;
  // Since when group commits have been refused as retriable, and the final commit's next pause.
  struct Retry
  {
    Clock::time_point since;
    kafka::milliseconds backoff;
  };
  std::optional<Retry> m_retry;
};

} // namespace dlq::retry
