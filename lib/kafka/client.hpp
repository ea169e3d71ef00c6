#pragma once

// What producers and consumers share: a handle, its callback state, and cluster metadata.

#include "error.hpp"
#include "kafka/config.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dlq::kafka {

using std::chrono::milliseconds;

// How long a command waits for a cluster that does not answer before it gives up.
inline constexpr milliseconds k_connect_timeout{10000};

// A topic as the cluster's metadata names it: its partition ids, sorted.
struct TopicMetadata
{
  std::string name;
  std::vector<int32_t> partitions;
};

struct Watermarks
{
  int64_t low = 0;
  int64_t high = 0;
};

class Client
{
public:
  // Subclasses call create() from their constructor, after their own members exist.
  Client() = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  virtual ~Client() = default;

  rd_kafka_t* handle() const noexcept { return m_handle.get(); }

  // Partition ids of `topic`. Throws KafkaError when the cluster cannot be reached within
  // `timeout` (failing early once every broker refused the connection) or the topic is unknown.
  std::vector<int32_t> partitions(const std::string& topic, milliseconds timeout = k_connect_timeout);

  // Names of the cluster's topics, sorted, without Kafka's internal ones (__consumer_offsets,
  // __transaction_state). Throws KafkaError like partitions().
  std::vector<std::string> topics(milliseconds timeout = k_connect_timeout);

  // Every topic of the cluster, internal ones included, with its partitions, from ONE metadata
  // request (dlqcat ls on a cluster of hundreds of topics). Topics the answer marks with an
  // error (being deleted, leader unknown) are left out. Throws KafkaError like partitions().
  std::vector<TopicMetadata> all_topics(milliseconds timeout = k_connect_timeout);

  Watermarks watermarks(const std::string& topic, int32_t partition, milliseconds timeout = k_connect_timeout);

  // Throws KafkaError if librdkafka raised a fatal error.
  void check_fatal() const;

protected:
  std::unique_ptr<ClientEvents> m_events; // before m_handle: the handle's callbacks point here
  HandlePtr m_handle;
  std::string m_bootstrap;                // for error messages

  // Lets subclasses add callbacks before the handle is created.
  virtual void configure(rd_kafka_conf_t* /*conf*/) {}
  // Serves queued callbacks (errors above all) while a synchronous call waits, if that is safe.
  virtual void serve_events() {}
  void create(rd_kafka_type_t type, const ClientConfig& config);

private:
  // Cluster metadata (of `only`, else of every topic) once `complete` accepts an answer, which
  // may also throw for an answer that will not change. Throws KafkaError on timeout.
  MetadataPtr wait_for_metadata(rd_kafka_topic_t* only, milliseconds timeout,
                                const std::function<bool(const rd_kafka_metadata_t&)>& complete);
};

// Throws KafkaError with `what` and librdkafka's description of `err`.
[[noreturn]] void throw_kafka_error(const std::string& what, rd_kafka_resp_err_t err);

// Whether `error` says that the topic or partition does not exist (UNKNOWN_TOPIC_OR_PART).
bool is_unknown_topic(const KafkaError& error) noexcept;

// librdkafka's description of `err` ("Broker: Coordinator load in progress").
std::string error_string(rd_kafka_resp_err_t err);

// An rd_kafka_error_t (the transactional API's errors) as text: "description (NAME)".
std::string error_text(const rd_kafka_error_t& error);
// What librdkafka says of a transactional API's error (src/rdkafka.h, "Transactional producer API").
bool error_is_retriable(const rd_kafka_error_t& error) noexcept;
bool error_requires_abort(const rd_kafka_error_t& error) noexcept;
// Throws KafkaError "`step`: text" with the error's code and its fatal and retriable flags.
[[noreturn]] void throw_transaction_error(const std::string& step, const rd_kafka_error_t& error);

} // namespace dlq::kafka
