#pragma once

// replay and park (docs/REPLAY.md): read a DLQ in a consumer group, decide per record
// (retry::plan), produce to the target or the parking lot, and commit a source offset only once
// its record, and every one before it, was handled; the records handled past a record this run
// left (filtered out, not delivered) travel in the commit's metadata (retry/offset_tracker.hpp).
// With transactions, the produced records and the source offsets commit together.

#include "filter.hpp"
#include "kafka/config.hpp"
#include "kafka/record_source.hpp"
#include "retry/plan.hpp"

#include <functional>
#include <map>

namespace dlq::retry {

// What became of one record, as --explain tells it.
enum class Outcome : uint8_t {
  Replay, // produced to its target
  Park,   // produced to the parking lot
  Skip,   // handled without producing: no (legal) target
  Leave,  // not acted on (filtered out): stays for a later run in the group
  Defer,  // matched, but left for a later run: the commit's metadata could not record it
  Pass,   // an earlier run in the group handled it
};

struct Explanation
{
  const record::Record& record;
  Outcome outcome;
  std::string_view reason;              // Park, Skip, Leave, Defer, Pass
  const record::Record* output;         // Replay, Park: what is produced (partition -1: by the partitioner)
  const Counter* counter;               // the replay counter, when it was read
  int32_t max_attempts;
  std::optional<int32_t> in_app_attempts; // a framework's own count (kafka_deliveryAttempt, ...): shown, not counted
};

struct ReplayOptions
{
  kafka::ReadOptions read;     // must name a group
  Policy policy;
  // Filter::min_attempts is compared with the replay counter, like --max-attempts.
  Filter filter;
  bool park_matching = false;  // `park`: every matching record goes to the parking lot
  double rate = 0;             // records per second; 0 = unlimited
  bool dry_run = false;        // decide and count; produce and commit nothing
  bool transactional = false;
  std::string transactional_id;
  size_t transaction_records = 500; // records per transaction (also committed after 1 s)
  std::function<void(const Explanation&)> explain; // --explain: every record, in read order
};

// Counts by name, looked up without building a string (std::less<>).
using Counts = std::map<std::string, uint64_t, std::less<>>;

struct ReplayStats
{
  uint64_t read = 0;
  uint64_t replayed = 0; // acknowledged (dry run: planned)
  uint64_t parked = 0;
  uint64_t skipped = 0;
  uint64_t failed = 0;   // not delivered: left for a later run
  uint64_t filtered = 0; // did not match the filters: left for a later run
  uint64_t deferred = 0; // matched, left for a later run: the commit's metadata was full
  uint64_t already_handled = 0; // an earlier run in the group handled them
  uint64_t aborted_transactions = 0;
  // Group commits refused as retriable (the group's coordinator moving or loading) and sent again.
  uint64_t commit_retries = 0;
  bool interrupted = false;
  Counts skip_reasons;
  // The plan, as --dry-run prints it.
  Counts by_target;
  std::map<std::pair<std::string, int32_t>, uint64_t> by_partition; // partition -1: left to the partitioner
  Counts by_exception;
  // -e: records still to read in this run's partitions (for progress and an ETA).
  std::optional<uint64_t> remaining;
  // Things an operator must know that did not stop the run (a handover whose commit failed).
  std::vector<std::string> warnings;
  // -e in a group: why the group's commits are not at the end offsets when the run ended.
  std::optional<std::string> group_incomplete;
};

class Replayer
{
public:
  using Progress = std::function<void(const ReplayStats&)>;

  Replayer(const kafka::ClientConfig& config, ReplayOptions options);
  ~Replayer();
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  // Runs to the end (-e), an interrupt, or an error. On an error it still flushes and commits
  // what was handled before rethrowing.
  ReplayStats run(const Progress& progress = {});

private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace dlq::retry
