#pragma once

// The replay counter (docs/REPLAY.md, "Counter rules"): the one header that replay reads to decide
// between replaying and parking, and writes back incremented. It is the header replay writes,
// never a framework's in-app delivery count (kafka_deliveryAttempt and the like are shown, not
// counted), so that --max-attempts bounds the replay loop. Pure functions.

#include "error_context.hpp"
#include "record/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlq::retry {

inline constexpr std::string_view k_default_counter = "x-retries";
// Spring Kafka's retryable topics count hops in this header (spring-kafka
// retrytopic/RetryTopicHeaders.java DEFAULT_HEADER_ATTEMPTS), an int32 since 2.7.9.
inline constexpr std::string_view k_spring_retry_counter = "retry_topic-attempts";

// How a counter's value was (or will be) written: the same form is written back.
enum class CounterEncoding : uint8_t {
  Text,   // decimal digits, also SCSt's JSON-typed Integer (1 -> "1")
  Int32,  // 4 bytes big-endian (Spring's retry_topic-attempts since 2.7.9)
  BigInt, // 1 byte, Java BigInteger.toByteArray() (retry_topic-attempts before 2.7.9)
};

struct Counter
{
  std::string_view header;   // the counter's header name
  bool present = false;      // the record carries it
  // The failed deliveries it records, compared with --max-attempts / --min-attempts; 0 when absent.
  // x-retries holds it as is; retry_topic-attempts holds the number of the delivery to come, one
  // more (Spring writes 2 after the first failure, 4 on the -dlt after 3 attempts).
  int32_t value = 0;
  int32_t ahead = 0;         // the header's own value is value + ahead (when present)
  CounterEncoding encoding = CounterEncoding::Text;
  // Set when present but unreadable (negative, not a number, a null value, a size no form has);
  // `value` is then meaningless. A static string.
  std::string_view problem;
};

// The counter header for a record: --retry-header when given, else retry_topic-attempts on a
// Spring retry-topic record (dialect spring-retry), else x-retries.
std::string_view counter_header(const std::optional<std::string>& configured, const ErrorContext* error) noexcept;

// Reads the LAST occurrence of `header` (a record dead-lettered again repeats it; Spring's
// retry_topic-attempts accumulates per hop), as failed deliveries (Counter::value). Accepts decimal text, a JSON integer, a 4-byte int32
// and a 1-byte BigInteger. An absent header is 0, written as Text (Int32 for retry_topic-attempts).
Counter read_counter(const record::Record& record, std::string_view header);

// What a replayed record carries: the failed deliveries so far plus one, in the header's own terms.
// x-retries counts the replay as failed in advance (nothing else counts it); retry_topic-attempts
// becomes the number of the delivery the replay is, which is the value read: Spring's chain adds
// one when that delivery fails, so each failed delivery counts once.
int32_t written_value(const Counter& counter) noexcept;

// Writes `value` into `out` in `encoding`, reusing out's buffer.
void write_counter(std::string& out, int32_t value, CounterEncoding encoding);

} // namespace dlq::retry
