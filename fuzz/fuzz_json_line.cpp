// The JSON line parser, on dlqcat's form and kcat -J's (string bytes that are not UTF-8 taken as
// they are): bad input is a UsageError, never a crash or another exception; nothing nested deeper
// than util::k_max_json_depth is read; what parses writes back and parses to the same record
// (lossless). The
// line with the record's decoded error object (consume-dlq -J's) is valid JSON and reads back
// to the same record too.

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "record/json_line.hpp"
#include "util/json_scan.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  // Inputs that start with 0x01 are wrapped in an "extra" member nested 999 deep, so that the
  // fuzzer reaches the nesting limit with one more level of its own.
  std::string wrapped;
  if (!line.empty() && line.front() == '\x01') {
    wrapped = R"({"value":"v","extra":)" + std::string(999, '[') + std::string(line.substr(1)) + std::string(999, ']') + "}";
    line = wrapped;
  }
  record::Record record;
  try {
    record = record::parse_json_line(line);
  } catch (const UsageError&) {
    return 0;
  }
  if (util::json_nests_deeper_than(line.substr(0, line.find('\0')))) {
    std::abort(); // read a line nested deeper than the limit (a NUL ends a line, as in nlohmann)
  }
  std::string written;
  record::append_json_line(written, record, nullptr);
  if (!written.empty() && written.back() == '\n') {
    written.pop_back();
  }
  const auto again = record::parse_json_line(written); // must not throw
  if (!(again == record)) {
    std::abort();
  }
  if (const auto error = dialect::decode(record)) {
    for (const bool stacktrace : {false, true}) {
      std::string with_error = "prefix";
      record::append_json_line(with_error, record, &*error, {.stacktrace = stacktrace});
      const std::string_view line_only = std::string_view(with_error).substr(6);
      if (!nlohmann::json::accept(line_only) || !(record::parse_json_line(line_only) == record)) {
        std::abort();
      }
    }
  }
  return 0;
}
