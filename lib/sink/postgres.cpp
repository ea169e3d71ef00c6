#include "sink/postgres.hpp"

#include "error.hpp"
#include "util/redact.hpp"

#include <fmt/core.h>
#include <pqxx/pqxx>

namespace dlq::sink {

namespace {

// libpqxx's what() is libpq's report: "ERROR:  <primary message>\n" and maybe DETAIL/HINT lines.
std::string
primary_message(const std::string& what)
{
  auto line = what.substr(0, what.find('\n'));
  for (const std::string prefix : {"ERROR:", "FATAL:"}) {
    if (line.rfind(prefix, 0) == 0) {
      line.erase(0, prefix.size());
    }
  }
  const auto first = line.find_first_not_of(' ');
  return first == std::string::npos ? line : line.substr(first);
}

// libpq quotes parts of a connection string it cannot parse, the password's included (a bad
// %-escape, an unclosed '[', a host read from after an '@' in the password): redacted as the
// URL itself is.
std::string
describe_failure(const std::string& url, const std::exception& e)
{
  return fmt::format("PostgreSQL {}: {}", util::redact_uri(url), util::redact_message(primary_message(e.what()), url));
}

std::unique_ptr<pqxx::connection>
connect(const std::string& url)
{
  try {
    auto connection = std::make_unique<pqxx::connection>(url);
    // The literals of upsert_sql rely on it (the default since PostgreSQL 9.1).
    connection->set_variable("standard_conforming_strings", "on");
    return connection;
  } catch (const std::exception& e) {
    throw DatabaseError(describe_failure(url, e));
  }
}

std::vector<std::string>
primary_key(pqxx::work& work, const std::string& table)
{
  const auto rows = work.exec(fmt::format(
    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
    "WHERE i.indrelid = {}::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
    quote_literal(quote_identifier(table))));
  std::vector<std::string> keys;
  for (const auto& row : rows) {
    keys.push_back(row[0].as<std::string>());
  }
  return keys;
}

} // namespace

struct PostgresTable::Session
{
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<pqxx::work> trial; // never committed: destroyed, it rolls back
  std::unique_ptr<pqxx::connection> reader;
};

PostgresTable::PostgresTable(const std::string& url, std::string table, std::vector<std::string> key_columns)
  : m_table(std::move(table)),
    m_keys(std::move(key_columns)),
    m_url(url),
    m_session(std::make_unique<Session>())
{
  m_session->connection = connect(url);
  m_session->trial = std::make_unique<pqxx::work>(*m_session->connection, "dlqcat-trial");
  try {
    // Fails with PostgreSQL's own "relation ... does not exist" for a missing table.
    const auto keys = primary_key(*m_session->trial, m_table);
    if (m_keys.empty()) {
      m_keys = keys;
    }
  } catch (const pqxx::sql_error& e) {
    throw DatabaseError(fmt::format("PostgreSQL table '{}': {}", m_table, primary_message(e.what())));
  }
}

PostgresTable::~PostgresTable() = default;

std::optional<Refusal>
PostgresTable::try_row(const Row& row)
{
  if (auto refusal = unstorable(row)) {
    return refusal; // libpq cannot even send it: a statement is a C string
  }
  const auto sql = upsert_sql(m_table, row, m_keys);
  try {
    pqxx::subtransaction savepoint(*m_session->trial, "dlqcat-row");
    savepoint.exec0(sql);
    savepoint.commit(); // RELEASE SAVEPOINT: later rows see this one, as they would in the sink
    return std::nullopt;
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseError(describe_failure(m_url, e));
  } catch (const pqxx::sql_error& e) {
    return Refusal{primary_message(e.what()), e.sqlstate()};
  }
}

bool
PostgresTable::holds(const Row& row)
{
  if (!m_session->reader) {
    m_session->reader = connect(m_url);
  }
  try {
    pqxx::read_transaction read(*m_session->reader);
    return !read.exec(holds_row_sql(m_table, row, m_keys)).empty();
  } catch (const pqxx::sql_error& e) {
    throw DatabaseError(fmt::format("PostgreSQL table '{}': {}", m_table, primary_message(e.what())));
  }
}

std::optional<Refusal>
unstorable(const Row& row)
{
  for (const auto& column : row) {
    const bool in_name = column.name.find('\0') != std::string::npos;
    if (in_name || (column.text && column.text->find('\0') != std::string::npos)) {
      // What PostgreSQL answers the JDBC sink for a NUL in text input (SQLSTATE 22021,
      // character_not_in_repertoire; confluentinc/kafka-connect-jdbc issue 1216).
      return Refusal{fmt::format("invalid byte sequence for encoding \"UTF8\": 0x00 (a NUL byte in the {} of column "
                                 "\"{}\")",
                                 in_name ? "name" : "value", column.name),
                     "22021"};
    }
  }
  return std::nullopt;
}

} // namespace dlq::sink
