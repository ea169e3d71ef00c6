#pragma once

#include "record/record.hpp"

#include <librdkafka/rdkafka.h>

#include <vector>

namespace dlq::kafka {

// Copies a consumed message into a Record (topic, partition, offset, timestamp, key, value and
// every header in order, null values kept).
record::Record to_record(const rd_kafka_message_t& message);

// Same, reusing `out`'s buffers: the consume loops call this for every record.
void to_record(const rd_kafka_message_t& message, record::Record& out);

// A view of a consumed message, without copying its bytes: valid while `message` lives and
// `headers` (where the header views go, reused from message to message) is not touched.
// rd_kafka_message_headers() is called once: on a message without headers librdkafka 2.0.2
// still builds and frees a buffer for each call (rd_kafka_msg_headers_parse, about 1,100
// instructions), and no public call tells an empty header block apart for less.
record::RecordView to_view(const rd_kafka_message_t& message, std::vector<record::HeaderView>& headers);

} // namespace dlq::kafka
