#include "record/json_line.hpp"

#include "error.hpp"
#include "util/base64.hpp"
#include "util/json_writer.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <limits>

namespace dlq::record {

using nlohmann::json;

namespace {

// What a line is expected to take: the record's bytes, the keys around them, and a quarter
// more for escapes and the error object's copies of the header values (the stack trace only
// when asked for). A line that needs more grows once more.
size_t
expected_size(const Record& record, const ErrorContext* error, ErrorJsonOptions error_options)
{
  size_t size = 256 + record.topic.size() + (record.key ? record.key->size() : 0)
                + (record.value ? record.value->size() : 0);
  for (const auto& header : record.headers) {
    size += 24 + header.name.size() + (header.value ? header.value->size() : 0);
  }
  if (error != nullptr && error_options.stacktrace && error->exception.stacktrace) {
    size += error->exception.stacktrace->size();
  }
  return size + size / 4;
}

} // namespace

void
append_json_line(std::string& out, const Record& record, const ErrorContext* error, ErrorJsonOptions error_options)
{
  util::JsonWriter line(out, expected_size(record, error, error_options));
  line.raw("{\"topic\":");
  line.string(record.topic);
  line.raw(",\"partition\":");
  line.integer(record.partition);
  line.raw(",\"offset\":");
  line.integer(record.offset);
  line.raw(",\"timestamp\":");
  line.integer(record.timestamp);
  line.raw(",\"timestamp_type\":");
  line.string(to_string(record.timestamp_type));
  line.raw(",\"key\":");
  line.bytes(record.key);
  line.raw(",\"value\":");
  line.bytes(record.value);
  line.raw(",\"headers\":[");
  bool first = true;
  for (const auto& header : record.headers) {
    line.raw(first ? "{\"name\":" : ",{\"name\":");
    first = false;
    line.string(header.name);
    line.raw(",\"value\":");
    line.bytes(header.value);
    line.raw('}');
  }
  line.raw(']');
  if (error != nullptr) {
    line.raw(",\"error\":");
    append_json(line, *error, error_options);
  }
  line.raw('}');
}

namespace {

[[noreturn]] void
fail(const std::string& what)
{
  throw UsageError(what);
}

Bytes
bytes_from(const json& node, std::string_view field)
{
  if (node.is_null()) {
    return std::nullopt;
  }
  if (node.is_string()) {
    return node.get<std::string>();
  }
  if (node.is_object() && node.size() == 1 && node.contains("base64") && node["base64"].is_string()) {
    auto decoded = util::base64_decode(node["base64"].get<std::string>());
    if (!decoded) {
      fail(fmt::format("\"{}\": invalid base64", field));
    }
    return decoded;
  }
  fail(fmt::format("\"{}\": expected a string, null or {{\"base64\": ...}}", field));
}

template <typename Int>
Int
int_from(const json& node, std::string_view field)
{
  if (!node.is_number_integer()) {
    fail(fmt::format("\"{}\": expected an integer", field));
  }
  const auto value = node.get<int64_t>();
  if (node.is_number_unsigned() && node.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
    fail(fmt::format("\"{}\": {} is out of range", field, node.dump()));
  }
  if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
    fail(fmt::format("\"{}\": {} is out of range", field, value));
  }
  return static_cast<Int>(value);
}

std::string
string_from(const json& node, std::string_view field)
{
  if (!node.is_string()) {
    fail(fmt::format("\"{}\": expected a string", field));
  }
  return node.get<std::string>();
}

void
read_dlqcat_headers(const json& node, Record& record)
{
  if (!node.is_array()) {
    fail("\"headers\": expected an array of {\"name\": ..., \"value\": ...}");
  }
  record.headers.reserve(node.size());
  for (const auto& item : node) {
    if (!item.is_object() || !item.contains("name")) {
      fail("\"headers\": expected an array of {\"name\": ..., \"value\": ...}");
    }
    Header header;
    header.name = string_from(item["name"], "headers[].name");
    header.value = item.contains("value") ? bytes_from(item["value"], "headers[].value") : std::nullopt;
    record.headers.push_back(std::move(header));
  }
}

// kcat -J: "headers": ["name", "value", "name", "value", ...]
void
read_kcat_headers(const json& node, Record& record)
{
  if (!node.is_array() || node.size() % 2 != 0) {
    fail("\"headers\": expected kcat's flat [name, value, ...] array");
  }
  for (size_t i = 0; i < node.size(); i += 2) {
    record.headers.push_back({string_from(node[i], "headers[]"), bytes_from(node[i + 1], "headers[]")});
  }
}

} // namespace

Record
parse_json_line(std::string_view line)
{
  json doc;
  try {
    doc = json::parse(line);
  } catch (const json::exception& e) {
    // nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ...";
    // a number too large for a double is an out_of_range.406 (found by fuzz/fuzz_json_line).
    std::string_view what = e.what();
    const auto pos = what.find("] ");
    fail(fmt::format("invalid JSON: {}", pos == std::string_view::npos ? what : what.substr(pos + 2)));
  }
  if (!doc.is_object()) {
    fail("invalid JSON record: expected an object");
  }
  Record record;
  const bool kcat_form = doc.contains("payload") || doc.contains("ts") || doc.contains("tstype");
  for (const auto& [name, node] : doc.items()) {
    if (name == "topic") {
      record.topic = node.is_null() ? std::string() : string_from(node, name);
    } else if (name == "partition") {
      record.partition = node.is_null() ? -1 : int_from<int32_t>(node, name);
    } else if (name == "offset") {
      record.offset = node.is_null() ? -1 : int_from<int64_t>(node, name);
    } else if (name == "timestamp" || name == "ts") {
      record.timestamp = node.is_null() ? -1 : int_from<int64_t>(node, name);
    } else if (name == "timestamp_type" || name == "tstype") {
      const auto type = timestamp_type_from_string(string_from(node, name));
      if (!type) {
        fail(fmt::format("\"{}\": unknown timestamp type {}", name, node.dump()));
      }
      record.timestamp_type = *type;
    } else if (name == "key") {
      record.key = bytes_from(node, name);
    } else if (name == "value" || name == "payload") {
      record.value = bytes_from(node, name);
    } else if (name == "headers") {
      if (node.is_null()) {
        continue;
      }
      if (kcat_form) {
        read_kcat_headers(node, record);
      } else {
        read_dlqcat_headers(node, record);
      }
    }
    // Anything else ("error", kcat's "broker", ...) is derived or informational: ignored.
  }
  return record;
}

} // namespace dlq::record
