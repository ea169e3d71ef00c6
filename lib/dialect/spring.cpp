// Spring Kafka's DeadLetterPublishingRecoverer (topic <topic>.DLT / <topic>-dlt).
// Sources: spring-kafka spring-kafka/src/main/java/org/springframework/kafka/support/KafkaHeaders.java
// (names), listener/DeadLetterPublishingRecoverer.java (addExceptionInfoHeaders, then
// maybeAddOriginalHeaders: the exception headers come first and replace earlier ones
// (stripPreviousExceptionHeaders), the original-* headers are appended (appendOriginalHeaders,
// true by default), so a record dead-lettered twice carries both origins, the true one first),
// listener/DeadLetterRecordManager.java. partition i32, offset and timestamp i64 (-1 = none), the
// rest utf8. Seen from spring-kafka 4.0.6 itself (tests/peers): the cause header is the root cause
// under ListenerExecutionFailedException wrappers, or the exception's own class when it has none;
// the message is "message; root cause message", absent when both are null; a key that failed to
// deserialize gets kafka_dlt-key-exception-* plus kafka_dlt-exception-cause-fqcn (the key
// exception's class) and no value exception headers at all.

#include "dialect/list.hpp"
#include "dialect/spring_headers.hpp"

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("kafka_dlt-original-topic", Encoding::Utf8, Field::OriginalTopic),
  own("kafka_dlt-original-partition", Encoding::I32, Field::OriginalPartition),
  own("kafka_dlt-original-offset", Encoding::I64, Field::OriginalOffset),
  own("kafka_dlt-original-timestamp", Encoding::I64, Field::OriginalTimestamp),
  own("kafka_dlt-original-timestamp-type", Encoding::Utf8, Field::OriginalTimestampType),
  // Also written by spring-retry and by the Spring Cloud Stream binder (2.8+ / 4.x).
  shared("kafka_dlt-original-consumer-group", Encoding::Utf8, Field::OriginalGroup),
  own("kafka_dlt-exception-fqcn", Encoding::Utf8, Field::ExceptionClass),
  // Often the fqcn above is the ListenerExecutionFailedException wrapper; this is the real one.
  shared("kafka_dlt-exception-cause-fqcn", Encoding::Utf8, Field::CauseClass),
  own("kafka_dlt-exception-message", Encoding::Utf8, Field::ExceptionMessage),
  own("kafka_dlt-exception-stacktrace", Encoding::Utf8, Field::ExceptionStacktrace),
  // Key deserialization failures: ErrorContext::key_exception, apart from the value's.
  shared("kafka_dlt-key-exception-fqcn", Encoding::Utf8, Field::KeyExceptionClass),
  shared("kafka_dlt-key-exception-message", Encoding::Utf8, Field::KeyExceptionMessage),
  shared("kafka_dlt-key-exception-stacktrace", Encoding::Utf8, Field::KeyExceptionStacktrace),
  // ErrorHandlingDeserializer's payloads (normally stripped) and the container's delivery attempt.
  shared("springDeserializerExceptionKey", Encoding::JavaSerialized, Field::None),
  shared("springDeserializerExceptionValue", Encoding::JavaSerialized, Field::None),
  counter("kafka_deliveryAttempt", Encoding::I32),
};

constexpr RecovererHeaderNames k_names{
  "kafka_dlt-exception-fqcn", "kafka_dlt-exception-cause-fqcn", "kafka_dlt-exception-message",
  "kafka_dlt-exception-stacktrace", "kafka_dlt-key-exception-fqcn", "kafka_dlt-key-exception-message",
  "kafka_dlt-key-exception-stacktrace", "kafka_dlt-original-topic", "kafka_dlt-original-partition",
  "kafka_dlt-original-offset", "kafka_dlt-original-timestamp", "kafka_dlt-original-timestamp-type",
  "kafka_dlt-original-consumer-group",
};

void
encode(const ErrorContext& context, record::Record& record)
{
  encode_recoverer_headers(context, record, k_names, OriginalHeaders::Append);
}

} // namespace

extern constinit const Dialect k_spring{"spring", k_headers, encode, nullptr};

} // namespace dlq::dialect
