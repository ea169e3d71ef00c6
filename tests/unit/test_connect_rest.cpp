// Kafka Connect REST answers as a real worker gives them (Kafka Connect 4.3.1 with Debezium's JDBC
// sink 3.6.0.Final, tests/connect/test_jdbc_sink.bash), for what compact-fix reads from them.

#include "connect/rest.hpp"
#include "error.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace dlq;

TEST_SUITE_BEGIN("connect");

TEST_CASE("Connect status: the summary of a Debezium JDBC sink task killed by PostgreSQL is the driver's line")
{
  // The trace of a FAILED task (stack frames cut): Hibernate's and the batch's exceptions quote
  // the whole statement before the driver's own exception does.
  const std::string trace =
    "org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.\n"
    "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:658)\n"
    "Caused by: org.apache.kafka.connect.errors.ConnectException: JDBC sink connector failure\n"
    "Caused by: org.apache.kafka.connect.errors.ConnectException: Failed to flush records for table 'person'\n"
    "Caused by: org.hibernate.exception.DataException: Error executing work [Batch entry 0 INSERT INTO public.person "
    "(id,name) VALUES (('5'::int2),('Michael Mueller')) ON CONFLICT (id) DO UPDATE SET name=EXCLUDED.name was aborted: "
    "ERROR: value too long for type character varying(10)  Call getNextException to see other errors in the batch.] "
    "[n/a]\n"
    "Caused by: java.sql.BatchUpdateException: Batch entry 0 INSERT INTO public.person (id,name) VALUES "
    "(('5'::int2),('Michael Mueller')) ON CONFLICT (id) DO UPDATE SET name=EXCLUDED.name was aborted: ERROR: value "
    "too long for type character varying(10)  Call getNextException to see other errors in the batch.\n"
    "\tat org.postgresql.jdbc.BatchResultHandler.handleError(BatchResultHandler.java:165)\n"
    "Caused by: org.postgresql.util.PSQLException: ERROR: value too long for type character varying(10)\n"
    "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2904)\n"
    "\t... 35 more\n";
  const nlohmann::json body = {
    {"name", "jdbc-sink"},
    {"connector", {{"state", "RUNNING"}, {"worker_id", "127.0.0.1:8083"}, {"version", "3.6.0.Final"}}},
    {"tasks",
     {{{"id", 0}, {"state", "FAILED"}, {"worker_id", "127.0.0.1:8083"}, {"version", "3.6.0.Final"}, {"trace", trace}},
      {{"id", 1}, {"state", "FAILED"}, {"worker_id", "127.0.0.1:8083"}, {"version", "3.6.0.Final"}, {"trace", trace}}}},
    {"type", "sink"}};
  const auto status = connect::parse_status(body.dump());
  CHECK(connect::describe(status) == "RUNNING, tasks: 0 FAILED, 1 FAILED");
  CHECK(connect::failure_summary(status) ==
        "org.postgresql.util.PSQLException: ERROR: value too long for type character varying(10)");
}

TEST_CASE("Connect status: a trace without a database message is summed up by its first line")
{
  const auto status = connect::parse_status(
    R"({"connector":{"state":"RUNNING"},"tasks":[{"id":0,"state":"FAILED","trace":"java.lang.OutOfMemoryError: Java heap space\n\tat x"}]})");
  CHECK(connect::failure_summary(status) == "java.lang.OutOfMemoryError: Java heap space");
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

TEST_SUITE_END();
