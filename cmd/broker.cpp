// dlqcat broker: librdkafka's mock cluster in the foreground, so that a new user and the tests
// need no Kafka installation. It keeps about 5 MB per partition and has no admin APIs and no
// compaction (shared/TESTBED.md): real work points -b at a real cluster.

#include "app.hpp"
#include "exit_code.hpp"

#include "error.hpp"
#include "kafka/mock_cluster.hpp"
#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <thread>

namespace dlq::cmd {

namespace {

struct BrokerOptions
{
  int brokers = 1;
  std::vector<std::string> topics;
};

struct TopicSpec
{
  std::string name;
  int partitions = 1;
};

TopicSpec
parse_topic_spec(std::string_view text)
{
  TopicSpec spec;
  const auto colon = text.rfind(':');
  spec.name = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) {
    const auto digits = text.substr(colon + 1);
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), spec.partitions);
    if (digits.empty() || result.ec != std::errc() || result.ptr != digits.data() + digits.size() || spec.partitions < 1) {
      throw UsageError(fmt::format("--topic: expected NAME[:PARTITIONS], got \"{}\"", text));
    }
  }
  if (spec.name.empty()) {
    throw UsageError(fmt::format("--topic: expected NAME[:PARTITIONS], got \"{}\"", text));
  }
  return spec;
}

int
run_broker(const BrokerOptions& options, const GlobalOptions& global)
{
  std::vector<TopicSpec> topics;
  for (const auto& text : options.topics) {
    topics.push_back(parse_topic_spec(text));
  }
  kafka::MockCluster cluster(options.brokers);
  for (const auto& topic : topics) {
    cluster.create_topic(topic.name, topic.partitions);
  }
  // First line of stdout: the bootstrap list, for scripts (kcat's mock mode prints BROKERS=).
  fmt::print("{}\n", cluster.bootstraps());
  std::fflush(stdout);
  if (!global.quiet) {
    fmt::print(stderr,
               "dlqcat: embedded broker on {} ({} broker{}); stop with Ctrl-C. Test use only: about 5 MB kept "
               "per partition, no admin APIs, no compaction.\n",
               cluster.bootstraps(), options.brokers, options.brokers == 1 ? "" : "s");
  }
  while (!util::interrupt_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return k_exit_ok;
}

} // namespace

void
add_broker(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<BrokerOptions>();
  auto* sub = app.add_subcommand(
    "broker",
    "Run an embedded Kafka-protocol broker (librdkafka's mock cluster) for trying dlqcat and for tests. "
    "It keeps about 5 MB per partition and has no admin APIs and no compaction: real work points -b at a real cluster.");
  sub->add_option("--brokers", options->brokers, "Number of brokers")->capture_default_str()->check(CLI::Range(1, 64));
  sub->add_option("--topic", options->topics, "Create topic NAME with PARTITIONS partitions (default 1); repeatable")
    ->type_name("NAME[:PARTITIONS]");
  sub->callback([options, &state] { state.run = [options, &state] { return run_broker(*options, state.global); }; });
}

} // namespace dlq::cmd
