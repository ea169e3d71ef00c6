#include "filter.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "util/time.hpp"

#include <fmt/core.h>
#include <re2/re2.h>


namespace dlq {

Filter
make_filter(const FilterArgs& args)
{
  Filter filter;
  if (!args.exception.empty()) {
    RE2::Options options;
    options.set_log_errors(false); // RE2 would print to stderr; the error goes into the message
    auto regex = std::make_shared<const RE2>(args.exception, options);
    if (!regex->ok()) {
      throw UsageError(fmt::format("--exception: invalid regular expression \"{}\": {}", args.exception, regex->error()));
    }
    filter.exception = std::move(regex);
  }
  if (!args.original_topic.empty()) {
    filter.original_topic = args.original_topic;
  }
  if (!args.dialect.empty()) {
    if (!dialect::is_known(args.dialect)) {
      std::string known;
      for (const auto name : dialect::names()) {
        known += (known.empty() ? "" : ", ") + std::string(name);
      }
      throw UsageError(fmt::format("--dialect: unknown dialect \"{}\" (expected {})", args.dialect, known));
    }
    filter.dialect = args.dialect;
  }
  const auto time_option = [](std::string_view option, const std::string& text) -> std::optional<int64_t> {
    if (text.empty()) {
      return std::nullopt;
    }
    const auto ms = util::parse_time(text);
    if (!ms) {
      throw UsageError(fmt::format("{}: invalid time \"{}\" (expected epoch milliseconds or ISO 8601, e.g. 2024-01-13T04:21:50Z)", option, text));
    }
    return ms;
  };
  filter.since = time_option("--since", args.since);
  filter.until = time_option("--until", args.until);
  if (args.min_attempts && *args.min_attempts < 0) {
    throw UsageError(fmt::format("--min-attempts: expected a number >= 0, got {}", *args.min_attempts));
  }
  filter.min_attempts = args.min_attempts;
  return filter;
}

bool
matches(const Filter& filter, const record::RecordView& record, const ErrorContext* error)
{
  if (filter.since && record.timestamp < *filter.since) {
    return false;
  }
  if (filter.until && record.timestamp >= *filter.until) {
    return false;
  }
  if (filter.dialect && (error == nullptr || error->dialect != *filter.dialect)) {
    return false;
  }
  if (filter.original_topic && (error == nullptr || error->original.topic != *filter.original_topic)) {
    return false;
  }
  if (filter.min_attempts && (error == nullptr ? 0 : error->attempts.value_or(0)) < *filter.min_attempts) {
    return false;
  }
  if (filter.exception) {
    if (error == nullptr) {
      return false;
    }
    const auto& e = error->exception;
    const auto& k = error->key_exception;
    const auto search = [&](const std::optional<std::string>& text) {
      return text && RE2::PartialMatch(*text, *filter.exception);
    };
    if (!search(e.class_name) && !search(e.cause_class) && !search(e.message) && !search(e.cause_message)
        && !search(k.class_name) && !search(k.message) && !search(k.cause_class) && !search(k.cause_message)) {
      return false;
    }
  }
  return true;
}

} // namespace dlq
