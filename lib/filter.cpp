#include "filter.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"

#include <fmt/core.h>
#include <re2/re2.h>

#include <charconv>

namespace dlq {

namespace {

bool
read_int(std::string_view& text, size_t digits, int& out)
{
  if (text.size() < digits) {
    return false;
  }
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  text.remove_prefix(digits);
  return true;
}

bool
expect(std::string_view& text, char c)
{
  if (text.empty() || text.front() != c) {
    return false;
  }
  text.remove_prefix(1);
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t
days_from_civil(int64_t y, int m, int d)
{
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

} // namespace

std::optional<int64_t>
parse_time(std::string_view text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t ms = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
      return std::nullopt;
    }
    return ms;
  }
  int year, month, day, hour = 0, minute = 0, second = 0, millis = 0;
  if (!read_int(text, 4, year) || !expect(text, '-') || !read_int(text, 2, month) || !expect(text, '-')
      || !read_int(text, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (!text.empty()) {
    if (!expect(text, 'T') && !expect(text, ' ')) {
      return std::nullopt;
    }
    if (!read_int(text, 2, hour) || !expect(text, ':') || !read_int(text, 2, minute)) {
      return std::nullopt;
    }
    if (expect(text, ':') && !read_int(text, 2, second)) {
      return std::nullopt;
    }
    if (expect(text, '.')) {
      size_t digits = 0;
      int scale = 100;
      while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
        if (digits < 3) {
          millis += (text.front() - '0') * scale;
          scale /= 10;
        }
        ++digits;
        text.remove_prefix(1);
      }
      if (digits == 0) {
        return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) {
      return std::nullopt;
    }
    if (expect(text, 'Z')) {
      // UTC
    } else if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
      const int sign = text.front() == '-' ? -1 : 1;
      text.remove_prefix(1);
      int oh, om;
      if (!read_int(text, 2, oh) || !expect(text, ':') || !read_int(text, 2, om)) {
        return std::nullopt;
      }
      offset_minutes = sign * (oh * 60 + om);
    }
  }
  if (!text.empty()) {
    return std::nullopt;
  }
  const int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

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
    const auto ms = parse_time(text);
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
matches(const Filter& filter, const record::Record& record, const ErrorContext* error)
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
