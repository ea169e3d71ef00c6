// dlqcat broker: librdkafka's mock cluster in the foreground, so that a new user and the tests
// need no Kafka installation. It keeps about 5 MB per partition and has no admin APIs and no
// compaction (shared/TESTBED.md): real work points -b at a real cluster.

#include "app.hpp"
#include "exit_code.hpp"

#include "error.hpp"
#include "kafka/mock_cluster.hpp"
#include "util/interrupt.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <poll.h>
#include <thread>
#include <unistd.h>

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

// Lines from stdin without blocking the loop that watches for Ctrl-C.
class StdinLines
{
public:
  std::optional<std::string> next(std::chrono::milliseconds wait)
  {
    if (auto line = take_line()) {
      return line;
    }
    if (m_eof) {
      std::this_thread::sleep_for(wait);
      return std::nullopt;
    }
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0) {
      return std::nullopt;
    }
    char buffer[4096];
    const auto n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
      m_eof = true;
      return std::nullopt;
    }
    m_pending.append(buffer, static_cast<size_t>(n));
    return take_line();
  }

private:
  std::optional<std::string> take_line()
  {
    const auto newline = m_pending.find('\n');
    if (newline == std::string::npos) {
      return std::nullopt;
    }
    auto line = m_pending.substr(0, newline);
    m_pending.erase(0, newline + 1);
    return line;
  }

  std::string m_pending;
  bool m_eof = false;
};

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
  util::write_all(STDOUT_FILENO, cluster.bootstraps() + "\n");
  if (!global.quiet) {
    util::write_stderr(fmt::format("dlqcat: embedded broker on {} ({} broker{}); stop with Ctrl-C. Test use only: about "
                                   "5 MB kept per partition, no admin APIs, no compaction.\n",
                                   cluster.bootstraps(), options.brokers, options.brokers == 1 ? "" : "s"));
  }
  // Control commands on stdin (kafka::parse_broker_command), one per line, for tests that inject
  // faults from outside. EOF (or /dev/null) just leaves the broker running.
  StdinLines control;
  while (!util::interrupt_requested()) {
    const auto line = control.next(std::chrono::milliseconds(100));
    if (!line || line->empty()) {
      continue;
    }
    try {
      kafka::apply(cluster, kafka::parse_broker_command(*line));
      if (!global.quiet) {
        util::write_stderr(fmt::format("dlqcat: broker: {}\n", *line));
      }
    } catch (const Error& e) {
      util::write_stderr(fmt::format("dlqcat: error: {}\n", one_line(e.what()))); // a bad command does not stop the broker
    }
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
