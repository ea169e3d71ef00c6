#pragma once

// inspect-headers' output: every header of a record decoded to a typed value with the dialect
// that owns it (dialect::describe_headers), as lines for people or as one JSON line.

#include "error_context.hpp"
#include "record/record.hpp"

#include <string>

namespace dlq::format {

// "topic [p] @ offset  (dialect)", then "  name = value (type, dialect)" per header and a blank
// line. Every byte taken from the record is shown through util::visible: nothing in a header
// can move the cursor, clear the screen or retitle the terminal.
void render_typed_headers(std::string& out, const record::Record& record, const ErrorContext* error, bool color);

// {"topic","partition","offset","dialect","headers":[{"name","dialect","type","value"[,"raw"]
// [,"problem"]}]} and a newline. "value" is JSON null for a null header, a JSON number for a
// decoded integer (int32, int64, dec, bigint, json), with the header's exact bytes beside it in
// "raw" (DESIGN's form: a string, or {"base64": ...}); otherwise the shown text.
void render_typed_headers_json(std::string& out, const record::Record& record, const ErrorContext* error);

} // namespace dlq::format
