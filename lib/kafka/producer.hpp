#pragma once

#include "kafka/client.hpp"
#include "record/record.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace dlq::kafka {

// Whether librdkafka reported an error (callers outside lib/kafka name no librdkafka constant).
constexpr bool
failed(rd_kafka_resp_err_t err) noexcept
{
  return err != RD_KAFKA_RESP_ERR_NO_ERROR;
}

// The memory a record enqueued by Producer::produce() holds in librdkafka until its delivery
// report: key, value, header names and values, and librdkafka's structures for the record and
// each header (estimated: rd_kafka_msg_t, src/rdkafka_msg.h; one allocation a header,
// src/rdkafka_header.c). librdkafka's own byte bound, queue.buffering.max.kbytes, counts the
// value only (rd_kafka_msg_new0, src/rdkafka_msg.c, 2.0.2), and a dead letter's error context
// is in its headers: a caller that bounds memory counts this instead.
size_t footprint(const record::Record& record) noexcept;

struct DeliveryReport
{
  uint64_t token = 0; // what the caller passed to produce()
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  int32_t partition = -1;
  int64_t offset = -1;
};

class Producer : public Client
{
public:
  using DeliveryCallback = std::function<void(const DeliveryReport&)>;

  // `on_delivery` runs on the thread that calls poll()/flush()/produce().
  explicit Producer(const ClientConfig& config, DeliveryCallback on_delivery = {});
  ~Producer() override;

  // Enqueues a copy of the record for record.topic (record.partition < 0: the partitioner
  // chooses; record.timestamp < 0: now). Waits, polling, while librdkafka's queue is full.
  // Returns librdkafka's immediate error (unknown partition, record too large, ...), which the
  // caller counts as a failed delivery; nothing is enqueued then.
  rd_kafka_resp_err_t produce(const record::Record& record, uint64_t token = 0);

  void poll(milliseconds timeout);

  // Waits until every enqueued record is acknowledged or failed; false if `timeout` ran out
  // first (the rest is still in flight).
  bool flush(milliseconds timeout);

  int in_flight() const noexcept;

  // Transactions (config must set transactional.id). Each returns librdkafka's error object, or
  // nullptr on success, so that the caller can ask whether it is retriable, requires an abort
  // or is fatal (librdkafka src/rdkafka.h, "Transactional producer API").
  ErrorPtr init_transactions(milliseconds timeout);
  ErrorPtr begin_transaction();
  ErrorPtr send_offsets_to_transaction(const rd_kafka_topic_partition_list_t& offsets,
                                       const rd_kafka_consumer_group_metadata_t& group,
                                       milliseconds timeout);
  ErrorPtr commit_transaction(milliseconds timeout);
  ErrorPtr abort_transaction(milliseconds timeout);
  uint64_t delivered() const noexcept { return m_delivered; }
  uint64_t failed() const noexcept { return m_failed; }
  // librdkafka's text for the first failure, empty if none.
  const std::string& first_error() const noexcept { return m_first_error; }

private:
  void configure(rd_kafka_conf_t* conf) override;
  void serve_events() override { poll(milliseconds(0)); }
  static void on_delivery_report(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  void count_failure(rd_kafka_resp_err_t err);
  // The topic's handle, created once: RD_KAFKA_V_TOPIC looks the name up (a lock, a scan and a
  // reference taken and dropped) for every record. nullptr when librdkafka refuses the name.
  rd_kafka_topic_t* topic_handle(const std::string& topic);

  DeliveryCallback m_on_delivery;
  uint64_t m_delivered = 0;
  uint64_t m_failed = 0;
  std::string m_first_error;
  std::map<std::string, TopicPtr, std::less<>> m_topics; // destroyed before the handle (Client)
  rd_kafka_topic_t* m_last_topic = nullptr;              // ... and the last one used
  std::string_view m_last_topic_name;                    // (a key of m_topics)
};

} // namespace dlq::kafka
