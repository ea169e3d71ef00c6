#include "retry/replayer.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "kafka/producer.hpp"
#include "retry/offset_tracker.hpp"
#include "retry/token_bucket.hpp"
#include "util/interrupt.hpp"
#include "util/json_writer.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

#include <chrono>
#include <deque>
#include <thread>

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
// Delivery reports are served every this many records (and at every checkpoint), not after each.
constexpr uint64_t k_poll_every = 64;

int64_t
now_ms()
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string
error_text(const rd_kafka_error_t* error)
{
  return fmt::format("{} ({})", rd_kafka_error_string(error), rd_kafka_error_name(error));
}

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

// What one produced record stands for, until its delivery report arrives.
struct InFlight
{
  Slot source = 0;
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

} // namespace

class Replayer::Impl
{
public:
  Impl(const kafka::ClientConfig& config, ReplayOptions options) : m_options(std::move(options))
  {
    if (!m_options.read.group) {
      throw UsageError("replay: a consumer group is required");
    }
    auto read = m_options.read;
    read.join_group = !m_options.dry_run;
    read.on_revoke = [this](const std::vector<Partition>& revoked) { on_revoke(revoked); };
    kafka::ClientConfig consumer_config = config;
    if (m_options.transactional) {
      // Offsets travel inside the transaction; only committed records are replayed.
      consumer_config.set("enable.auto.commit", "false");
      consumer_config.set("isolation.level", "read_committed");
    } else {
      consumer_config.set("enable.auto.commit", "false"); // we commit what the tracker allows
    }
    if (consumer_config.find("partition.assignment.strategy") == nullptr) {
      // Scale-out: several replay processes share the partitions, moving as few as possible.
      consumer_config.set("partition.assignment.strategy", "cooperative-sticky");
    }
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
    if (m_options.rate > 0) {
      m_bucket.emplace(m_options.rate, Clock::now());
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
    auto last_commit = Clock::now();
    auto last_progress = Clock::now();
    try {
      do {
        while (const auto* record = m_source->next()) {
          handle(*record);
          const auto now = Clock::now();
          // The record count bounds transactions only: without them it would commit after
          // every record once it was reached (it is reset by begin_transaction()).
          const bool full = m_options.transactional && m_transaction_records >= m_options.transaction_records;
          if (now - last_commit >= k_commit_interval || full) {
            checkpoint();
            last_commit = Clock::now();
          }
          if (progress && now - last_progress >= milliseconds(200)) {
            progress(m_stats);
            last_progress = now;
          }
        }
        m_stats.interrupted = m_source->interrupted();
        // An aborted last transaction rewound the source: read those records again.
      } while (!finish(true) && !m_stats.interrupted);
      m_source->close();
    } catch (...) {
      // Deliver and commit what was acknowledged (an open transaction is aborted), then report.
      try {
        finish(false);
        m_source->close();
      } catch (...) {
      }
      throw;
    }
    if (progress) {
      progress(m_stats);
    }
    return m_stats;
  }

private:
  void handle(const record::Record& record)
  {
    ++m_stats.read;
    const Slot source = m_tracker.slot(record.topic, record.partition);
    const ErrorContext* context = dialect::decode(record, m_error) ? &m_error : nullptr;
    if (!matches(m_options.filter, record, context)) {
      ++m_stats.filtered;
      account_without_produce(source, record.offset);
      return;
    }
    Decision& decision = m_decision;
    if (m_options.park_matching) {
      decision.action = Action::Park;
      decision.attempts = 0;
      decision.reason = "matched the park filters";
      decision.output = make_parked(record, m_options.policy.park_topic, decision.reason, now_ms());
    } else {
      plan(record, context, m_options.policy, now_ms(), decision);
    }
    std::string_view exception = "-";
    if (context != nullptr && (context->exception.cause_class || context->exception.class_name)) {
      exception = context->exception.cause_class ? *context->exception.cause_class : *context->exception.class_name;
    }
    count(m_stats.by_exception, exception);
    if (decision.action == Action::Skip) {
      ++m_stats.skipped;
      count(m_stats.skip_reasons, decision.reason);
      account_without_produce(source, record.offset);
      return;
    }
    resolve_partition(decision.output);
    count(m_stats.by_target, decision.output.topic);
    count_partition(decision.output.topic, decision.output.partition);
    if (m_options.dry_run) {
      ++(decision.action == Action::Park ? m_stats.parked : m_stats.replayed);
      return;
    }
    wait_for_rate();
    produce(decision, source, record.offset);
  }

  void account_without_produce(Slot source, int64_t offset)
  {
    if (m_options.dry_run) {
      return;
    }
    if (m_options.transactional) {
      note_transaction_position(source, offset);
    } else {
      m_tracker.begin(source, offset);
      m_tracker.finish(source, offset);
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
  void resolve_partition(record::Record& out)
  {
    const auto count = partition_count(out.topic);
    if (out.partition >= 0) {
      if (out.partition >= count) {
        throw UsageError(fmt::format("--keep-partition: partition {} does not exist in \"{}\" ({} partitions)",
                                     out.partition, out.topic, count));
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

  void wait_for_rate()
  {
    if (!m_bucket) {
      return;
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
      note_transaction_position(source, offset);
      ++m_transaction_records;
    } else {
      m_tracker.begin(source, offset);
    }
    const auto err = m_producer->produce(decision.output, token);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Refused at once (too large, unknown partition): it stays pending, so its offset is never
      // committed and a rerun meets it again. A transaction cannot pass it by: stop.
      m_in_flight.take(token);
      ++m_stats.failed;
      if (m_options.transactional) {
        const auto& [topic, partition] = m_tracker.partition(source);
        throw DeliveryError(
          fmt::format("{} [{}] @ {} refused by the producer: {}", topic, partition, offset, rd_kafka_err2str(err)));
      }
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
    if (report.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (!m_options.transactional) {
        ++m_stats.failed; // transactional: the commit fails, and the records are produced again
      }
      return;
    }
    if (m_options.transactional) {
      // Counted when the transaction commits.
      ++(done.action == Action::Park ? m_transaction_parked : m_transaction_replayed);
      return;
    }
    ++(done.action == Action::Park ? m_stats.parked : m_stats.replayed);
    m_tracker.finish(done.source, done.offset);
  }

  // Non-transactional: commit what was acknowledged so far. Transactional: commit the
  // transaction (records and offsets together) and begin the next.
  void checkpoint()
  {
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

  // Commits from the tracker. During a rebalance the group refuses commits for a moment; that is
  // not an error for a periodic commit (the offsets are offered again next time), and the final
  // commit retries.
  void commit_progress(bool final)
  {
    for (int attempt = 0;; ++attempt) {
      const auto err = commit_offsets(m_tracker.take_committable());
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return;
      }
      m_tracker.untake();
      const bool rebalancing = err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION
                               || err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID || err == RD_KAFKA_RESP_ERR__STATE;
      if (!final && rebalancing) {
        return;
      }
      if (!rebalancing || attempt >= 10) {
        kafka::throw_kafka_error(
          "commit DLQ offsets (every record counted as replayed was delivered; a rerun replays the uncommitted ones again)",
          err);
      }
      // Let the rebalance finish. A record returned meanwhile is dropped unprocessed: its offset
      // is not committed, so nothing is lost.
      kafka::MessagePtr ignored = m_source->consumer().poll(milliseconds(500));
    }
  }

  rd_kafka_resp_err_t commit_offsets(const std::vector<std::pair<Partition, int64_t>>& offsets)
  {
    if (offsets.empty()) {
      return RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    std::vector<kafka::TopicPartition> list;
    for (const auto& [partition, offset] : offsets) {
      list.push_back({partition.first, partition.second, offset});
    }
    const auto partitions = kafka::to_partition_list(list);
    return rd_kafka_commit(m_source->consumer().handle(), partitions.get(), 0);
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
    // commit what was acknowledged.
    drain(util::interrupt_requested() ? k_interrupt_flush : milliseconds(24 * 3600 * 1000));
    commit_progress(true);
    return true;
  }

  void on_revoke(const std::vector<Partition>& revoked)
  {
    if (m_options.dry_run || !m_producer || m_finished) {
      return;
    }
    // Finish the work on these partitions before another member takes them over.
    if (m_options.transactional) {
      if (m_transaction_open) {
        commit_transaction();
        begin_transaction();
      }
    } else {
      drain(milliseconds(30000));
      std::vector<std::pair<Partition, int64_t>> offsets;
      for (const auto& partition : revoked) {
        if (const auto offset = m_tracker.committable(partition)) {
          offsets.emplace_back(partition, *offset);
        }
      }
      // Best effort: if the group refuses, the next owner reads these records again (no loss).
      commit_offsets(offsets);
    }
    for (const auto& partition : revoked) {
      m_tracker.forget(partition);
      const Slot slot = m_tracker.slot(partition.first, partition.second);
      m_transaction_start.erase(slot);
      m_transaction_next.erase(slot);
    }
  }

  // --- transactions -------------------------------------------------------------------------

  void note_transaction_position(Slot source, int64_t offset)
  {
    m_transaction_start.try_emplace(source, offset);
    m_transaction_next[source] = offset + 1;
  }

  void check_transaction_step(const char* step, kafka::ErrorPtr error)
  {
    if (error) {
      throw KafkaError(fmt::format("{}: {}", step, error_text(error.get())), rd_kafka_error_code(error.get()),
                       rd_kafka_error_is_fatal(error.get()) != 0, rd_kafka_error_is_retriable(error.get()) != 0);
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
    kafka::ErrorPtr error;
    if (!m_transaction_next.empty()) {
      error = send_offsets();
    }
    if (!error) {
      error = m_producer->commit_transaction(k_transaction_timeout);
      // A retriable error may be retried as is (librdkafka src/rdkafka.h, commit_transaction).
      while (error && rd_kafka_error_is_retriable(error.get()) != 0 && !util::interrupt_requested()) {
        error = m_producer->commit_transaction(k_transaction_timeout);
      }
    }
    if (!error) {
      m_stats.replayed += m_transaction_replayed;
      m_stats.parked += m_transaction_parked;
      m_transaction_start.clear();
      m_transaction_next.clear();
      m_consecutive_aborts = 0;
      return true;
    }
    if (rd_kafka_error_txn_requires_abort(error.get()) == 0) {
      check_transaction_step("commit transaction", std::move(error)); // fatal: throws
    }
    // Typically a record of the transaction was not delivered: the cluster discards them all,
    // and they are read and produced again. A record that fails every time stops the run.
    if (++m_consecutive_aborts > k_max_consecutive_aborts) {
      abort_and_rewind();
      throw DeliveryError(fmt::format("transaction aborted {} times in a row: {}", m_consecutive_aborts,
                                      error_text(error.get())));
    }
    abort_and_rewind();
    return false;
  }

  kafka::ErrorPtr send_offsets()
  {
    std::vector<kafka::TopicPartition> list;
    for (const auto& [slot, next] : m_transaction_next) {
      const auto& [topic, partition] = m_tracker.partition(slot);
      list.push_back({topic, partition, next});
    }
    const auto offsets = kafka::to_partition_list(list);
    kafka::GroupMetadataPtr group(rd_kafka_consumer_group_metadata(m_source->consumer().handle()));
    return m_producer->send_offsets_to_transaction(*offsets, *group, k_transaction_timeout);
  }

  // The transaction's records are discarded by the cluster; read them again from where it began.
  void abort_and_rewind()
  {
    check_transaction_step("abort transaction", m_producer->abort_transaction(k_transaction_timeout));
    ++m_stats.aborted_transactions;
    m_in_flight.clear();
    for (const auto& [slot, offset] : m_transaction_start) {
      const auto& [topic, partition] = m_tracker.partition(slot);
      m_source->rewind(topic, partition, offset);
    }
    m_transaction_start.clear();
    m_transaction_next.clear();
  }

  ReplayOptions m_options;
  // Destroyed after the producer: its close() runs the revoke callback, which uses the producer,
  // so run() closes it first.
  std::unique_ptr<kafka::RecordSource> m_source;
  std::unique_ptr<kafka::Producer> m_producer;
  std::optional<TokenBucket> m_bucket;
  // Source partitions by slot; without transactions, also what may be committed.
  OffsetTracker m_tracker;
  InFlightWindow m_in_flight;
  std::map<std::string, int32_t> m_partition_counts;
  Decision m_decision; // reused from record to record
  ErrorContext m_error;   // the last record's, its strings reused likewise
  ReplayStats m_stats;
  decltype(m_stats.by_partition)::iterator m_last_partition = m_stats.by_partition.end();
  bool m_finished = false;

  bool m_transaction_open = false;
  int m_consecutive_aborts = 0;
  size_t m_transaction_records = 0;
  uint64_t m_transaction_replayed = 0;
  uint64_t m_transaction_parked = 0;
  std::map<Slot, int64_t> m_transaction_start; // first offset read in this transaction
  std::map<Slot, int64_t> m_transaction_next;   // offset after the last one read
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

namespace {

// "topic [p]", or "topic [partitioner]" when the partition is left to the partitioner.
std::string
partition_name(const std::string& topic, int32_t partition)
{
  return partition >= 0 ? fmt::format("{} [{}]", topic, partition) : fmt::format("{} [partitioner]", topic);
}

std::map<std::string, uint64_t>
partition_counts(const ReplayStats& stats)
{
  std::map<std::string, uint64_t> counts;
  for (const auto& [where, count] : stats.by_partition) {
    counts[partition_name(where.first, where.second)] += count;
  }
  return counts;
}

} // namespace

std::string
render_plan(const ReplayStats& stats)
{
  std::string out = "plan (dry run: nothing produced, nothing committed)\n";
  const auto partitions = partition_counts(stats);
  const auto section = [&](std::string_view title, const auto& counts) {
    out += fmt::format("  {}:\n", title);
    if (counts.empty()) {
      out += "    (none)\n";
    }
    for (const auto& [name, count] : counts) {
      // Topics and exception classes come from the records: escaped for the terminal.
      out += fmt::format("    {:>7}  {}\n", count, util::visible(name));
    }
  };
  section("by target topic", stats.by_target);
  section("by target partition", partitions);
  section("by exception class", stats.by_exception);
  if (!stats.skip_reasons.empty()) {
    section("skipped", stats.skip_reasons);
  }
  return out;
}

std::string
render_summary_line(const ReplayStats& stats, bool dry_run)
{
  std::string line = fmt::format("{}{} read: {} replayed, {} parked, {} skipped, {} failed, {} filtered out",
                                 dry_run ? "dry run: " : "", stats.read, stats.replayed, stats.parked, stats.skipped,
                                 stats.failed, stats.filtered);
  if (stats.aborted_transactions > 0) {
    line += fmt::format(", {} transactions aborted and retried", stats.aborted_transactions);
  }
  for (const auto& [reason, count] : stats.skip_reasons) {
    line += fmt::format("; skipped {}: {}", count, reason);
  }
  return line;
}

std::string
render_summary_json(const ReplayStats& stats, bool dry_run)
{
  std::string out = "{";
  const auto number = [&](std::string_view name, uint64_t value) {
    util::append_json_string(out, name);
    out.push_back(':');
    util::append_json_int(out, static_cast<int64_t>(value));
    out.push_back(',');
  };
  const auto counts = [&](std::string_view name, const auto& map) {
    util::append_json_string(out, name);
    out += ":{";
    bool first = true;
    for (const auto& [key, value] : map) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      util::append_json_bytes(out, key);
      out.push_back(':');
      util::append_json_int(out, static_cast<int64_t>(value));
    }
    out += "},";
  };
  out += fmt::format("\"dry_run\":{},\"interrupted\":{},", dry_run ? "true" : "false", stats.interrupted ? "true" : "false");
  number("read", stats.read);
  number("replayed", stats.replayed);
  number("parked", stats.parked);
  number("skipped", stats.skipped);
  number("failed", stats.failed);
  number("filtered", stats.filtered);
  number("aborted_transactions", stats.aborted_transactions);
  counts("skip_reasons", stats.skip_reasons);
  counts("by_target", stats.by_target);
  const auto partitions = partition_counts(stats);
  counts("by_partition", partitions);
  counts("by_exception", stats.by_exception);
  out.back() = '}';
  out.push_back('\n');
  return out;
}

} // namespace dlq::retry
