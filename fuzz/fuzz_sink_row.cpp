// compact-fix's mapping of a record value to a table row, and the SQL built from it: any value
// maps or says why not (too deep exactly when nested past util::k_max_json_depth, never a
// recursion); quoting never breaks out of a literal or an identifier; a value quoting refuses is
// one sink::unstorable names.

#include "error.hpp"
#include "sink/postgres.hpp"
#include "sink/row.hpp"
#include "util/json_scan.hpp"

#include <cstdlib>

namespace {

// A quoted literal has a quote at each end and only doubled quotes inside.
bool
well_quoted(const std::string& text, char quote)
{
  if (text.size() < 2 || text.front() != quote || text.back() != quote) {
    return false;
  }
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == quote) {
      if (text[i + 1] != quote || i + 2 == text.size()) {
        return false;
      }
      ++i;
    }
  }
  return true;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  std::string value(reinterpret_cast<const char*>(data), size);
  // Inputs that start with 0x01 become a payload nested 999 deep around the rest, so that the
  // fuzzer reaches the nesting limit.
  if (!value.empty() && value.front() == '\x01') {
    value = R"({"payload":)" + std::string(999, '[') + value.substr(1) + std::string(999, ']') + "}";
  }
  const auto result = sink::row_from_value(value);
  if (result.too_deep != util::json_nests_deeper_than(value)) {
    std::abort(); // too deep is said exactly when it is
  }
  if (!result.row) {
    if (result.why_not.empty()) {
      std::abort();
    }
    return 0;
  }
  try {
    (void)sink::upsert_sql("person", *result.row, {result.row->front().name});
    for (const auto& column : *result.row) {
      if (column.text && !well_quoted(sink::quote_literal(*column.text), '\'')) {
        std::abort();
      }
    }
  } catch (const UsageError&) {
    // a NUL byte in a value: PostgreSQL text cannot hold it, and names it as its refusal
    if (!sink::unstorable(*result.row)) {
      std::abort();
    }
  }
  if (!well_quoted(sink::quote_identifier(value.substr(0, value.find('.'))), '"')) {
    std::abort();
  }
  return 0;
}
