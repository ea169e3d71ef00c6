#pragma once

// The sink's table in a real PostgreSQL database: rows are tried inside one transaction that is
// never committed, with a savepoint per row, so that the database itself says which record it
// would refuse, and nothing it accepts is kept.

#include "sink/row.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dlq::sink {

struct Refusal
{
  std::string message;  // PostgreSQL's primary message, e.g. "value too long for type character varying(10)"
  std::string sqlstate; // e.g. "22001"
};

class PostgresTable
{
public:
  // `url` is a libpq connection string or URI. Throws DatabaseError when the database cannot be
  // reached or the table does not exist. `key_columns` empty: the table's primary key.
  PostgresTable(const std::string& url, std::string table, std::vector<std::string> key_columns);
  ~PostgresTable();
  PostgresTable(const PostgresTable&) = delete;
  PostgresTable& operator=(const PostgresTable&) = delete;

  const std::vector<std::string>& key_columns() const noexcept { return m_keys; }

  // Writes the row under a savepoint in the open, never-committed transaction; the refusal if
  // PostgreSQL rejects it. An accepted row stays visible to the rows tried after it.
  std::optional<Refusal> try_row(const Row& row);

  // True when the table now holds exactly this row (committed data, seen by a fresh transaction).
  bool holds(const Row& row);

private:
  struct Session; // libpqxx's connections and the trial transaction, kept out of this header
  std::string m_table;
  std::vector<std::string> m_keys;
  std::string m_url;
  std::unique_ptr<Session> m_session;
};

// The refusal PostgreSQL gives a row it cannot store whatever the table: a NUL byte in a text
// value or a column name (text cannot hold one); std::nullopt otherwise.
std::optional<Refusal> unstorable(const Row& row);

} // namespace dlq::sink
