#include "util/time.hpp"

#include <fmt/core.h>

#include <charconv>
#include <chrono>

namespace dlq::util {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `digits` decimal digits from the front of `text`.
std::optional<int>
take_digits(std::string_view& text, size_t digits)
{
  if (text.size() < digits) {
    return std::nullopt;
  }
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  text.remove_prefix(digits);
  return value;
}

bool
take(std::string_view& text, char c)
{
  if (text.empty() || text.front() != c) {
    return false;
  }
  text.remove_prefix(1);
  return true;
}

// "2024-01-13" -> that day; std::nullopt for a malformed or impossible date (2024-02-31).
std::optional<std::chrono::sys_days>
take_date(std::string_view& text)
{
  const auto year = take_digits(text, 4);
  if (!year || !take(text, '-')) {
    return std::nullopt;
  }
  const auto month = take_digits(text, 2);
  if (!month || !take(text, '-')) {
    return std::nullopt;
  }
  const auto day = take_digits(text, 2);
  if (!day) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date};
}

// ".037" (any number of digits, at least one) -> 37 ms; digits past the third are dropped.
std::optional<milliseconds>
take_fraction(std::string_view& text)
{
  int millis = 0;
  int scale = 100;
  size_t digits = 0;
  while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    millis += (text.front() - '0') * scale;
    scale /= 10;
    ++digits;
    text.remove_prefix(1);
  }
  if (digits == 0) {
    return std::nullopt;
  }
  return milliseconds{millis};
}

// "04:21", "04:21:50", "04:21:50.037" -> time of day; a leap second (:60) is accepted.
std::optional<milliseconds>
take_time_of_day(std::string_view& text)
{
  const auto hour = take_digits(text, 2);
  if (!hour || !take(text, ':')) {
    return std::nullopt;
  }
  const auto minute = take_digits(text, 2);
  if (!minute) {
    return std::nullopt;
  }
  int second = 0;
  if (take(text, ':')) {
    const auto s = take_digits(text, 2);
    if (!s) {
      return std::nullopt;
    }
    second = *s;
  }
  milliseconds fraction{0};
  if (take(text, '.')) {
    const auto f = take_fraction(text);
    if (!f) {
      return std::nullopt;
    }
    fraction = *f;
  }
  if (*hour > 23 || *minute > 59 || second > 60) {
    return std::nullopt;
  }
  return hours{*hour} + minutes{*minute} + seconds{second} + fraction;
}

// "", "Z", "+02:00", "-05:30" -> the zone's offset from UTC.
std::optional<minutes>
take_zone(std::string_view& text)
{
  if (text.empty() || take(text, 'Z')) {
    return minutes{0};
  }
  const char sign = text.front();
  if (sign != '+' && sign != '-') {
    return std::nullopt;
  }
  text.remove_prefix(1);
  const auto h = take_digits(text, 2);
  if (!h || !take(text, ':')) {
    return std::nullopt;
  }
  const auto m = take_digits(text, 2);
  if (!m) {
    return std::nullopt;
  }
  const minutes offset = hours{*h} + minutes{*m};
  return sign == '-' ? -offset : offset;
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
  const auto date = take_date(text);
  if (!date) {
    return std::nullopt;
  }
  milliseconds time_of_day{0};
  minutes zone{0};
  if (!text.empty()) {
    if (!take(text, 'T') && !take(text, ' ')) {
      return std::nullopt;
    }
    const auto t = take_time_of_day(text);
    if (!t) {
      return std::nullopt;
    }
    time_of_day = *t;
    const auto z = take_zone(text);
    if (!z) {
      return std::nullopt;
    }
    zone = *z;
  }
  if (!text.empty()) {
    return std::nullopt;
  }
  const auto point = std::chrono::sys_days{*date} + time_of_day - zone;
  return std::chrono::duration_cast<milliseconds>(point.time_since_epoch()).count();
}

std::string
format_timestamp(int64_t ms)
{
  const std::chrono::sys_time<milliseconds> point{milliseconds{ms}};
  const auto day = std::chrono::floor<days>(point);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{point - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

int64_t
now_ms()
{
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace dlq::util
