// kcat's backslash escapes (-D, -K, -f): any text unescapes without reading past its end.

#include "error.hpp"
#include "format/escape.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)format::unescape(text);
  } catch (const UsageError&) {
  }
  std::string out;
  (void)format::append_unescaped(out, text);
  return 0;
}
