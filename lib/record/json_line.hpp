#pragma once

// The lossless JSON line form of a record (shared/DESIGN.md): output of -J, input of
// `produce --json` and `inspect-headers -`. Bytes are a JSON string when valid UTF-8, null when
// null, otherwise {"base64": "..."}. kcat's -J lines are read too.

#include "error_context.hpp"
#include "record/record.hpp"

#include <string>
#include <string_view>

namespace dlq::record {

// Appends one line (without the newline). `error` may be nullptr. A Record converts to a view.
void append_json_line(std::string& out, const RecordView& record, const ErrorContext* error,
                      ErrorJsonOptions error_options = {});

// Parses one line, in dlqcat's form or kcat's -J form ("payload", flat "headers" array, "ts").
// Fields that are absent keep Record's defaults. Strings are read leniently: bytes in them that
// are not UTF-8 are taken as they are (kcat -J writes binary keys and header values raw), so
// they come back as those bytes. Throws UsageError describing the problem (invalid JSON with
// its column, JSON nested deeper than util::k_max_json_depth, a field of the wrong type, a
// partition or timestamp below -1, bad base64).
Record parse_json_line(std::string_view line);

} // namespace dlq::record
