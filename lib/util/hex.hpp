#pragma once

// Hex digits: the one table for writing them and the one rule for reading them.

#include <string>
#include <string_view>

namespace dlq::util {

inline constexpr char k_hex_lower[] = "0123456789abcdef";
inline constexpr char k_hex_upper[] = "0123456789ABCDEF";

// Lower-case hex, two digits a byte, no separators: "\x01\xab" -> "01ab".
std::string to_hex(std::string_view bytes);

// Appends `byte` as two hex digits, from `digits` (k_hex_lower or k_hex_upper).
inline void
append_hex_byte(std::string& out, unsigned char byte, const char* digits = k_hex_lower)
{
  out.push_back(digits[byte >> 4]);
  out.push_back(digits[byte & 0xf]);
}

// 0-15 for a hex digit (either case), -1 for anything else.
constexpr int
hex_digit_value(char c) noexcept
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

} // namespace dlq::util
