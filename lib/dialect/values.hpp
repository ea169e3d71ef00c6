#pragma once

// Parsers and writers for the header value encodings of shared/DIALECTS.md. Parsers never throw:
// each returns a value, or no value and the reason (a malformed header, reported with its hex).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlq::dialect::values {

template <typename T>
struct Parsed
{
  std::optional<T> value;
  std::string problem; // why there is no value; empty when `value` is set
};

// `utf8`: valid UTF-8 text (the view points into `bytes`).
Parsed<std::string_view> parse_utf8(std::string_view bytes);

// `dec`: decimal digits as text, an optional leading '-', nothing else (3 -> "3").
Parsed<int64_t> parse_dec(std::string_view bytes);

// `i32` / `i64`: exactly 4 / 8 bytes, big-endian two's complement.
Parsed<int64_t> parse_i32(std::string_view bytes);
Parsed<int64_t> parse_i64(std::string_view bytes);

// `bigint`: Java's BigInteger.toByteArray(), big-endian two's complement, 1..8 bytes.
Parsed<int64_t> parse_bigint(std::string_view bytes);

// A JSON number that is an integer (`3`, `3.0`, `3e0`, surrounding whitespace allowed).
Parsed<int64_t> parse_json_number(std::string_view bytes);

// Values starting AC ED 00 05 (java.io.ObjectOutputStream's magic and version).
bool is_java_serialized(std::string_view bytes) noexcept;


std::string encode_dec(int64_t value);
std::string encode_i32(int32_t value);
std::string encode_i64(int64_t value);
std::string encode_bigint(int64_t value); // minimal, as BigInteger.toByteArray()

} // namespace dlq::dialect::values
