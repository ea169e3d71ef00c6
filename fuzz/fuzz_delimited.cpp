// The -D/-K splitter of produce: any delimiter, any chunking of the input, a record size limit.
// Every byte fed comes out once, in order, between the delimiters (nothing lost, nothing added).

#include "fuzz_input.hpp"
#include "util/delimited_reader.hpp"
#include "util/error.hpp"

#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  fuzz::Input input(data, size);
  auto delimiter = input.piece();
  if (delimiter.empty()) {
    delimiter = "\n";
  }
  const size_t max_record = 1 + input.byte() * 4;
  const size_t chunk = 1 + input.byte() % 17;
  const auto stream = input.rest();

  util::DelimitedSplitter splitter(delimiter, max_record);
  std::string joined; // every delimited record with its delimiter, then the trailing bytes
  try {
    for (size_t at = 0; at < stream.size(); at += chunk) {
      splitter.feed(std::string_view(stream).substr(at, chunk));
      while (auto record = splitter.next()) {
        joined.append(*record).append(delimiter);
      }
    }
    while (auto trailing = splitter.finish()) { // only the bytes no delimiter ended remain
      joined.append(*trailing);
    }
  } catch (const util::InputError&) {
    return 0; // a record over the limit: produce stops with that error (exit 2)
  }
  if (joined != stream) {
    std::abort();
  }
  return 0;
}
