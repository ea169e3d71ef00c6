// Spring Cloud Stream's Kafka binder DLQ (error.<topic>.<group>).
// Source: spring-cloud-stream binders/kafka-binder/spring-cloud-stream-binder-kafka/src/main/java/
// org/springframework/cloud/stream/binder/kafka/KafkaMessageChannelBinder.java (handleRecordForDlq:
// x-original-* then x-exception-*, plain add, so a second DLQ hop repeats them). Seen from binder
// 5.0.4 itself (tests/peers): the class and stack trace are the wrapper's the binding's error
// channel got (a MessageHandlingException), the message is "wrapper message; cause message", and no
// cause class, consumer group or kafka_dlt-* header is written. The kafka_dlt-* names below are for
// a binder that publishes through Spring's DeadLetterPublishingRecoverer (not 5.0.4).
// partition i32, offset/timestamp i64, the rest utf8. x-retries is the re-route sample's counter
// (shared/seeds/spring-cloud-stream-dlq.txt): an Integer that the binder's BinderHeaderMapper writes
// as JSON text (1 -> "1") and declares in spring_json_header_types; an undeclared x-retries reaches
// the application as byte[], so the encoder declares it too.

#include "dialect/list.hpp"
#include "dialect/spring_headers.hpp"
#include "dialect/values.hpp"

namespace dlq::dialect {

namespace {

constexpr std::string_view k_retries = "x-retries";

constexpr HeaderSpec k_headers[] = {
  own("x-original-topic", Encoding::Utf8, Field::OriginalTopic),
  own("x-original-partition", Encoding::I32, Field::OriginalPartition),
  own("x-original-offset", Encoding::I64, Field::OriginalOffset),
  own("x-original-timestamp", Encoding::I64, Field::OriginalTimestamp),
  own("x-original-timestamp-type", Encoding::Utf8, Field::OriginalTimestampType),
  shared("kafka_dlt-original-consumer-group", Encoding::Utf8, Field::OriginalGroup),
  own("x-exception-fqcn", Encoding::Utf8, Field::ExceptionClass),
  shared("kafka_dlt-exception-cause-fqcn", Encoding::Utf8, Field::CauseClass),
  own("x-exception-message", Encoding::Utf8, Field::ExceptionMessage),
  own("x-exception-stacktrace", Encoding::Utf8, Field::ExceptionStacktrace),
  shared("kafka_dlt-key-exception-fqcn", Encoding::Utf8, Field::KeyExceptionClass),
  shared("kafka_dlt-key-exception-message", Encoding::Utf8, Field::KeyExceptionMessage),
  shared("kafka_dlt-key-exception-stacktrace", Encoding::Utf8, Field::KeyExceptionStacktrace),
  counter(k_retries, Encoding::Counter),
  HeaderSpec{k_json_header_types, Encoding::Json, Field::None, 0, false, false},
};

void
encode(const ErrorContext& context, record::Record& record)
{
  const auto& e = context.exception;
  const auto& o = context.original;
  if (o.topic) {
    put::add(record, "x-original-topic", *o.topic);
  }
  if (o.partition) {
    put::add(record, "x-original-partition", values::encode_i32(*o.partition));
  }
  if (o.offset) {
    put::add(record, "x-original-offset", values::encode_i64(*o.offset));
  }
  if (o.timestamp) {
    put::add(record, "x-original-timestamp", values::encode_i64(*o.timestamp));
  }
  if (o.timestamp_type) {
    put::add(record, "x-original-timestamp-type", *o.timestamp_type);
  }
  if (e.class_name) {
    put::add(record, "x-exception-fqcn", *e.class_name);
  }
  if (e.message) {
    put::add(record, "x-exception-message", *e.message);
  }
  if (e.stacktrace) {
    put::add(record, "x-exception-stacktrace", *e.stacktrace);
  }
  if (context.attempts) {
    // A message header map: setHeader replaces the value.
    put::set(record, k_retries, values::encode_dec(*context.attempts));
    // The binder's header mapper writes the map with every Integer header it maps (binder 5.0.4,
    // tests/peers) and reads an undeclared header as byte[].
    declare_integer_header(record.headers, k_retries, true);
  }
}

} // namespace

extern constinit const Dialect k_scst{"scst", k_headers, encode, nullptr};

} // namespace dlq::dialect
