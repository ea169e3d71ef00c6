// compact-fix's config plan: which topic configs force compaction, and their restore on every
// path (with_forced_configs).

#include "error.hpp"
#include "fix/config_plan.hpp"

#include <doctest/doctest.h>

using namespace dlq;

TEST_SUITE_BEGIN("fix");

namespace {

kafka::ConfigEntry
entry(std::string name, std::string value, bool dynamic, bool sensitive = false)
{
  kafka::ConfigEntry e;
  e.name = std::move(name);
  e.value = std::move(value);
  e.dynamic_topic = dynamic;
  e.sensitive = sensitive;
  return e;
}

} // namespace

TEST_CASE("the compaction plan saves every dynamic topic config and forces the cleaner")
{
  const std::vector<kafka::ConfigEntry> described{
    entry("cleanup.policy", "compact", true),
    entry("retention.ms", "604800000", false), // a broker default: not sent, not restored
    entry("max.message.bytes", "2000000", true),
  };
  const auto plan = fix::plan_compaction_configs("person", described, {"1000", "0.01"});
  CHECK(plan.saved == std::map<std::string, std::string>{{"cleanup.policy", "compact"}, {"max.message.bytes", "2000000"}});
  CHECK(plan.forcing == std::map<std::string, std::string>{{"cleanup.policy", "compact"},
                                                           {"max.message.bytes", "2000000"},
                                                           {"min.cleanable.dirty.ratio", "0.01"},
                                                           {"segment.ms", "1000"}});
  CHECK(fix::render_configs(plan.saved) == "cleanup.policy=compact, max.message.bytes=2000000");
  CHECK(fix::render_configs({}) == "none");
}

TEST_CASE("a previous segment.ms override is restored, not dropped")
{
  const auto plan = fix::plan_compaction_configs(
    "person", {entry("cleanup.policy", "compact,delete", true), entry("segment.ms", "3600000", true)}, {"500", "0.1"});
  CHECK(plan.saved.at("segment.ms") == "3600000");
  CHECK(plan.forcing.at("segment.ms") == "500");
  CHECK(plan.forcing.at("min.cleanable.dirty.ratio") == "0.1");
}

TEST_CASE("the compaction plan refuses a topic that is not compacted, and configs it could not restore")
{
  CHECK_THROWS_WITH_AS(fix::plan_compaction_configs("orders", {entry("cleanup.policy", "delete", false)}, {}),
                       doctest::Contains("not compacted (cleanup.policy=delete)"), UsageError);
  CHECK_THROWS_AS(fix::plan_compaction_configs("orders", {}, {}), UsageError); // Kafka's default is delete
  auto hidden = entry("sasl.jaas.config", "", true, true);
  hidden.value.reset();
  CHECK_THROWS_WITH(fix::plan_compaction_configs("person", {entry("cleanup.policy", "compact", true), hidden}, {}),
                    doctest::Contains("sensitive config sasl.jaas.config"));
}

namespace {

struct Recorder
{
  std::vector<std::map<std::string, std::string>> calls;
  std::vector<std::string> lines;
  int fail_call = -1; // the call (0-based) that throws, as a broker that refuses would

  fix::AlterConfigs alter()
  {
    return [this](const std::map<std::string, std::string>& configs) {
      calls.push_back(configs);
      if (static_cast<int>(calls.size()) - 1 == fail_call) {
        throw KafkaError("alter configs: Local: Timed out");
      }
    };
  }
  fix::Say say()
  {
    return [this](const std::string& line) { lines.push_back(line); };
  }
};

const fix::CompactionConfigs k_configs{{{"cleanup.policy", "compact"}},
                                       {{"cleanup.policy", "compact"}, {"segment.ms", "1000"}}};

} // namespace

TEST_CASE("forced configs are restored after the compaction succeeds")
{
  Recorder recorder;
  bool ran = false;
  fix::with_forced_configs(k_configs, recorder.alter(), [&] { ran = true; }, recorder.say());
  CHECK(ran);
  REQUIRE(recorder.calls.size() == 2);
  CHECK(recorder.calls[0] == k_configs.forcing);
  CHECK(recorder.calls[1] == k_configs.saved);
  CHECK(recorder.lines.back() == "topic configs restored: cleanup.policy=compact");
}

TEST_CASE("forced configs are restored when the wait fails or SIGINT interrupts it, and the error propagates")
{
  Recorder timeout;
  CHECK_THROWS_WITH(fix::with_forced_configs(
                      k_configs, timeout.alter(), [] { throw Error("still there"); }, timeout.say()),
                    "still there");
  REQUIRE(timeout.calls.size() == 2);
  CHECK(timeout.calls[1] == k_configs.saved);

  Recorder interrupted;
  CHECK_THROWS_AS(fix::with_forced_configs(
                    k_configs, interrupted.alter(), [] { throw Interrupted(); }, interrupted.say()),
                  Interrupted);
  REQUIRE(interrupted.calls.size() == 2);
  CHECK(interrupted.calls[1] == k_configs.saved);
}

TEST_CASE("a forcing call that failed is followed by a restore: it may have been applied")
{
  Recorder recorder;
  recorder.fail_call = 0;
  bool ran = false;
  CHECK_THROWS_AS(fix::with_forced_configs(k_configs, recorder.alter(), [&] { ran = true; }, recorder.say()), KafkaError);
  CHECK_FALSE(ran);
  REQUIRE(recorder.calls.size() == 2);
  CHECK(recorder.calls[1] == k_configs.saved);
}

TEST_CASE("a failed restore names the configs to set by hand")
{
  Recorder after_success;
  after_success.fail_call = 1;
  CHECK_THROWS_WITH(fix::with_forced_configs(k_configs, after_success.alter(), [] {}, after_success.say()),
                    doctest::Contains("set them by hand to: cleanup.policy=compact"));

  Recorder after_error;
  after_error.fail_call = 1;
  CHECK_THROWS_WITH(fix::with_forced_configs(
                      k_configs, after_error.alter(), [] { throw Error("still there"); }, after_error.say()),
                    "still there");
  CHECK(after_error.lines.back().find("set them by hand to: cleanup.policy=compact") != std::string::npos);
}

TEST_SUITE_END();
