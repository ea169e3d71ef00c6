// The value of a dead-lettered record -> the row a JDBC sink would write.

#include "sink/row.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dlq;

TEST_SUITE_BEGIN("sink");

namespace {

// The seed's record: Connect's JsonConverter with schemas.enable=true.
const std::string k_seed_value =
  R"({"schema":{"type":"struct","fields":[{"type":"int16","optional":false,"field":"id"},)"
  R"({"type":"string","optional":true,"field":"name"}],"optional":false,"name":"msgschema"},)"
  R"("payload":{"id":5,"name":"Michael Mueller"}})";

} // namespace

TEST_CASE("row_from_value maps Connect's schema/payload form to columns in field order")
{
  const auto result = sink::row_from_value(k_seed_value);
  REQUIRE(result.row);
  CHECK(*result.row == sink::Row{{"id", "5"}, {"name", "Michael Mueller"}});
}

TEST_CASE("row_from_value maps a plain JSON object; nested values become JSON text, null stays NULL")
{
  const auto result = sink::row_from_value(R"({"id":7,"ok":true,"tags":["a","b"],"note":null,"ratio":1.5})");
  REQUIRE(result.row);
  CHECK(*result.row == sink::Row{{"id", "7"}, {"ok", "true"}, {"tags", R"(["a","b"])"}, {"note", std::nullopt}, {"ratio", "1.5"}});
}

TEST_CASE("row_from_value gives no row for what a sink never writes, with the reason")
{
  CHECK(sink::row_from_value(std::nullopt).why_not == "a tombstone (null value)");
  CHECK(sink::row_from_value(std::string(R"({"payload":{"id":3})")).why_not == "not JSON");
  CHECK(sink::row_from_value(std::string("[1,2]")).why_not == "not a JSON object");
  CHECK(sink::row_from_value(std::string("{}")).why_not == "an empty JSON object");
  CHECK(sink::row_from_value(std::string(R"({"schema":{},"payload":"text"})")).why_not == "not a JSON object");
}

TEST_CASE("sink::row_from_value refuses JSON nested deeper than a converter reads, without recursing")
{
  std::string deep = "{\"payload\":";
  deep += std::string(100000, '[') + std::string(100000, ']') + "}";
  const auto result = sink::row_from_value(deep);
  CHECK_FALSE(result.row);
  CHECK(result.too_deep);
  CHECK(result.why_not == "JSON nested deeper than 1000 levels");
  const auto fine = sink::row_from_value(R"({"payload":[[1]]})");
  REQUIRE(fine.row);
  CHECK((*fine.row)[0].text == "[[1]]");
}

TEST_SUITE_END();
