#pragma once

// The cluster of the integration tests: an in-process embedded broker shared by the tests, with
// unique topic names so that tests never see each other's records (kcat's make_topic_name).
//
// Real Apache Kafka: with DLQ_TEST_KAFKA=real, test_cluster() is the cluster whose bootstrap list
// is DLQ_TEST_BOOTSTRAP, or the first line of DLQ_TEST_KAFKA_DIR/bootstrap (written by
// scripts/kafka.sh; CTest's realkafka fixture starts one per run). Test cases in the doctest
// suite "real-kafka" that use only test_cluster() (no fault injection) run on both: CTest
// registers them again as "integration-real: ..." (tests/CMakeLists.txt).

#include "kafka/admin.hpp"
#include "kafka/config.hpp"
#include "kafka/mock_cluster.hpp"
#include "kafka/producer.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

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

inline bool
real_kafka()
{
  const char* mode = std::getenv("DLQ_TEST_KAFKA");
  return mode != nullptr && std::string_view(mode) == "real";
}

inline std::string
real_kafka_bootstrap()
{
  if (const char* bootstrap = std::getenv("DLQ_TEST_BOOTSTRAP"); bootstrap != nullptr && *bootstrap != '\0') {
    return bootstrap;
  }
  const char* dir = std::getenv("DLQ_TEST_KAFKA_DIR");
  std::string line;
  if (dir == nullptr || !std::getline(std::ifstream(std::string(dir) + "/bootstrap"), line) || line.empty()) {
    throw std::runtime_error("DLQ_TEST_KAFKA=real needs DLQ_TEST_BOOTSTRAP or DLQ_TEST_KAFKA_DIR/bootstrap");
  }
  return line;
}

// The embedded broker, or real Kafka under DLQ_TEST_KAFKA=real: bootstrap list and topics.
class TestCluster
{
public:
  std::string bootstraps() const { return real_kafka() ? real_kafka_bootstrap() : shared_cluster().bootstraps(); }

  // On real Kafka a CreateTopics request, answered once the controller created the topic.
  void create_topic(const std::string& name, int partitions) const
  {
    if (!real_kafka()) {
      shared_cluster().create_topic(name, partitions);
      return;
    }
    kafka::ClientConfig config;
    config.set("bootstrap.servers", bootstraps());
    kafka::Producer admin(config);
    kafka::create_topic(admin, name, partitions, 1, kafka::k_connect_timeout);
  }
};

inline TestCluster&
test_cluster()
{
  static TestCluster cluster;
  return cluster;
}

inline kafka::ClientConfig
client_config()
{
  kafka::ClientConfig config;
  config.set("bootstrap.servers", test_cluster().bootstraps());
  // Rebalances on the mock wait session.timeout.ms - 1 s (shared/TESTBED.md).
  return config;
}

} // namespace dlq::testing
