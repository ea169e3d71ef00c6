// Per-record cost of the in-process work of `consume-dlq -J` on W2 (bench/load.py's ~250-byte
// JSON error envelopes, built here byte for byte as load.py writes them), without a broker:
// dialect::decode (the envelope decoder) and append_json_line, N times. Run under callgrind for
// instruction counts per function (docs/BENCHMARKS.md):
//   c++ -std=c++20 -O2 -g -DFMT_SHARED -Ilib bench/micro_w2.cpp BUILD/lib/libdlq.a -lsimdjson
//     -lfmt -lrdkafka -lpqxx -lre2 -lcurl -pthread -o micro_w2     (one line)
//   valgrind --tool=callgrind ./micro_w2 100000
#include "dialect/dialect.hpp"
#include "record/json_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int
main(int argc, char** argv)
{
  const long count = argc > 1 ? std::atol(argv[1]) : 100000;
  std::vector<dlq::record::Record> records(1000);
  for (size_t i = 0; i < records.size(); ++i) {
    char value[512];
    std::snprintf(value, sizeof value,
                  R"({"processing_time": "2024-01-13T04:21:50.%06zu", "input_json": "{\"visit_id\": \"140380747557760_%zu\", )"
                  R"(\"event_time\": null, \"user_id\": null, \"page\": \"page_%zu\"}", "error_message": "fromisoformat: argument must be str"})",
                  i, i, i % 20);
    auto& record = records[i];
    record.topic = "w2";
    record.partition = static_cast<int32_t>(i % 64);
    record.offset = static_cast<int64_t>(i);
    record.timestamp = 1700000000000 + static_cast<int64_t>(i);
    record.key = "140380747557760_" + std::to_string(i);
    record.value = std::string(value);
  }
  std::string out;
  size_t bytes = 0, decoded = 0;
  dlq::ErrorContext context;
  dlq::dialect::Decoder decoder; // as consume-dlq holds one
  for (long n = 0; n < count; ++n) {
    const auto& record = records[static_cast<size_t>(n) % records.size()];
    const bool found = decoder.decode(record, context);
    decoded += found;
    dlq::record::append_json_line(out, record, found ? &context : nullptr);
    out += '\n';
    bytes += out.size();
    out.clear();
  }
  std::printf("records=%ld decoded=%zu bytes=%zu\n", count, decoded, bytes);
  return decoded == static_cast<size_t>(count) ? 0 : 1;
}
