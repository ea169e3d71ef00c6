// SQL for PostgreSQL: identifier and literal quoting, the JDBC sink's upsert, the row check.

#include "error.hpp"
#include "sink/postgres.hpp"
#include "sink/row.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dlq;
using namespace std::string_literals;

TEST_SUITE_BEGIN("sink");

TEST_CASE("identifiers and literals are quoted for PostgreSQL")
{
  CHECK(sink::quote_identifier("person") == R"("person")");
  CHECK(sink::quote_identifier("public.person") == R"("public"."person")");
  CHECK(sink::quote_identifier(R"(we"ird)") == R"("we""ird")");
  CHECK(sink::quote_literal("it's") == "'it''s'");
  CHECK(sink::quote_literal(R"(back\slash)") == R"('back\slash')");
  CHECK_THROWS_AS(sink::quote_literal(std::string("a\0b", 3)), UsageError);
}

TEST_CASE("upsert_sql writes what the JDBC sink's upsert mode writes")
{
  const sink::Row row{{"id", "5"}, {"name", "Michael Mueller"}};
  CHECK(sink::upsert_sql("person", row, {"id"}) ==
        R"(INSERT INTO "person" ("id","name") VALUES ('5','Michael Mueller') ON CONFLICT ("id") DO UPDATE SET "name"=EXCLUDED."name")");
  CHECK(sink::upsert_sql("person", row, {}) == R"(INSERT INTO "person" ("id","name") VALUES ('5','Michael Mueller'))");
  CHECK(sink::upsert_sql("t", {{"id", "1"}}, {"id"}) == R"(INSERT INTO "t" ("id") VALUES ('1') ON CONFLICT ("id") DO NOTHING)");
  CHECK(sink::upsert_sql("t", {{"id", "1"}, {"v", std::nullopt}}, {}) == R"(INSERT INTO "t" ("id","v") VALUES ('1',NULL))");
}

TEST_CASE("holds_row_sql compares every column, NULL-safe, and needs the key columns")
{
  CHECK(sink::holds_row_sql("person", {{"id", "5"}, {"name", std::nullopt}}, {"id"}) ==
        R"(SELECT 1 FROM "person" WHERE "id" IS NOT DISTINCT FROM '5' AND "name" IS NOT DISTINCT FROM NULL)");
  CHECK_THROWS_AS(sink::holds_row_sql("person", {{"name", "x"}}, {"id"}), UsageError);
}

TEST_CASE("sink::unstorable: a NUL byte is the refusal PostgreSQL gives, not a usage error")
{
  using namespace std::string_literals;
  CHECK_FALSE(sink::unstorable({{"id", "1"}, {"name", "Paul"}, {"empty", std::nullopt}}));
  const auto value = sink::unstorable({{"id", "1"}, {"name", "Pa\0ul"s}});
  REQUIRE(value);
  CHECK(value->sqlstate == "22021");
  CHECK(value->message == "invalid byte sequence for encoding \"UTF8\": 0x00 (a NUL byte in the value of column \"name\")");
  const auto name = sink::unstorable({{"na\0me"s, "x"}});
  REQUIRE(name);
  CHECK(name->message.find("in the name of column") != std::string::npos);
  CHECK_THROWS_AS(sink::quote_literal("a\0b"s), UsageError); // the pure quoting still refuses it
}

TEST_SUITE_END();
