#pragma once

// An in-process embedded broker shared by the integration tests, with unique topic names so that
// tests never see each other's records (kcat's make_topic_name).

#include "kafka/config.hpp"
#include "kafka/mock_cluster.hpp"

#include <atomic>
#include <string>

namespace dlq::testing {

inline kafka::MockCluster&
shared_cluster()
{
  static kafka::MockCluster cluster(1);
  return cluster;
}

inline std::string
unique_name(const std::string& prefix)
{
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

inline kafka::ClientConfig
client_config()
{
  kafka::ClientConfig config;
  config.set("bootstrap.servers", shared_cluster().bootstraps());
  // Rebalances on the mock wait session.timeout.ms - 1 s (shared/TESTBED.md).
  return config;
}

} // namespace dlq::testing
