#include "dialect/values.hpp"
#include "record/record.hpp"
#include "retry/counter.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::retry;
using namespace std::string_literals;

TEST_SUITE_BEGIN("retry");

TEST_CASE("retry::read_counter and write_counter")
{
  record::Record r;
  CHECK_FALSE(read_counter(r, "x-retries").present);
  CHECK(read_counter(r, "x-retries").value == 0);
  CHECK(read_counter(r, "retry_topic-attempts").encoding == CounterEncoding::Int32);
  r.headers.push_back({"x-retries", "7"s});
  CHECK(read_counter(r, "x-retries").value == 7);
  r.headers.back().value = " 3 "s; // SCSt's JSON-typed Integer
  CHECK(read_counter(r, "x-retries").value == 3);
  CHECK(read_counter(r, "x-retries").encoding == CounterEncoding::Text);
  r.headers.back().value = std::nullopt;
  CHECK(read_counter(r, "x-retries").problem == "a null value");
  r.headers.back().value = "-1"s;
  CHECK(read_counter(r, "x-retries").problem == "negative");
  r.headers.back().value = dialect::values::encode_i32(-2);
  CHECK(read_counter(r, "x-retries").problem == "negative");
  r.headers.back().value = "2147483648"s;
  CHECK(read_counter(r, "x-retries").problem == "out of the 32-bit range");

  std::string out = "previous";
  write_counter(out, 12, CounterEncoding::Text);
  CHECK(out == "12");
  write_counter(out, 3, CounterEncoding::Int32);
  CHECK(out == std::string("\0\0\0\x03", 4));
  write_counter(out, 200, CounterEncoding::BigInt);
  CHECK(out == dialect::values::encode_bigint(200));
  CHECK(counter_header(std::nullopt, nullptr) == "x-retries");
  CHECK(counter_header("mine"s, nullptr) == "mine");
}

TEST_SUITE_END();
