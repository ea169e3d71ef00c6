#pragma once

// replay and park: read a DLQ in a consumer group, decide per record (retry::plan), produce to
// the target or the parking lot, and commit a source offset only once its record, and every one
// before it, was acknowledged. With transactions, the produced records and the source offsets
// commit together.

#include "filter.hpp"
#include "kafka/config.hpp"
#include "kafka/record_source.hpp"
#include "retry/plan.hpp"

#include <functional>
#include <map>

namespace dlq::retry {

struct ReplayOptions
{
  kafka::ReadOptions read;     // must name a group
  Policy policy;
  Filter filter;
  bool park_matching = false;  // `park`: every matching record goes to the parking lot
  double rate = 0;             // records per second; 0 = unlimited
  bool dry_run = false;        // decide and count; produce and commit nothing
  bool transactional = false;
  std::string transactional_id;
  size_t transaction_records = 500; // records per transaction (also committed after 1 s)
};

// Counts by name, looked up without building a string (std::less<>).
using Counts = std::map<std::string, uint64_t, std::less<>>;

struct ReplayStats
{
  uint64_t read = 0;
  uint64_t replayed = 0; // acknowledged (dry run: planned)
  uint64_t parked = 0;
  uint64_t skipped = 0;
  uint64_t filtered = 0; // did not match the filters: left alone
  uint64_t failed = 0;   // not delivered: their offsets were not committed
  uint64_t aborted_transactions = 0;
  bool interrupted = false;
  Counts skip_reasons;
  // The plan, as --dry-run prints it.
  Counts by_target;
  std::map<std::pair<std::string, int32_t>, uint64_t> by_partition; // partition -1: left to the partitioner
  Counts by_exception;
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
  // what was acknowledged before rethrowing.
  ReplayStats run(const Progress& progress = {});

private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

// "--dry-run" report and the final summary line.
std::string render_plan(const ReplayStats& stats);
std::string render_summary_line(const ReplayStats& stats, bool dry_run);
std::string render_summary_json(const ReplayStats& stats, bool dry_run);

} // namespace dlq::retry
