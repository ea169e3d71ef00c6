#include "error.hpp"
#include "filter.hpp"

#include <doctest/doctest.h>

using namespace dlq;

TEST_SUITE_BEGIN("filter");

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

TEST_SUITE_END();
