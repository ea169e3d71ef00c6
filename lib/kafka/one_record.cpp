#include "kafka/one_record.hpp"

#include "error.hpp"
#include "kafka/message.hpp"
#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace dlq::kafka {

std::optional<record::Record>
read_first_from(Consumer& consumer, const std::string& topic, int32_t partition, int64_t offset)
{
  const auto ids = consumer.partitions(topic);
  if (std::find(ids.begin(), ids.end(), partition) == ids.end()) {
    throw UsageError(fmt::format("topic \"{}\" has no partition {} (it has {})", topic, partition, ids.size()));
  }
  const auto marks = consumer.watermarks(topic, partition);
  if (offset >= marks.high) {
    return std::nullopt;
  }
  consumer.assign({{topic, partition, std::max(offset, marks.low)}});
  const auto deadline = std::chrono::steady_clock::now() + k_connect_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (util::interrupt_requested()) {
      throw Interrupted();
    }
    const auto message = consumer.poll(milliseconds(100));
    if (!message) {
      continue;
    }
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      return std::nullopt;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_kafka_error(fmt::format("read {} [{}] @ {}", topic, partition, offset), message->err);
    }
    return to_record(*message);
  }
  throw KafkaError(fmt::format("read {} [{}] @ {}: no record within {} ms", topic, partition, offset,
                               k_connect_timeout.count()),
                   RD_KAFKA_RESP_ERR__TIMED_OUT);
}

void
produce_acknowledged(Producer& producer, const record::Record& record)
{
  if (const auto err = producer.produce(record); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(fmt::format("produce to {}", record.topic), err);
  }
  if (!producer.flush(k_connect_timeout)) {
    throw DeliveryError(fmt::format("produce to {}: not acknowledged within {} ms", record.topic,
                                    k_connect_timeout.count()));
  }
  if (producer.failed() > 0) {
    throw DeliveryError(fmt::format("produce to {}: {}", record.topic, producer.first_error()));
  }
}

} // namespace dlq::kafka
