#include "format/format.hpp"

#include "error.hpp"
#include "format/escape.hpp"

#include <fmt/core.h>

#include <charconv>

namespace dlq::format {

namespace {

template <typename Int>
void
append_int(std::string& out, Int value)
{
  char buffer[24]; // enough for any int64_t
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

void
append_optional(std::string& out, const std::optional<std::string>& text)
{
  if (text) {
    out.append(*text);
  }
}

template <typename Int>
void
append_optional(std::string& out, const std::optional<Int>& value)
{
  if (value) {
    append_int(out, *value);
  }
}

// kcat prints -1 as the length of a null key or value (format.c, KC_FMT_KEY_LEN).
int64_t
length_of(const record::Bytes& bytes) noexcept
{
  return bytes ? static_cast<int64_t>(bytes->size()) : -1;
}

// kcat's %R: the value length as a 32-bit big-endian integer, -1 (ff ff ff ff) for a null.
void
append_be32(std::string& out, int64_t length)
{
  const auto value = static_cast<uint32_t>(length);
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                         static_cast<char>(value >> 8), static_cast<char>(value)};
  out.append(bytes, sizeof(bytes));
}

// kcat's print_headers(): "name=value" joined by ',', a null value as NULL, an empty one as nothing.
void
append_headers(std::string& out, const std::vector<record::Header>& headers)
{
  bool first = true;
  for (const auto& header : headers) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    out.append(header.name);
    out.push_back('=');
    if (header.value) {
      out.append(*header.value);
    } else {
      out.append("NULL");
    }
  }
}

// "person [0] @ 9", the form kcat uses for a message's position ("topic [partition] at offset"
// in its messages, "@" as dlqcat's readable blocks). Unknown parts are left out.
void
append_original(std::string& out, const OriginalLocation& original)
{
  if (!original.topic && !original.partition && !original.offset) {
    return;
  }
  out.append(original.topic ? std::string_view(*original.topic) : std::string_view("-"));
  if (original.partition) {
    out.append(" [");
    append_int(out, *original.partition);
    out.push_back(']');
  }
  if (original.offset) {
    out.append(" @ ");
    append_int(out, *original.offset);
  }
}

// The bytes of the (possibly multi-byte UTF-8) character starting at `pos`, for error messages
// that must not cut a character in half.
std::string_view
character_at(std::string_view text, size_t pos)
{
  size_t end = pos + 1;
  while (end < text.size() && end - pos < 4 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) {
    ++end;
  }
  return text.substr(pos, end - pos);
}

} // namespace

bool
Template::uses_error_context() const noexcept
{
  for (const auto& part : m_parts) {
    if (part.token >= Token::ExceptionClass) {
      return true;
    }
  }
  return false;
}

Template
compile(std::string_view format)
{
  using Token = Template::Token;
  if (format.empty()) {
    throw UsageError("-f: empty format string");
  }
  Template tpl;
  // Adjacent literal text ("a%%b") is merged into one part.
  const auto add_literal = [&](std::string_view raw, bool escaped) {
    const size_t begin = tpl.m_literals.size();
    if (escaped) {
      if (!append_unescaped(tpl.m_literals, raw)) {
        throw UsageError(fmt::format("-f: invalid escape in \"{}\": \\x needs 1 or 2 hex digits", format));
      }
    } else {
      tpl.m_literals.append(raw);
    }
    const size_t size = tpl.m_literals.size() - begin;
    if (size == 0) {
      return;
    }
    if (!tpl.m_parts.empty() && tpl.m_parts.back().token == Token::Literal) {
      tpl.m_parts.back().size += size;
    } else {
      tpl.m_parts.push_back({Token::Literal, begin, size});
    }
  };

  size_t pos = 0;
  while (pos < format.size()) {
    const auto percent = format.find('%', pos);
    if (percent == std::string_view::npos) {
      add_literal(format.substr(pos), true);
      break;
    }
    // kcat unescapes each literal run on its own, after splitting at '%'.
    add_literal(format.substr(pos, percent - pos), true);
    if (percent + 1 == format.size()) {
      throw UsageError("-f: unsupported formatter \"%\"");
    }
    const char c = format[percent + 1];
    Token token = Token::Literal;
    switch (c) {
    case 't': token = Token::Topic; break;
    case 'p': token = Token::Partition; break;
    case 'o': token = Token::Offset; break;
    case 'k': token = Token::Key; break;
    case 's': token = Token::Value; break;
    case 'K': token = Token::KeyLength; break;
    case 'S': token = Token::ValueLength; break;
    case 'R': token = Token::ValueLengthBinary; break;
    case 'T': token = Token::Timestamp; break;
    case 'h': token = Token::Headers; break;
    case 'E': token = Token::ExceptionClass; break;
    case 'M': token = Token::ExceptionMessage; break;
    case 'O': token = Token::Original; break;
    case 'A': token = Token::Attempts; break;
    case 'G': token = Token::Stage; break;
    case 'd': token = Token::Dialect; break;
    case '%':
      add_literal("%", false);
      break;
    default:
      throw UsageError(fmt::format("-f: unsupported formatter \"%{}\"", character_at(format, percent + 1)));
    }
    if (token != Token::Literal) {
      tpl.m_parts.push_back({token, 0, 0});
    }
    pos = percent + 2;
  }
  return tpl;
}

void
render(std::string& out, const Template& tpl, const record::Record& record, const ErrorContext* error)
{
  using Token = Template::Token;
  for (const auto& part : tpl.m_parts) {
    switch (part.token) {
    case Token::Literal:
      out.append(tpl.m_literals, part.begin, part.size);
      break;
    case Token::Topic:
      out.append(record.topic);
      break;
    case Token::Partition:
      append_int(out, record.partition);
      break;
    case Token::Offset:
      append_int(out, record.offset);
      break;
    case Token::Key:
      append_optional(out, record.key);
      break;
    case Token::Value:
      append_optional(out, record.value);
      break;
    case Token::KeyLength:
      append_int(out, length_of(record.key));
      break;
    case Token::ValueLength:
      append_int(out, length_of(record.value));
      break;
    case Token::ValueLengthBinary:
      append_be32(out, length_of(record.value));
      break;
    case Token::Timestamp:
      append_int(out, record.timestamp);
      break;
    case Token::Headers:
      append_headers(out, record.headers);
      break;
    case Token::ExceptionClass:
      if (error != nullptr) {
        append_optional(out, primary_exception(*error).class_name);
      }
      break;
    case Token::ExceptionMessage:
      if (error != nullptr) {
        append_optional(out, primary_exception(*error).message);
      }
      break;
    case Token::Original:
      if (error != nullptr) {
        append_original(out, error->original);
      }
      break;
    case Token::Attempts:
      if (error != nullptr) {
        append_optional(out, error->attempts);
      }
      break;
    case Token::Stage:
      if (error != nullptr) {
        append_optional(out, error->stage);
      }
      break;
    case Token::Dialect:
      if (error != nullptr) {
        out.append(error->dialect);
      }
      break;
    }
  }
}

} // namespace dlq::format
