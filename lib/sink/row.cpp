#include "sink/row.hpp"

#include "error.hpp"
#include "util/json_scan.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace dlq::sink {

namespace {

using json = nlohmann::ordered_json;

std::optional<std::string>
column_text(const json& value)
{
  switch (value.type()) {
  case json::value_t::null:
    return std::nullopt;
  case json::value_t::string:
    return value.get<std::string>();
  case json::value_t::boolean:
    return value.get<bool>() ? "true" : "false";
  default:
    return value.dump(); // numbers as written; objects and arrays as JSON text
  }
}

const Column*
find_column(const Row& row, std::string_view name)
{
  const auto it = std::find_if(row.begin(), row.end(), [&](const Column& c) { return c.name == name; });
  return it == row.end() ? nullptr : &*it;
}

} // namespace

RowResult
row_from_value(const record::Bytes& value)
{
  if (!value) {
    return {std::nullopt, "a tombstone (null value)"};
  }
  // Nested objects become their JSON text through dump(), which recurses: a value deeper than a
  // Java converter reads (Jackson's limit) is refused before it is parsed.
  if (util::json_nests_deeper_than(*value)) {
    return {std::nullopt, fmt::format("JSON nested deeper than {} levels", util::k_max_json_depth), true};
  }
  // ordered_json keeps the fields in the record's order, so that the SQL reads like the record.
  const auto document = json::parse(*value, nullptr, false);
  if (document.is_discarded()) {
    return {std::nullopt, "not JSON"};
  }
  const auto* object = &document;
  if (document.is_object() && document.contains("schema") && document.contains("payload")) {
    object = &document["payload"];
  }
  if (!object->is_object()) {
    return {std::nullopt, "not a JSON object"};
  }
  Row row;
  for (const auto& [name, field] : object->items()) {
    row.push_back({name, column_text(field)});
  }
  if (row.empty()) {
    return {std::nullopt, "an empty JSON object"};
  }
  return {std::move(row), {}};
}

std::string
quote_identifier(std::string_view name)
{
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    const auto part = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!out.empty()) {
      out.push_back('.');
    }
    out.push_back('"');
    for (const char c : part) {
      if (c == '"') {
        out.push_back('"');
      }
      out.push_back(c);
    }
    out.push_back('"');
    if (dot == std::string_view::npos) {
      return out;
    }
    start = dot + 1;
  }
}

std::string
quote_literal(std::string_view text)
{
  if (text.find('\0') != std::string_view::npos) {
    throw UsageError("a value holds a NUL byte, which PostgreSQL text cannot store");
  }
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out.push_back('\'');
    }
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

namespace {

std::string
column_name(const Column& column)
{
  // Column names are unqualified: a field called "a.b" is one column.
  std::string quoted = "\"";
  for (const char c : column.name) {
    if (c == '"') {
      quoted.push_back('"');
    }
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string
literal(const Column& column)
{
  return column.text ? quote_literal(*column.text) : "NULL";
}

} // namespace

std::string
upsert_sql(std::string_view table, const Row& row, const std::vector<std::string>& key_columns)
{
  std::string names;
  std::string values;
  for (const auto& column : row) {
    if (!names.empty()) {
      names.append(",");
      values.append(",");
    }
    names.append(column_name(column));
    values.append(literal(column));
  }
  auto sql = fmt::format("INSERT INTO {} ({}) VALUES ({})", quote_identifier(table), names, values);
  if (key_columns.empty()) {
    return sql;
  }
  std::string keys;
  std::string updates;
  for (const auto& key : key_columns) {
    keys.append(keys.empty() ? "" : ",").append(column_name({key, {}}));
  }
  for (const auto& column : row) {
    if (std::find(key_columns.begin(), key_columns.end(), column.name) != key_columns.end()) {
      continue;
    }
    const auto name = column_name(column);
    updates.append(updates.empty() ? "" : ",").append(fmt::format("{}=EXCLUDED.{}", name, name));
  }
  sql.append(fmt::format(" ON CONFLICT ({}) DO ", keys));
  sql.append(updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
  return sql;
}

std::string
holds_row_sql(std::string_view table, const Row& row, const std::vector<std::string>& key_columns)
{
  std::string where;
  for (const auto& key : key_columns) {
    const auto* column = find_column(row, key);
    if (column == nullptr || !column->text) {
      throw UsageError(fmt::format("the correction has no value for the key column '{}'", key));
    }
  }
  for (const auto& column : row) {
    // IS NOT DISTINCT FROM: NULL equals NULL; the untyped literal takes the column's type.
    where.append(where.empty() ? "" : " AND ")
      .append(fmt::format("{} IS NOT DISTINCT FROM {}", column_name(column), literal(column)));
  }
  return fmt::format("SELECT 1 FROM {} WHERE {}", quote_identifier(table), where);
}

} // namespace dlq::sink
