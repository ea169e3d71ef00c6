#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dlq::util {

// Standard alphabet (RFC 4648 §4) with padding.
std::string base64_encode(std::string_view bytes);

// Strict: padding required, no whitespace; std::nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace dlq::util
