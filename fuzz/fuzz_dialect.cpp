// One dialect's decoder on records whose headers carry that dialect's names with arbitrary
// values (truncated ints, bad UTF-8, huge numbers, JSON that is not), plus unknown names. Built
// once per dialect: DLQ_FUZZ_DIALECT names its table (lib/dialect/spec.hpp). Decoders must never
// throw nor read out of bounds (shared/DIALECTS.md: malformed values are reported, not fatal).

#include "dialect/dialect.hpp"
#include "dialect/spec.hpp"
#include "fuzz_input.hpp"
#include "util/json_scan.hpp"

#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  const auto& dialect = dialect::DLQ_FUZZ_DIALECT;
  fuzz::Input input(data, size);
  record::Record record;
  record.topic = "dlq";
  // Header count, then per header: which name (one of the dialect's, or a fuzzed one), null or
  // not, and the value.
  const int headers = input.byte() % 24;
  for (int i = 0; i < headers && !input.empty(); ++i) {
    const auto which = input.byte();
    record::Header header;
    if (which < dialect.headers.size() * 8) {
      header.name = std::string(dialect.headers[which % dialect.headers.size()].name);
    } else {
      header.name = input.piece();
    }
    const bool is_null = (input.byte() & 0x0f) == 0;
    auto value = input.piece();
    if (!is_null) {
      header.value = std::move(value);
    }
    record.headers.push_back(std::move(header));
  }
  record.value = input.rest(); // the envelope dialect reads the value
  // Inputs ending in 0x01 carry their value as an envelope's input_json nested 999 deep, so that
  // the fuzzer reaches the nesting limit (replay --unwrap must refuse it, not recurse).
  if (size > 0 && data[size - 1] == 0x01) {
    record.value = R"({"error_message":"e","input_json":)" + std::string(999, '[') + *record.value
                   + std::string(999, ']') + "}";
  }

  // None of these may throw: a throw escapes here and libFuzzer reports it.
  const auto context = dialect::decode(record);
  const auto typed = dialect::describe_headers(record);
  if (typed.size() != record.headers.size()) {
    std::abort(); // one typed entry per header, always
  }
  (void)dialect::attempts(record);
  std::string problem;
  const auto unwrapped = dialect::unwrap_envelope(record, &problem);
  if (!problem.empty() && (unwrapped || !util::json_nests_deeper_than(*record.value))) {
    std::abort(); // a problem is only ever the nesting limit, and then nothing is unwrapped
  }
  for (const auto& header : record.headers) {
    (void)dialect::is_error_header(header.name);
  }
  // Whatever decoded must encode again without failing.
  if (context) {
    record::Record again;
    dialect::encode(dialect.name, *context, again);
  }
  return 0;
}
