// A JSON error envelope in the record value: an application convention, not a framework's.
// Source: shared/seeds/streaming-job-dlq.md (a PySpark job writing
// {"processing_time": "...", "input_json": "{...}", "error_message": "..."} to visits_dlq).
// Recognised: a JSON object with an error field (error_message, error, exception) AND an original
// payload field (input_json, payload, original, record). Written as Python's json.dumps would.

#include "dialect/dialect.hpp"
#include "dialect/list.hpp"
#include "util/base64.hpp"
#include "util/json_scan.hpp"
#include "util/json_writer.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <span>

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

// The parsed envelope, or a discarded/non-object json when the value is not one. A value nested
// deeper than util::k_max_json_depth is not parsed (a tree that deep would be re-serialised by
// a recursive dump()): `problem` says so.
json
parse_envelope(const record::Bytes& value, std::string* problem)
{
  if (!value || !may_be_envelope(*value)) {
    return json(json::value_t::discarded);
  }
  if (util::json_nests_deeper_than(*value)) {
    if (problem != nullptr) {
      *problem = fmt::format("the envelope's JSON nests deeper than {} levels", util::k_max_json_depth);
    }
    return json(json::value_t::discarded);
  }
  auto object = json::parse(*value, nullptr, false);
  if (!object.is_object() || first_member(object, k_error_fields, false) == nullptr
      || first_member(object, k_payload_fields, true) == nullptr) {
    return json(json::value_t::discarded);
  }
  return object;
}

bool
looks_like_class_name(const std::string& text)
{
  return !text.empty() && text.find_first_of(" \t\r\n:") == std::string::npos;
}

// decode() runs on every headerless record, so it reads the envelope with util::scan_json (the
// grammar and strictness of json::parse, checked event by event by fuzz/fuzz_json_scan) and keeps
// only the members an ErrorContext needs, instead of building a tree. unwrap_envelope() still
// builds one: it needs the payload's JSON.
class EnvelopeReader : public util::JsonEvents
{
public:
  // The top-level members read, in k_names order.
  enum Field : size_t {
    ErrorMessage, Error, Exception, InputJson, Payload, Original, Record, Stacktrace, StackTrace, Traceback, Topic,
    OriginalTopic, Partition, OriginalPartition, Offset, OriginalOffset, FieldCount
  };
  static constexpr std::array<std::string_view, FieldCount> k_names = {
    "error_message", "error", "exception", "input_json", "payload", "original", "record", "stacktrace",
    "stack_trace", "traceback", "topic", "original_topic", "partition", "original_partition", "offset",
    "original_offset",
  };
  static_assert(k_error_fields[0] == k_names[ErrorMessage] && k_error_fields[2] == k_names[Exception]
                && k_payload_fields[0] == k_names[InputJson] && k_payload_fields[3] == k_names[Record]);

  // One top-level member: its JSON type and, for strings and integers, its value.
  struct Member
  {
    json::value_t type = json::value_t::discarded; // discarded: absent
    std::string text;
    int64_t number = 0;
  };
  // The string members of an "error" or "exception" object.
  struct ErrorObject
  {
    std::optional<std::string> class_name, message, stacktrace;
    // Precedence inside the object, as read_error_object's lists: lower wins.
    int class_rank = 99, message_rank = 99, stacktrace_rank = 99;
  };

  std::array<Member, FieldCount> members;
  std::array<ErrorObject, 2> errors; // [0] "error", [1] "exception"

  Member& operator[](Field field) { return members[field]; }
  bool present(Field field, bool allow_null) const
  {
    const auto type = members[field].type;
    return type != json::value_t::discarded && (allow_null || type != json::value_t::null);
  }

  void null() override { scalar(json::value_t::null); }
  void boolean(bool /*value*/) override { scalar(json::value_t::boolean); }
  void number_integer(int64_t value) override { integer(json::value_t::number_integer, value); }
  void number_unsigned(uint64_t value) override { integer(json::value_t::number_unsigned, static_cast<int64_t>(value)); }
  void number_float(std::string_view /*text*/) override { scalar(json::value_t::number_float); }
  // The payload only has to be there: its (often long) text is never copied.
  bool wants_string() override
  {
    return m_depth == 1 ? m_member != nullptr && !is_payload(m_field) : m_depth == 2 && m_error != nullptr;
  }
  void string(std::string& value) override
  {
    if (m_depth == 1 && m_member != nullptr) {
      m_member->type = json::value_t::string;
      m_member->text = std::move(value);
    } else if (m_depth == 2 && m_error != nullptr) {
      error_string(std::move(value));
    }
  }
  void start_object() override
  {
    if (m_depth == 0) {
      m_is_object = true;
    } else if (m_depth == 1 && m_member != nullptr) {
      m_member->type = json::value_t::object;
      m_member->text.clear();
      m_error = m_field == Error ? &errors[0] : m_field == Exception ? &errors[1] : nullptr;
      if (m_error != nullptr) {
        *m_error = ErrorObject{}; // a repeated key: the last value wins, as in json::parse
      }
    }
    ++m_depth;
  }
  void key(std::string& name) override
  {
    if (m_depth == 1) {
      m_member = nullptr;
      for (size_t i = 0; i < k_names.size(); ++i) {
        if (k_names[i] == name) {
          m_field = static_cast<Field>(i);
          m_member = &members[i];
          break;
        }
      }
    } else if (m_depth == 2) {
      m_error_key = name;
    }
  }
  void end_object() override
  {
    --m_depth;
    if (m_depth == 1) {
      m_error = nullptr;
    }
  }
  void start_array() override
  {
    if (m_depth == 1 && m_member != nullptr) {
      m_member->type = json::value_t::array;
    }
    ++m_depth;
  }
  void end_array() override { --m_depth; }

