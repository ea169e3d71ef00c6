// compact-fix's pure parts: record value -> row, SQL quoting, the compaction config plan,
// Kafka Connect status parsing, and redaction of secrets in URLs.

#include "connect/rest.hpp"
#include "error.hpp"
#include "fix/config_plan.hpp"
#include "sink/postgres.hpp"
#include "sink/row.hpp"

#include <doctest/doctest.h>

using namespace dlq;

namespace {

// The seed's record: Connect's JsonConverter with schemas.enable=true.
const std::string k_seed_value =
  R"({"schema":{"type":"struct","fields":[{"type":"int16","optional":false,"field":"id"},)"
  R"({"type":"string","optional":true,"field":"name"}],"optional":false,"name":"msgschema"},)"
  R"("payload":{"id":5,"name":"Michael Mueller"}})";

kafka::ConfigEntry
entry(std::string name, std::string value, bool dynamic, bool sensitive = false)
{
  kafka::ConfigEntry e;
  e.name = std::move(name);
  e.value = std::move(value);
  e.dynamic_topic = dynamic;
  e.sensitive = sensitive;
  return e;
}

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

TEST_CASE("the compaction plan saves every dynamic topic config and forces the cleaner")
{
  const std::vector<kafka::ConfigEntry> described{
    entry("cleanup.policy", "compact", true),
    entry("retention.ms", "604800000", false), // a broker default: not sent, not restored
    entry("max.message.bytes", "2000000", true),
  };
  const auto plan = fix::plan_compaction_configs("person", described, {"1000", "0.01"});
  CHECK(plan.saved == std::map<std::string, std::string>{{"cleanup.policy", "compact"}, {"max.message.bytes", "2000000"}});
  CHECK(plan.forcing == std::map<std::string, std::string>{{"cleanup.policy", "compact"},
                                                           {"max.message.bytes", "2000000"},
                                                           {"min.cleanable.dirty.ratio", "0.01"},
                                                           {"segment.ms", "1000"}});
  CHECK(fix::render_configs(plan.saved) == "cleanup.policy=compact, max.message.bytes=2000000");
  CHECK(fix::render_configs({}) == "none");
}

TEST_CASE("a previous segment.ms override is restored, not dropped")
{
  const auto plan = fix::plan_compaction_configs(
    "person", {entry("cleanup.policy", "compact,delete", true), entry("segment.ms", "3600000", true)}, {"500", "0.1"});
  CHECK(plan.saved.at("segment.ms") == "3600000");
  CHECK(plan.forcing.at("segment.ms") == "500");
  CHECK(plan.forcing.at("min.cleanable.dirty.ratio") == "0.1");
}

TEST_CASE("the compaction plan refuses a topic that is not compacted, and configs it could not restore")
{
  CHECK_THROWS_WITH_AS(fix::plan_compaction_configs("orders", {entry("cleanup.policy", "delete", false)}, {}),
                       doctest::Contains("not compacted (cleanup.policy=delete)"), UsageError);
  CHECK_THROWS_AS(fix::plan_compaction_configs("orders", {}, {}), UsageError); // Kafka's default is delete
  auto hidden = entry("sasl.jaas.config", "", true, true);
  hidden.value.reset();
  CHECK_THROWS_WITH(fix::plan_compaction_configs("person", {entry("cleanup.policy", "compact", true), hidden}, {}),
                    doctest::Contains("sensitive config sasl.jaas.config"));
}

TEST_CASE("Connect status: the seed's failed sink, parsed and summarised")
{
  const auto status = connect::parse_status(R"({"name":"jdbc-sink","connector":{"state":"RUNNING","worker_id":"connect-1:8083"},
    "tasks":[{"id":0,"state":"FAILED","worker_id":"connect-1:8083","trace":"org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.\n\tat x\norg.postgresql.util.PSQLException: ERROR: value too long for type character varying(10)\n"},
             {"id":1,"state":"RUNNING","worker_id":"connect-1:8083"}],"type":"sink"})");
  CHECK(status.name == "jdbc-sink");
  CHECK(status.state == "RUNNING");
  REQUIRE(status.tasks.size() == 2);
  CHECK_FALSE(connect::is_running(status));
  CHECK(connect::describe(status) == "RUNNING, tasks: 0 FAILED, 1 RUNNING");
  CHECK(connect::failure_summary(status) ==
        "org.postgresql.util.PSQLException: ERROR: value too long for type character varying(10)");
}

