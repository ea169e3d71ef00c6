// The -f format compiler (kcat's tokens and escapes, plus dlqcat's error-context tokens): a bad
// format is a UsageError; a good one renders any record.

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "format/format.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  using namespace dlq;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  format::Template tpl;
  try {
    tpl = format::compile(text);
  } catch (const UsageError&) {
    return 0;
  }
  record::Record record;
  record.topic = "orders-dlt";
  record.partition = 2;
  record.offset = 42;
  record.timestamp = 1700000000000;
  record.key = std::string("k\0y", 3);
  record.value = std::string("\xff\xfe value");
  record.headers = {{"kafka_dlt-original-topic", "orders"},
                    {"kafka_dlt-original-offset", std::string("\0\0\0\0\0\0\0\x2a", 8)},
                    {"kafka_dlt-exception-fqcn", "java.lang.IllegalStateException"},
                    {"x-null", std::nullopt}};
  const auto context = dialect::decode(record);
  std::string out;
  format::render(out, tpl, record, context ? &*context : nullptr);
  format::render(out, tpl, record::Record{}, nullptr); // everything absent
  return 0;
}
