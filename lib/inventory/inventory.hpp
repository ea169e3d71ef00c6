#pragma once

// dlqcat ls, the pure part: which topics of a cluster are dead-letter queues, from their names
// (sampling priority only), their watermarks, a sample of their records and the consumer groups'
// committed offsets; and the three renderings (a table, JSON lines, Prometheus' text format).
// No I/O here: lib/inventory/scan.cpp gathers the inputs.

#include "error_context.hpp"
#include "kafka/admin.hpp"
#include "kafka/client.hpp"
#include "record/record.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::inventory {

// Kafka's own topics (__consumer_offsets, __transaction_state, __share_group_state, KRaft's
// __cluster_metadata...): never sampled, never listed.
bool is_internal(std::string_view topic) noexcept;

// Names that DLQ conventions produce: Spring's `<topic>-dlt` and `<topic>.DLT`, Spring Cloud
// Stream's `error.<topic>.<group>`, `*dlq*` (Connect's usual choice, SmallRye's
// `dead-letter-topic-<topic>`), `*dead-letter*`, parking lots (`*.parking-lot`, `*parkingLot`).
// Case-insensitive. A name only raises the sampling priority, except for an empty topic, which
// has nothing else to go by.
bool looks_like_dlq(std::string_view topic) noexcept;

// Platform topics that hold configuration, not messages (Schema Registry's _schemas, Connect's
// config/offset/status topics): sampled last. They are listed only if their records carry a
// dialect, like any other topic.
bool is_platform_topic(std::string_view topic) noexcept;

// Sampling order: 0 = looks like a DLQ, 1 = other, 2 = platform topic.
int sampling_priority(std::string_view topic) noexcept;

struct Count
{
  std::string name;
  uint64_t count = 0;

  bool operator==(const Count&) const = default;
};

struct GroupLag
{
  std::string group;
  int64_t lag = 0;       // records of the topic past the group's committed offsets
  bool replay = false;   // a dlqcat replay/park group (its name or its commit metadata)

  bool operator==(const GroupLag&) const = default;
};

// The records sampled from one topic, decoded: dialects, original topics, exception classes.
class TopicSample
{
public:
  void add(const record::Record& record, const ErrorContext* error);

  uint64_t records() const noexcept { return m_records; }
  uint64_t dead_letters() const noexcept { return m_dead_letters; }
  // Most frequent first, ties by name.
  std::vector<Count> dialects() const { return sorted(m_dialects); }
  std::vector<Count> original_topics() const { return sorted(m_original_topics); }
  std::vector<Count> exceptions() const { return sorted(m_exceptions); }

private:
  static std::vector<Count> sorted(const std::map<std::string, uint64_t>& counts);

  uint64_t m_records = 0;
  uint64_t m_dead_letters = 0;
  std::map<std::string, uint64_t> m_dialects;
  std::map<std::string, uint64_t> m_original_topics;
  std::map<std::string, uint64_t> m_exceptions;
};

// What dlqcat ls learned of one topic.
struct TopicFacts
{
  std::string topic;
  std::vector<int32_t> partitions;
  std::vector<kafka::Watermarks> marks; // one per partition, same order
  TopicSample sample;
  bool sample_complete = true;          // every non-empty partition was sampled to its end
  std::optional<int64_t> oldest;        // ms, earliest timestamp of the first records held
  std::optional<int64_t> newest;        // ms, latest timestamp of the newest records
};

enum class Identified { Content, Name };

struct DlqTopic
{
  std::string topic;
  int partitions = 0;
  int64_t records = 0;
  Identified identified_by = Identified::Content;
  std::vector<Count> dialects; // from the sample
  std::optional<int64_t> oldest;
  std::optional<int64_t> newest;
  uint64_t sampled = 0;
  uint64_t sampled_dead_letters = 0;
  bool sample_complete = true;
  std::vector<Count> original_topics; // from the sample
  std::vector<Count> exceptions;      // from the sample
  std::optional<std::vector<GroupLag>> groups; // std::nullopt: the cluster could not list them
};

int64_t records_held(const std::vector<kafka::Watermarks>& marks) noexcept;

// The rule: a topic is a DLQ when a sampled record carries a known dialect's headers or an
// error envelope; an empty topic (or one whose sample the deadline cut short) when its name
// looks like a DLQ. std::nullopt for any other topic.
std::optional<DlqTopic> classify(const TopicFacts& facts);

// Groups that committed offsets on the topic, with their lag (sorted by group).
std::vector<GroupLag> group_lags(const std::string& topic, const std::vector<int32_t>& partitions,
                                 const std::vector<kafka::Watermarks>& marks, const std::vector<kafka::GroupOffsets>& groups);

struct ScanInfo
{
  size_t topics_seen = 0;       // in the metadata, internal ones excluded
  bool groups_known = false;
  std::string groups_error;     // why not
  double duration_seconds = 0;
  int64_t finished_ms = 0;      // wall clock at the end of the scan
};

// One JSON object per line, per topic.
std::string render_json(const DlqTopic& topic);
// The table for people; `now_ms` for "ago" columns.
std::string render_table(const std::vector<DlqTopic>& topics, int64_t now_ms);
// Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats):
// HELP and TYPE lines, label values escaped (\\, \", \n).
std::string render_prometheus(const std::vector<DlqTopic>& topics, const ScanInfo& info);

// "3m", "2h", "5d" for a duration in ms (negative: "0s").
std::string age_text(int64_t ms);

} // namespace dlq::inventory
