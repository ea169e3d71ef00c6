#include "retry/group_commits.hpp"

#include "error.hpp"
#include "kafka/producer.hpp"
#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace dlq::retry {

using kafka::milliseconds;

namespace {

// A group commit refused as retriable (the group's coordinator moving or loading its offsets) is
// sent again after a pause that doubles from the first to the last of these ...
constexpr milliseconds k_commit_backoff_first{100};
constexpr milliseconds k_commit_backoff_last{2000};
// ... for at least this long (or the group timeout, if longer) before the run gives up. A broker
// that crashed holds its coordinator role until the controller notices (broker.session.timeout.ms,
// 9 s by default), and the next coordinator must then load the group's offsets.
constexpr milliseconds k_commit_retry_limit{60000};
// Inside a revoke, the partitions' handover waits for the commit: retried this long at most.
constexpr milliseconds k_revoke_commit_limit{10000};

} // namespace

bool
GroupCommits::held(const kafka::RecordSource& source) const noexcept
{
  return m_held_at && source.assignments() <= m_held_at->first && Clock::now() - m_held_at->second < source.group_timeout();
}

void
GroupCommits::commit_progress(kafka::RecordSource& source, bool final)
{
  // Interrupted, the end of a rebalance is awaited no longer than the in-flight records are.
  const auto patience = util::interrupt_requested() ? k_interrupt_flush : source.group_timeout();
  const auto deadline = Clock::now() + patience;
  while (true) {
    if (held(source)) {
      if (!final) {
        return;
      }
      if (Clock::now() >= deadline) {
        throw KafkaError(fmt::format("commit DLQ offsets: the group did not end its rebalance within {} s (every "
                                     "record counted was delivered; a rerun acts again on the uncommitted ones)",
                                     patience.count() / 1000));
      }
      source.serve_group(milliseconds(100)); // what comes is read again by a later run
      continue;
    }
    const auto commits = m_tracker.take_committable();
    const auto result = commit(source, commits);
    if (result.committed()) {
      m_retry.reset();
      return;
    }
    m_tracker.untake();
    switch (result.status) {
    case kafka::CommitStatus::Rebalance:
      m_retry.reset();
      m_held_at = {source.assignments(), Clock::now()};
      break;
    case kafka::CommitStatus::Retriable:
      if (!final) {
        note_retry(source, result); // throws once out of patience
        return;                     // offered again at the next tick
      }
      wait_backoff(source, result);
      break;
    case kafka::CommitStatus::Committed:
    case kafka::CommitStatus::Fatal:
      throw_commit_error(result);
    }
  }
}

void
GroupCommits::throw_commit_error(const kafka::CommitResult& result, std::string_view how_long)
{
  throw KafkaError(fmt::format("commit DLQ offsets{}: {} (every record counted was delivered; a rerun acts again on "
                               "the uncommitted ones)",
                               how_long, result.text()),
                   result.err, false, result.status == kafka::CommitStatus::Retriable);
}

milliseconds
GroupCommits::retry_limit(const kafka::RecordSource& source) const
{
  if (util::interrupt_requested()) {
    return k_interrupt_flush;
  }
  return std::max(k_commit_retry_limit, source.group_timeout());
}

// A retriable commit error: remembered with its first time; throws once such errors have
// lasted longer than retry_limit().
void
GroupCommits::note_retry(const kafka::RecordSource& source, const kafka::CommitResult& result)
{
  const auto now = Clock::now();
  if (!m_retry) {
    m_retry = Retry{now, k_commit_backoff_first};
    ++m_stats.commit_retries;
    return;
  }
  ++m_stats.commit_retries;
  const auto limit = retry_limit(source);
  if (now - m_retry->since >= limit) {
    throw_commit_error(result, fmt::format(" (retried for {} s)", limit.count() / 1000));
  }
}

// The final commit's pause before it is sent again: doubling, interruptible (the group is
// served meanwhile, records that come are read again by a later run), bounded.
void
GroupCommits::wait_backoff(kafka::RecordSource& source, const kafka::CommitResult& result)
{
  note_retry(source, result);
  const auto pause = m_retry->backoff;
  m_retry->backoff = std::min(pause * 2, k_commit_backoff_last);
  const auto until = Clock::now() + pause;
  while (Clock::now() < until) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    source.serve_group(std::clamp(left, milliseconds(1), milliseconds(100)));
    if (util::interrupt_requested() && Clock::now() - m_retry->since >= k_interrupt_flush) {
      throw_commit_error(result, " (interrupted while retrying)");
    }
  }
}

kafka::CommitResult
GroupCommits::commit_for_handover(kafka::RecordSource& source, kafka::Producer& producer,
                                  const std::vector<OffsetTracker::Commit>& commits)
{
  const auto give_up = Clock::now() + k_revoke_commit_limit;
  auto pause = k_commit_backoff_first;
  while (true) {
    const auto result = commit(source, commits);
    if (result.status != kafka::CommitStatus::Retriable || Clock::now() + pause >= give_up
        || util::interrupt_requested()) {
      return result;
    }
    ++m_stats.commit_retries;
    producer.poll(pause); // serves delivery reports meanwhile
    pause = std::min(pause * 2, k_commit_backoff_last);
  }
}

kafka::CommitResult
GroupCommits::commit(kafka::RecordSource& source, const std::vector<OffsetTracker::Commit>& commits)
{
  std::vector<kafka::TopicPartition> list;
  list.reserve(commits.size());
  for (const auto& c : commits) {
    list.emplace_back(c.partition.first, c.partition.second, c.offset, c.metadata);
    note_truncation(c);
  }
  const auto result = source.consumer().try_commit(list);
  if (result.committed()) {
    for (const auto& c : commits) {
      m_known[c.partition] = {c.offset, c.metadata};
    }
  }
  return result;
}

void
GroupCommits::note_truncation(const OffsetTracker::Commit& c)
{
  if (c.truncated_at && m_truncation_noted.insert(c.partition).second) {
    m_stats.warnings.push_back(fmt::format("{} [{}]: the records handled from offset {} on did not fit in the commit's "
                                           "metadata; a later run may act on them again",
                                           c.partition.first, c.partition.second, *c.truncated_at));
  }
}

bool
GroupCommits::known_unchanged(const Partition& partition, const std::optional<int64_t>& committed,
                              std::string_view metadata) const
{
  const auto known = m_known.find(partition);
  return known != m_known.end() && known->second.first == committed && known->second.second == metadata;
}

void
GroupCommits::set_known(const Partition& partition, const std::optional<int64_t>& committed, std::string metadata)
{
  m_known[partition] = {committed, std::move(metadata)};
}

void
GroupCommits::report_handovers()
{
  for (const auto& c : m_tracker.aside_commits()) {
    const auto known = m_known.find(c.partition);
    if (known != m_known.end() && known->second.first == c.offset && known->second.second == c.metadata) {
      continue;
    }
    m_stats.warnings.push_back(fmt::format("{} [{}] went to another member before its progress was committed: the "
                                           "records this run handled past the group's commit are acted on again",
                                           c.partition.first, c.partition.second));
  }
}

} // namespace dlq::retry
