#include "kafka/topic_name.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dlq;

TEST_SUITE_BEGIN("kafka");

TEST_CASE("kafka::topic_name_problem")
{
  CHECK(kafka::is_legal_topic_name("orders.v1_a-B9"));
  CHECK_FALSE(kafka::is_legal_topic_name(""));
  CHECK_FALSE(kafka::is_legal_topic_name("."));
  CHECK_FALSE(kafka::is_legal_topic_name(".."));
  CHECK(kafka::is_legal_topic_name("..."));
  CHECK_FALSE(kafka::is_legal_topic_name(std::string("mo\0evil", 7)));
  CHECK_FALSE(kafka::is_legal_topic_name("a/b"));
  CHECK(kafka::is_legal_topic_name(std::string(249, 'x')));
  CHECK_FALSE(kafka::is_legal_topic_name(std::string(250, 'x')));
}

TEST_SUITE_END();
