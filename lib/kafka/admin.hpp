#pragma once

// The admin calls dlqcat makes: a topic's configs and setting them (compact-fix), creating a topic
// (the real-Kafka tests), and every consumer group's committed offsets (ls). librdkafka 2.0.2
// has only the non-incremental AlterConfigs, which resets every config it is not sent, so the
// caller always sends the complete set of the topic's dynamic configs (src/rdkafka.h, "Admin API").

#include "kafka/client.hpp"
#include "kafka/consumer.hpp"

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

// Apply: the change is made. ValidateOnly: the broker checks it (its config validation and any
// AlterConfigPolicy) and changes nothing.
enum class AlterMode { Apply, ValidateOnly };

// Replaces the topic's dynamic configs with exactly `configs` (everything not named returns to
// the broker's default). Throws KafkaError on failure, a refusal included.
void alter_topic_configs(Client& client, const std::string& topic, const std::map<std::string, std::string>& configs,
                         milliseconds timeout, AlterMode mode = AlterMode::Apply);

// CreateTopics: `topic` with `partitions` partitions of `replication` replicas each. Returns
// once the controller has created it. Throws KafkaError on failure (one that exists included).
void create_topic(Client& client, const std::string& topic, int partitions, int replication, milliseconds timeout);

// One consumer group's committed offsets (with each commit's metadata string).
struct GroupOffsets
{
  std::string group;
  std::vector<TopicPartition> offsets;
};

// Every consumer group of the cluster and its committed offsets (dlqcat ls): ListConsumerGroups,
// then one ListConsumerGroupOffsets per group (librdkafka 2.0.2 takes exactly one group per
// call), all sent at once and collected from one queue.
struct GroupListing
{
  // False when the cluster could not list its groups (librdkafka's mock cluster answers
  // ListConsumerGroups "unsupported"; a cluster may deny DESCRIBE on the cluster): `error` says why.
  bool known = false;
  std::string error;
  std::vector<GroupOffsets> groups;          // sorted by name
  std::vector<std::string> unreadable;       // groups whose offsets could not be read: "group: why"
};

// Never throws KafkaError for a refused or unsupported request: that is a GroupListing with
// known = false. Waits at most `timeout` in all.
GroupListing list_group_offsets(Client& client, milliseconds timeout);

} // namespace dlq::kafka
