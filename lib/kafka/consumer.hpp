#pragma once

#include "kafka/client.hpp"

#include <exception>
#include <functional>
#include <optional>

namespace dlq::kafka {

struct TopicPartition
{
  TopicPartition() = default;
  TopicPartition(std::string topic_, int32_t partition_, int64_t offset_ = RD_KAFKA_OFFSET_INVALID, std::string metadata_ = {})
    : topic(std::move(topic_)), partition(partition_), offset(offset_), metadata(std::move(metadata_))
  {
  }

  std::string topic;
  int32_t partition = 0;
  int64_t offset = RD_KAFKA_OFFSET_INVALID;
  // A commit's metadata string (OffsetCommit / OffsetFetch): sent with commits, read back by
  // committed(). Empty: none.
  std::string metadata;

  bool operator==(const TopicPartition&) const = default;
};

// What a group commit's answer asks of the caller.
enum class CommitStatus : uint8_t {
  Committed,
  // The group's coordinator is moving or loading (COORDINATOR_LOAD_IN_PROGRESS,
  // COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR), or the request timed out or lost its connection:
  // the same commit may be sent again after a pause (a stale one is refused by generation).
  Retriable,
  // The group is rebalancing, or went on without this member: offer it again once the
  // rebalance ended (the partitions may belong to another member by then).
  Rebalance,
  // Anything else (authorization, an offset or metadata the broker refuses, ...).
  Fatal,
};

struct CommitResult
{
  CommitStatus status = CommitStatus::Committed;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;

  bool committed() const noexcept { return status == CommitStatus::Committed; }
  // librdkafka's description of the error ("Broker: Coordinator load in progress").
  std::string text() const;
};

// The status of a commit that ended with `err` (librdkafka src/rdkafka_request.c,
// rd_kafka_handle_OffsetCommit, and Kafka's OffsetCommit error codes).
CommitStatus classify_commit_error(rd_kafka_resp_err_t err) noexcept;

class Consumer : public Client
{
public:
  // Called from poll() when the group assigns (true) or revokes (false) partitions. On assign,
  // the callback may change the offsets in the list before they are applied.
  using RebalanceCallback = std::function<void(rd_kafka_topic_partition_list_t& partitions, bool assigned)>;

  // `config` must carry group.id to subscribe; without one, only assign() works.
  explicit Consumer(const ClientConfig& config, RebalanceCallback on_rebalance = {});
  ~Consumer() override;

  void assign(const std::vector<TopicPartition>& partitions);
  void subscribe(const std::vector<std::string>& topics);
  // Adds / removes partitions to / from a manual assignment (no group), leaving the others as
  // they are. Throws KafkaError.
  void incremental_assign(const std::vector<TopicPartition>& partitions);
  void incremental_unassign(const std::vector<TopicPartition>& partitions);

  // A message or an event (message->err != 0, e.g. partition EOF); nullptr on timeout.
  MessagePtr poll(milliseconds timeout);

  // Marks `offset` (the next offset to read) as done, for the next commit.
  void store_offset(const std::string& topic, int32_t partition, int64_t next_offset);
  // Commits the stored offsets synchronously. Nothing to commit is not an error.
  void commit();
  // Commits exactly these offsets (the next offsets to read) for this consumer's group.id,
  // without joining the group: the group must have no active members.
  void commit_offsets(const std::vector<TopicPartition>& offsets);
  // Commits these offsets, each with its metadata (an empty one clears what was there), in the
  // group this consumer is a member of (or, assigned, directly). The result carries the request's
  // error, else the first partition's, classified; Committed when all were. Never throws.
  CommitResult try_commit(const std::vector<TopicPartition>& offsets) noexcept;
  // Inside a revoke: whether the partitions were lost (the group went on without this member)
  // rather than handed over; a commit for them would then be refused or overwrite another's.
  bool assignment_lost() const noexcept;
  // For Producer::send_offsets_to_transaction.
  GroupMetadataPtr group_metadata() const;
  // The watermarks of these partitions, in the same order: two ListOffsets requests to each
  // leader (earliest, latest), where Client::watermarks() makes two round trips per partition.
  std::vector<Watermarks> watermarks(const std::vector<TopicPartition>& partitions, milliseconds timeout);
  using Client::watermarks;
  // The group's committed offsets for these partitions, with their metadata;
  // RD_KAFKA_OFFSET_INVALID where none.
  std::vector<TopicPartition> committed(const std::vector<TopicPartition>& partitions, milliseconds timeout);

  // Leaves the group and stops fetching; throws KafkaError on failure. Idempotent.
  void close();

  std::vector<TopicPartition> assignment() const;

  // Messages (and events) fetched and waiting to be polled.
  size_t queued() const noexcept;
  // Sends the leader of each assigned partition a ListOffsets request and ignores the answer:
  // the request wakes the broker thread that fetches from that leader (see RecordSource).
  void wake_fetchers();

private:
  void configure(rd_kafka_conf_t* conf) override;
  void serve_events() override;
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque);

  RebalanceCallback m_on_rebalance;
  std::exception_ptr m_callback_error; // thrown inside the rebalance callback, rethrown by poll()
  QueuePtr m_queue; // the consumer queue poll() reads (destroyed before the handle)
  bool m_closed = false;
  bool m_started = false; // assign() or subscribe() was called: records may be waiting
};

PartitionsPtr to_partition_list(const std::vector<TopicPartition>& partitions);

} // namespace dlq::kafka
