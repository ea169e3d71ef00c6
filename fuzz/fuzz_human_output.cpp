// Human output of any record: consume-dlq's block, inspect-headers' lines, the --summary table
// and replay's dry-run plan. Whatever bytes a record carries (topic, key, value, header names and
// values, and the exception texts decoded from them), the output holds no raw control byte but
// the newline that ends each line, no C1 or bidirectional control, nothing that is not UTF-8,
// and exactly the lines its structure has: no field can start a line of its own. With colour,
// the only escape sequences are dlqcat's own.
//
// Input: fuzz_dialect's record format (headers, then the value), with header names from every
// dialect; a header named "@topic" or "@key" sets the topic or the key instead.

#include "dialect/dialect.hpp"
#include "dialect/list.hpp"
#include "format/block.hpp"
#include "format/paint.hpp"
#include "format/typed_headers.hpp"
#include "fuzz_input.hpp"
#include "retry/replay_report.hpp"
#include "retry/replayer.hpp"
#include "format/summary.hpp"
#include "util/utf8.hpp"
#include "util/visible.hpp"

#include <array>
#include <cstdlib>

namespace {

using namespace dlq;

using dialect::k_dialects;

// The output with dlqcat's own colour sequences taken out.
std::string
without_colour(std::string text)
{
  for (const std::string_view code : {format::k_bold, format::k_red, format::k_dim, format::k_reset}) {
    size_t at = 0;
    while ((at = text.find(code, at)) != std::string::npos) {
      text.erase(at, code.size());
    }
  }
  return text;
}

// Lines of text only: no control byte but '\n', valid UTF-8 without C1 or bidi controls; and
// `lines` of them, each ended by '\n'.
void
check_terminal_safe(const std::string& text, size_t lines)
{
  size_t newlines = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n') {
      continue;
    }
    const auto line = std::string_view(text).substr(start, i - start);
    // util::is_visible: no C0, DEL, C1 or bidi control, valid UTF-8.
    if (!util::is_visible(line)) {
      std::abort();
    }
    newlines += i < text.size() ? 1 : 0;
    start = i + 1;
  }
  if (newlines != lines || (!text.empty() && text.back() != '\n')) {
    std::abort();
  }
}

// The lines append_stacktrace writes for a trace: its lines, or the first ones and a "more" line.
size_t
stacktrace_lines(const std::optional<std::string>& stacktrace, const format::BlockOptions& options)
{
  if (!stacktrace || stacktrace->empty()) {
    return 0;
  }
  size_t trace = 0;
  for (size_t start = 0; start < stacktrace->size(); ++trace) {
    const auto end = stacktrace->find('\n', start);
    start = end == std::string::npos ? stacktrace->size() : end + 1;
  }
  const bool cut = !options.full_stacktrace && trace > format::k_folded_stacktrace_lines;
  return 1 + (cut ? format::k_folded_stacktrace_lines + 1 : trace); // its title line, then the trace
}

// The lines render_block writes for this record (format/block.cpp's structure).
size_t
block_lines(const ErrorContext* error, const format::BlockOptions& options)
{
  size_t lines = 3; // the record, key, value
  if (error == nullptr) {
    lines += 1;
  } else {
    const auto& e = error->exception;
    const auto& k = error->key_exception;
    const bool key_only = &primary_exception(*error) == &k;
    lines += 2; // error, origin
    lines += ((k.class_name || k.message) && !key_only) ? 1 : 0; // the key's error beside the value's
    lines += (e.cause_class || e.cause_message) ? 1 : 0;
    lines += (k.cause_class || k.cause_message) ? 1 : 0; // the key exception's cause (Spring's one cause header)
    lines += (error->stage || error->connector || error->task) ? 1 : 0;
    lines += error->attempts ? 1 : 0;
    lines += error->history.empty() ? 0 : 1;
    lines += error->malformed.size();
    lines += stacktrace_lines(e.stacktrace, options);
    lines += stacktrace_lines(k.stacktrace, options);
  }
  return lines + 2; // headers, blank
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  fuzz::Input input(data, size);
  record::Record record;
  record.topic = "dlq";
  record.partition = 0;
  record.offset = 7;
  record.timestamp = 1700000000000;
  const int headers = input.byte() % 24;
  for (int i = 0; i < headers && !input.empty(); ++i) {
    const auto which = input.byte();
    const auto& dialect = *k_dialects[which % k_dialects.size()];
    record::Header header;
    if (which < 0xf0 && !dialect.headers.empty()) {
      header.name = std::string(dialect.headers[(which / k_dialects.size()) % dialect.headers.size()].name);
    } else {
      header.name = input.piece();
    }
    const bool is_null = (input.byte() & 0x0f) == 0;
    auto value = input.piece();
    if (header.name == "@topic") {
      record.topic = std::move(value);
    } else if (header.name == "@key") {
      record.key = is_null ? std::nullopt : record::Bytes(std::move(value));
    } else {
      if (!is_null) {
        header.value = std::move(value);
      }
      record.headers.push_back(std::move(header));
    }
  }
  record.value = input.rest();

  const auto context = dialect::decode(record);
  const ErrorContext* error = context ? &*context : nullptr;
  for (const bool color : {false, true}) {
    for (const bool full : {false, true}) {
      format::BlockOptions options;
      options.color = color;
      options.full_stacktrace = full;
      std::string block;
      format::render_block(block, record, error, options);
      check_terminal_safe(color ? without_colour(block) : block, block_lines(error, options));
    }
    std::string typed;
    format::render_typed_headers(typed, record, error, color);
    check_terminal_safe(color ? without_colour(typed) : typed, record.headers.size() + 2);
  }

  format::Summary summary;
  summary.add(record, error);
  summary.add(record, nullptr);
  check_terminal_safe(format::render_summary_table(summary), summary.rows().size() + 2);

  retry::ReplayStats stats;
  stats.by_target[record.topic] = 1;
  stats.by_partition[{record.topic, 0}] = 1;
  if (error != nullptr) {
    stats.by_exception[error->exception.class_name.value_or("-")] = 1;
    stats.skip_reasons["--unwrap: " + error->exception.message.value_or("")] = 1;
  }
  const size_t sections = 3 + (stats.skip_reasons.empty() ? 0 : 1);
  check_terminal_safe(retry::render_plan(stats), 1 + sections + 3 + stats.skip_reasons.size());
  return 0;
}
