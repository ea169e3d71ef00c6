#include "fix/config_plan.hpp"

#include "error.hpp"

#include <fmt/core.h>

namespace dlq::fix {

CompactionConfigs
plan_compaction_configs(const std::string& topic, const std::vector<kafka::ConfigEntry>& described,
                        const CompactionSettings& settings)
{
  CompactionConfigs plan;
  std::string cleanup_policy = "delete"; // Kafka's default when the broker does not say
  for (const auto& entry : described) {
    if (entry.name == "cleanup.policy" && entry.value) {
      cleanup_policy = *entry.value;
    }
    if (!entry.dynamic_topic) {
      continue;
    }
    if (entry.sensitive || !entry.value) {
      throw Error(fmt::format("topic \"{}\" has the sensitive config {} set, whose value the broker hides: "
                              "dlqcat could not restore it after compaction",
                              topic, entry.name));
    }
    plan.saved[entry.name] = *entry.value;
  }
  if (cleanup_policy.find("compact") == std::string::npos) {
    throw UsageError(fmt::format("topic \"{}\" is not compacted (cleanup.policy={}): compaction cannot remove the "
                                 "poison record; use --strategy skip",
                                 topic, cleanup_policy));
  }
  plan.forcing = plan.saved;
  plan.forcing["segment.ms"] = settings.segment_ms;
  plan.forcing["min.cleanable.dirty.ratio"] = settings.dirty_ratio;
  return plan;
}

std::string
render_configs(const std::map<std::string, std::string>& configs)
{
  if (configs.empty()) {
    return "none";
  }
  std::string out;
  for (const auto& [name, value] : configs) {
    out.append(out.empty() ? "" : ", ").append(name).append("=").append(value);
  }
  return out;
}

void
with_forced_configs(const CompactionConfigs& configs, const AlterConfigs& alter, const std::function<void()>& body,
                    const Say& say)
{
  try {
    alter(configs.forcing);
    say(fmt::format("topic configs set: {}", render_configs(configs.forcing)));
    body();
  } catch (...) {
    try {
      alter(configs.saved);
      say(fmt::format("topic configs restored: {}", render_configs(configs.saved)));
    } catch (const std::exception& e) {
      say(fmt::format("could not restore the topic configs ({}): set them by hand to: {}", e.what(),
                      render_configs(configs.saved)));
    }
    throw;
  }
  try {
    alter(configs.saved);
  } catch (const std::exception& e) {
    throw Error(fmt::format("could not restore the topic configs ({}): set them by hand to: {}", e.what(),
                            render_configs(configs.saved)));
  }
  say(fmt::format("topic configs restored: {}", render_configs(configs.saved)));
}

} // namespace dlq::fix
