#include "error.hpp"
#include "filter.hpp"
#include "summary.hpp"

#include <doctest/doctest.h>

using namespace dlq;

TEST_SUITE_BEGIN("filter");

TEST_CASE("dlq::parse_time")
{
  CHECK(parse_time("1700000000000") == 1700000000000);
  CHECK(parse_time("1970-01-01") == 0);
  CHECK(parse_time("2023-11-14T22:13:20Z") == 1700000000000);
  CHECK(parse_time("2023-11-14T22:13:20.5Z") == 1700000000500);
  CHECK(parse_time("2023-11-14 22:13:20.123456") == 1700000000123);
  CHECK(parse_time("2023-11-15T00:13:20+02:00") == 1700000000000);
  CHECK(parse_time("2024-02-29T00:00") == 1709164800000);
  CHECK_FALSE(parse_time("").has_value());
  CHECK_FALSE(parse_time("yesterday").has_value());
  CHECK_FALSE(parse_time("2023-13-01").has_value());
  CHECK_FALSE(parse_time("2023-11-14T25:00").has_value());
  CHECK_FALSE(parse_time("2023-11-14T22:13:20Zjunk").has_value());
  CHECK_FALSE(parse_time("99999999999999999999").has_value());
}

TEST_CASE("dlq::make_filter errors")
{
  FilterArgs args;
  args.exception = "(";
  CHECK_THROWS_AS(make_filter(args), UsageError);
  FilterArgs time;
  time.since = "soon";
  CHECK_THROWS_WITH_AS(make_filter(time),
                       R"(--since: invalid time "soon" (expected epoch milliseconds or ISO 8601, e.g. 2024-01-13T04:21:50Z))",
                       UsageError);
  FilterArgs dialect;
  dialect.dialect = "kafka-ui";
  CHECK_THROWS_AS(make_filter(dialect), UsageError);
}

TEST_CASE("dlq::matches")
{
  record::Record record;
  record.timestamp = 1000;
  ErrorContext error;
  error.dialect = "spring";
  error.original.topic = "orders";
  error.exception.class_name = "org.springframework.kafka.listener.ListenerExecutionFailedException";
  error.exception.cause_class = "java.net.SocketTimeoutException";
  error.attempts = 2;

  FilterArgs args;
  CHECK(matches(make_filter(args), record, &error));
  CHECK(matches(make_filter(args), record, nullptr));
  args.exception = "Timeout";
  CHECK(matches(make_filter(args), record, &error)); // found in the cause class
  CHECK_FALSE(matches(make_filter(args), record, nullptr));
  args = {};
  args.original_topic = "payments";
  CHECK_FALSE(matches(make_filter(args), record, &error));
  args = {};
  args.dialect = "connect";
  CHECK_FALSE(matches(make_filter(args), record, &error));
  args = {};
  args.min_attempts = 3;
  CHECK_FALSE(matches(make_filter(args), record, &error));
  args.min_attempts = 2;
  CHECK(matches(make_filter(args), record, &error));
  args = {};
  args.since = "1000";
  args.until = "1001";
  CHECK(matches(make_filter(args), record, &error));
  args.until = "1000";
  CHECK_FALSE(matches(make_filter(args), record, &error));
}

TEST_CASE("dlq::Summary groups by original topic, exception (cause first) and stage")
{
  Summary summary;
  record::Record record;
  ErrorContext connect;
  connect.dialect = "connect";
  connect.original.topic = "person";
  connect.stage = "VALUE_CONVERTER";
  connect.exception.class_name = "org.apache.kafka.connect.errors.DataException";
  connect.exception.message = "Converting byte[] failed\nsecond line";
  ErrorContext spring;
  spring.dialect = "spring";
  spring.original.topic = "orders";
  spring.exception.class_name = "org.springframework.kafka.listener.ListenerExecutionFailedException";
  spring.exception.cause_class = "java.net.SocketTimeoutException";
  for (int64_t ts : {300, 100, 200}) {
    record.timestamp = ts;
    summary.add(record, &connect);
  }
  record.timestamp = 50;
  summary.add(record, &spring);
  summary.add(record, nullptr);

  CHECK(summary.records() == 5);
  CHECK(summary.undecoded() == 1);
  const auto rows = summary.rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].original_topic == "person");
  CHECK(rows[0].count == 3);
  CHECK(rows[0].first_timestamp == 100);
  CHECK(rows[0].last_timestamp == 300);
  CHECK(rows[0].stage == "VALUE_CONVERTER");
  CHECK(rows[1].exception.empty()); // ties keep key order: "" sorts before "orders"
  CHECK(rows[2].exception == "java.net.SocketTimeoutException");

  const auto json = render_summary_json(summary);
  CHECK(json.starts_with(R"({"records":5,"undecoded":1,"groups":[{"original_topic":"person",)"
                         R"("exception":"org.apache.kafka.connect.errors.DataException","stage":"VALUE_CONVERTER",)"
                         R"("count":3,"first_timestamp":100,"last_timestamp":300,)"
                         R"("sample_message":"Converting byte[] failed\nsecond line","dialects":["connect"]})"));
  const auto table = render_summary_table(summary);
  CHECK(table.find("Converting byte[] failed\n") != std::string::npos); // first line only
  CHECK(table.find("second line") == std::string::npos);
  CHECK(table.ends_with("5 records, 3 groups, 1 without decodable error headers\n"));
}

TEST_SUITE_END();
