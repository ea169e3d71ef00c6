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

#include "dialect/spec.hpp"
#include "dialect/values.hpp"
#include "util/json_scan.hpp"

#include <nlohmann/json.hpp>

namespace dlq::dialect {

namespace {

constexpr std::string_view k_prefixes[] = {"x-", "kafka_dlt-", "spring_json_header_types"};

constexpr std::string_view k_retries = "x-retries";
constexpr std::string_view k_json_types = "spring_json_header_types";

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
  HeaderSpec{k_json_types, Encoding::Json, Field::None, 0, false, false},
};

// Declares x-retries as an Integer in spring_json_header_types, adding the map when there is
// none: the binder's header mapper writes it with every Integer header it maps (binder 5.0.4,
// tests/peers), and reads an undeclared header as byte[].
void
declare_retries_type(record::Record& record)
{
  bool found = false;
  for (auto& header : record.headers) {
    if (header.name != k_json_types || !header.value) {
      continue;
    }
    found = true;
    if (util::json_nests_deeper_than(*header.value)) {
      continue; // not a map of names to types (and dump() would recurse)
    }
    auto types = nlohmann::json::parse(*header.value, nullptr, false);
    if (types.is_object()) {
      types[std::string(k_retries)] = "java.lang.Integer";
      header.value = types.dump();
    }
  }
  if (!found) {
    put::add(record, k_json_types, nlohmann::json{{k_retries, "java.lang.Integer"}}.dump());
  }
}

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
    declare_retries_type(record);
  }
}

} // namespace

constinit const Dialect k_scst{"scst", k_prefixes, k_headers, encode, nullptr};

} // namespace dlq::dialect
