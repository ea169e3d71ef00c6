#pragma once

// Reads records from one or more topics the way every dlqcat reading command does: assigned
// partitions (no group, nothing committed) or a consumer group (-G), a start offset in any of
// kcat's forms, and -e: stop at the end offsets snapshotted at start, so that a busy topic still
// ends.

#include "kafka/consumer.hpp"
#include "kafka/fetch_waker.hpp"
#include "kafka/offset_spec.hpp"
#include "kafka/prefetch_watch.hpp"
#include "record/record.hpp"

#include <map>
#include <optional>
#include <string_view>

namespace dlq::kafka {

// Where reading a partition starts, told to ReadOptions::on_assign.
struct StartPosition
{
  std::string topic;
  int32_t partition = 0;
  std::optional<int64_t> offset;    // std::nullopt: left to librdkafka (auto.offset.reset=latest)
  std::optional<int64_t> committed; // the group's committed offset, if it has one
  std::string metadata;             // ... and that commit's metadata
};

struct ReadOptions
{
  std::vector<std::string> topics;
  std::vector<int32_t> partitions;           // -p: only these (of every topic); empty: all
  std::optional<std::string> group;          // -G
  // false: read from the group's committed offsets without joining it (a dry run must not make
  // the group rebalance), and commit nothing. With -p the group is never joined either: the
  // partitions are assigned, and commits go to the group directly.
  bool join_group = true;
  OffsetSpec start{OffsetSpec::Kind::Beginning, 0};
  std::optional<int64_t> stop_timestamp;     // e@MS: a partition ends at its first record at or after MS
  bool stop_at_end = false;                  // -e
  // Group mode: called inside poll() just before partitions are taken away, so that the caller
  // can finish and commit their work first; `lost`: the group already went on without this
  // member (a commit would be refused, or overwrite the new owner's).
  std::function<void(const std::vector<std::pair<std::string, int32_t>>&, bool lost)> on_revoke;
  // With a group: where each partition starts, before its first record (in group mode inside
  // poll(), on every assignment; called with an empty list when a rebalance ends with nothing new).
  // The callback may move a start (a member that gets back a partition it had resumes there).
  std::function<void(std::vector<StartPosition>&)> on_assign;
  // Group mode, -e: how far the group has read a partition, from its commit (default: the
  // committed offset). A partition is done for the whole group once this reaches its end.
  std::function<int64_t(int64_t committed, std::string_view metadata)> group_position;
  // Called inside next() when a poll waited and found nothing: the moment to write out what is
  // buffered, so that a reader following a quiet topic sees each record when it comes.
  std::function<void()> on_idle;
  // Group mode, -e: called when this reader's partitions are done, just before it looks the
  // group's commits up (which can take seconds: with isolation.level=read_committed librdkafka
  // waits until no transaction holds pending offsets for them, e.g. a member killed in mid-commit,
  // until the coordinator aborts its transaction). A transactional caller ends its open
  // transaction here, or the cluster may abort it for transaction.timeout.ms and fence the
  // producer. A rewind the callback makes (an aborted transaction) is read before the lookup.
  std::function<void()> before_group_wait;
  // How far the fetchers read ahead of next() (-X queued.min.messages= and fetch.max.bytes=
  // override both): records, and bytes a fetch. bench/ weighed peak RSS against wall time on W1
  // and W2 for the reading commands.
  size_t prefetch_records = 4000;
  int64_t fetch_bytes = 4 << 20;
};

// Splits repeated -o values into the start spec and an optional e@ stop. Throws UsageError for
// two start specs.
void apply_offset_args(const std::vector<std::string>& args, ReadOptions& options);

// Per-partition "is it done" bookkeeping for -e and e@, pure so it can be unit-tested.
class EndTracker
{
public:
  EndTracker() = default;
  EndTracker(const EndTracker&) = delete; // m_last points into m_states
  EndTracker& operator=(const EndTracker&) = delete;

  // `high` is the snapshotted end offset. A partition with nothing to read is done at once.
  void track(std::string_view topic, int32_t partition, int64_t start, int64_t high);
  void set_high(std::string_view topic, int32_t partition, int64_t high);
  // Where reading starts, when it is known (for remaining()).
  void set_start(std::string_view topic, int32_t partition, int64_t start);
  // Called for each record; false if the record lies past the snapshot (to be skipped).
  bool accept(std::string_view topic, int32_t partition, int64_t offset);
  void mark_done(std::string_view topic, int32_t partition);
  void reopen(std::string_view topic, int32_t partition); // read again after a rewind
  bool is_done(std::string_view topic, int32_t partition) const;
  // True when every tracked partition in `scope` is done (scope empty = all tracked).
  bool all_done(const std::vector<std::pair<std::string, int32_t>>& scope = {}) const;
  bool empty() const noexcept { return m_tracked == 0; }
  // Grows whenever a partition's end or done state changes: unchanged, every answer above is too.
  uint64_t changes() const noexcept { return m_changes; }
  // Records still to read before the ends of the partitions in `scope` (empty = all tracked).
  uint64_t remaining(const std::vector<std::pair<std::string, int32_t>>& scope = {}) const;

private:
  struct State
  {
    std::optional<int64_t> high; // none: not tracked (no end), though it may be done
    bool done = false;
    int64_t position = 0;        // the next offset to read, as far as known
  };
  // Looked up by (topic view, partition) for every record, so without building a key.
  struct KeyLess
  {
    using is_transparent = void;
    static std::pair<std::string_view, int32_t> view(const auto& key) { return {key.first, key.second}; }
    bool operator()(const auto& a, const auto& b) const { return view(a) < view(b); }
  };
  using States = std::map<std::pair<std::string, int32_t>, State, KeyLess>;
  State& state(std::string_view topic, int32_t partition);
  const State* find(std::string_view topic, int32_t partition) const;

