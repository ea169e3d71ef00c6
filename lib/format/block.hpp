#pragma once

// consume-dlq's default output: a readable block per record with its decoded error.

#include "error_context.hpp"
#include "record/record.hpp"

#include <string>

namespace dlq::format {

// A folded stack trace shows this many lines, then how many more there are.
inline constexpr size_t k_folded_stacktrace_lines = 5;
// Longer keys and values are cut, with the byte count shown.
inline constexpr size_t k_max_shown_value_bytes = 512;

struct BlockOptions
{
  bool full_stacktrace = false; // else the stack trace is folded to its first k_folded_stacktrace_lines
  bool color = false;
};

void render_block(std::string& out, const record::Record& record, const ErrorContext* error, const BlockOptions& options);

} // namespace dlq::format
