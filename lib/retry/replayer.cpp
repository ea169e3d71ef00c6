#include "retry/replayer.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "kafka/producer.hpp"
#include "retry/commit_metadata.hpp"
#include "retry/counter.hpp"
#include "retry/group_commits.hpp"
#include "retry/in_flight_window.hpp"
#include "retry/offset_tracker.hpp"
#include "retry/token_bucket.hpp"
#include "retry/transaction.hpp"
#include "util/interrupt.hpp"
#include "util/time.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

namespace dlq::retry {

using kafka::milliseconds;
using Clock = std::chrono::steady_clock;
using Partition = OffsetTracker::Partition;
using Slot = OffsetTracker::Slot;

namespace {

constexpr milliseconds k_commit_interval{1000};
// Delivery reports are served every this many records (and at every checkpoint), not after each.
constexpr uint64_t k_poll_every = 64;
// The producer's byte bound (queue.buffering.max.kbytes), unless -X sets it. Counted whole
// (kafka::footprint), a parked dead letter with a 1.5 KB stack trace in its headers weighs about
// 2.3 KB, so 16 MiB hold about 7,000 of them; small records meet queue.buffering.max.messages
// (10,000) first.
constexpr uint64_t k_in_flight_kbytes = 16 * 1024;
// The consumer's prefetch, smaller than the reading commands' (RecordSource's defaults).
constexpr size_t k_replay_prefetch_records = 2000;
constexpr int64_t k_replay_fetch_bytes = 2 << 20;

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
    // Acknowledgements pace a replay, not the fetchers: records fetched far ahead only wait, and
    // each is held twice once produced (read and in flight). A dead letter's error context is in
    // headers, which librdkafka's prefetch byte bound does not count (docs/BENCHMARKS.md, W3's RSS).
    read.prefetch_records = k_replay_prefetch_records;
    read.fetch_bytes = k_replay_fetch_bytes;
    read.on_revoke = [this](const std::vector<Partition>& revoked, bool lost) { on_revoke(revoked, lost); };
    read.on_assign = [this](std::vector<kafka::StartPosition>& starts) { on_assign(starts); };
    read.before_group_wait = [this] {
      // The group lookup that follows may wait for another member's pending transactional offsets
      // (read_committed): no transaction of ours stays open meanwhile (RecordSource::ReadOptions).
      if (m_source && m_transaction && !m_finished && m_transaction->open() && m_transaction->records() > 0) {
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
      if (producer_config.find("queue.buffering.max.kbytes") == nullptr) {
        // ... and its bytes (the default is 1 GiB), which this replayer counts whole: headers
        // included (wait_for_room).
        producer_config.set("queue.buffering.max.kbytes", std::to_string(k_in_flight_kbytes));
      }
      if (m_options.transactional) {
        producer_config.set("transactional.id", m_options.transactional_id);
      }
      m_producer = std::make_unique<kafka::Producer>(producer_config,
                                                     [this](const kafka::DeliveryReport& report) { on_delivery(report); });
      // librdkafka has validated it (1 to INT_MAX).
      m_max_in_flight_bytes = 1024 * std::stoull(*producer_config.find("queue.buffering.max.kbytes"));
      if (m_options.transactional) {
        m_transaction.emplace(*m_producer, *m_source, m_tracker, m_in_flight, m_commits, m_stats);
        m_transaction->init();
        m_transaction->begin();
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
          if (m_commits.held(*m_source) && !m_options.transactional) {
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
      m_commits.report_handovers();
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
    // record once it was reached (it is reset by Transaction::begin()).
    const bool full = m_transaction && m_transaction->records() >= m_options.transaction_records;
    if (!m_finished && (now - m_last_commit >= k_commit_interval || full || m_commit_soon)) {
      checkpoint();
      m_last_commit = Clock::now();
    }
    show_progress(now);
  }

  // Every 200 ms at most: after records, and while the replayer waits for acknowledgements.
  void show_progress(Clock::time_point now)
  {
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
    const ErrorContext* context = m_decoder.decode(record, m_error) ? &m_error : nullptr;
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
    if (m_transaction) {
      m_transaction->note_position(source, offset);
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

  // Serves delivery reports until a record of `bytes` fits under the byte bound with those in
  // flight. librdkafka's bound counts values only, and a dead letter's error context is in its
  // headers. A record bigger than the bound goes alone; after an interrupt, this last one goes
  // over it (the run stops at the next record).
  void wait_for_room(uint64_t bytes)
  {
    while (m_in_flight.bytes() > 0 && m_in_flight.bytes() + bytes > m_max_in_flight_bytes
           && !util::interrupt_requested()) {
      m_producer->poll(milliseconds(100));
      show_progress(Clock::now());
    }
  }

  void produce(const Decision& decision, Slot source, int64_t offset)
  {
    const auto bytes = static_cast<uint32_t>(
      std::min<size_t>(kafka::footprint(decision.output), std::numeric_limits<uint32_t>::max()));
    wait_for_room(bytes);
    const uint64_t token = m_in_flight.add({source, offset, decision.action, true, bytes});
    if (m_options.transactional) {
      // Handled if its transaction commits; an aborted one rewinds the tracker too.
      note(source, offset, Note::Handled);
      m_transaction->count_produced();
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
      m_transaction->count_delivered(done.action); // counted when the transaction commits
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
      if (m_transaction) {
        m_transaction->forget_position(slot);
      }
      // A partition this member handed over (or lost) uncommitted comes back, and nobody
      // committed it meanwhile: go on from where this member was, acting on nothing twice.
      const bool unchanged = m_commits.known_unchanged(partition, start.committed, start.metadata);
      if (unchanged && !m_options.transactional && m_tracker.take_back(slot)) {
        start.offset = m_tracker.next(slot);
        continue;
      }
      m_tracker.drop_aside(partition);
      m_commits.set_known(partition, start.committed, start.metadata);
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
    m_commits.release();
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
      m_transaction->commit(); // aborted: the source was rewound, and the records come again
      m_transaction->begin();
      return;
    }
    m_producer->poll(milliseconds(0));
    m_commits.commit_progress(*m_source, false);
  }

  void drain(milliseconds limit, bool with_progress = false)
  {
    const auto deadline = Clock::now() + limit;
    while (m_producer->in_flight() > 0 && Clock::now() < deadline) {
      m_producer->flush(milliseconds(100));
      if (with_progress) {
        show_progress(Clock::now());
      }
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
      if (m_transaction->open() && success) {
        if (!m_transaction->commit()) {
          m_transaction->begin();
          return false;
        }
      } else if (m_transaction->open()) {
        m_transaction->abort();
      }
      m_finished = true;
      return true;
    }
    m_finished = true;
    // Wait for every delivery report (librdkafka gives up after message.timeout.ms), then
    // commit what was handled.
    drain(util::interrupt_requested() ? k_interrupt_flush : milliseconds(24 * 3600 * 1000), true);
    m_commits.commit_progress(*m_source, true);
    return true;
  }

  void on_revoke(const std::vector<Partition>& revoked, bool lost)
  {
    if (m_options.dry_run || !m_producer || m_finished) {
      return;
    }
    // Finish the work on these partitions before another member takes them over.
    if (m_options.transactional) {
      if (m_transaction->open() && !lost) {
        m_transaction->commit();
        m_transaction->begin();
      } else if (m_transaction->open()) {
        // The group went on without us: the transaction's records are discarded, and the
        // partitions' next owner produces them again.
        m_transaction->abort_and_rewind(&revoked);
        m_transaction->begin();
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
      const bool committed = !lost && m_commits.commit_for_handover(*m_source, *m_producer, commits).committed();
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
      if (m_transaction) {
        m_transaction->forget_position(m_tracker.slot(partition.first, partition.second));
      }
    }
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
  uint64_t m_max_in_flight_bytes = 0; // queue.buffering.max.kbytes, counted by kafka::footprint()
  std::map<std::string, int32_t> m_partition_counts;
  Decision m_decision; // reused from record to record
  ErrorContext m_error;   // the last record's, its strings reused likewise
  dialect::Decoder m_decoder; // the envelope parser's buffers, kept from record to record
  ReplayStats m_stats;
  decltype(m_stats.by_partition)::iterator m_last_partition = m_stats.by_partition.end();
  bool m_finished = false;
  bool m_commit_soon = false; // a new assignment: commit at the next record
  std::set<Partition> m_dropped; // polled while rebalancing, and not noted
  // Group commits after acknowledgement (retry/group_commits.hpp); declared after the tracker and
  // the stats it uses; built before the constructor makes the source, whose callbacks use it.
  GroupCommits m_commits{m_tracker, m_stats};
  // --transactional (not a dry run): the transaction state machine (retry/transaction.hpp).
  std::optional<Transaction> m_transaction;
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

