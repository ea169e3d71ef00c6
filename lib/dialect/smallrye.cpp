// SmallRye Reactive Messaging Kafka (Quarkus): the dead-letter-queue failure strategy and the
// delayed-retry-topic strategy.
// Sources: smallrye-reactive-messaging smallrye-reactive-messaging-kafka/src/main/java/io/smallrye/
// reactive/messaging/kafka/fault/KafkaDeadLetterQueue.java (handle(): the dead-letter-* headers are
// added to a NEW record first, the incoming record's headers copied after them),
// fault/KafkaDelayedRetryTopic.java (delayed-retry-*), DeserializationFailureHandler.java
// (deserialization-failure-*). All utf8, numbers dec, *-data raw bytes.
// The delayed-retry headers carry the first origin (they ride along onto the DLQ record), so they
// rank before dead-letter-topic/partition/offset for `original`; the DLQ's exception ranks first.

#include "dialect/list.hpp"
#include "dialect/values.hpp"

#include <iterator>

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("dead-letter-exception-class-name", Encoding::Utf8, Field::ExceptionClass),
  own("dead-letter-reason", Encoding::Utf8, Field::ExceptionMessage),
  own("dead-letter-cause-class-name", Encoding::Utf8, Field::CauseClass),
  own("dead-letter-cause", Encoding::Utf8, Field::CauseMessage),
  own("dead-letter-topic", Encoding::Utf8, Field::OriginalTopic, 1),
  own("dead-letter-partition", Encoding::Dec, Field::OriginalPartition, 1),
  own("dead-letter-offset", Encoding::Dec, Field::OriginalOffset, 1),
  own("delayed-retry-exception-class-name", Encoding::Utf8, Field::ExceptionClass, 1),
  own("delayed-retry-reason", Encoding::Utf8, Field::ExceptionMessage, 1),
  own("delayed-retry-cause-class-name", Encoding::Utf8, Field::CauseClass, 1),
  own("delayed-retry-cause", Encoding::Utf8, Field::CauseMessage, 1),
  own("delayed-retry-topic", Encoding::Utf8, Field::OriginalTopic),
  own("delayed-retry-partition", Encoding::Dec, Field::OriginalPartition),
  own("delayed-retry-offset", Encoding::Dec, Field::OriginalOffset),
  own("delayed-retry-count", Encoding::Dec, Field::Attempts),
  own("delayed-retry-original-timestamp", Encoding::Dec, Field::OriginalTimestamp),
  own("delayed-retry-first-processing-timestamp", Encoding::Dec, Field::None),
  shared("deserialization-failure-reason", Encoding::Utf8, Field::None),
  shared("deserialization-failure-cause", Encoding::Utf8, Field::None),
  shared("deserialization-failure-key", Encoding::Utf8, Field::None),
  shared("deserialization-failure-topic", Encoding::Utf8, Field::None),
  shared("deserialization-failure-deserializer", Encoding::Utf8, Field::None),
  shared("deserialization-failure-data", Encoding::Binary, Field::None),
  shared("deserialization-failure-key-data", Encoding::Binary, Field::None),
  shared("deserialization-failure-value-data", Encoding::Binary, Field::None),
};

void
encode(const ErrorContext& context, record::Record& record)
{
  const auto& e = context.exception;
  const auto& o = context.original;
  record::Record dead;
  if (e.class_name) {
    put::add(dead, "dead-letter-exception-class-name", *e.class_name);
  }
  // getThrowableMessage(): the message, else Throwable.toString() (the class name).
  if (e.message || e.class_name) {
    put::add(dead, "dead-letter-reason", e.message ? *e.message : *e.class_name);
  }
  if (e.cause_class) {
    put::add(dead, "dead-letter-cause-class-name", *e.cause_class);
    put::add(dead, "dead-letter-cause", e.cause_message ? *e.cause_message : *e.cause_class);
  }
  if (o.topic) {
    put::add(dead, "dead-letter-topic", *o.topic);
  }
  if (o.partition) {
    put::add(dead, "dead-letter-partition", values::encode_dec(*o.partition));
  }
  if (o.offset) {
    put::add(dead, "dead-letter-offset", values::encode_dec(*o.offset));
  }
  record.headers.insert(record.headers.begin(), std::make_move_iterator(dead.headers.begin()),
                        std::make_move_iterator(dead.headers.end()));
}

} // namespace

extern constinit const Dialect k_smallrye{"smallrye", k_headers, encode, nullptr};

} // namespace dlq::dialect