  States m_states;
  size_t m_tracked = 0;
  uint64_t m_changes = 0;
  States::iterator m_last = m_states.end(); // records come in runs from one partition
};

class RecordSource
{
public:
  RecordSource(const ClientConfig& config, ReadOptions options);

  // The next record, or nullptr when the end is reached (-e / e@) or an interrupt was requested.
  // The pointer stays valid until the next call.
  const record::Record* next();
  // The same without copying the record: a view of the consumed message, valid until the next
  // call (for the read paths that look at each record once: JSON lines, summaries).
  const record::RecordView* next_view();

  bool interrupted() const noexcept { return m_interrupted; }

  // Group mode: marks the record as processed, so that its offset + 1 is committed.
  void mark_processed(const record::RecordView& record);
  // Group mode: commits what was marked. Called on every clean stop.
  void commit();
  void close();

  // Moves the read position back (a transaction was aborted): the records from `offset` on will
  // be read again, even if -e had already seen the partition's end.
  void rewind(const std::string& topic, int32_t partition, int64_t offset);

  Consumer& consumer() noexcept { return *m_consumer; }

  // Polls only to serve the group (a rebalance, its callbacks): a record that comes meanwhile is
  // dropped, not read, and its partition returned, so that the caller reads it again (rewind).
  std::optional<std::pair<std::string, int32_t>> serve_group(milliseconds timeout);

  // -e: records still to read in this reader's partitions (progress and ETA); std::nullopt
  // without -e.
  std::optional<uint64_t> remaining() const;
  // -e: whether this reader is done with the partition (read to its end offset, or started there).
  bool done_with(std::string_view topic, int32_t partition) const { return m_ends.is_done(topic, partition); }
  // Group mode: how many rebalances ended with an assignment (possibly of nothing new) so far.
  uint64_t assignments() const noexcept { return m_assignments; }
  // Group mode: how long a rebalance may take, and how long -e waits for the rest of the group to
  // make progress: twice session.timeout.ms, plus 5 s.
  milliseconds group_timeout() const noexcept { return m_linger; }
  // Group mode, -e, after next() returned nullptr: why the group's commits are not at the end
  // offsets (the rest of the group stopped making progress), or std::nullopt when they are.
  const std::optional<std::string>& group_incomplete() const noexcept { return m_incomplete; }
  // Group mode, -e: looks at the group's commits once more (after this reader's own final
  // commit) and returns the partitions short of their end offsets, or std::nullopt.
  std::optional<std::string> verify_group_done();

private:
  // The next message to hand out (a record, not an error or an end), kept in m_message.
  const rd_kafka_message_t* next_message();
  void wake_fetchers();
  void start_assigned();
  void start_group();
  void on_rebalance(rd_kafka_topic_partition_list_t& partitions, bool assigned);
  std::vector<StartPosition> start_from_committed(rd_kafka_topic_partition_list_t& partitions);
  std::vector<StartPosition> assigned_starts(const std::vector<TopicPartition>& partitions);
  void start_from_timestamp(rd_kafka_topic_partition_list_t& partitions) noexcept;
  bool finished();
  bool rest_of_group_done();
  bool joins_group() const noexcept { return m_options.group && m_options.join_group && m_options.partitions.empty(); }
  bool commits() const noexcept { return m_options.group && m_options.join_group; }
  // The partitions in `keys` whose group position is short of the snapshot's end, as text.
  std::optional<std::string> short_of_end(const std::vector<TopicPartition>& keys, bool* progressed);

  ReadOptions m_options;
  std::unique_ptr<Consumer> m_consumer;
  EndTracker m_ends;
  std::map<std::pair<std::string, int32_t>, Watermarks> m_snapshot; // -e: watermarks at start
  std::vector<std::pair<std::string, int32_t>> m_assigned;          // group mode: current assignment
  std::vector<StartPosition> m_assigned_starts;                     // assigned mode: the partitions read
  bool m_joined = false;                                            // group mode: first assignment came
  // finished() rescans the partitions only after a change (it runs for every record).
  std::optional<std::pair<uint64_t, uint64_t>> m_finished_seen; // (m_ends.changes(), m_rebalances) of its last scan
  bool m_all_done = false;                                        // that scan's answer
  uint64_t m_rebalances = 0;
  milliseconds m_linger{0};           // group mode, -e: how long to wait for the rest of the group
  std::optional<std::chrono::steady_clock::time_point> m_own_done_since;
  std::chrono::steady_clock::time_point m_last_group_check{};
  std::chrono::steady_clock::time_point m_last_group_progress{};
  std::map<std::pair<std::string, int32_t>, std::pair<int64_t, std::string>> m_group_seen; // others' last commits
  std::optional<std::string> m_incomplete;
  uint64_t m_assignments = 0;
  // Waking the fetchers (see PrefetchWatch).
  std::optional<PrefetchWatch> m_prefetch;
  std::unique_ptr<FetchWaker> m_waker; // stopped before the consumer closes
  bool m_reset_to_earliest = true; // auto.offset.reset: where a partition without a commit starts
  bool m_interrupted = false;
  MessagePtr m_message;
  record::Record m_record;
  record::RecordView m_view;
  std::vector<record::HeaderView> m_header_views; // m_view's headers, reused
};

} // namespace dlq::kafka
