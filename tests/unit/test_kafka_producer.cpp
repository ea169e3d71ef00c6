#include "kafka/producer.hpp"

#include <doctest/doctest.h>

using dlq::kafka::footprint;
using dlq::record::Record;

TEST_SUITE_BEGIN("kafka");

TEST_CASE("kafka::footprint counts key, value and every header, not the value alone")
{
  Record bare;
  const size_t overhead = footprint(bare); // null key and value, no headers: librdkafka's own part
  CHECK(overhead > 0);

  Record record;
  record.key = std::string(10, 'k');
  record.value = std::string(100, 'v');
  CHECK(footprint(record) == overhead + 110);

  // A dead letter's error context: the stack trace in a header weighs as much as in the value.
  record.headers.push_back({"kafka_dlt-exception-stacktrace", std::string(1500, 's')});
  const size_t with_trace = footprint(record);
  CHECK(with_trace >= overhead + 110 + 1500 + 30);

  // A null header value has no bytes, but the header itself still costs its name and its slot.
  record.headers.push_back({"x-retries", std::nullopt});
  CHECK(footprint(record) > with_trace + 9);

  // The topic is librdkafka's handle, shared: not counted per record.
  record.topic = std::string(200, 't');
  CHECK(footprint(record) > with_trace + 9);
  CHECK(footprint(record) < with_trace + 200);
}

TEST_SUITE_END();
