#pragma once

#include <cstddef>
#include <string_view>

namespace dlq::util {

// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) noexcept;

// The length of the valid multi-byte sequence that `rest` starts with (its first byte is not
// ASCII), or 0 when it is not one. For scanners that validate as they go.
size_t utf8_sequence_length(std::string_view rest) noexcept;

} // namespace dlq::util
