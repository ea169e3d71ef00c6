#include "util/visible.hpp"

#include "util/hex.hpp"
#include "util/utf8.hpp"

namespace dlq::util {

namespace {

// "\xAB": a byte that is not shown as it is.
void
append_byte_escape(std::string& out, unsigned char byte)
{
  out.append("\\x");
  append_hex_byte(out, byte, k_hex_upper);
}

// The code point of a valid UTF-8 sequence of `length` bytes.
char32_t
decode(std::string_view sequence)
{
  const auto byte = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(sequence[i])); };
  switch (sequence.size()) {
  case 2:
    return ((byte(0) & 0x1f) << 6) | (byte(1) & 0x3f);
  case 3:
    return ((byte(0) & 0x0f) << 12) | ((byte(1) & 0x3f) << 6) | (byte(2) & 0x3f);
  default:
    return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3f) << 12) | ((byte(2) & 0x3f) << 6) | (byte(3) & 0x3f);
  }
}

bool
is_control_code_point(char32_t cp) noexcept
{
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e)
         || (cp >= 0x2066 && cp <= 0x2069);
}

bool
is_plain(unsigned char c) noexcept
{
  return c >= 0x20 && c < 0x7f;
}

} // namespace

void
append_visible(std::string& out, std::string_view text)
{
  size_t i = 0;
  while (i < text.size()) {
    size_t run = i;
    while (run < text.size() && is_plain(static_cast<unsigned char>(text[run]))) {
      ++run;
    }
    out.append(text.substr(i, run - i));
    i = run;
    if (i == text.size()) {
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
      case '\t': out.append("\\t"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      default: append_byte_escape(out, c); break;
      }
      ++i;
      continue;
    }
    const size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0) {
      append_byte_escape(out, c);
      ++i;
      continue;
    }
    const auto sequence = text.substr(i, length);
    const char32_t cp = decode(sequence);
    if (is_control_code_point(cp)) {
      out.append("\\u");
      append_hex_byte(out, static_cast<unsigned char>(cp >> 8), k_hex_upper);
      append_hex_byte(out, static_cast<unsigned char>(cp & 0xff), k_hex_upper);
    } else {
      out.append(sequence);
    }
    i += length;
  }
}

std::string
visible(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  append_visible(out, text);
  return out;
}

bool
is_visible(std::string_view text) noexcept
{
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_plain(c)) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      return false;
    }
    const size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0 || is_control_code_point(decode(text.substr(i, length)))) {
      return false;
    }
    i += length;
  }
  return true;
}

} // namespace dlq::util
