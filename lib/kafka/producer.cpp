#include "kafka/producer.hpp"

#include "error.hpp"

namespace dlq::kafka {

size_t
footprint(const record::Record& record) noexcept
{
  constexpr size_t k_record_overhead = 256;
  constexpr size_t k_header_overhead = 64;
  size_t bytes = k_record_overhead + (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
  for (const auto& header : record.headers) {
    bytes += k_header_overhead + header.name.size() + (header.value ? header.value->size() : 0);
  }
  return bytes;
}

Producer::Producer(const ClientConfig& config, DeliveryCallback on_delivery)
  : m_on_delivery(std::move(on_delivery))
{
  create(RD_KAFKA_PRODUCER, config);
}

Producer::~Producer()
{
  // Best effort: a caller that cares has already called flush() and checked it.
  rd_kafka_flush(m_handle.get(), 2000);
}

void
Producer::configure(rd_kafka_conf_t* conf)
{
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery_report);
}

void
Producer::on_delivery_report(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque)
{
  auto* self = static_cast<Producer*>(static_cast<ClientEvents*>(opaque)->owner);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->m_delivered;
  } else {
    self->count_failure(message->err);
  }
  if (self->m_on_delivery) {
    DeliveryReport report;
    report.token = reinterpret_cast<uintptr_t>(message->_private);
    report.err = message->err;
    report.partition = message->partition;
    report.offset = message->offset;
    self->m_on_delivery(report);
  }
}

void
Producer::count_failure(rd_kafka_resp_err_t err)
{
  ++m_failed;
  if (m_first_error.empty()) {
    m_first_error = rd_kafka_err2str(err);
  }
}

rd_kafka_topic_t*
Producer::topic_handle(const std::string& topic)
{
  if (m_last_topic != nullptr && topic == m_last_topic_name) {
    return m_last_topic;
  }
  auto it = m_topics.find(topic);
  if (it == m_topics.end()) {
    TopicPtr handle(rd_kafka_topic_new(m_handle.get(), topic.c_str(), nullptr));
    if (!handle) {
      return nullptr; // the caller reports rd_kafka_last_error()
    }
    it = m_topics.emplace(topic, std::move(handle)).first;
  }
  m_last_topic = it->second.get();
  m_last_topic_name = it->first;
  return m_last_topic;
}

rd_kafka_resp_err_t
Producer::produce(const record::Record& record, uint64_t token)
{
  HeadersPtr headers;
  if (!record.headers.empty()) {
    headers.reset(rd_kafka_headers_new(record.headers.size()));
    for (const auto& header : record.headers) {
      // A null pointer makes a null header value; an empty string stays empty.
      rd_kafka_header_add(headers.get(),
                          header.name.data(),
                          static_cast<ssize_t>(header.name.size()),
                          header.value ? header.value->data() : nullptr,
                          header.value ? static_cast<ssize_t>(header.value->size()) : 0);
    }
  }
  const auto* key = record.key ? record.key->data() : nullptr;
  const auto* value = record.value ? record.value->data() : nullptr;
  // Computed here: the RD_KAFKA_V_* macros cast their arguments without parentheses.
  const size_t key_size = record.key ? record.key->size() : 0;
  const size_t value_size = record.value ? record.value->size() : 0;
  const int32_t partition = record.partition >= 0 ? record.partition : RD_KAFKA_PARTITION_UA;
  const int64_t timestamp = record.timestamp >= 0 ? record.timestamp : 0;
  void* opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
  rd_kafka_topic_t* topic = topic_handle(record.topic);
  if (topic == nullptr) {
    // rd_kafka_topic_new() refused the name (librdkafka src/rdkafka.h: the reason is in
    // rd_kafka_last_error()), as rd_kafka_producev() by name would.
    const auto err = rd_kafka_last_error();
    count_failure(err);
    return err;
  }
  while (true) {
    const auto err = rd_kafka_producev(m_handle.get(),
                                       RD_KAFKA_V_RKT(topic),
                                       RD_KAFKA_V_PARTITION(partition),
                                       RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                       RD_KAFKA_V_KEY(const_cast<char*>(key), key_size),
                                       RD_KAFKA_V_VALUE(const_cast<char*>(value), value_size),
                                       RD_KAFKA_V_TIMESTAMP(timestamp),
                                       RD_KAFKA_V_HEADERS(headers.get()),
                                       RD_KAFKA_V_OPAQUE(opaque),
                                       RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      // rd_kafka_producev() takes the headers only on success (librdkafka src/rdkafka.h); on
      // failure they are still ours, for the next attempt or for the deleter.
      headers.release();
      return err;
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      count_failure(err);
      return err;
    }
    check_fatal();
    rd_kafka_poll(m_handle.get(), 100); // kcat's produce(): serve delivery reports, then retry
  }
}

void
Producer::poll(milliseconds timeout)
{
  rd_kafka_poll(m_handle.get(), static_cast<int>(timeout.count()));
}

bool
Producer::flush(milliseconds timeout)
{
  return rd_kafka_flush(m_handle.get(), static_cast<int>(timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

ErrorPtr
Producer::init_transactions(milliseconds timeout)
{
  return ErrorPtr(rd_kafka_init_transactions(m_handle.get(), static_cast<int>(timeout.count())));
}

ErrorPtr
Producer::begin_transaction()
{
  return ErrorPtr(rd_kafka_begin_transaction(m_handle.get()));
}

ErrorPtr
Producer::send_offsets_to_transaction(const rd_kafka_topic_partition_list_t& offsets,
                                      const rd_kafka_consumer_group_metadata_t& group,
                                      milliseconds timeout)
{
  return ErrorPtr(rd_kafka_send_offsets_to_transaction(m_handle.get(), &offsets, &group, static_cast<int>(timeout.count())));
}

ErrorPtr
Producer::commit_transaction(milliseconds timeout)
{
  return ErrorPtr(rd_kafka_commit_transaction(m_handle.get(), static_cast<int>(timeout.count())));
}

ErrorPtr
Producer::abort_transaction(milliseconds timeout)
{
  return ErrorPtr(rd_kafka_abort_transaction(m_handle.get(), static_cast<int>(timeout.count())));
}

int
Producer::in_flight() const noexcept
{
  return rd_kafka_outq_len(m_handle.get());
}

} // namespace dlq::kafka
