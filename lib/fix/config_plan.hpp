#pragma once

// Which topic configs forced compaction sets, and which it puts back. Pure: the admin calls are
// in kafka/admin. AlterConfigs in librdkafka 2.0.2 replaces the topic's whole set of dynamic
// configs, so both sets are complete: `saved` is every dynamic config as it was, `forcing` is
// the same plus the two that make the log cleaner run at once (the seed's segment.ms and
// min.cleanable.dirty.ratio).

#include "kafka/admin.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dlq::fix {

struct CompactionSettings
{
  std::string segment_ms = "1000";
  std::string dirty_ratio = "0.01";
};

struct CompactionConfigs
{
  std::map<std::string, std::string> saved;
  std::map<std::string, std::string> forcing;
};

// Throws UsageError when the topic is not compacted (compaction would never remove the poison),
// and Error when a dynamic config is sensitive: the broker hides its value, so it could not be
// restored.
CompactionConfigs plan_compaction_configs(const std::string& topic, const std::vector<kafka::ConfigEntry>& described,
                                          const CompactionSettings& settings);

// "segment.ms=1000, min.cleanable.dirty.ratio=0.01" ("none" when empty), for plans and reports.
std::string render_configs(const std::map<std::string, std::string>& configs);

using AlterConfigs = std::function<void(const std::map<std::string, std::string>&)>;
using Say = std::function<void(const std::string&)>;

// Applies `configs.forcing` through `alter`, runs `body`, and applies `configs.saved` again on
// every path: body returned, body threw (SIGINT's Interrupted included), or the forcing call
// itself failed (a timed-out AlterConfigs may still have been applied). When the restore fails
// after an error, `say` reports it with the configs to set by hand and the first error wins.
void with_forced_configs(const CompactionConfigs& configs, const AlterConfigs& alter, const std::function<void()>& body,
                         const Say& say);

} // namespace dlq::fix
