#pragma once

// DLQ header dialects (shared/DIALECTS.md): detect which framework dead-lettered a record, decode
// its error headers into an ErrorContext, and write them (for produce --dialect and tests).

#include "error_context.hpp"
#include "record/record.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::dialect {

// Names in DIALECTS.md order: connect, spring, spring-retry, scst, streams, smallrye, karafka,
// share-group, watermill, envelope.
const std::vector<std::string_view>& names();
bool is_known(std::string_view name);

// Detects and decodes. std::nullopt when no dialect's headers (and no envelope value) are found.
// Never throws. Detection by header-name prefix first, values parsed only after; when several
// dialects' headers sit on one record, the dialect whose headers come LAST in header order is
// current (ErrorContext::dialect) and the others are listed in ErrorContext::history (oldest
// first). The fields come from the current dialect's headers only: original = FIRST occurrence of
// a repeated header, exception fields = LAST occurrence. Malformed values of any dialect's headers
// go to ErrorContext::malformed with hex. ErrorContext::attempts is the current dialect's counter,
// else attempts(record). A Connect record with no __connect.errors.* headers cannot be recognised.
std::optional<ErrorContext> decode(const record::Record& record);
// The same into `context`, whose strings keep their buffers from record to record (readers
// decode every record of a topic; a DLQ's records carry the same fields). False, and `context`
// unspecified, when nothing was found. For one record: a loop uses a Decoder.
bool decode(const record::Record& record, ErrorContext& context);

struct HeaderSpec;     // spec.hpp
struct EnvelopeParser; // envelope.cpp: the JSON parser's buffers
struct EnvelopeParserDeleter
{
  void operator()(EnvelopeParser* parser) const noexcept;
};

// decode() for a reader that decodes record after record: it keeps the JSON parser's buffers
// (tape, strings, indexes) and the per-header scratch from one record to the next, which cost
// more to allocate than a ~250-byte envelope costs to parse. Held by the loop that reads (one
// per thread); what one decode leaves is only scratch for the next.
class Decoder
{
public:
  Decoder();
  bool decode(const record::RecordView& record, ErrorContext& context);

  // A header's owner: the index of its dialect in list.hpp and its spec there (none: -1, nullptr).
  struct Owner
  {
    int dialect = -1;
    const HeaderSpec* spec = nullptr;
  };

private:
  std::unique_ptr<EnvelopeParser, EnvelopeParserDeleter> m_parser;
  std::vector<Owner> m_owners; // of the record's headers, in order
};

// One header decoded to a typed value, for `inspect-headers` (e.g.
// `kafka_dlt-original-offset = 42 (int64)`).
struct TypedHeader
{
  std::string name;
  std::string dialect;                // owning dialect name, or "" when no dialect owns the header
  std::string type;                   // "utf8", "int32", "int64", "dec", "bigint", "json",
                                      // "java-serialized", "binary", "null", "malformed"
  std::string display;                // text, the number, or lower-case hex for binary/malformed
  std::optional<int64_t> number;      // the decoded number (int32, int64, dec, bigint, json)
  std::optional<std::string> problem; // set when malformed: why
};
std::vector<TypedHeader> describe_headers(const record::Record& record); // one per header, in order

// Attempt count from any dialect: the last counter header in header order that parses
// (x-retries as dec text / JSON number / 4-byte int, retry_topic-attempts, kafka_deliveryAttempt,
// __dlq.errors.delivery.count, source_attempts, original_attempts, delayed-retry-count).
// std::nullopt when none.
std::optional<int32_t> attempts(const record::Record& record);

// Appends that dialect's error headers to `record.headers`, byte-exactly as the framework writes
// them (names, encodings, header order as in the framework's source; fields absent from `context`
// are not written). For `envelope`, rewrites record.value into the JSON envelope wrapping the old
// value. Throws dlq::UsageError for an unknown dialect name.
void encode(std::string_view dialect, const ErrorContext& context, record::Record& record);

// For `replay`: whether a header is one that a dialect adds to a dead-lettered record (to strip
// it). Attempt counters that travel with the record (x-retries, spring_json_header_types,
// kafka_deliveryAttempt) are not error headers.
bool is_error_header(std::string_view header_name);

// For `replay --unwrap`: the original payload inside a JSON error envelope (see `envelope` in
// DIALECTS.md); std::nullopt when the value is not an envelope. The inner value is std::nullopt
// when the envelope holds a JSON null payload. A value that may be an envelope but nests deeper
// than util::k_max_json_depth is not read: std::nullopt, with `*problem` saying why.
std::optional<record::Bytes> unwrap_envelope(const record::Record& record, std::string* problem = nullptr);

} // namespace dlq::dialect
