#pragma once

// librdkafka's mock cluster: the embedded broker of `dlqcat broker`, `dlqcat demo` and the tests.
// See shared/TESTBED.md for what it can and cannot do.

#include "kafka/handles.hpp"

#include <librdkafka/rdkafka_mock.h>

#include <string>

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

private:
  HandlePtr m_handle;                        // the client the cluster hangs off
  rd_kafka_mock_cluster_t* m_cluster = nullptr; // destroyed before m_handle
};

} // namespace dlq::kafka
