#include "format/block.hpp"

#include "format/paint.hpp"
#include "util/hex.hpp"
#include "util/time.hpp"
#include "util/utf8.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

namespace dlq::format {

namespace {

using util::visible;

// Text shown with its control characters escaped (util::visible; cut at `limit` bytes on a
// character boundary), binary as hex.
std::string
show_bytes(const record::Bytes& bytes, size_t limit)
{
  if (!bytes) {
    return "(null)";
  }
  const std::string& data = *bytes;
  if (!util::is_valid_utf8(data)) {
    const size_t shown = std::min(data.size(), limit / 2);
    return fmt::format("(binary, {} bytes) {}{}", data.size(), util::to_hex(std::string_view(data).substr(0, shown)),
                       shown < data.size() ? "…" : "");
  }
  if (data.size() <= limit) {
    return visible(data);
  }
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(data[cut]) & 0xC0) == 0x80) {
    --cut; // do not split a UTF-8 sequence
  }
  return fmt::format("{}… ({} bytes)", visible(std::string_view(data).substr(0, cut)), data.size());
}

std::string
describe_origin(const OriginalLocation& original)
{
  std::string text = original.topic ? visible(*original.topic) : "?";
  if (original.partition) {
    text += fmt::format(" [{}]", *original.partition);
  }
  if (original.offset) {
    text += fmt::format(" @ {}", *original.offset);
  }
  if (original.timestamp && *original.timestamp >= 0) {
    text += fmt::format("  {}", util::format_timestamp(*original.timestamp));
  }
  if (original.group) {
    text += fmt::format("  group {}", visible(*original.group));
  }
  return text;
}

void
append_stacktrace(std::string& out, const std::string& trace, const BlockOptions& options)
{
  size_t start = 0;
  size_t lines = 0;
  while (start < trace.size()) {
    auto end = trace.find('\n', start);
    if (end == std::string::npos) {
      end = trace.size();
    }
    if (!options.full_stacktrace && lines == k_folded_stacktrace_lines) {
      size_t rest = 0;
      for (size_t i = start; i < trace.size(); ++i) {
        rest += trace[i] == '\n' ? 1 : 0;
      }
      out += fmt::format("           … {} more lines (--stacktrace shows all)\n", rest + (trace.back() == '\n' ? 0 : 1));
      return;
    }
    // Java indents its frames with a tab: two spaces read the same and move no cursor.
    auto line = std::string_view(trace).substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    out += "           ";
    while (!line.empty() && line.front() == '\t') {
      out += "  ";
      line.remove_prefix(1);
    }
    util::append_visible(out, line);
    out.push_back('\n');
    ++lines;
    start = end + 1;
  }
}

} // namespace

void
render_block(std::string& out, const record::Record& record, const ErrorContext* error, const BlockOptions& options)
{
  const Painter paint(options.color);
  out += paint(k_bold, fmt::format("{} [{}] @ {}", visible(record.topic), record.partition, record.offset));
  if (record.timestamp >= 0) {
    out += fmt::format("  {}", util::format_timestamp(record.timestamp));
  }
  out.push_back('\n');
  out += fmt::format("  key:     {}\n", show_bytes(record.key, k_max_shown_value_bytes));
  out += fmt::format("  value:   {}\n", show_bytes(record.value, k_max_shown_value_bytes));
  if (error == nullptr) {
    out += paint(k_dim, "  error:   none decoded (no known DLQ headers)");
    out.push_back('\n');
  } else {
    const auto& exception = error->exception;
    const auto& key_exception = error->key_exception;
    const auto headline_of = [](const ExceptionInfo& e) {
      std::string headline = e.class_name ? visible(*e.class_name) : "(exception class not given)";
      if (e.message) {
        headline += ": " + visible(*e.message);
      }
      return headline;
    };
    // The value's exception and the key's are never mixed: a record may carry either or both.
    const bool key_only = &primary_exception(*error) == &key_exception;
    const bool has_key = key_exception.class_name || key_exception.message;
    out += fmt::format("  error:   {} {}\n", paint(k_red, key_only && has_key ? "key: " + headline_of(key_exception) : headline_of(exception)),
                       paint(k_dim, "(" + error->dialect + ")"));
    if (has_key && !key_only) {
      out += fmt::format("  key error: {}\n", paint(k_red, headline_of(key_exception)));
    }
    for (const auto* e : {&exception, &key_exception}) {
      if (e->cause_class || e->cause_message) {
        out += fmt::format("  {}{}{}\n", e == &primary_exception(*error) ? "cause:   " : "key cause: ", visible(e->cause_class.value_or("")),
                           e->cause_message ? ": " + visible(*e->cause_message) : "");
      }
    }
    out += fmt::format("  origin:  {}\n", describe_origin(error->original));
    if (error->stage || error->connector || error->task) {
      out += fmt::format("  stage:   {}{}{}\n", visible(error->stage.value_or("-")),
                         error->connector ? "  connector " + visible(*error->connector) : "",
                         error->task ? fmt::format("  task {}", *error->task) : "");
    }
    if (error->attempts) {
      out += fmt::format("  attempts: {}\n", *error->attempts);
    }
    if (!error->history.empty()) {
      std::string layers;
      for (const auto& layer : error->history) {
        layers += (layers.empty() ? "" : ", ") + visible(layer);
      }
      out += fmt::format("  earlier: {}\n", layers);
    }
    for (const auto& bad : error->malformed) {
      out += fmt::format("  malformed: {}: {} ({})\n", visible(bad.name), visible(bad.reason), visible(bad.hex));
    }
    if (exception.stacktrace && !exception.stacktrace->empty()) {
      out += "  stacktrace:\n";
      append_stacktrace(out, *exception.stacktrace, options);
    }
    if (key_exception.stacktrace && !key_exception.stacktrace->empty()) {
      out += "  key stacktrace:\n";
      append_stacktrace(out, *key_exception.stacktrace, options);
    }
  }
  out += fmt::format("  headers: {}\n\n", record.headers.size());
}

} // namespace dlq::format
