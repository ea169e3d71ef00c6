#pragma once

// What a JDBC sink would write for one record, and the SQL that writes it. Pure, so that the
// mapping and the quoting can be unit-tested without a database.
//
// The mapping follows Confluent's JDBC sink with pk.mode=record_value: a record value is either
// Connect's JsonConverter form {"schema": ..., "payload": {...}} (schemas.enable=true) or a plain
// JSON object; each top-level field becomes the column of the same name.

#include "record/record.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::sink {

struct Column
{
  std::string name;
  std::optional<std::string> text; // the value as PostgreSQL input text; nullopt = SQL NULL

  bool operator==(const Column&) const = default;
};

using Row = std::vector<Column>;

struct RowResult
{
  std::optional<Row> row;
  std::string why_not;    // when there is no row: why the record maps to none
  bool too_deep = false;  // no row because its JSON nests deeper than util::k_max_json_depth
};

// The row a record value maps to. No row for a null value (a tombstone: a delete, if the sink
// allows it), a value that is not a JSON object, or one nested deeper than a Java converter
// reads (the converter's error, which Connect's DLQ handles, not the sink). Nested objects and
// arrays become their JSON text.
RowResult row_from_value(const record::Bytes& value);

// "person" -> "\"person\"", "public.person" -> "\"public\".\"person\"".
std::string quote_identifier(std::string_view name);
// A string literal for standard_conforming_strings = on: 'it''s'. Throws UsageError for a NUL
// byte, which PostgreSQL text cannot hold.
std::string quote_literal(std::string_view text);

// INSERT of the row; with key columns, an upsert as the JDBC sink's insert.mode=upsert writes it
// (INSERT ... ON CONFLICT (pk) DO UPDATE SET every other column). Literals are untyped, so that
// PostgreSQL converts them to the column types itself and reports its own error when it cannot.
std::string upsert_sql(std::string_view table, const Row& row, const std::vector<std::string>& key_columns);

// A query returning one row when the table holds exactly these values for the row's key columns.
// Throws UsageError when the row lacks a key column.
std::string holds_row_sql(std::string_view table, const Row& row, const std::vector<std::string>& key_columns);

} // namespace dlq::sink
