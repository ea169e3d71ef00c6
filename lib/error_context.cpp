#include "error_context.hpp"

#include "error.hpp"
#include "util/json_writer.hpp"

#include <fmt/core.h>

#include <charconv>

namespace dlq {

namespace {

// Writes `"key":value` pairs, with the comma between them, skipping absent values. Keys are
// this file's literals, which need no escaping.
class ObjectWriter
{
public:
  explicit ObjectWriter(util::JsonWriter& out) : m_out(out) { m_out.raw('{'); }
  ~ObjectWriter() { m_out.raw('}'); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  void key(std::string_view name)
  {
    m_out.raw(m_first ? "\"" : ",\"");
    m_first = false;
    m_out.raw(name);
    m_out.raw("\":");
  }

  void field(std::string_view name, const std::optional<std::string>& value)
  {
    if (value) {
      key(name);
      m_out.bytes(value);
    }
  }

  template <typename Int>
  void field(std::string_view name, const std::optional<Int>& value)
  {
    if (value) {
      key(name);
      m_out.integer(*value);
    }
  }

private:
  util::JsonWriter& m_out;
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

// The value's exception and the key's, in one shape.
void
append_exception(util::JsonWriter& out, const ExceptionInfo& e, ErrorJsonOptions options)
{
  ObjectWriter exception(out);
  exception.field("class", e.class_name);
  exception.field("message", e.message);
  if (options.stacktrace) {
    exception.field("stacktrace", e.stacktrace);
  }
  exception.field("cause_class", e.cause_class);
  exception.field("cause_message", e.cause_message);
}

} // namespace

const ExceptionInfo&
primary_exception(const ErrorContext& context) noexcept
{
  const auto& e = context.exception;
  const bool value_has_one = e.class_name || e.message || e.stacktrace || e.cause_class || e.cause_message;
  return value_has_one ? e : context.key_exception;
}

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
  util::JsonWriter writer(out, 512);
  append_json(writer, context, options);
}

void
append_json(util::JsonWriter& out, const ErrorContext& context, ErrorJsonOptions options)
{
  ObjectWriter object(out);
  object.key("dialect");
  out.string(context.dialect);
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
    append_exception(out, context.exception, options);
  }
  if (has_any(context.key_exception, options)) {
    object.key("key_exception");
    append_exception(out, context.key_exception, options);
  }
  object.field("stage", context.stage);
  object.field("executing_class", context.executing_class);
  object.field("connector", context.connector);
  object.field("task", context.task);
  object.field("attempts", context.attempts);
  if (!context.history.empty()) {
    object.key("history");
    out.raw('[');
    for (size_t i = 0; i < context.history.size(); ++i) {
      if (i > 0) {
        out.raw(',');
      }
      out.string(context.history[i]);
    }
    out.raw(']');
  }
  if (!context.malformed.empty()) {
    object.key("malformed");
    out.raw('[');
    for (size_t i = 0; i < context.malformed.size(); ++i) {
      if (i > 0) {
        out.raw(',');
      }
      ObjectWriter malformed(out);
      malformed.key("name");
      out.string(context.malformed[i].name);
      malformed.key("reason");
      out.string(context.malformed[i].reason);
      malformed.key("hex");
      out.string(context.malformed[i].hex);
    }
    out.raw(']');
  }
}

} // namespace dlq
