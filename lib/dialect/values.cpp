#include "dialect/values.hpp"

#include "util/utf8.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace dlq::dialect::values {

namespace {

template <typename T>
Parsed<T>
fail(std::string problem)
{
  return Parsed<T>{std::nullopt, std::move(problem)};
}

template <typename T>
Parsed<T>
ok(T value)
{
  return Parsed<T>{value, {}};
}

// Big-endian two's complement of 1..8 bytes, sign-extended.
int64_t
read_big_endian(std::string_view bytes) noexcept
{
  uint64_t value = static_cast<uint8_t>(bytes[0]) & 0x80 ? ~uint64_t(0) : 0;
  for (const char c : bytes) {
    value = (value << 8) | static_cast<uint8_t>(c);
  }
  return static_cast<int64_t>(value);
}

Parsed<int64_t>
parse_fixed(std::string_view bytes, size_t size, std::string_view what)
{
  if (bytes.size() != size) {
    return fail<int64_t>(fmt::format("expected {}-byte big-endian {}, got {} byte{}", size, what, bytes.size(),
                                     bytes.size() == 1 ? "" : "s"));
  }
  return ok(read_big_endian(bytes));
}

} // namespace

Parsed<std::string_view>
parse_utf8(std::string_view bytes)
{
  if (is_java_serialized(bytes)) {
    return fail<std::string_view>("expected UTF-8 text, got a Java-serialized object");
  }
  if (!util::is_valid_utf8(bytes)) {
    return fail<std::string_view>("invalid UTF-8");
  }
  return ok(bytes);
}

Parsed<int64_t>
parse_dec(std::string_view bytes)
{
  const bool negative = !bytes.empty() && bytes[0] == '-';
  const std::string_view digits = negative ? bytes.substr(1) : bytes;
  if (digits.empty()) {
    return fail<int64_t>("expected decimal digits, got nothing");
  }
  // Accumulate negatively so that INT64_MIN parses too.
  int64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return fail<int64_t>("expected decimal digits, got a non-digit");
    }
    const int digit = c - '0';
    if (value < (std::numeric_limits<int64_t>::min() + digit) / 10) {
      return fail<int64_t>("decimal number out of 64-bit range");
    }
    value = value * 10 - digit;
  }
  if (!negative) {
    if (value == std::numeric_limits<int64_t>::min()) {
      return fail<int64_t>("decimal number out of 64-bit range");
    }
    value = -value;
  }
  return ok(value);
}

Parsed<int64_t>
parse_i32(std::string_view bytes)
{
  return parse_fixed(bytes, 4, "int32");
}

Parsed<int64_t>
parse_i64(std::string_view bytes)
{
  return parse_fixed(bytes, 8, "int64");
}

Parsed<int64_t>
parse_bigint(std::string_view bytes)
{
  if (bytes.empty() || bytes.size() > 8) {
    return fail<int64_t>(fmt::format("expected a 1- to 8-byte big-endian BigInteger, got {} bytes", bytes.size()));
  }
  return ok(read_big_endian(bytes));
}

Parsed<int64_t>
parse_json_number(std::string_view bytes)
{
  const auto json = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (json.is_number_integer()) {
    if (json.is_number_unsigned() && json.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
      return fail<int64_t>("JSON number out of 64-bit range");
    }
    return ok(json.get<int64_t>());
  }
  if (json.is_number_float()) {
    const double value = json.get<double>();
    // 2^63 is exactly representable; anything at or above it does not fit.
    if (std::trunc(value) != value || value < -9223372036854775808.0 || value >= 9223372036854775808.0) {
      return fail<int64_t>("JSON number is not a 64-bit integer");
    }
    return ok(static_cast<int64_t>(value));
  }
  return fail<int64_t>("expected a JSON number");
}

bool
is_java_serialized(std::string_view bytes) noexcept
{
  return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("\xac\xed\x00\x05", 4);
}

std::string
encode_dec(int64_t value)
{
  return fmt::format("{}", value);
}

std::string
encode_i32(int32_t value)
{
  const auto bits = static_cast<uint32_t>(value);
  return {static_cast<char>(bits >> 24), static_cast<char>(bits >> 16), static_cast<char>(bits >> 8),
          static_cast<char>(bits)};
}

std::string
encode_i64(int64_t value)
{
  const auto bits = static_cast<uint64_t>(value);
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) {
    bytes[7 - i] = static_cast<char>(bits >> (8 * i));
  }
  return bytes;
}

std::string
encode_bigint(int64_t value)
{
  // Drop leading bytes that only repeat the sign of the next one (BigInteger.toByteArray()).
  std::string bytes = encode_i64(value);
  size_t start = 0;
  while (start < 7) {
    const auto lead = static_cast<uint8_t>(bytes[start]);
    const auto next = static_cast<uint8_t>(bytes[start + 1]);
    if ((lead == 0x00 && !(next & 0x80)) || (lead == 0xff && (next & 0x80))) {
      ++start;
    } else {
      break;
    }
  }
  return bytes.substr(start);
}

} // namespace dlq::dialect::values
