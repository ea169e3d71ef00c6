#pragma once

#include "record/record.hpp"

#include <librdkafka/rdkafka.h>

namespace dlq::kafka {

// Copies a consumed message into a Record (topic, partition, offset, timestamp, key, value and
// every header in order, null values kept).
record::Record to_record(const rd_kafka_message_t& message);

// Same, reusing `out`'s buffers: the consume loops call this for every record.
void to_record(const rd_kafka_message_t& message, record::Record& out);

} // namespace dlq::kafka
