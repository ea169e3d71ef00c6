#include "retry/replay_report.hpp"

#include "util/json_writer.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

#include <map>

namespace dlq::retry {

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
  if (stats.deferred > 0) {
    line += fmt::format(", {} deferred", stats.deferred);
  }
  if (stats.already_handled > 0) {
    line += fmt::format(", {} already handled", stats.already_handled);
  }
  if (stats.aborted_transactions > 0) {
    line += fmt::format(", {} transactions aborted and retried", stats.aborted_transactions);
  }
  if (stats.commit_retries > 0) {
    line += fmt::format(", {} commits retried", stats.commit_retries);
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
  number("deferred", stats.deferred);
  number("already_handled", stats.already_handled);
  number("aborted_transactions", stats.aborted_transactions);
  number("commit_retries", stats.commit_retries);
  counts("skip_reasons", stats.skip_reasons);
  counts("by_target", stats.by_target);
  const auto partitions = partition_counts(stats);
  counts("by_partition", partitions);
  counts("by_exception", stats.by_exception);
  util::append_json_string(out, "warnings");
  out += ":[";
  for (size_t i = 0; i < stats.warnings.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    util::append_json_string(out, stats.warnings[i]);
  }
  out += "],";
  if (stats.group_incomplete) {
    util::append_json_string(out, "group_incomplete");
    out.push_back(':');
    util::append_json_string(out, *stats.group_incomplete);
    out.push_back(',');
  }
  out.back() = '}';
  out.push_back('\n');
  return out;
}

} // namespace dlq::retry
