#include "retry/replayer.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "kafka/producer.hpp"
#include "retry/commit_metadata.hpp"
#include "retry/counter.hpp"
#include "retry/in_flight_window.hpp"
#include "retry/offset_tracker.hpp"
#include "retry/token_bucket.hpp"
#include "util/interrupt.hpp"
#include "util/time.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace dlq::retry {

using kafka::milliseconds;
using Clock = std::chrono::steady_clock;
using Partition = OffsetTracker::Partition;
using Slot = OffsetTracker::Slot;

namespace {

constexpr milliseconds k_commit_interval{1000};
constexpr milliseconds k_transaction_timeout{30000};
// On an interrupt, how long records already handed to librdkafka may still take.
constexpr milliseconds k_interrupt_flush{10000};
constexpr int k_max_consecutive_aborts = 5;
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
// Delivery reports are served every this many records (and at every checkpoint), not after each.
constexpr uint64_t k_poll_every = 64;

void
count(Counts& counts, std::string_view name)
{
  const auto it = counts.find(name);
  if (it != counts.end()) {
    ++it->second;
  } else {
    counts.emplace(name, 1);
  }
}

} // namespace

class Replayer::Impl
{
public:
  Impl(const kafka::ClientConfig& config, ReplayOptions options) : m_options(std::move(options))
  {
    if (!m_options.read.group) {
      throw UsageError("replay: a consumer group is required");
    }
    // --min-attempts counts the replay counter here, as --max-attempts does: matched apart.
    m_min_attempts = m_options.filter.min_attempts;
    m_options.filter.min_attempts.reset();
    auto read = m_options.read;
    read.join_group = !m_options.dry_run;
    read.on_revoke = [this](const std::vector<Partition>& revoked, bool lost) { on_revoke(revoked, lost); };
    read.on_assign = [this](std::vector<kafka::StartPosition>& starts) { on_assign(starts); };
    read.before_group_wait = [this] {
      // The group lookup that follows may wait for another member's pending transactional offsets
      // (read_committed): no transaction of ours stays open meanwhile (RecordSource::ReadOptions).
      if (m_source && m_options.transactional && !m_finished && m_transaction_open && m_transaction_records > 0) {
        checkpoint();
        m_last_commit = Clock::now();
      }
    };
    read.on_idle = [this] {
      if (m_source) {
        tick();
      }
    };
    read.group_position = [](int64_t committed, std::string_view metadata) {
      const auto decoded = decode_commit_metadata(committed, metadata);
      return decoded && decoded->read ? *decoded->read : committed;
    };
    kafka::ClientConfig consumer_config = config;
    if (m_options.transactional) {
      // Offsets travel inside the transaction; only committed records are replayed.
      consumer_config.set("enable.auto.commit", "false");
      consumer_config.set("isolation.level", "read_committed");
    } else {
      consumer_config.set("enable.auto.commit", "false"); // we commit what the tracker allows
    }
    // Several replay processes share the partitions with librdkafka's default, eager assignors
    // (range, roundrobin): a member revokes its partitions, and commits them, before it rejoins,
    // and holds none, so commits nothing, while the group rejoins. cooperative-sticky keeps them
    // through the join, and librdkafka 2.0.2 lets a commit then meet the coordinator's new
    // generation and drops the member's whole assignment as lost (librdkafka issue #4059, fixed
    // in 2.10): docs/REPLAY.md.
    m_source = std::make_unique<kafka::RecordSource>(consumer_config, read);
    if (!m_options.dry_run) {
      kafka::ClientConfig producer_config = config;
      if (producer_config.find("enable.idempotence") == nullptr) {
        producer_config.set("enable.idempotence", "true"); // retries never duplicate
      }
      if (producer_config.find("queue.buffering.max.messages") == nullptr) {
        // The source outruns the cluster's acknowledgements: bound what waits in memory (the
        // default is 100,000 records); a full queue just waits for delivery reports.
        producer_config.set("queue.buffering.max.messages", "10000");
      }
      if (m_options.transactional) {
        producer_config.set("transactional.id", m_options.transactional_id);
      }
      m_producer = std::make_unique<kafka::Producer>(producer_config,
                                                     [this](const kafka::DeliveryReport& report) { on_delivery(report); });
      if (m_options.transactional) {
        check_transaction_step("init transactions", m_producer->init_transactions(k_transaction_timeout));
        begin_transaction();
      }
    }
  }

