#pragma once

// The admin calls compact-fix needs: a topic's configs, and setting them; and creating a topic
// (the real-Kafka tests). librdkafka 2.0.2
// has only the non-incremental AlterConfigs, which resets every config it is not sent, so the
// caller always sends the complete set of the topic's dynamic configs (src/rdkafka.h, "Admin API").

#include "kafka/client.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dlq::kafka {

struct ConfigEntry
{
  std::string name;
  std::optional<std::string> value; // nullopt: null (e.g. a sensitive value the broker hides)
  bool dynamic_topic = false;       // set on the topic (DYNAMIC_TOPIC_CONFIG), not inherited
  bool is_default = false;
  bool read_only = false;
  bool sensitive = false;
};

// Throws KafkaError when the cluster does not answer within `timeout` or refuses.
std::vector<ConfigEntry> describe_topic_configs(Client& client, const std::string& topic, milliseconds timeout);

// Replaces the topic's dynamic configs with exactly `configs` (everything not named returns to
// the broker's default). Throws KafkaError on failure.
void alter_topic_configs(Client& client, const std::string& topic, const std::map<std::string, std::string>& configs,
                         milliseconds timeout);

// CreateTopics: `topic` with `partitions` partitions of `replication` replicas each. Returns
// once the controller has created it. Throws KafkaError on failure (one that exists included).
void create_topic(Client& client, const std::string& topic, int partitions, int replication, milliseconds timeout);

} // namespace dlq::kafka
