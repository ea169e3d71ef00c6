// Karafka Pro's dead letter queue (Ruby).
// Source: karafka lib/karafka/pro/processing/strategies/dlq/default.rb (build_dlq_message: the
// source message's headers merged with source_* — a Hash#merge, so a second hop overwrites in
// place). 2.5+ writes source_*, 2.0.17–2.4 original_*, earlier original-*; all utf8, numbers dec.
// No exception information. Karafka OSS sends the payload only: nothing to decode.

#include "dialect/list.hpp"
#include "dialect/values.hpp"

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("source_topic", Encoding::Utf8, Field::OriginalTopic),
  own("source_partition", Encoding::Dec, Field::OriginalPartition),
  own("source_offset", Encoding::Dec, Field::OriginalOffset),
  own("source_consumer_group", Encoding::Utf8, Field::OriginalGroup),
  own("source_attempts", Encoding::Dec, Field::Attempts),
  own("source_trace_id", Encoding::Utf8, Field::None),
  own("original_topic", Encoding::Utf8, Field::OriginalTopic, 1),
  own("original_partition", Encoding::Dec, Field::OriginalPartition, 1),
  own("original_offset", Encoding::Dec, Field::OriginalOffset, 1),
  own("original_consumer_group", Encoding::Utf8, Field::OriginalGroup, 1),
  own("original_attempts", Encoding::Dec, Field::Attempts, 1),
  own("original_key", Encoding::Binary, Field::None),
  own("original-topic", Encoding::Utf8, Field::OriginalTopic, 2),
  own("original-partition", Encoding::Dec, Field::OriginalPartition, 2),
  own("original-offset", Encoding::Dec, Field::OriginalOffset, 2),
  own("original-consumer-group", Encoding::Utf8, Field::OriginalGroup, 2),
  own("original-attempts", Encoding::Dec, Field::Attempts, 2),
};

void
encode(const ErrorContext& context, record::Record& record)
{
  const auto& o = context.original;
  if (o.topic) {
    put::set(record, "source_topic", *o.topic);
  }
  if (o.partition) {
    put::set(record, "source_partition", values::encode_dec(*o.partition));
  }
  if (o.offset) {
    put::set(record, "source_offset", values::encode_dec(*o.offset));
  }
  if (o.group) {
    put::set(record, "source_consumer_group", *o.group);
  }
  if (context.attempts) {
    put::set(record, "source_attempts", values::encode_dec(*context.attempts));
  }
}

} // namespace

extern constinit const Dialect k_karafka{"karafka", k_headers, encode, nullptr};

} // namespace dlq::dialect
