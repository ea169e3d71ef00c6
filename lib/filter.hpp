#pragma once

// The record filters shared by consume-dlq, inspect-headers, replay and park.

#include "error_context.hpp"
#include "record/record.hpp"

#include <memory>
#include <optional>
#include <string>

namespace re2 {
class RE2;
}

namespace dlq {

struct Filter
{
  // --exception REGEX (RE2: linear time, no recursion on the text): searched in the class, the
  // cause class and both messages.
  std::shared_ptr<const re2::RE2> exception;
  std::optional<std::string> original_topic;
  std::optional<std::string> dialect;
  std::optional<int64_t> since;         // record timestamp >= since (ms)
  std::optional<int64_t> until;         // record timestamp < until (ms)
  std::optional<int32_t> min_attempts;

  bool empty() const noexcept
  {
    return !exception && !original_topic && !dialect && !since && !until && !min_attempts;
  }
};

// Texts as given on the command line; make_filter validates them.
struct FilterArgs
{
  std::string exception;
  std::string original_topic;
  std::string dialect;
  std::string since;
  std::string until;
  std::optional<int32_t> min_attempts;
};

// Throws UsageError naming the option (`--since: invalid time "x" ...`, `--exception: invalid
// regular expression "(": missing ): (`).
Filter make_filter(const FilterArgs& args);

// `error` is the record's decoded context (nullptr: none).
bool matches(const Filter& filter, const record::RecordView& record, const ErrorContext* error);

} // namespace dlq
