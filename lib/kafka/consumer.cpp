#include "kafka/consumer.hpp"

#include "error.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace dlq::kafka {

PartitionsPtr
to_partition_list(const std::vector<TopicPartition>& partitions)
{
  PartitionsPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    auto* element = rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
    element->offset = tp.offset;
    if (!tp.metadata.empty()) {
      // The list owns it: rd_kafka_topic_partition_list_destroy() frees it with free() (librdkafka
      // src/rdkafka_partition.c, rd_kafka_topic_partition_destroy0).
      element->metadata = std::malloc(tp.metadata.size());
      if (element->metadata == nullptr) {
        throw std::bad_alloc();
      }
      std::memcpy(element->metadata, tp.metadata.data(), tp.metadata.size());
      element->metadata_size = tp.metadata.size();
    }
  }
  return list;
}

Consumer::Consumer(const ClientConfig& config, RebalanceCallback on_rebalance)
  : m_on_rebalance(std::move(on_rebalance))
{
  create(RD_KAFKA_CONSUMER, config);
  // Serve everything (rebalances, errors, logs) from consumer_poll().
  rd_kafka_poll_set_consumer(m_handle.get());
  m_queue.reset(rd_kafka_queue_get_consumer(m_handle.get()));
}

Consumer::~Consumer()
{
  if (!m_closed) {
    try {
      close();
    } catch (...) {
      // Destructors never throw; a caller that cares has called close() itself.
    }
  }
}

void
Consumer::configure(rd_kafka_conf_t* conf)
{
  rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
}

void
Consumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque)
{
  auto* self = static_cast<Consumer*>(static_cast<ClientEvents*>(opaque)->owner);
  const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  const bool assigned = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
  if (self->m_on_rebalance) {
    // No exception may cross librdkafka's C frames: kept, and rethrown by poll().
    try {
      self->m_on_rebalance(*partitions, assigned);
    } catch (...) {
      if (!self->m_callback_error) {
        self->m_callback_error = std::current_exception();
      }
    }
  }
  if (cooperative) {
    ErrorPtr error(assigned ? rd_kafka_incremental_assign(rk, partitions) : rd_kafka_incremental_unassign(rk, partitions));
  } else {
    rd_kafka_assign(rk, assigned ? partitions : nullptr);
  }
}

void
Consumer::serve_events()
{
  // Before assign/subscribe no record can be waiting, so polling serves only events (errors go
  // to the error callback). Later, a poll could return a record that nobody would process.
  if (!m_started) {
    MessagePtr unexpected(rd_kafka_consumer_poll(m_handle.get(), 0));
  }
}

void
Consumer::assign(const std::vector<TopicPartition>& partitions)
{
  m_started = true;
  const auto list = to_partition_list(partitions);
  const auto err = rd_kafka_assign(m_handle.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error("assign", err);
  }
}

void
Consumer::incremental_assign(const std::vector<TopicPartition>& partitions)
{
  m_started = true;
  const auto list = to_partition_list(partitions);
  if (ErrorPtr error{rd_kafka_incremental_assign(m_handle.get(), list.get())}) {
    throw KafkaError(fmt::format("assign: {}", rd_kafka_error_string(error.get())), rd_kafka_error_code(error.get()));
  }
}

void
Consumer::incremental_unassign(const std::vector<TopicPartition>& partitions)
{
  const auto list = to_partition_list(partitions);
  if (ErrorPtr error{rd_kafka_incremental_unassign(m_handle.get(), list.get())}) {
    throw KafkaError(fmt::format("unassign: {}", rd_kafka_error_string(error.get())), rd_kafka_error_code(error.get()));
  }
}

void
Consumer::subscribe(const std::vector<std::string>& topics)
{
  m_started = true;
  PartitionsPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& topic : topics) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const auto err = rd_kafka_subscribe(m_handle.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error("subscribe", err);
  }
}

MessagePtr
Consumer::poll(milliseconds timeout)
{
  MessagePtr message(rd_kafka_consumer_poll(m_handle.get(), static_cast<int>(timeout.count())));
  if (m_callback_error) {
    std::rethrow_exception(std::exchange(m_callback_error, nullptr));
  }
  return message;
}

void
Consumer::store_offset(const std::string& topic, int32_t partition, int64_t next_offset)
{
  const auto list = to_partition_list({{topic, partition, next_offset}});
  const auto err = rd_kafka_offsets_store(m_handle.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(fmt::format("store offset {} [{}] @ {}", topic, partition, next_offset), err);
  }
}

void
Consumer::commit()
{
  const auto err = rd_kafka_commit(m_handle.get(), nullptr, 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    throw_kafka_error("commit", err);
  }
}

void
Consumer::commit_offsets(const std::vector<TopicPartition>& offsets)
{
  const auto list = to_partition_list(offsets);
  const auto err = rd_kafka_commit(m_handle.get(), list.get(), 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error("commit", err);
  }
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_kafka_error(fmt::format("commit {} [{}]", list->elems[i].topic, list->elems[i].partition), list->elems[i].err);
    }
  }
}

