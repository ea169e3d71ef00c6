// The JSON line parser, on dlqcat's form and kcat -J's: bad input is a UsageError, never a crash
// or another exception; what parses writes back and parses to the same record (lossless).

#include "error.hpp"
#include "record/json_line.hpp"

#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  record::Record record;
  try {
    record = record::parse_json_line(line);
  } catch (const UsageError&) {
    return 0;
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
  return 0;
}
