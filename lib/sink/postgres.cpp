#include "sink/postgres.hpp"

#include "error.hpp"

#include <fmt/core.h>
#include <pqxx/pqxx>

#include <regex>

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

std::unique_ptr<pqxx::connection>
connect(const std::string& url)
{
  try {
    auto connection = std::make_unique<pqxx::connection>(url);
    // The literals of upsert_sql rely on it (the default since PostgreSQL 9.1).
    connection->set_variable("standard_conforming_strings", "on");
    return connection;
  } catch (const std::exception& e) {
    throw DatabaseError(fmt::format("PostgreSQL {}: {}", redact_url(url), primary_message(e.what())));
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
  const auto sql = upsert_sql(m_table, row, m_keys);
  try {
    pqxx::subtransaction savepoint(*m_session->trial, "dlqcat-row");
    savepoint.exec0(sql);
    savepoint.commit(); // RELEASE SAVEPOINT: later rows see this one, as they would in the sink
    return std::nullopt;
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseError(fmt::format("PostgreSQL {}: {}", redact_url(m_url), primary_message(e.what())));
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

std::string
redact_url(const std::string& url)
{
  // URI: scheme://user:password@host...   key=value: password=secret
  static const std::regex uri_password(R"(^([a-z]+://[^:/@]*:)[^@]*@)");
  static const std::regex keyword_password(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))");
  auto out = std::regex_replace(url, uri_password, "$1***@");
  return std::regex_replace(out, keyword_password, "$1***");
}

} // namespace dlq::sink