std::vector<Watermarks>
Consumer::watermarks(const std::vector<TopicPartition>& partitions, milliseconds timeout)
{
  std::vector<Watermarks> marks(partitions.size());
  // ListOffsets takes a timestamp per partition, and -2 and -1 ask for the earliest and the
  // latest offset (KIP-79; librdkafka's RD_KAFKA_OFFSET_BEGINNING and _END).
  for (const int64_t which : {RD_KAFKA_OFFSET_BEGINNING, RD_KAFKA_OFFSET_END}) {
    auto request = partitions;
    for (auto& tp : request) {
      tp.offset = which;
    }
    const auto list = to_partition_list(request);
    const auto err = rd_kafka_offsets_for_times(m_handle.get(), list.get(), static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_kafka_error("watermarks", err);
    }
    for (int i = 0; i < list->cnt; ++i) {
      const auto& tp = list->elems[i];
      if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw_kafka_error(fmt::format("watermarks of {} [{}]", tp.topic, tp.partition), tp.err);
      }
      (which == RD_KAFKA_OFFSET_BEGINNING ? marks[i].low : marks[i].high) = tp.offset;
    }
  }
  return marks;
}

std::vector<TopicPartition>
Consumer::committed(const std::vector<TopicPartition>& partitions, milliseconds timeout)
{
  const auto list = to_partition_list(partitions);
  const auto err = rd_kafka_committed(m_handle.get(), list.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error("committed offsets", err);
  }
  std::vector<TopicPartition> out;
  for (int i = 0; i < list->cnt; ++i) {
    const auto& tp = list->elems[i];
    std::string metadata;
    if (tp.metadata != nullptr && tp.metadata_size > 0) {
      metadata.assign(static_cast<const char*>(tp.metadata), tp.metadata_size);
    }
    out.push_back({tp.topic, tp.partition, tp.offset, std::move(metadata)});
  }
  return out;
}

std::string
CommitResult::text() const
{
  return error_string(err);
}

CommitStatus
classify_commit_error(rd_kafka_resp_err_t err) noexcept
{
  switch (err) {
  case RD_KAFKA_RESP_ERR_NO_ERROR:
    return CommitStatus::Committed;
  case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
  case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
  case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
  case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
  case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
  case RD_KAFKA_RESP_ERR__TRANSPORT:
  case RD_KAFKA_RESP_ERR__TIMED_OUT:
  case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
  case RD_KAFKA_RESP_ERR__WAIT_COORD:
    return CommitStatus::Retriable;
  case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
  case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
  case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
  case RD_KAFKA_RESP_ERR__STATE:
  case RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST:
    return CommitStatus::Rebalance;
  default:
    return CommitStatus::Fatal;
  }
}

CommitResult
Consumer::try_commit(const std::vector<TopicPartition>& offsets) noexcept
{
  const auto result = [](rd_kafka_resp_err_t err) { return CommitResult{classify_commit_error(err), err}; };
  if (offsets.empty()) {
    return {};
  }
  try {
    const auto list = to_partition_list(offsets);
    const auto err = rd_kafka_commit(m_handle.get(), list.get(), 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return result(err);
    }
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return result(list->elems[i].err);
      }
    }
    return {};
  } catch (const std::bad_alloc&) {
    return result(RD_KAFKA_RESP_ERR__FAIL);
  }
}

bool
Consumer::assignment_lost() const noexcept
{
  return rd_kafka_assignment_lost(m_handle.get()) != 0;
}

GroupMetadataPtr
Consumer::group_metadata() const
{
  return GroupMetadataPtr(rd_kafka_consumer_group_metadata(m_handle.get()));
}

void
Consumer::close()
{
  if (m_closed) {
    return;
  }
  m_closed = true;
  const auto err = rd_kafka_consumer_close(m_handle.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error("close", err);
  }
}

std::vector<TopicPartition>
Consumer::assignment() const
{
  rd_kafka_topic_partition_list_t* raw = nullptr;
  const auto err = rd_kafka_assignment(m_handle.get(), &raw);
  PartitionsPtr list(raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error("assignment", err);
  }
  std::vector<TopicPartition> result;
  for (int i = 0; i < list->cnt; ++i) {
    result.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  }
  return result;
}

size_t
Consumer::queued() const noexcept
{
  return m_queue ? rd_kafka_queue_length(m_queue.get()) : 0;
}

void
Consumer::wake_fetchers()
{
  std::vector<TopicPartition> partitions;
  try {
    partitions = assignment();
  } catch (const KafkaError&) {
    return; // closing: nothing to wake
  }
  if (partitions.empty()) {
    return;
  }
  for (auto& partition : partitions) {
    partition.offset = RD_KAFKA_OFFSET_END; // as a timestamp: "latest", which every broker answers
  }
  // One request per leader broker, sent together. Best effort: an error changes nothing here.
  const auto list = to_partition_list(partitions);
  rd_kafka_offsets_for_times(m_handle.get(), list.get(), 500);
}

} // namespace dlq::kafka
