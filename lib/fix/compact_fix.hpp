#pragma once

// compact-fix: unstick a sink that a poison record killed (shared/seeds/connect-jdbc-sink-dlq.md).
// The steps, in order, each reported as one line:
//   1. locate the poison: try each record from the sink group's committed offset against the real
//      table (rolled back), or take the record named by partition/offset or key;
//   2. check everything that could fail before changing anything (topic configs, the group's
//      position, the connector) and print the plan; a dry run stops here;
//   3. halt the connector, park the poison, produce the correction with the same key to the same
//      partition;
//   4. compact: force compaction until a fetch from the poison's offset returns a later record,
//      then restore the topic's configs, on every exit path; skip: commit the group past it;
//   5. bring the connector back, wait for RUNNING, and check the table holds the correction.

#include "fix/config_plan.hpp"
#include "kafka/config.hpp"
#include "record/record.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dlq::fix {

using std::chrono::milliseconds;

enum class Strategy { Report, Compact, Skip };

struct CompactFixOptions
{
  std::string topic;
  std::string group; // the sink's consumer group (connect-<connector>)

  // How the poison is named: found against the table, or by partition + offset, or by key.
  bool find_poison = false;
  bool all = false; // report every failing record, not just the first
  std::optional<int32_t> partition;
  std::optional<int64_t> offset;
  std::optional<std::string> key;

  std::string pg_url;
  std::string table;
  std::vector<std::string> key_columns; // empty: the table's primary key

  Strategy strategy = Strategy::Report;
  record::Bytes correction; // the new value; std::nullopt with Strategy != Report = a tombstone
  std::string park_topic;
  CompactionSettings compaction;
  milliseconds compaction_timeout{std::chrono::minutes(5)};
  milliseconds admin_timeout{std::chrono::seconds(10)};

  std::string connect_url;
  std::string connector;
  milliseconds connect_timeout{std::chrono::minutes(2)};

  bool dry_run = false;
};

struct Poison
{
  record::Record record;
  std::string reason; // the database's refusal, or how the user named it
};

// Runs the steps above, each line of the report through `say` (fix/config_plan.hpp; stdout in
// the command). Throws the error of the step that failed, after restoring the topic's
// configs; Interrupted on SIGINT/SIGTERM, after the same restore. Returns the poison records
// found (empty when none: nothing is changed then).
std::vector<Poison> compact_fix(const kafka::ClientConfig& config, const CompactFixOptions& options, const Say& say);

// "person [0] @ 2, key \"5\"" for reports; a key as a JSON string, or null.
std::string describe_record(const record::Record& record);
std::string describe_key(const record::Bytes& key);

} // namespace dlq::fix
