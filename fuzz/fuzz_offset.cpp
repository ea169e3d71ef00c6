// -o: kcat's offset forms. Bad text is a UsageError; a parsed spec resolves against any valid
// watermarks without overflow (UBSan checks the arithmetic).

#include "error.hpp"
#include "fuzz_input.hpp"
#include "kafka/offset_spec.hpp"

#include <cstdint>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  fuzz::Input input(data, size);
  int64_t low = 0;
  int64_t high = 0;
  for (int i = 0; i < 8; ++i) {
    low = (low << 8) | input.byte();
  }
  for (int i = 0; i < 8; ++i) {
    high = (high << 8) | input.byte();
  }
  // Watermarks are never negative (a high below low is allowed: resolve_start handles it).
  low &= INT64_MAX;
  high &= INT64_MAX;
  const auto text = input.rest();
  try {
    const auto spec = kafka::parse_offset(text);
    (void)kafka::resolve_start(spec, low, high);
  } catch (const UsageError&) {
  }
  return 0;
}
