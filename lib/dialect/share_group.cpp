// Kafka share groups' broker-written dead letter queue, KIP-1191.
// Source: apache/kafka server/src/main/java/org/apache/kafka/server/share/dlq/
// ShareGroupDLQStateManager.java. All utf8, numbers dec. The original headers are not copied.

#include "dialect/list.hpp"
#include "dialect/values.hpp"

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("__dlq.errors.topic", Encoding::Utf8, Field::OriginalTopic),
  own("__dlq.errors.partition", Encoding::Dec, Field::OriginalPartition),
  own("__dlq.errors.offset", Encoding::Dec, Field::OriginalOffset),
  own("__dlq.errors.group", Encoding::Utf8, Field::OriginalGroup),
  own("__dlq.errors.delivery.count", Encoding::Dec, Field::Attempts),
  own("__dlq.errors.message", Encoding::Utf8, Field::ExceptionMessage),
};

void
encode(const ErrorContext& context, record::Record& record)
{
  const auto& o = context.original;
  if (o.topic) {
    put::add(record, "__dlq.errors.topic", *o.topic);
  }
  if (o.partition) {
    put::add(record, "__dlq.errors.partition", values::encode_dec(*o.partition));
  }
  if (o.offset) {
    put::add(record, "__dlq.errors.offset", values::encode_dec(*o.offset));
  }
  if (o.group) {
    put::add(record, "__dlq.errors.group", *o.group);
  }
  if (context.attempts) {
    put::add(record, "__dlq.errors.delivery.count", values::encode_dec(*context.attempts));
  }
  if (context.exception.message) {
    put::add(record, "__dlq.errors.message", *context.exception.message);
  }
}

} // namespace

extern constinit const Dialect k_share_group{"share-group", k_headers, encode, nullptr};

} // namespace dlq::dialect
