#include "format/summary.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::format;

TEST_SUITE_BEGIN("format");

TEST_CASE("format::Summary groups by original topic, exception (cause first) and stage")
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