  ~Impl()
  {
    // Leave the group while the producer still exists (the revoke callback may use it).
    try {
      m_source->close();
    } catch (...) {
    }
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  ReplayStats run(const Progress& progress)
  {
    m_progress = &progress;
    m_last_commit = Clock::now();
    try {
      do {
        while (true) {
          if (commits_held() && !m_options.transactional) {
            // The group is rebalancing: act on nothing new until it is done, so that what a
            // partition's next owner may repeat stays within the last second's work. Records
            // polled meanwhile are not noted, and are read again afterwards (reread_dropped).
            if (util::interrupt_requested()) {
              break;
            }
            if (auto dropped = m_source->serve_group(milliseconds(100))) {
              m_dropped.insert(std::move(*dropped));
            }
            tick();
            continue;
          }
          reread_dropped();
          const auto* record = m_source->next();
          if (record == nullptr) {
            break;
          }
          handle(*record);
          tick();
        }
        m_stats.interrupted = m_source->interrupted() || util::interrupt_requested();
        // An aborted last transaction rewound the source: read those records again.
      } while (!finish(true) && !m_stats.interrupted);
      report_handovers();
      if (!m_stats.interrupted && !m_options.dry_run) {
        m_stats.group_incomplete = m_source->group_incomplete();
        if (!m_stats.group_incomplete) {
          m_stats.group_incomplete = m_source->verify_group_done();
        }
      }
      m_source->close();
    } catch (...) {
      // Deliver and commit what was acknowledged (an open transaction is aborted), then report.
      try {
        finish(false);
        m_source->close();
      } catch (...) {
      }
      m_progress = nullptr;
      throw;
    }
    m_progress = nullptr;
    if (progress) {
      m_stats.remaining = m_source->remaining();
      progress(m_stats);
    }
    return m_stats;
  }

private:
  // Partitions whose records were polled and dropped while the group rebalanced (one may even
  // come from the assignment that ended the rebalance) are read again from where this run's notes
  // end, or nothing would tell those records from offsets compaction removed.
  void reread_dropped()
  {
    for (const auto& partition : m_dropped) {
      const Slot slot = m_tracker.slot(partition.first, partition.second);
      if (!m_tracker.started(slot)) {
        continue; // not ours any more: its next owner reads it from the group's commit
      }
      try {
        m_source->rewind(partition.first, partition.second, m_tracker.next(slot));
      } catch (const KafkaError&) {
        // Not assigned after all: the same.
      }
    }
    m_dropped.clear();
  }

  // After each record, and whenever the source waits for one (the rest of the group included):
  // commit what was handled every second, and show progress.
  void tick()
  {
    const auto now = Clock::now();
    // The record count bounds transactions only: without them it would commit after every
    // record once it was reached (it is reset by begin_transaction()).
    const bool full = m_options.transactional && m_transaction_records >= m_options.transaction_records;
    if (!m_finished && (now - m_last_commit >= k_commit_interval || full || m_commit_soon)) {
      checkpoint();
      m_last_commit = Clock::now();
    }
    if (m_progress != nullptr && *m_progress && now - m_last_progress >= milliseconds(200)) {
      m_stats.remaining = m_source->remaining();
      (*m_progress)(m_stats);
      m_last_progress = now;
    }
  }

  void handle(const record::Record& record)
  {
    ++m_stats.read;
    const Slot source = m_tracker.slot(record.topic, record.partition);
    if (m_tracker.handled_earlier(source, record.offset)) {
      ++m_stats.already_handled;
      note(source, record.offset, Note::Handled);
      explain(record, Outcome::Pass, "handled by an earlier run in the group", nullptr, nullptr);
      return;
    }
    const ErrorContext* context = dialect::decode(record, m_error) ? &m_error : nullptr;
    const Counter counter = read_counter(record, counter_header(m_options.policy.retry_header, context));
    const bool attempts_match = !m_min_attempts || (counter.problem.empty() && counter.value >= *m_min_attempts);
    if (!attempts_match || !matches(m_options.filter, record, context)) {
      ++m_stats.filtered;
      note(source, record.offset, Note::Left);
      explain(record, Outcome::Leave, "filtered out: left for a later run", nullptr, &counter, context);
      return;
    }
    if (!m_tracker.may_act(source, record.offset)) {
      ++m_stats.deferred;
      note(source, record.offset, Note::Left);
      explain(record, Outcome::Defer,
              "left for a later run: the commit's metadata cannot record more records past those this run left",
              nullptr, &counter, context);
      return;
    }
    Decision& decision = m_decision;
    if (m_options.park_matching) {
      decision.action = Action::Park;
      decision.counter = counter;
      decision.reason = "matched the park filters";
      decision.output = make_parked(record, m_options.policy.park_topic, decision.reason, util::now_ms());
    } else {
      plan(record, context, counter, m_options.policy, util::now_ms(), decision);
    }
    std::string_view exception = "-";
    if (context != nullptr) {
      const auto& e = primary_exception(*context);
      if (e.cause_class || e.class_name) {
        exception = e.cause_class ? *e.cause_class : *e.class_name;
      }
    }
    count(m_stats.by_exception, exception);
    if (decision.action == Action::Skip) {
      ++m_stats.skipped;
      count(m_stats.skip_reasons, decision.reason);
      note(source, record.offset, Note::Handled);
      explain(record, Outcome::Skip, decision.reason, nullptr, &counter, context);
      return;
    }
    resolve_partition(record, decision.output, decision.action == Action::Replay && m_options.policy.keep_partition);
    count(m_stats.by_target, decision.output.topic);
    count_partition(decision.output.topic, decision.output.partition);
    explain(record, decision.action == Action::Park ? Outcome::Park : Outcome::Replay, decision.reason, &decision.output,
            &counter, context);
    if (m_options.dry_run) {
      ++(decision.action == Action::Park ? m_stats.parked : m_stats.replayed);
      note(source, record.offset, Note::Handled);
      return;
    }
    wait_for_rate();
    produce(decision, source, record.offset);
  }

  void explain(const record::Record& record, Outcome outcome, std::string_view reason, const record::Record* output,
               const Counter* counter, const ErrorContext* context = nullptr)
  {
    if (!m_options.explain) {
      return;
    }
    std::optional<int32_t> in_app;
    if (context != nullptr && context->attempts && (counter == nullptr || !counter->present || *context->attempts != counter->value)) {
      in_app = context->attempts;
    }
    m_options.explain({record, outcome, reason, output, counter, m_options.policy.max_attempts, in_app});
  }

  enum class Note : uint8_t { Handled, Left };

  // A record handled (or left) without anything to wait for.
  void note(Slot source, int64_t offset, Note how)
  {
    if (m_options.transactional) {
      note_transaction_position(source, offset);
    }
    if (how == Note::Handled) {
      m_tracker.handle(source, offset);
    } else {
      m_tracker.leave(source, offset);
    }
  }

  // by_partition, without building its key for every record: they come in runs.
  void count_partition(const std::string& topic, int32_t partition)
  {
    auto& counts = m_stats.by_partition;
    if (m_last_partition == counts.end() || m_last_partition->first.second != partition
        || m_last_partition->first.first != topic) {
      m_last_partition = counts.try_emplace({topic, partition}, 0).first;
    }
    ++m_last_partition->second;
  }

  // --keep-partition must exist on the target; keyed records get the Java client's partition.
  // A partition the target lacks stops the run (exit 1) before this record: nothing is
  // committed from it on, and the operator decides (--to, or without --keep-partition).
  void resolve_partition(const record::Record& record, record::Record& out, bool keep_partition)
  {
    const auto count = partition_count(out.topic);
    if (keep_partition) {
      if (out.partition < 0 || out.partition >= count) {
        throw DeliveryError(fmt::format("{} [{}] @ {}: --keep-partition: partition {} does not exist in \"{}\" ({} "
                                        "partition{}); nothing was committed from this record on",
                                        record.topic, record.partition, record.offset, out.partition, out.topic, count,
                                        count == 1 ? "" : "s"));
      }
      return;
    }
    out.partition = java_partition(out.key, count).value_or(-1);
  }

  int32_t partition_count(const std::string& topic)
  {
    auto it = m_partition_counts.find(topic);
    if (it == m_partition_counts.end()) {
      auto& client = m_producer ? static_cast<kafka::Client&>(*m_producer) : m_source->consumer();
      it = m_partition_counts.emplace(topic, static_cast<int32_t>(client.partitions(topic).size())).first;
    }
    return it->second;
  }

  // --rate: the bucket starts empty at the first record produced (a group join before it does not
  // fill it) and holds at most 10 ms of records, so that no second sees more than N and a burst.
  void wait_for_rate()
  {
    if (m_options.rate <= 0) {
      return;
    }
    if (!m_bucket) {
      m_bucket.emplace(m_options.rate, Clock::now());
    }
    while (!util::interrupt_requested()) {
      const auto wait = m_bucket->take(Clock::now());
      if (wait == Clock::duration::zero()) {
        return;
      }
      // Serve delivery reports while waiting; wake at least every 100 ms to see an interrupt.
      m_producer->poll(std::min(std::chrono::duration_cast<milliseconds>(wait) + milliseconds(1), milliseconds(100)));
    }
  }

  void produce(const Decision& decision, Slot source, int64_t offset)
  {
    const uint64_t token = m_in_flight.add({source, offset, decision.action});
    if (m_options.transactional) {
      // Handled if its transaction commits; an aborted one rewinds the tracker too.
      note(source, offset, Note::Handled);
      ++m_transaction_records;
    } else {
      m_tracker.begin(source, offset);
    }
    const auto err = m_producer->produce(decision.output, token);
    if (kafka::failed(err)) {
      // Refused at once (too large, unknown partition): left, so a rerun meets it again. A
      // transaction cannot pass it by: stop.
      m_in_flight.take(token);
      ++m_stats.failed;
      if (m_options.transactional) {
        const auto& [topic, partition] = m_tracker.partition(source);
        throw DeliveryError(
          fmt::format("{} [{}] @ {} refused by the producer: {}", topic, partition, offset, kafka::error_string(err)));
      }
      m_tracker.finish(source, offset, false);
    }
    if (token % k_poll_every == 0) {
      m_producer->poll(milliseconds(0));
    }
  }

  void on_delivery(const kafka::DeliveryReport& report)
  {
    const auto taken = m_in_flight.take(report.token);
    if (!taken) {
      return;
    }
    const InFlight& done = *taken;
    if (kafka::failed(report.err)) {
      if (!m_options.transactional) {
        ++m_stats.failed; // transactional: the commit fails, and the records are produced again
        m_tracker.finish(done.source, done.offset, false);
      }
      return;
    }
    if (m_options.transactional) {
      // Counted when the transaction commits.
      ++(done.action == Action::Park ? m_transaction_parked : m_transaction_replayed);
      return;
    }
    ++(done.action == Action::Park ? m_stats.parked : m_stats.replayed);
    m_tracker.finish(done.source, done.offset, true);
  }

  void on_assign(std::vector<kafka::StartPosition>& starts)
  {
    for (auto& start : starts) {
      const Slot slot = m_tracker.slot(start.topic, start.partition);
      const Partition partition{start.topic, start.partition};
      m_transaction_start.erase(slot);
      // A partition this member handed over (or lost) uncommitted comes back, and nobody
      // committed it meanwhile: go on from where this member was, acting on nothing twice.
      const auto known = m_group_commits.find(partition);
      const bool unchanged = known != m_group_commits.end() && known->second.first == start.committed
                             && known->second.second == start.metadata;
      if (unchanged && !m_options.transactional && m_tracker.take_back(slot)) {
        start.offset = m_tracker.next(slot);
        continue;
      }
      m_tracker.drop_aside(partition);
      m_group_commits[partition] = {start.committed, start.metadata};
      if (!start.offset) {
        m_tracker.forget(partition);
        continue;
      }
      // What earlier runs handled past the commit counts only when reading starts from the
      // commit (an explicit -o starts afresh).
      CommitMetadata earlier;
      if (start.committed && m_options.read.start.kind == kafka::OffsetSpec::Kind::Stored) {
        if (auto decoded = decode_commit_metadata(*start.committed, start.metadata)) {
          earlier = std::move(*decoded);
        }
      }
      m_tracker.start(slot, *start.offset, earlier);
      // Committed at once only if that changes the group's commit (a stale read marker from an
      // earlier run); a group with no commit keeps none until this run handles something.
      m_tracker.assume_committed(slot, start.committed.value_or(*start.offset),
                                 start.committed ? std::string_view(start.metadata) : std::string_view());
    }
    // A rebalance ended: commits may go again, and the new partitions' commits say at once that
    // this run is reading them (for the -e check of the other members).
    m_commits_held_at.reset();
    m_commit_soon = !starts.empty() && !m_options.transactional;
  }

  // Non-transactional: commit what was handled so far. Transactional: commit the transaction
  // (records and offsets together) and begin the next.
  void checkpoint()
  {
    m_commit_soon = false;
    if (m_options.dry_run) {
      return;
    }
    if (m_options.transactional) {
      commit_transaction(); // aborted: the source was rewound, and the records come again
      begin_transaction();
      return;
    }
    m_producer->poll(milliseconds(0));
    commit_progress(false);
  }

  // Whether commits wait for the end of a rebalance: one was refused for it. A commit sent while
  // the group rejoins carries a generation the coordinator has just replaced, and librdkafka then
  // takes the whole assignment for lost (seen on the embedded broker, one commit a second).
  bool commits_held() const noexcept
  {
    return m_commits_held_at && m_source->assignments() <= m_commits_held_at->first
           && Clock::now() - m_commits_held_at->second < m_source->group_timeout();
  }

  // Commits from the tracker. A periodic commit refused for a rebalance is offered again once the
  // rebalance ended; the final one waits for that end (serving the group, and dropping records
  // read meanwhile: uncommitted, they are read again). One refused as retriable (the group's
  // coordinator moving or loading) is offered again at the next tick, the final one after a
  // backoff; either way for a bounded time (retry_commit_later).
  void commit_progress(bool final)
  {
    // Interrupted, the end of a rebalance is awaited no longer than the in-flight records are.
    const auto patience = util::interrupt_requested() ? k_interrupt_flush : m_source->group_timeout();
    const auto deadline = Clock::now() + patience;
    while (true) {
      if (commits_held()) {
        if (!final) {
          return;
        }
        if (Clock::now() >= deadline) {
          throw KafkaError(fmt::format("commit DLQ offsets: the group did not end its rebalance within {} s (every "
                                       "record counted was delivered; a rerun acts again on the uncommitted ones)",
                                       patience.count() / 1000));
        }
        m_source->serve_group(milliseconds(100)); // what comes is read again by a later run
        continue;
      }
      const auto commits = m_tracker.take_committable();
      const auto result = commit(commits);
      if (result.committed()) {
        m_commit_retry.reset();
        return;
      }
      m_tracker.untake();
      switch (result.status) {
      case kafka::CommitStatus::Rebalance:
        m_commit_retry.reset();
        m_commits_held_at = {m_source->assignments(), Clock::now()};
        break;
      case kafka::CommitStatus::Retriable:
        if (!final) {
          note_commit_retry(result); // throws once out of patience
          return;                    // offered again at the next tick
        }
        wait_commit_backoff(result);
        break;
      case kafka::CommitStatus::Committed:
      case kafka::CommitStatus::Fatal:
        throw_commit_error(result);
      }
    }
  }

  [[noreturn]] static void throw_commit_error(const kafka::CommitResult& result, std::string_view how_long = {})
  {
    throw KafkaError(fmt::format("commit DLQ offsets{}: {} (every record counted was delivered; a rerun acts again on "
                                 "the uncommitted ones)",
                                 how_long, result.text()),
                     result.err, false, result.status == kafka::CommitStatus::Retriable);
  }

  milliseconds commit_retry_limit() const
  {
    if (util::interrupt_requested()) {
      return k_interrupt_flush;
    }
    return std::max(k_commit_retry_limit, m_source->group_timeout());
  }

  // A retriable commit error: remembered with its first time; throws once such errors have
  // lasted longer than commit_retry_limit().
  void note_commit_retry(const kafka::CommitResult& result)
  {
    const auto now = Clock::now();
    if (!m_commit_retry) {
      m_commit_retry = CommitRetry{now, k_commit_backoff_first};
      ++m_stats.commit_retries;
      return;
    }
    ++m_stats.commit_retries;
    const auto limit = commit_retry_limit();
    if (now - m_commit_retry->since >= limit) {
      throw_commit_error(result, fmt::format(" (retried for {} s)", limit.count() / 1000));
    }
  }

  // The final commit's pause before it is sent again: doubling, interruptible (the group is
  // served meanwhile, records that come are read again by a later run), bounded.
  void wait_commit_backoff(const kafka::CommitResult& result)
  {
    note_commit_retry(result);
    const auto pause = m_commit_retry->backoff;
    m_commit_retry->backoff = std::min(pause * 2, k_commit_backoff_last);
    const auto until = Clock::now() + pause;
    while (Clock::now() < until) {
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
      m_source->serve_group(std::clamp(left, milliseconds(1), milliseconds(100)));
      if (util::interrupt_requested() && Clock::now() - m_commit_retry->since >= k_interrupt_flush) {
        throw_commit_error(result, " (interrupted while retrying)");
      }
    }
  }

  // Inside a revoke: the commit of the revoked partitions, retried while it is retriable, for
  // k_revoke_commit_limit at most (the group cannot be served from its own callback: plain pauses).
  kafka::CommitResult commit_for_handover(const std::vector<OffsetTracker::Commit>& commits)
  {
    const auto give_up = Clock::now() + k_revoke_commit_limit;
    auto pause = k_commit_backoff_first;
    while (true) {
      const auto result = commit(commits);
      if (result.status != kafka::CommitStatus::Retriable || Clock::now() + pause >= give_up
          || util::interrupt_requested()) {
        return result;
      }
      ++m_stats.commit_retries;
      m_producer->poll(pause); // serves delivery reports meanwhile
      pause = std::min(pause * 2, k_commit_backoff_last);
    }
  }

  kafka::CommitResult commit(const std::vector<OffsetTracker::Commit>& commits)
  {
    std::vector<kafka::TopicPartition> list;
    list.reserve(commits.size());
    for (const auto& c : commits) {
      list.emplace_back(c.partition.first, c.partition.second, c.offset, c.metadata);
      note_truncation(c);
    }
    const auto result = m_source->consumer().try_commit(list);
    if (result.committed()) {
      for (const auto& c : commits) {
        m_group_commits[c.partition] = {c.offset, c.metadata};
      }
    }
    return result;
  }

  void note_truncation(const OffsetTracker::Commit& c)
  {
    if (c.truncated_at && m_truncation_noted.insert(c.partition).second) {
      m_stats.warnings.push_back(fmt::format("{} [{}]: the records handled from offset {} on did not fit in the commit's "
                                             "metadata; a later run may act on them again",
                                             c.partition.first, c.partition.second, *c.truncated_at));
    }
  }

  void drain(milliseconds limit)
  {
    const auto deadline = Clock::now() + limit;
    while (m_producer->in_flight() > 0 && Clock::now() < deadline) {
      m_producer->flush(milliseconds(100));
      if (util::interrupt_requested() && limit > k_interrupt_flush) {
        break; // a second signal does not exist for us; leave the bounded flush below to it
      }
    }
  }

  // False when the last transaction was aborted (and the source rewound) instead of committed.
  bool finish(bool success)
  {
    if (m_finished || m_options.dry_run) {
      m_finished = true;
      return true;
    }
    if (m_options.transactional) {
      if (m_transaction_open && success) {
        if (!commit_transaction()) {
          begin_transaction();
          return false;
        }
      } else if (m_transaction_open) {
        m_transaction_open = false;
        check_transaction_step("abort transaction", m_producer->abort_transaction(k_transaction_timeout));
      }
      m_finished = true;
      return true;
    }
    m_finished = true;
    // Wait for every delivery report (librdkafka gives up after message.timeout.ms), then
    // commit what was handled.
    drain(util::interrupt_requested() ? k_interrupt_flush : milliseconds(24 * 3600 * 1000));
    commit_progress(true);
    return true;
  }

  void on_revoke(const std::vector<Partition>& revoked, bool lost)
  {
    if (m_options.dry_run || !m_producer || m_finished) {
      return;
    }
    // Finish the work on these partitions before another member takes them over.
    if (m_options.transactional) {
      if (m_transaction_open && !lost) {
        commit_transaction();
        begin_transaction();
      } else if (m_transaction_open) {
        // The group went on without us: the transaction's records are discarded, and the
        // partitions' next owner produces them again.
        abort_and_rewind(&revoked);
        begin_transaction();
      }
    } else {
      drain(milliseconds(30000));
      std::vector<OffsetTracker::Commit> commits;
      for (const auto& partition : revoked) {
        if (auto c = m_tracker.committable(partition)) {
          commits.push_back(std::move(*c));
        }
      }
      // Lost: the group went on without this member, and a commit would be refused or overwrite
      // the new owner's. Either way, what was not committed is kept aside: if the partition comes
      // back with the group's commit unchanged, this member goes on from there (on_assign).
      const bool committed = !lost && commit_for_handover(commits).committed();
      for (const auto& partition : revoked) {
        if (committed) {
          m_tracker.forget(partition);
        } else {
          m_tracker.set_aside(partition);
        }
      }
    }
    for (const auto& partition : revoked) {
      if (m_options.transactional) {
        m_tracker.forget(partition);
      }
      m_transaction_start.erase(m_tracker.slot(partition.first, partition.second));
    }
  }

  // At the end: partitions handed over with progress that no commit recorded.
  void report_handovers()
  {
    for (const auto& c : m_tracker.aside_commits()) {
      const auto known = m_group_commits.find(c.partition);
      if (known != m_group_commits.end() && known->second.first == c.offset && known->second.second == c.metadata) {
        continue;
      }
      m_stats.warnings.push_back(fmt::format("{} [{}] went to another member before its progress was committed: the "
                                             "records this run handled past the group's commit are acted on again",
                                             c.partition.first, c.partition.second));
    }
  }

  // --- transactions -------------------------------------------------------------------------

  void note_transaction_position(Slot source, int64_t offset) { m_transaction_start.try_emplace(source, offset); }

  static void check_transaction_step(const char* step, const kafka::ErrorPtr& error)
  {
    if (error) {
      kafka::throw_transaction_error(step, *error);
    }
  }

  void begin_transaction()
  {
    check_transaction_step("begin transaction", m_producer->begin_transaction());
    m_transaction_open = true;
    m_transaction_records = 0;
    m_transaction_replayed = 0;
    m_transaction_parked = 0;
  }

  // True when committed; false when it was aborted and its records will be read again.
  bool commit_transaction()
  {
    m_transaction_open = false;
    kafka::ErrorPtr error = send_offsets();
    if (!error) {
      error = m_producer->commit_transaction(k_transaction_timeout);
      // A retriable error may be retried as is (librdkafka src/rdkafka.h, commit_transaction).
      while (error && kafka::error_is_retriable(*error) && !util::interrupt_requested()) {
        error = m_producer->commit_transaction(k_transaction_timeout);
      }
    }
    if (!error) {
      m_stats.replayed += m_transaction_replayed;
      m_stats.parked += m_transaction_parked;
      m_transaction_start.clear();
      m_consecutive_aborts = 0;
      return true;
    }
    m_tracker.untake();
    if (!kafka::error_requires_abort(*error)) {
      check_transaction_step("commit transaction", error); // fatal: throws
    }
    // Typically a record of the transaction was not delivered: the cluster discards them all,
    // and they are read and produced again. A record that fails every time stops the run.
    if (++m_consecutive_aborts > k_max_consecutive_aborts) {
      abort_and_rewind(nullptr);
      throw DeliveryError(fmt::format("transaction aborted {} times in a row: {}", m_consecutive_aborts,
                                      kafka::error_text(*error)));
    }
    abort_and_rewind(nullptr);
    return false;
  }

  kafka::ErrorPtr send_offsets()
  {
    const auto commits = m_tracker.take_committable();
    if (commits.empty()) {
      return nullptr;
    }
    std::vector<kafka::TopicPartition> list;
    for (const auto& c : commits) {
      list.emplace_back(c.partition.first, c.partition.second, c.offset, c.metadata);
      note_truncation(c);
    }
    const auto offsets = kafka::to_partition_list(list);
    const auto group = m_source->consumer().group_metadata();
    return m_producer->send_offsets_to_transaction(*offsets, *group, k_transaction_timeout);
  }

  // The transaction's records are discarded by the cluster; read them again from where it began
  // (but not in `revoked` partitions, which their next owner reads).
  void abort_and_rewind(const std::vector<Partition>* revoked)
  {
    check_transaction_step("abort transaction", m_producer->abort_transaction(k_transaction_timeout));
    ++m_stats.aborted_transactions;
    m_in_flight.clear();
    for (const auto& [slot, offset] : m_transaction_start) {
      const auto& partition = m_tracker.partition(slot);
      if (revoked != nullptr && std::find(revoked->begin(), revoked->end(), partition) != revoked->end()) {
        continue;
      }
      m_tracker.rewind(slot, offset);
      m_source->rewind(partition.first, partition.second, offset);
    }
    m_transaction_start.clear();
  }

  ReplayOptions m_options;
  std::optional<int32_t> m_min_attempts;
  const Progress* m_progress = nullptr; // run()'s
  Clock::time_point m_last_commit;
  Clock::time_point m_last_progress;
  // Destroyed after the producer: its close() runs the revoke callback, which uses the producer,
  // so run() closes it first.
  std::unique_ptr<kafka::RecordSource> m_source;
  std::unique_ptr<kafka::Producer> m_producer;
  std::optional<TokenBucket> m_bucket; // --rate, from the first record produced
  // Per source partition: what was handled, what may be committed (retry/offset_tracker.hpp).
  OffsetTracker m_tracker;
  InFlightWindow m_in_flight;
  std::map<std::string, int32_t> m_partition_counts;
  Decision m_decision; // reused from record to record
  ErrorContext m_error;   // the last record's, its strings reused likewise
  ReplayStats m_stats;
  decltype(m_stats.by_partition)::iterator m_last_partition = m_stats.by_partition.end();
  bool m_finished = false;
  // Set when a commit was refused for a rebalance: the number of assignments seen then, and when.
  std::optional<std::pair<uint64_t, Clock::time_point>> m_commits_held_at;
  bool m_commit_soon = false; // a new assignment: commit at the next record
  // The group's commit of each partition as this member last knew it (assignment, own commits).
  std::map<Partition, std::pair<std::optional<int64_t>, std::string>> m_group_commits;
  std::set<Partition> m_truncation_noted;
  std::set<Partition> m_dropped; // polled while rebalancing, and not noted
  // Since when group commits have been refused as retriable, and the final commit's next pause.
  struct CommitRetry
  {
    Clock::time_point since;
    milliseconds backoff;
  };
  std::optional<CommitRetry> m_commit_retry;

  bool m_transaction_open = false;
  int m_consecutive_aborts = 0;
  size_t m_transaction_records = 0;
  uint64_t m_transaction_replayed = 0;
  uint64_t m_transaction_parked = 0;
  std::map<Slot, int64_t> m_transaction_start; // first offset read in this transaction
};

Replayer::Replayer(const kafka::ClientConfig& config, ReplayOptions options)
  : m_impl(std::make_unique<Impl>(config, std::move(options)))
{
}

Replayer::~Replayer() = default;

ReplayStats
Replayer::run(const Progress& progress)
{
  return m_impl->run(progress);
}

} // namespace dlq::retry

