// The decoder on records whose headers carry the names of the dialects of the list
// (lib/dialect/list.hpp; each header's first byte picks the dialect and the name) with arbitrary values (truncated ints,
// bad UTF-8, huge numbers, JSON that is not), plus unknown names. Decoders must never throw nor
// read out of bounds (shared/DIALECTS.md: malformed values are reported, not fatal).

#include "dialect/dialect.hpp"
#include "dialect/list.hpp"
#include "fuzz_input.hpp"
#include "util/json_scan.hpp"

#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  const auto& dialects = dialect::k_dialects;
  fuzz::Input input(data, size);
  record::Record record;
  record.topic = "dlq";
  // Header count, then per header: which name (below 0xf0: a dialect of the list and one of its
  // names, as fuzz_human_output picks them; else a fuzzed one), null or not, and the value.
  const int headers = input.byte() % 24;
  for (int i = 0; i < headers && !input.empty(); ++i) {
    const auto which = input.byte();
    record::Header header;
    const auto& dialect = *dialects[which % dialects.size()];
    if (which < 0xf0 && !dialect.headers.empty()) {
      header.name = std::string(dialect.headers[(which / dialects.size()) % dialect.headers.size()].name);
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
    dialect::encode(context->dialect, *context, again); // in the dialect that was detected
  }
  return 0;
}
