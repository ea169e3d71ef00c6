// A JSON error envelope in the record value: an application convention, not a framework's.
// Source: shared/seeds/streaming-job-dlq.md (a PySpark job writing
// {"processing_time": "...", "input_json": "{...}", "error_message": "..."} to visits_dlq).
// Recognised: a JSON object with an error field (error_message, error, exception) AND an original
// payload field (input_json, payload, original, record). Written as Python's json.dumps would.

#include "dialect/spec.hpp"
#include "dialect/dialect.hpp"
#include "util/base64.hpp"
#include "util/json_writer.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace dlq::dialect {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> k_error_fields = {"error_message", "error", "exception"};
constexpr std::array<std::string_view, 4> k_payload_fields = {"input_json", "payload", "original", "record"};

// Cheap tests first: this runs on every record that has no error headers.
bool
may_be_envelope(std::string_view value) noexcept
{
  const auto start = value.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || value[start] != '{') {
    return false;
  }
  return value.find("\"error") != std::string_view::npos || value.find("\"exception\"") != std::string_view::npos;
}

const json*
member(const json& object, std::string_view name)
{
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

const json*
first_member(const json& object, std::span<const std::string_view> names, bool allow_null)
{
  for (const auto name : names) {
    const json* value = member(object, name);
    if (value != nullptr && (allow_null || !value->is_null())) {
      return value;
    }
  }
  return nullptr;
}

// The parsed envelope, or a discarded/non-object json when the value is not one.
json
parse_envelope(const record::Bytes& value)
{
  if (!value || !may_be_envelope(*value)) {
    return json(json::value_t::discarded);
  }
  auto object = json::parse(*value, nullptr, false);
  if (!object.is_object() || first_member(object, k_error_fields, false) == nullptr
      || first_member(object, k_payload_fields, true) == nullptr) {
    return json(json::value_t::discarded);
  }
  return object;
}

void
set_text(std::optional<std::string>& field, const json* value)
{
  if (!field && value != nullptr && value->is_string()) {
    field = value->get<std::string>();
  }
}

template <typename Int>
void
set_number(std::optional<Int>& field, const json* value)
{
  if (!field && value != nullptr && value->is_number_integer()) {
    field = value->get<Int>();
  }
}

bool
looks_like_class_name(const std::string& text)
{
  return !text.empty() && text.find_first_of(" \t\r\n:") == std::string::npos;
}

// {"class"|"type"|"name", "message"|"msg", "stacktrace"|"stack_trace"|"traceback"}
void
read_error_object(ExceptionInfo& exception, const json& error)
{
  for (const auto name : {"class", "type", "name", "exception"}) {
    set_text(exception.class_name, member(error, name));
  }
  for (const auto name : {"message", "msg"}) {
    set_text(exception.message, member(error, name));
  }
  for (const auto name : {"stacktrace", "stack_trace", "traceback"}) {
    set_text(exception.stacktrace, member(error, name));
  }
}

ErrorContext
to_context(const json& object)
{
  ErrorContext context;
  context.dialect = "envelope";
  auto& exception = context.exception;
  set_text(exception.message, member(object, "error_message"));
  for (const auto name : {"error", "exception"}) {
    const json* error = member(object, name);
    if (error == nullptr) {
      continue;
    }
    if (error->is_object()) {
      read_error_object(exception, *error);
    } else if (error->is_string()) {
      const auto text = error->get<std::string>();
      auto& field = std::string_view(name) == "exception" && looks_like_class_name(text) ? exception.class_name
                                                                                           : exception.message;
      set_text(field, error);
    }
  }
  for (const auto name : {"stacktrace", "stack_trace", "traceback"}) {
    set_text(exception.stacktrace, member(object, name));
  }
  for (const auto name : {"topic", "original_topic"}) {
    set_text(context.original.topic, member(object, name));
  }
  for (const auto name : {"partition", "original_partition"}) {
    set_number(context.original.partition, member(object, name));
  }
  for (const auto name : {"offset", "original_offset"}) {
    set_number(context.original.offset, member(object, name));
  }
  return context;
}

void
append_field(std::string& out, std::string_view name, const record::Bytes& value)
{
  out += out.size() == 1 ? "" : ", ";
  util::append_json_string(out, name);
  out += ": ";
  util::append_json_bytes(out, value);
}

void
encode(const ErrorContext& context, record::Record& record)
{
  std::string out = "{";
  append_field(out, "input_json", record.value);
  const auto& e = context.exception;
  if (e.message || !e.class_name) {
    append_field(out, "error_message", e.message.value_or(""));
  }
  if (e.class_name) {
    append_field(out, "exception", e.class_name);
  }
  if (e.stacktrace) {
    append_field(out, "stacktrace", e.stacktrace);
  }
  if (context.original.topic) {
    append_field(out, "topic", context.original.topic);
  }
  if (context.original.partition) {
    out += ", \"partition\": ";
    util::append_json_int(out, *context.original.partition);
  }
  if (context.original.offset) {
    out += ", \"offset\": ";
    util::append_json_int(out, *context.original.offset);
  }
  out += "}";
  record.value = std::move(out);
}

} // namespace

std::optional<ErrorContext>
decode_envelope(const record::Bytes& value)
{
  const auto object = parse_envelope(value);
  if (!object.is_object()) {
    return std::nullopt;
  }
  return to_context(object);
}

std::optional<record::Bytes>
unwrap_envelope(const record::Record& record)
{
  const auto object = parse_envelope(record.value);
  if (!object.is_object()) {
    return std::nullopt;
  }
  const json* found = first_member(object, k_payload_fields, true);
  if (found == nullptr) {
    return std::nullopt; // parse_envelope() checked it is there
  }
  const json& payload = *found;
  if (payload.is_null()) {
    return record::Bytes();
  }
  if (payload.is_string()) {
    return record::Bytes(payload.get<std::string>());
  }
  // Bytes that were not UTF-8 travel as {"base64": "..."} (DESIGN's lossless convention).
  if (payload.is_object() && payload.size() == 1 && payload.contains("base64") && payload["base64"].is_string()) {
    if (auto bytes = util::base64_decode(payload["base64"].get<std::string>())) {
      return record::Bytes(std::move(*bytes));
    }
  }
  return record::Bytes(payload.dump());
}

constinit const Dialect k_envelope{"envelope", {}, {}, encode, nullptr};

} // namespace dlq::dialect
