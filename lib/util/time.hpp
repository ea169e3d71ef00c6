#pragma once

// Wall-clock times as dlqcat reads and prints them: epoch milliseconds, ISO 8601 in UTC.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlq::util {

// Epoch milliseconds, or an ISO 8601 time: 2024-01-13, 2024-01-13T04:21:50,
// 2024-01-13T04:21:50.037Z, 2024-01-13 04:21:50+02:00 (no zone = UTC). std::nullopt when not one
// of those or when the date does not exist (2024-02-31, 2023-02-29).
std::optional<int64_t> parse_time(std::string_view text);

// 1550313955799 -> "2019-02-16T10:45:55.799Z"
std::string format_timestamp(int64_t ms);

// Milliseconds since the epoch, now (system clock).
int64_t now_ms();

} // namespace dlq::util
