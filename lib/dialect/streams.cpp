// Kafka Streams' dead letter queue, KIP-1034 (Apache Kafka 4.2, errors.dead.letter.queue.topic.name).
// Source: apache/kafka streams/src/main/java/org/apache/kafka/streams/errors/internals/
// ExceptionHandlerUtils.java (buildDeadLetterQueueRecord): six utf8 headers in this order, a null
// message header when the exception has no message, partition and offset as dec text.

#include "dialect/list.hpp"
#include "dialect/values.hpp"

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("__streams.errors.exception", Encoding::Utf8, Field::ExceptionClass),
  own("__streams.errors.message", Encoding::Utf8, Field::ExceptionMessage),
  own("__streams.errors.stacktrace", Encoding::Utf8, Field::ExceptionStacktrace),
  own("__streams.errors.topic", Encoding::Utf8, Field::OriginalTopic),
  own("__streams.errors.partition", Encoding::Dec, Field::OriginalPartition),
  own("__streams.errors.offset", Encoding::Dec, Field::OriginalOffset),
};

void
encode(const ErrorContext& context, record::Record& record)
{
  const auto& e = context.exception;
  const auto& o = context.original;
  if (e.class_name) {
    put::add(record, "__streams.errors.exception", *e.class_name);
    record.headers.push_back({"__streams.errors.message", e.message});
  } else if (e.message) {
    put::add(record, "__streams.errors.message", *e.message);
  }
  if (e.stacktrace) {
    put::add(record, "__streams.errors.stacktrace", *e.stacktrace);
  }
  if (o.topic) {
    put::add(record, "__streams.errors.topic", *o.topic);
  }
  if (o.partition) {
    put::add(record, "__streams.errors.partition", values::encode_dec(*o.partition));
  }
  if (o.offset) {
    put::add(record, "__streams.errors.offset", values::encode_dec(*o.offset));
  }
}

// The first implementation wrote exception.toString(), "class: message", into the class header.
void
finish(ErrorContext& context)
{
  auto& class_name = context.exception.class_name;
  if (!class_name) {
    return;
  }
  const auto colon = class_name->find(": ");
  if (colon == std::string::npos || colon == 0 || class_name->find_first_of(" \t") < colon) {
    return;
  }
  if (!context.exception.message) {
    context.exception.message = class_name->substr(colon + 2);
  }
  class_name->resize(colon);
}

} // namespace

extern constinit const Dialect k_streams{"streams", k_headers, encode, finish};

} // namespace dlq::dialect
