#pragma once

// One record at a time, synchronously: compact-fix reads the record at an offset and writes the
// park, correction and nudge records one by one, each acknowledged before the next step.

#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "record/record.hpp"

#include <optional>
#include <string>

namespace dlq::kafka {

// The first record of topic [partition] at or after `offset`, read with `consumer` (assigned
// here; its config must set enable.partition.eof=true); std::nullopt when there is none before
// the partition's end. Throws UsageError for a partition the topic does not have, KafkaError
// when reading fails or nothing comes within k_connect_timeout, Interrupted on SIGINT/SIGTERM.
std::optional<record::Record> read_first_from(Consumer& consumer, const std::string& topic, int32_t partition,
                                              int64_t offset);

// Produces `record` and waits for its acknowledgement: throws KafkaError when librdkafka refuses
// it at once, DeliveryError when it is not acknowledged within k_connect_timeout or fails.
void produce_acknowledged(Producer& producer, const record::Record& record);

} // namespace dlq::kafka
