#pragma once

// Minimal streaming JSON output: appending to a std::string is several times faster than
// building an nlohmann::json tree per record, and this is the hot path of consume-dlq -J.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlq::util {

// Appends `text` as a JSON string literal (with quotes). `text` must be valid UTF-8.
void append_json_string(std::string& out, std::string_view text);

// Appends bytes losslessly as DESIGN's record JSON says: a string when they are valid UTF-8,
// `null` for std::nullopt, otherwise {"base64":"..."}.
void append_json_bytes(std::string& out, const std::optional<std::string>& bytes);

void append_json_int(std::string& out, int64_t value);

} // namespace dlq::util