  bool is_object() const noexcept { return m_is_object; }

private:
  static bool is_payload(Field field) { return field >= InputJson && field <= Record; }

  void scalar(json::value_t type)
  {
    if (m_depth == 1 && m_member != nullptr) {
      m_member->type = type;
      m_member->text.clear();
    }
  }
  void integer(json::value_t type, int64_t value)
  {
    if (m_depth == 1 && m_member != nullptr) {
      m_member->type = type;
      m_member->number = value;
    }
  }
  // In an error object {"class"|"type"|"name"|"exception", "message"|"msg",
  // "stacktrace"|"stack_trace"|"traceback"}, the first name of each list holding a string wins.
  void error_string(std::string value)
  {
    static constexpr std::string_view k_class[] = {"class", "type", "name", "exception"};
    static constexpr std::string_view k_message[] = {"message", "msg"};
    static constexpr std::string_view k_stack[] = {"stacktrace", "stack_trace", "traceback"};
    const auto offer = [&](std::span<const std::string_view> names, std::optional<std::string>& field, int& rank) {
      for (int i = 0; i < static_cast<int>(names.size()); ++i) {
        if (names[i] == m_error_key && i <= rank) {
          field = std::move(value);
          rank = i;
          return true;
        }
      }
      return false;
    };
    offer(k_class, m_error->class_name, m_error->class_rank) || offer(k_message, m_error->message, m_error->message_rank)
      || offer(k_stack, m_error->stacktrace, m_error->stacktrace_rank);
  }

  int m_depth = 0;
  bool m_is_object = false;
  Field m_field = FieldCount;
  Member* m_member = nullptr;     // the top-level member being read, if it is one of k_names
  ErrorObject* m_error = nullptr; // inside an "error" or "exception" object
  std::string m_error_key;
};

std::optional<ErrorContext>
read_envelope(const std::string& value)
{
  using F = EnvelopeReader::Field;
  EnvelopeReader reader;
  if (!util::scan_json(value, reader) || !reader.is_object()) {
    return std::nullopt;
  }
  const bool has_error = reader.present(F::ErrorMessage, false) || reader.present(F::Error, false)
                         || reader.present(F::Exception, false);
  const bool has_payload = reader.present(F::InputJson, true) || reader.present(F::Payload, true)
                           || reader.present(F::Original, true) || reader.present(F::Record, true);
  if (!has_error || !has_payload) {
    return std::nullopt;
  }
  // The first of `fields` holding a string (or an integer) fills a field not set yet.
  const auto text = [&](std::optional<std::string>& field, std::initializer_list<F> fields) {
    for (const auto name : fields) {
      auto& member = reader[name];
      if (!field && member.type == json::value_t::string) {
        field = std::move(member.text);
      }
    }
  };
  const auto number = [&](auto& field, std::initializer_list<F> fields) {
    for (const auto name : fields) {
      const auto& member = reader[name];
      if (!field && (member.type == json::value_t::number_integer || member.type == json::value_t::number_unsigned)) {
        field = static_cast<typename std::remove_reference_t<decltype(field)>::value_type>(member.number);
      }
    }
  };
  ErrorContext context;
  context.dialect = "envelope";
  auto& exception = context.exception;
  text(exception.message, {F::ErrorMessage});
  for (const auto name : {F::Error, F::Exception}) {
    auto& member = reader[name];
    if (member.type == json::value_t::object) {
      auto& error = reader.errors[name == F::Error ? 0 : 1];
      const auto fill = [](std::optional<std::string>& field, std::optional<std::string>& from) {
        if (!field && from) {
          field = std::move(from);
        }
      };
      fill(exception.class_name, error.class_name);
      fill(exception.message, error.message);
      fill(exception.stacktrace, error.stacktrace);
    } else if (member.type == json::value_t::string) {
      auto& field = name == F::Exception && looks_like_class_name(member.text) ? exception.class_name : exception.message;
      text(field, {name});
    }
  }
  text(exception.stacktrace, {F::Stacktrace, F::StackTrace, F::Traceback});
  text(context.original.topic, {F::Topic, F::OriginalTopic});
  number(context.original.partition, {F::Partition, F::OriginalPartition});
  number(context.original.offset, {F::Offset, F::OriginalOffset});
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
  if (!value || !may_be_envelope(*value)) {
    return std::nullopt;
  }
  return read_envelope(*value);
}

std::optional<record::Bytes>
unwrap_envelope(const record::Record& record, std::string* problem)
{
  const auto object = parse_envelope(record.value, problem);
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

constinit const Dialect k_envelope{"envelope", {}, encode, nullptr};

} // namespace dlq::dialect
