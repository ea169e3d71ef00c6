// Spring Kafka's non-blocking retries (@RetryableTopic): <topic>-retry-<n> hops, then <topic>-dlt.
// Sources: spring-kafka spring-kafka/src/main/java/org/springframework/kafka/retrytopic/
// DeadLetterPublishingRecovererFactory.java (the recoverer with kafka_original-* / kafka_exception-*
// names, plus the retry headers added per hop: original timestamp, attempts, backoff timestamp),
// retrytopic/RetryTopicHeaders.java. Encodings as `spring`; retry_topic-attempts is an i32 since
// 2.7.9 (a 1-byte BigInteger before) and accumulates one per hop since 2.9.6, so the last counts;
// the two timestamps are variable-length BigIntegers. Seen from spring-kafka 4.0.6 itself
// (tests/peers): each hop appends the number of the delivery to come, so a record that failed 3
// times (maxAttempts 3) reaches the -dlt with 2, 3, 4 (and one on a -retry topic after the first
// failure carries 2); kafka_original-* are written on the first hop only, the exception headers
// are replaced at each hop. dlqcat counts and shows the failed deliveries: the header's value
// minus one (docs/REPLAY.md, "Counter rules"), so that 4 on a -dlt record is 3 attempts.

#include "dialect/list.hpp"
#include "dialect/spring_headers.hpp"
#include "dialect/values.hpp"

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("kafka_original-topic", Encoding::Utf8, Field::OriginalTopic),
  own("kafka_original-partition", Encoding::I32, Field::OriginalPartition),
  own("kafka_original-offset", Encoding::I64, Field::OriginalOffset),
  own("kafka_original-timestamp", Encoding::I64, Field::OriginalTimestamp),
  own("kafka_original-timestamp-type", Encoding::Utf8, Field::OriginalTimestampType),
  shared("kafka_dlt-original-consumer-group", Encoding::Utf8, Field::OriginalGroup),
  own("kafka_exception-fqcn", Encoding::Utf8, Field::ExceptionClass),
  own("kafka_exception-cause-fqcn", Encoding::Utf8, Field::CauseClass),
  own("kafka_exception-message", Encoding::Utf8, Field::ExceptionMessage),
  own("kafka_exception-stacktrace", Encoding::Utf8, Field::ExceptionStacktrace),
  own("kafka_key-exception-fqcn", Encoding::Utf8, Field::KeyExceptionClass),
  own("kafka_key-exception-message", Encoding::Utf8, Field::KeyExceptionMessage),
  own("kafka_key-exception-stacktrace", Encoding::Utf8, Field::KeyExceptionStacktrace),
  own("retry_topic-original-timestamp", Encoding::BigInt, Field::OriginalTimestamp, 1),
  // The number of the delivery to come: ErrorContext::attempts (the failed deliveries) is one less.
  next_delivery("retry_topic-attempts", Encoding::I32OrBigInt),
  own("retry_topic-backoff-timestamp", Encoding::BigInt, Field::None),
};

constexpr RecovererHeaderNames k_names{
  "kafka_exception-fqcn", "kafka_exception-cause-fqcn", "kafka_exception-message",
  "kafka_exception-stacktrace", "kafka_key-exception-fqcn", "kafka_key-exception-message",
  "kafka_key-exception-stacktrace", "kafka_original-topic", "kafka_original-partition",
  "kafka_original-offset", "kafka_original-timestamp", "kafka_original-timestamp-type",
  "kafka_dlt-original-consumer-group",
};

void
encode(const ErrorContext& context, record::Record& record)
{
  encode_recoverer_headers(context, record, k_names, OriginalHeaders::KeepFirst);
  const auto& o = context.original;
  // The per-hop headers (the factory's headersFunction), appended: values accumulate.
  if (o.timestamp) {
    put::add(record, "retry_topic-original-timestamp", values::encode_bigint(*o.timestamp));
  }
  if (context.attempts) {
    // Spring's form: the number of the next delivery, one more than the failed ones.
    put::add(record, "retry_topic-attempts", values::encode_i32(*context.attempts + 1));
  }
}

} // namespace

extern constinit const Dialect k_spring_retry{"spring-retry", k_headers, encode, nullptr};

} // namespace dlq::dialect
