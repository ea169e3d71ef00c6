#include "kafka/mock_cluster.hpp"

#include "error.hpp"
#include "kafka/client.hpp"

#include <fmt/core.h>

#include <charconv>
#include <sstream>
#include <vector>

namespace dlq::kafka {

MockCluster::MockCluster(int brokers)
{
  if (brokers < 1) {
    throw UsageError(fmt::format("--brokers: expected at least 1, got {}", brokers));
  }
  ConfPtr conf(rd_kafka_conf_new());
  // The owning handle never connects anywhere; keep it quiet.
  char errstr[256];
  rd_kafka_conf_set(conf.get(), "log_level", "0", errstr, sizeof(errstr));
  m_handle = make_handle(RD_KAFKA_PRODUCER, conf);
  m_cluster = rd_kafka_mock_cluster_new(m_handle.get(), brokers);
  if (m_cluster == nullptr) {
    throw KafkaError("cannot start the embedded broker");
  }
}

MockCluster::~MockCluster()
{
  rd_kafka_mock_cluster_destroy(m_cluster);
}

std::string
MockCluster::bootstraps() const
{
  return rd_kafka_mock_cluster_bootstraps(m_cluster);
}

void
MockCluster::create_topic(const std::string& name, int partitions, int replication)
{
  if (partitions < 1) {
    throw UsageError(fmt::format("--topic: topic \"{}\" needs at least 1 partition", name));
  }
  const auto err = rd_kafka_mock_topic_create(m_cluster, name.c_str(), partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(fmt::format("create topic \"{}\"", name), err);
  }
}

void
MockCluster::set_topic_error(const std::string& topic, rd_kafka_resp_err_t err)
{
  rd_kafka_mock_topic_set_error(m_cluster, topic.c_str(), err);
}

void
MockCluster::push_produce_errors(int count, rd_kafka_resp_err_t err)
{
  std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(count), err);
  rd_kafka_mock_push_request_errors_array(m_cluster, 0 /* Produce */, errors.size(), errors.data());
}

namespace {

template <typename T>
T
number(const std::string& word, std::string_view line)
{
  T value{};
  const auto result = std::from_chars(word.data(), word.data() + word.size(), value);
  if (word.empty() || result.ec != std::errc() || result.ptr != word.data() + word.size()) {
    throw UsageError(fmt::format("broker command \"{}\": \"{}\" is not a number", line, word));
  }
  return value;
}

} // namespace

BrokerCommand
parse_broker_command(std::string_view line)
{
  std::istringstream in{std::string(line)};
  std::vector<std::string> words;
  for (std::string word; in >> word;) {
    words.push_back(word);
  }
  const auto arguments = [&](size_t n) {
    if (words.size() != n + 1) {
      throw UsageError(fmt::format("broker command \"{}\": expected {} argument{}", line, n, n == 1 ? "" : "s"));
    }
  };
  BrokerCommand command;
  const std::string verb = words.empty() ? "" : words[0];
  if (verb == "topic-error") {
    arguments(2);
    command.kind = BrokerCommand::Kind::TopicError;
    command.topic = words[1];
    command.code = number<int>(words[2], line);
  } else if (verb == "produce-errors") {
    arguments(2);
    command.kind = BrokerCommand::Kind::ProduceErrors;
    command.count = number<int>(words[1], line);
    command.code = number<int>(words[2], line);
    if (command.count < 1 || command.count > 100000) {
      throw UsageError(fmt::format("broker command \"{}\": COUNT must be 1 to 100000", line));
    }
  } else {
    throw UsageError(fmt::format("broker command \"{}\": expected topic-error or produce-errors", line));
  }
  return command;
}

void
apply(MockCluster& cluster, const BrokerCommand& command)
{
  const auto err = static_cast<rd_kafka_resp_err_t>(command.code);
  switch (command.kind) {
  case BrokerCommand::Kind::TopicError:
    cluster.set_topic_error(command.topic, err);
    break;
  case BrokerCommand::Kind::ProduceErrors:
    cluster.push_produce_errors(command.count, err);
    break;
  }
}

} // namespace dlq::kafka
