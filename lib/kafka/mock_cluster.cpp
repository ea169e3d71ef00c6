#include "kafka/mock_cluster.hpp"

#include "error.hpp"
#include "kafka/client.hpp"

#include <fmt/core.h>

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

} // namespace dlq::kafka
