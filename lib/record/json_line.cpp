#include "record/json_line.hpp"

#include "error.hpp"
#include "util/base64.hpp"
#include "util/json_scan.hpp"
#include "util/json_writer.hpp"
#include "util/utf8.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <limits>
#include <vector>

namespace dlq::record {

using nlohmann::json;

namespace {

// What a line is expected to take: the record's bytes, the keys around them, and a quarter
// more for escapes and the error object's copies of the header values (the stack trace only
// when asked for). A line that needs more grows once more.
size_t
expected_size(const RecordView& record, const ErrorContext* error, ErrorJsonOptions error_options)
{
  size_t size = 256 + record.topic.size() + (record.key ? record.key->size() : 0)
                + (record.value ? record.value->size() : 0);
  for (const HeaderView header : record.headers) {
    size += 24 + header.name.size() + (header.value ? header.value->size() : 0);
  }
  if (error != nullptr && error_options.stacktrace && error->exception.stacktrace) {
    size += error->exception.stacktrace->size();
  }
  return size + size / 4;
}

} // namespace

void
append_json_line(std::string& out, const RecordView& record, const ErrorContext* error, ErrorJsonOptions error_options)
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
  for (const HeaderView header : record.headers) {
    line.raw(first ? "{\"name\":" : ",{\"name\":");
    first = false;
    line.bytes(header.name); // a name a producer wrote in bytes that are not UTF-8: base64
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

// A JSON string for messages; bytes that are not UTF-8 (read leniently) shown as \ufffd.
std::string
quoted(const json& node)
{
  return node.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Builds an nlohmann tree from util::scan_json's events, so that a line is read with the
// scanner's limits (nesting depth) and leniency (string bytes that are not UTF-8, as kcat -J
// writes binary keys and header values raw, are kept as they are; nlohmann's parser refuses
// them), and then interpreted exactly as before.
class TreeBuilder : public util::JsonEvents
{
public:
  json root;

  void null() override { put(json(nullptr)); }
  void boolean(bool value) override { put(json(value)); }
  void number_integer(int64_t value) override { put(json(value)); }
  void number_unsigned(uint64_t value) override { put(json(value)); }
  void number_float(std::string_view text) override { put(json(std::strtod(std::string(text).c_str(), nullptr))); }
  void string(std::string& value) override { put(json(std::move(value))); }
  void key(std::string& name) override { m_key = std::move(name); }
  void start_object() override { m_open.push_back(put(json(json::value_t::object))); }
  void start_array() override { m_open.push_back(put(json(json::value_t::array))); }
  void end_object() override { m_open.pop_back(); }
  void end_array() override { m_open.pop_back(); }

private:
  json* put(json value)
  {
    if (m_open.empty()) {
      root = std::move(value);
      return &root;
    }
    json& parent = *m_open.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    json& member = parent[m_key]; // a repeated name: the last value wins, as in json::parse
    member = std::move(value);
    return &member;
  }

  std::vector<json*> m_open; // the containers being filled; their addresses are stable
  std::string m_key;
};

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
    fail(fmt::format("\"{}\": {} is out of range", field, quoted(node)));
  }
  if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
    fail(fmt::format("\"{}\": {} is out of range", field, value));
  }
  return static_cast<Int>(value);
}

// Names (topic, header names, timestamp types) must be text even where a line is read leniently.
std::string
string_from(const json& node, std::string_view field)
{
  if (!node.is_string()) {
    fail(fmt::format("\"{}\": expected a string", field));
  }
  if (!util::is_valid_utf8(node.get_ref<const std::string&>())) {
    fail(fmt::format("\"{}\": not UTF-8", field));
  }
  return node.get<std::string>();
}

// A header name: a string (of any bytes, as kcat writes them), or {"base64": ...} (as dlqcat
// writes a name that is not UTF-8).
std::string
name_from(const json& node, std::string_view field)
{
  auto bytes = node.is_null() ? std::nullopt : bytes_from(node, field);
  if (!bytes) {
    fail(fmt::format("\"{}\": expected a string or {{\"base64\": ...}}", field));
  }
  return std::move(*bytes);
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
    header.name = name_from(item["name"], "headers[].name");
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
    record.headers.push_back({name_from(node[i], "headers[]"), bytes_from(node[i + 1], "headers[]")});
  }
}

} // namespace

Record
parse_json_line(std::string_view line)
{
  TreeBuilder builder;
  const auto scanned = util::scan_json(line, builder, {.raw_bytes_in_strings = true});
  if (!scanned) {
    fail(fmt::format("invalid JSON at column {}: {}", scanned.offset + 1, scanned.problem));
  }
  const json& doc = builder.root;
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
      if (record.partition < -1) {
        fail(fmt::format("\"{}\": {} is out of range (a partition is 0 or more; -1 or null: the partitioner's choice)",
                         name, record.partition));
      }
    } else if (name == "offset") {
      record.offset = node.is_null() ? -1 : int_from<int64_t>(node, name);
    } else if (name == "timestamp" || name == "ts") {
      record.timestamp = node.is_null() ? -1 : int_from<int64_t>(node, name);
      if (record.timestamp < -1) {
        fail(fmt::format("\"{}\": {} is out of range (milliseconds since the epoch; -1 or null: none)", name,
                         record.timestamp));
      }
    } else if (name == "timestamp_type" || name == "tstype") {
      const auto type = timestamp_type_from_string(string_from(node, name));
      if (!type) {
        fail(fmt::format("\"{}\": unknown timestamp type {}", name, quoted(node)));
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
