#pragma once

// consume-dlq's default output: a readable block per record with its decoded error.

#include "error_context.hpp"
#include "record/record.hpp"

#include <string>

namespace dlq::format {

struct BlockOptions
{
  bool full_stacktrace = false; // else the stack trace is folded to its first lines
  size_t stacktrace_lines = 5;
  size_t max_value_bytes = 512; // longer keys and values are cut, with the byte count shown
  bool color = false;
};

void render_block(std::string& out, const record::Record& record, const ErrorContext* error, const BlockOptions& options);

// 1550313955799 -> "2019-02-16T10:45:55.799Z"
std::string format_timestamp(int64_t ms);

} // namespace dlq::format
