#pragma once

// kcat-style -f format strings: compiled once into literal runs and tokens, then rendered per
// record by appending to a caller-owned buffer (the hot path of consume-dlq -f).
//
// kcat's tokens (format.c fmt_parse):
//   %t topic   %p partition   %o offset   %T timestamp (ms, -1 when absent)
//   %k key     %s value       (raw bytes; nothing for a null, as kcat without -Z)
//   %K key length   %S value length   (-1 for a null)
//   %R value length as a 4-byte big-endian int (-1 for a null), as kcat's %R
//   %h headers as kcat prints them: name=value,name=value; a null value prints NULL
//   %% a percent sign
// dlqcat's error-context tokens (empty when the record has no decoded context or the field is
// absent):
//   %E exception class   %M exception message   %A attempts   %G stage   %d dialect
//   %O original location, in kcat's "topic [partition] @ offset" form, e.g. "person [0] @ 9";
//      the parts that are unknown are left out ("person", "person [0]"), a missing topic is "-"
// Backslash escapes (format/escape.hpp) apply to the literal text between tokens, as in kcat: the
// format is split at '%' first, so "\x25s" prints "%s" rather than the value.

#include "error_context.hpp"
#include "record/record.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::format {

class Template
{
public:
  // True when the format prints part of the error context (%E %M %O %A %G %d): a caller may skip
  // decoding the dialect headers otherwise.
  bool uses_error_context() const noexcept;

private:
  // The error-context tokens come last: uses_error_context() tests `>= ExceptionClass`.
  enum class Token : uint8_t {
    Literal,
    Topic,
    Partition,
    Offset,
    Key,
    Value,
    KeyLength,
    ValueLength,
    ValueLengthBinary,
    Timestamp,
    Headers,
    ExceptionClass,
    ExceptionMessage,
    Original,
    Attempts,
    Stage,
    Dialect,
  };

  struct Part
  {
    Token token = Token::Literal;
    // Literal: the bytes m_literals[begin, begin + size). One string for all literals keeps a
    // template two allocations big and rendering cache-friendly.
    size_t begin = 0;
    size_t size = 0;
  };

  std::vector<Part> m_parts;
  std::string m_literals;

  friend Template compile(std::string_view format);
  friend void render(std::string& out, const Template& tpl, const record::Record& record, const ErrorContext* error);
};

// Throws UsageError: `-f: empty format string`, `-f: unsupported formatter "%X"` (also for a lone
// '%' at the end: `"%"`), or `-f: invalid escape in "...": \x needs 1 or 2 hex digits`.
Template compile(std::string_view format);

// Appends the rendered record to `out`; adds no newline the format does not have. `error` may be
// nullptr (no decoded error context). Allocates nothing beyond growing `out`.
void render(std::string& out, const Template& tpl, const record::Record& record, const ErrorContext* error);

} // namespace dlq::format
