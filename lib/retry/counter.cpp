#include "retry/counter.hpp"

#include "dialect/values.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace dlq::retry {

namespace {

bool
is_decimal(std::string_view bytes) noexcept
{
  const std::string_view digits = !bytes.empty() && bytes[0] == '-' ? bytes.substr(1) : bytes;
  if (digits.empty()) {
    return false;
  }
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// The value as a count, or the reason it is not one.
Counter
counted(Counter counter, std::optional<int64_t> value, CounterEncoding encoding)
{
  counter.encoding = encoding;
  if (!value) {
    counter.problem = "not a number";
  } else if (*value < 0) {
    counter.problem = "negative";
  } else if (*value > std::numeric_limits<int32_t>::max()) {
    counter.problem = "out of the 32-bit range";
  } else {
    counter.value = static_cast<int32_t>(std::max<int64_t>(*value - counter.ahead, 0));
  }
  return counter;
}

} // namespace

std::string_view
counter_header(const std::optional<std::string>& configured, const ErrorContext* error) noexcept
{
  if (configured) {
    return *configured;
  }
  if (error != nullptr && error->dialect == "spring-retry") {
    return k_spring_retry_counter;
  }
  return k_default_counter;
}

Counter
read_counter(const record::Record& record, std::string_view header)
{
  Counter counter;
  counter.header = header;
  counter.encoding = header == k_spring_retry_counter ? CounterEncoding::Int32 : CounterEncoding::Text;
  const record::Bytes* found = nullptr;
  for (const auto& h : record.headers) {
    if (h.name == header) {
      found = &h.value;
    }
  }
  if (found == nullptr) {
    return counter;
  }
  counter.present = true;
  // Spring writes the number of the delivery to come (spring_retry.cpp).
  counter.ahead = header == k_spring_retry_counter ? 1 : 0;
  if (!*found) {
    counter.problem = "a null value";
    return counter;
  }
  const std::string_view bytes = **found;
  if (is_decimal(bytes)) {
    return counted(counter, dialect::values::parse_dec(bytes).value, CounterEncoding::Text);
  }
  if (auto json = dialect::values::parse_json_number(bytes); json.value) {
    return counted(counter, json.value, CounterEncoding::Text);
  }
  if (bytes.size() == 4) {
    return counted(counter, dialect::values::parse_i32(bytes).value, CounterEncoding::Int32);
  }
  if (bytes.size() == 1) {
    return counted(counter, dialect::values::parse_bigint(bytes).value, CounterEncoding::BigInt);
  }
  counter.problem = "not decimal text, a JSON integer, a 4-byte int32 or a 1-byte BigInteger";
  return counter;
}

int32_t
written_value(const Counter& counter) noexcept
{
  return counter.value + 1;
}

void
write_counter(std::string& out, int32_t value, CounterEncoding encoding)
{
  switch (encoding) {
  case CounterEncoding::Text: {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
    out.assign(digits, end);
    return;
  }
  case CounterEncoding::Int32: {
    const auto u = static_cast<uint32_t>(value);
    const char bytes[4] = {char(u >> 24), char(u >> 16), char(u >> 8), char(u)};
    out.assign(bytes, 4);
    return;
  }
  case CounterEncoding::BigInt:
    // One byte holds up to 127; beyond, BigInteger.toByteArray() grows as Spring would write it.
    out = dialect::values::encode_bigint(value);
    return;
  }
}

} // namespace dlq::retry
