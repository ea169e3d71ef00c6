#pragma once

// What Spring's dialects share: the header writer of DeadLetterPublishingRecoverer (spring and
// spring-retry write the same fields under two sets of names) and the type map of Spring's
// header mapper (spring_json_header_types, written by the Spring Cloud Stream binder and kept
// in step by replay).

#include "error_context.hpp"
#include "record/record.hpp"

#include <string_view>
#include <vector>

namespace dlq::dialect {

// The names one recoverer writes (spring-kafka KafkaHeaders: DLT_* and the retry topic's
// ORIGINAL_* / EXCEPTION_* variants).
struct RecovererHeaderNames
{
  std::string_view exception_class;
  std::string_view cause_class;
  std::string_view exception_message;
  std::string_view exception_stacktrace;
  std::string_view key_exception_class;
  std::string_view key_exception_message;
  std::string_view key_exception_stacktrace;
  std::string_view original_topic;
  std::string_view original_partition;
  std::string_view original_offset;
  std::string_view original_timestamp;
  std::string_view original_timestamp_type;
  std::string_view original_group;
};

// How the original-* headers are written: appended (appendOriginalHeaders, the DLT recoverer's
// default) or only when absent (the retry topic's recoverer, on the first hop only).
enum class OriginalHeaders { Append, KeepFirst };

// DeadLetterPublishingRecoverer's addExceptionInfoHeaders (the exception headers replace earlier
// ones: stripPreviousExceptionHeaders), then maybeAddOriginalHeaders; partition i32, offset and
// timestamp i64, the rest utf8. Fields absent from `context` are not written.
void encode_recoverer_headers(const ErrorContext& context, record::Record& record, const RecovererHeaderNames& names,
                              OriginalHeaders originals);

// The header Spring's header mapper reads to type the other headers: a JSON map of header names
// to Java class names.
inline constexpr std::string_view k_json_header_types = "spring_json_header_types";

// Declares `header_name` as a java.lang.Integer in every spring_json_header_types map of
// `headers`; when there is none, adds one declaring it if `add_when_absent`. A value that is not
// a JSON map of names to types (or nests deeper than util::k_max_json_depth) is left as it is.
void declare_integer_header(std::vector<record::Header>& headers, std::string_view header_name, bool add_when_absent);

} // namespace dlq::dialect
