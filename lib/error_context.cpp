#include "error_context.hpp"

#include "error.hpp"
#include "util/json_writer.hpp"

#include <fmt/core.h>

#include <charconv>

namespace dlq {

namespace {

// Writes `"key":value` pairs, with the comma between them, skipping absent values.
class ObjectWriter
{
public:
  explicit ObjectWriter(std::string& out) : m_out(out) { m_out.push_back('{'); }
  ~ObjectWriter() { m_out.push_back('}'); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  void key(std::string_view name)
  {
    if (!m_first) {
      m_out.push_back(',');
    }
    m_first = false;
    util::append_json_string(m_out, name);
    m_out.push_back(':');
  }

  void field(std::string_view name, const std::optional<std::string>& value)
  {
    if (value) {
      key(name);
      util::append_json_bytes(m_out, value);
    }
  }

  template <typename Int>
  void field(std::string_view name, const std::optional<Int>& value)
  {
    if (value) {
      key(name);
      util::append_json_int(m_out, *value);
    }
  }

  std::string& out() { return m_out; }

private:
  std::string& m_out;
  bool m_first = true;
};

bool
has_any(const OriginalLocation& o)
{
  return o.topic || o.partition || o.offset || o.timestamp || o.timestamp_type || o.group;
}

bool
has_any(const ExceptionInfo& e, ErrorJsonOptions options)
{
  return e.class_name || e.message || (e.stacktrace && options.stacktrace) || e.cause_class || e.cause_message;
}

} // namespace

OriginalLocation
parse_original_location(std::string_view text)
{
  const auto bad = [&] {
    return UsageError(fmt::format("--original: expected TOPIC[:PARTITION[@OFFSET]], got \"{}\"", text));
  };
  const auto number = [&](std::string_view digits, auto& out) {
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (digits.empty() || result.ec != std::errc() || result.ptr != digits.data() + digits.size() || out < 0) {
      throw bad();
    }
  };
  OriginalLocation original;
  const auto colon = text.find(':');
  original.topic = std::string(text.substr(0, colon));
  if (original.topic->empty() || original.topic->find('@') != std::string::npos) {
    throw bad();
  }
  if (colon == std::string_view::npos) {
    return original;
  }
  const auto rest = text.substr(colon + 1);
  const auto at = rest.find('@');
  int32_t partition = 0;
  number(rest.substr(0, at), partition);
  original.partition = partition;
  if (at != std::string_view::npos) {
    int64_t offset = 0;
    number(rest.substr(at + 1), offset);
    original.offset = offset;
  }
  return original;
}

void
append_json(std::string& out, const ErrorContext& context, ErrorJsonOptions options)
{
  ObjectWriter object(out);
  object.key("dialect");
  util::append_json_string(out, context.dialect);
  if (has_any(context.original)) {
    object.key("original");
    ObjectWriter original(out);
    original.field("topic", context.original.topic);
    original.field("partition", context.original.partition);
    original.field("offset", context.original.offset);
    original.field("timestamp", context.original.timestamp);
    original.field("timestamp_type", context.original.timestamp_type);
    original.field("group", context.original.group);
  }
  if (has_any(context.exception, options)) {
    object.key("exception");
    ObjectWriter exception(out);
    exception.field("class", context.exception.class_name);
    exception.field("message", context.exception.message);
    if (options.stacktrace) {
      exception.field("stacktrace", context.exception.stacktrace);
    }
    exception.field("cause_class", context.exception.cause_class);
    exception.field("cause_message", context.exception.cause_message);
  }
  object.field("stage", context.stage);
  object.field("executing_class", context.executing_class);
  object.field("connector", context.connector);
  object.field("task", context.task);
  object.field("attempts", context.attempts);
  if (!context.history.empty()) {
    object.key("history");
    out.push_back('[');
    for (size_t i = 0; i < context.history.size(); ++i) {
      if (i > 0) {
        out.push_back(',');
      }
      util::append_json_string(out, context.history[i]);
    }
    out.push_back(']');
  }
  if (!context.malformed.empty()) {
    object.key("malformed");
    out.push_back('[');
    for (size_t i = 0; i < context.malformed.size(); ++i) {
      if (i > 0) {
        out.push_back(',');
      }
      ObjectWriter malformed(out);
      malformed.key("name");
      util::append_json_string(out, context.malformed[i].name);
      malformed.key("reason");
      util::append_json_string(out, context.malformed[i].reason);
      malformed.key("hex");
      util::append_json_string(out, context.malformed[i].hex);
    }
    out.push_back(']');
  }
}

} // namespace dlq