TEST_CASE("Connect status: running needs at least one task and all of them running")
{
  CHECK(connect::is_running(connect::parse_status(R"({"connector":{"state":"RUNNING"},"tasks":[{"id":0,"state":"RUNNING"}]})")));
  CHECK_FALSE(connect::is_running(connect::parse_status(R"({"connector":{"state":"RUNNING"},"tasks":[]})")));
  CHECK_FALSE(connect::is_running(connect::parse_status(R"({"connector":{"state":"STOPPED"},"tasks":[]})")));
  CHECK(connect::describe(connect::parse_status(R"({"connector":{"state":"STOPPED"},"tasks":[]})")) == "STOPPED, tasks: none");
  CHECK_THROWS_AS(connect::parse_status(R"({"error_code":404,"message":"Connector x not found"})"), ConnectError);
  CHECK_THROWS_AS(connect::parse_status("<html>"), ConnectError);
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

namespace {

struct Recorder
{
  std::vector<std::map<std::string, std::string>> calls;
  std::vector<std::string> lines;
  int fail_call = -1; // the call (0-based) that throws, as a broker that refuses would

  fix::AlterConfigs alter()
  {
    return [this](const std::map<std::string, std::string>& configs) {
      calls.push_back(configs);
      if (static_cast<int>(calls.size()) - 1 == fail_call) {
        throw KafkaError("alter configs: Local: Timed out");
      }
    };
  }
  fix::Say say()
  {
    return [this](const std::string& line) { lines.push_back(line); };
  }
};

const fix::CompactionConfigs k_configs{{{"cleanup.policy", "compact"}},
                                       {{"cleanup.policy", "compact"}, {"segment.ms", "1000"}}};

} // namespace

TEST_CASE("forced configs are restored after the compaction succeeds")
{
  Recorder recorder;
  bool ran = false;
  fix::with_forced_configs(k_configs, recorder.alter(), [&] { ran = true; }, recorder.say());
  CHECK(ran);
  REQUIRE(recorder.calls.size() == 2);
  CHECK(recorder.calls[0] == k_configs.forcing);
  CHECK(recorder.calls[1] == k_configs.saved);
  CHECK(recorder.lines.back() == "topic configs restored: cleanup.policy=compact");
}

TEST_CASE("forced configs are restored when the wait fails or SIGINT interrupts it, and the error propagates")
{
  Recorder timeout;
  CHECK_THROWS_WITH(fix::with_forced_configs(
                      k_configs, timeout.alter(), [] { throw Error("still there"); }, timeout.say()),
                    "still there");
  REQUIRE(timeout.calls.size() == 2);
  CHECK(timeout.calls[1] == k_configs.saved);

  Recorder interrupted;
  CHECK_THROWS_AS(fix::with_forced_configs(
                    k_configs, interrupted.alter(), [] { throw Interrupted(); }, interrupted.say()),
                  Interrupted);
  REQUIRE(interrupted.calls.size() == 2);
  CHECK(interrupted.calls[1] == k_configs.saved);
}

TEST_CASE("a forcing call that failed is followed by a restore: it may have been applied")
{
  Recorder recorder;
  recorder.fail_call = 0;
  bool ran = false;
  CHECK_THROWS_AS(fix::with_forced_configs(k_configs, recorder.alter(), [&] { ran = true; }, recorder.say()), KafkaError);
  CHECK_FALSE(ran);
  REQUIRE(recorder.calls.size() == 2);
  CHECK(recorder.calls[1] == k_configs.saved);
}

TEST_CASE("a failed restore names the configs to set by hand")
{
  Recorder after_success;
  after_success.fail_call = 1;
  CHECK_THROWS_WITH(fix::with_forced_configs(k_configs, after_success.alter(), [] {}, after_success.say()),
                    doctest::Contains("set them by hand to: cleanup.policy=compact"));

  Recorder after_error;
  after_error.fail_call = 1;
  CHECK_THROWS_WITH(fix::with_forced_configs(
                      k_configs, after_error.alter(), [] { throw Error("still there"); }, after_error.say()),
                    "still there");
  CHECK(after_error.lines.back().find("set them by hand to: cleanup.policy=compact") != std::string::npos);
}
