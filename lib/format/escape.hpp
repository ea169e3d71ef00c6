#pragma once

// Backslash escapes in -f format strings and -K/-D delimiters, as kcat users write them.

#include <string>
#include <string_view>

namespace dlq::format {

// Replaces escapes in `text`:
//   \n \r \t        newline, carriage return, tab
//   \\              a backslash
//   \xH \xHH        a byte given by 1-2 hex digits (either case)
//   \N \NN \NNN     a byte given by 1-3 octal digits (digits that would exceed \377 are left as text)
//   \c (any other)  c, without the backslash (kcat's format.c fmt_add() does the same)
//   \ at the end    kept as a backslash
// Throws UsageError for a \x without a hex digit after it (kcat's parse_delim() refuses it too).
std::string unescape(std::string_view text);

// The core of unescape(): appends the result to `out` and returns false, instead of throwing,
// for a truncated \x, so that format::compile() can word the error for -f.
bool append_unescaped(std::string& out, std::string_view text);

} // namespace dlq::format
