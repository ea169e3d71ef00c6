#pragma once

// librdkafka's mock cluster: the embedded broker of `dlqcat broker`, `dlqcat demo` and the tests.
// See shared/TESTBED.md for what it can and cannot do.

#include "kafka/handles.hpp"

#include <librdkafka/rdkafka_mock.h>

#include <optional>
#include <string>
#include <string_view>

namespace dlq::kafka {

class MockCluster
{
public:
  explicit MockCluster(int brokers = 1);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  std::string bootstraps() const;

  void create_topic(const std::string& name, int partitions, int replication = 1);

  rd_kafka_mock_cluster_t* get() const noexcept { return m_cluster; }

  // Fault injection (librdkafka src/rdkafka_mock.h), for tests that drive a `dlqcat broker`
  // process from outside through its stdin.
  void set_topic_error(const std::string& topic, rd_kafka_resp_err_t err);
  void push_produce_errors(int count, rd_kafka_resp_err_t err);

private:
  HandlePtr m_handle;                        // the client the cluster hangs off
  rd_kafka_mock_cluster_t* m_cluster = nullptr; // destroyed before m_handle
};

// One line of `dlqcat broker`'s stdin control protocol:
//   topic-error TOPIC CODE      every request for TOPIC fails with Kafka error CODE (0 clears it)
//   produce-errors COUNT CODE   the next COUNT Produce requests fail with CODE
struct BrokerCommand
{
  enum class Kind { TopicError, ProduceErrors };
  Kind kind = Kind::TopicError;
  std::string topic;
  int count = 0;
  int code = 0;
};

// Throws UsageError with the reason for a line it cannot read.
BrokerCommand parse_broker_command(std::string_view line);
void apply(MockCluster& cluster, const BrokerCommand& command);

} // namespace dlq::kafka
