#include "format/escape.hpp"

#include "error.hpp"
#include "util/hex.hpp"

#include <fmt/core.h>

namespace dlq::format {

namespace {

bool
is_octal(char c) noexcept
{
  return c >= '0' && c <= '7';
}

} // namespace

bool
append_unescaped(std::string& out, std::string_view text)
{
  out.reserve(out.size() + text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto backslash = text.find('\\', i);
    if (backslash == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, backslash - i));
    i = backslash + 1;
    if (i == text.size()) {
      out.push_back('\\'); // nothing to escape: keep what the user typed
      break;
    }
    const char c = text[i++];
    switch (c) {
    case 'n':
      out.push_back('\n');
      break;
    case 'r':
      out.push_back('\r');
      break;
    case 't':
      out.push_back('\t');
      break;
    case 'x': {
      // At most two digits, so that "\x41BC" is "ABC" rather than one overflowing number.
      int value = 0;
      int digits = 0;
      while (digits < 2 && i < text.size() && util::hex_digit_value(text[i]) >= 0) {
        value = value * 16 + util::hex_digit_value(text[i++]);
        ++digits;
      }
      if (digits == 0) {
        return false;
      }
      out.push_back(static_cast<char>(value));
      break;
    }
    default:
      if (is_octal(c)) {
        // Up to three digits, but never past \377: a byte cannot hold more.
        int value = c - '0';
        for (int digits = 1; digits < 3 && i < text.size() && is_octal(text[i]); ++digits) {
          const int next = value * 8 + (text[i] - '0');
          if (next > 0377) {
            break;
          }
          value = next;
          ++i;
        }
        out.push_back(static_cast<char>(value));
      } else {
        out.push_back(c); // "\\" -> "\", and kcat's "\q" -> "q"
      }
      break;
    }
  }
  return true;
}

std::string
unescape(std::string_view text)
{
  std::string out;
  if (!append_unescaped(out, text)) {
    throw UsageError(fmt::format("invalid escape in \"{}\": \\x needs 1 or 2 hex digits", text));
  }
  return out;
}

} // namespace dlq::format
