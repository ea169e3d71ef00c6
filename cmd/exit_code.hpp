#pragma once

// dlqcat's exit codes (README "Exit status", man page EXIT STATUS).

#include <exception>
#include <string>
#include <string_view>

namespace dlq::cmd {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;     // broker, database, delivery, I/O
inline constexpr int k_exit_usage = 2;       // bad command line or bad input
inline constexpr int k_exit_matched = 3;     // --fail-if-any found records
inline constexpr int k_exit_interrupted = 130;

// The one mapping from an error to an exit code.
int exit_code_for(const std::exception& error) noexcept;

// Error messages are one clean line: newlines folded into "; ", every other control character
// and byte that is not UTF-8 (from bad input quoted in a message) escaped as util::visible does.
std::string one_line(std::string_view message);

} // namespace dlq::cmd
