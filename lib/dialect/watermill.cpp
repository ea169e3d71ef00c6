// Watermill's poison queue middleware (Go).
// Source: ThreeDotsLabs/watermill message/router/middleware/poison.go (ReasonForPoisonedKey,
// PoisonedTopicKey, PoisonedHandlerKey, PoisonedSubscriberKey set in the message metadata, which
// the Kafka marshaler writes as utf8 headers). No partition or offset.

#include "dialect/list.hpp"

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("reason_poisoned", Encoding::Utf8, Field::ExceptionMessage),
  own("topic_poisoned", Encoding::Utf8, Field::OriginalTopic),
  own("handler_poisoned", Encoding::Utf8, Field::None),
  own("subscriber_poisoned", Encoding::Utf8, Field::None),
};

void
encode(const ErrorContext& context, record::Record& record)
{
  // Metadata is a map: Set overwrites.
  if (context.exception.message) {
    put::set(record, "reason_poisoned", *context.exception.message);
  }
  if (context.original.topic) {
    put::set(record, "topic_poisoned", *context.original.topic);
  }
}

} // namespace

extern constinit const Dialect k_watermill{"watermill", k_headers, encode, nullptr};

} // namespace dlq::dialect
