#pragma once

// The internal shape of a dialect: a table of the headers it writes (name, encoding, the
// ErrorContext field it fills) and an encoder. engine.cpp runs every table through one generic
// decoder, so adding a dialect = one file defining a Dialect + one line in list.hpp.

#include "dialect/dialect.hpp"
#include "error_context.hpp"
#include "record/record.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dlq::dialect {

enum class Encoding : uint8_t {
  Utf8,
  Dec,
  I32,
  I64,
  BigInt,
  I32OrBigInt,    // retry_topic-attempts: i32 since spring-kafka 2.7.9, a 1-byte BigInteger before
  Counter,        // x-retries: dec text, a JSON number, or an i32
  Json,           // JSON text (spring_json_header_types)
  JavaSerialized, // an ObjectOutputStream blob: shown, never deserialized
  Binary,         // raw bytes (deserialization-failure-data)
};

enum class Field : uint8_t {
  None, // shown by describe_headers only
  OriginalTopic,
  OriginalPartition,
  OriginalOffset,
  OriginalTimestamp,
  OriginalTimestampType,
  OriginalGroup, // last of the Original* fields: these take the FIRST occurrence
  ExceptionClass,
  ExceptionMessage,
  ExceptionStacktrace,
  CauseClass,
  CauseMessage,
  KeyExceptionClass,
  KeyExceptionMessage,
  KeyExceptionStacktrace,
  Stage,
  ExecutingClass,
  Connector,
  Task,
  Attempts,
  Count,
};

constexpr bool
is_original(Field field) noexcept
{
  return field >= Field::OriginalTopic && field <= Field::OriginalGroup;
}

struct HeaderSpec
{
  std::string_view name;
  Encoding encoding;
  Field field;
  uint8_t rank;  // among headers filling one field, the lower rank wins; then first/last occurrence
  bool anchor;   // unique to this dialect: its position decides which dialect is current
  bool error;    // added on dead-lettering (replay strips it); false for counters that travel on
  // Field::Attempts: the header holds the failed deliveries plus this. Spring's retry_topic-attempts
  // holds the number of the delivery to come (2 after the first failure): 1. ErrorContext::attempts
  // is always the failed deliveries; describe_headers shows the header's own value.
  uint8_t ahead = 0;
};

// A header that identifies its dialect.
constexpr HeaderSpec
own(std::string_view name, Encoding encoding, Field field, uint8_t rank = 0)
{
  return {name, encoding, field, rank, true, true};
}

// An error header that other dialects write too, or that only rides along: it never decides
// detection, and belongs to the current dialect when that one lists it.
constexpr HeaderSpec
shared(std::string_view name, Encoding encoding, Field field, uint8_t rank = 0)
{
  return {name, encoding, field, rank, false, true};
}

// An attempt count that Spring's retry topics write as the number of the delivery to come.
constexpr HeaderSpec
next_delivery(std::string_view name, Encoding encoding)
{
  return {name, encoding, Field::Attempts, 0, true, true, 1};
}

// A counter that travels with the record between attempts (not stripped by replay).
constexpr HeaderSpec
counter(std::string_view name, Encoding encoding)
{
  return {name, encoding, Field::Attempts, 0, false, false};
}

struct Dialect
{
  std::string_view name;
  std::span<const HeaderSpec> headers;
  void (*encode)(const ErrorContext& context, record::Record& record);
  void (*finish)(ErrorContext& context); // optional fix-ups after the generic decode
  // finish() sets (or resets) the cause fields when no header gave them: the generic decode
  // leaves them as they were, so that their buffers are reused from record to record.
  bool finish_fills_cause = false;
};

// The header's spec in `dialect`, or nullptr. No allocation.
const HeaderSpec* find_header(const Dialect& dialect, std::string_view name) noexcept;

// envelope.cpp: the value-based dialect, decoded into `context` (whose buffers are reused) with
// `parser`'s buffers. False, and `context` unspecified, when the value is not an envelope.
bool decode_envelope(const record::BytesView& value, ErrorContext& context, EnvelopeParser& parser);
std::unique_ptr<EnvelopeParser, EnvelopeParserDeleter> make_envelope_parser();

// Helpers for encoders, mirroring the Java Headers calls the frameworks make.
namespace put {

// headers.add(name, value)
void add(record::Record& record, std::string_view name, std::string value);
// Kafka Connect's add() and Spring's maybeAddHeader(): only when no header `name` exists yet.
void add_if_absent(record::Record& record, std::string_view name, std::string value);
// Spring's appendOrReplace() with stripPreviousExceptionHeaders: remove every `name`, then add.
void replace(record::Record& record, std::string_view name, std::string value);
// A map-like put (Ruby Hash#merge, Go map set): overwrite the first `name` in place, else add.
void set(record::Record& record, std::string_view name, std::string value);

} // namespace put

} // namespace dlq::dialect
