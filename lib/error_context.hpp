#pragma once

// The normalised view of "why is this record in a DLQ" that every dialect decodes into
// (shared/DESIGN.md, JSON key `error`). Absent fields stay std::nullopt and are omitted from JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::util {
class JsonWriter;
} // namespace dlq::util

namespace dlq {

struct OriginalLocation
{
  std::optional<std::string> topic;
  std::optional<int32_t> partition;
  std::optional<int64_t> offset;
  std::optional<int64_t> timestamp;
  std::optional<std::string> timestamp_type;
  std::optional<std::string> group;

  bool operator==(const OriginalLocation&) const = default;
};

struct ExceptionInfo
{
  std::optional<std::string> class_name;
  std::optional<std::string> message;
  std::optional<std::string> stacktrace;
  std::optional<std::string> cause_class;
  std::optional<std::string> cause_message;

  bool operator==(const ExceptionInfo&) const = default;
};

// A header the owning dialect could not read (wrong length, bad digits, invalid UTF-8).
struct MalformedHeader
{
  std::string name;
  std::string reason; // e.g. "expected 4-byte big-endian int, got 3 bytes"
  std::string hex;    // the raw bytes, lower-case hex

  bool operator==(const MalformedHeader&) const = default;
};

struct ErrorContext
{
  std::string dialect; // the current (last-written) dialect, e.g. "connect"
  OriginalLocation original;
  ExceptionInfo exception;     // the value's exception (or the record's, where no key has one)
  // Spring's kafka_dlt-key-exception-* / kafka_key-exception-*: the key failed to deserialize.
  // Kept apart from `exception`: a record may carry both, or only this one.
  ExceptionInfo key_exception;
  std::optional<std::string> stage;
  // The class executing the failed stage (Connect's __connect.errors.class.name), e.g. a converter.
  std::optional<std::string> executing_class;
  std::optional<std::string> connector;
  std::optional<int32_t> task;
  std::optional<int32_t> attempts;
  // Older layers: other dialects whose headers sit earlier on the same record.
  std::vector<std::string> history;
  std::vector<MalformedHeader> malformed;

  bool operator==(const ErrorContext&) const = default;
};

// The exception to name a record by (summaries, %E, --dry-run's counts): the value's, or the key's
// when the value has none. Never a mix of the two.
const ExceptionInfo& primary_exception(const ErrorContext& context) noexcept;

// Parses produce's --original TOPIC[:PARTITION[@OFFSET]]. Throws UsageError.
OriginalLocation parse_original_location(std::string_view text);

struct ErrorJsonOptions
{
  // consume-dlq -J leaves the stack trace out unless --stacktrace: the header (or envelope)
  // that carries it is in the same line already, and writing it twice doubles the output.
  bool stacktrace = true;
};

// Appends the `error` object of the JSON line form (DESIGN) to `out`.
void append_json(std::string& out, const ErrorContext& context, ErrorJsonOptions options = {});
void append_json(util::JsonWriter& out, const ErrorContext& context, ErrorJsonOptions options = {});

} // namespace dlq
