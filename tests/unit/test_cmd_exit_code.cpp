#include "exit_code.hpp"

#include "error.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::cmd;

TEST_SUITE_BEGIN("cmd");

TEST_CASE("cmd::exit_code_for")
{
  CHECK(exit_code_for(UsageError("x")) == 2);
  CHECK(exit_code_for(util::InputError("x")) == 2); // util's bad input: the same category
  CHECK(exit_code_for(KafkaError("x")) == 1);
  CHECK(exit_code_for(DeliveryError("x")) == 1);
  CHECK(exit_code_for(DatabaseError("x")) == 1);
  CHECK(exit_code_for(ConnectError("x")) == 1);
  CHECK(exit_code_for(IoError("x")) == 1);
  CHECK(exit_code_for(Interrupted()) == 130);
  CHECK(exit_code_for(std::runtime_error("unexpected")) == 1);
}

TEST_CASE("cmd::one_line")
{
  CHECK(one_line("plain") == "plain");
  CHECK(one_line("first\nsecond\n") == "first; second");
  // Bad input quoted in a message cannot break the terminal or the line.
  CHECK(one_line("last read: '\"\xff'") == "last read: '\"\\xFF'");
  CHECK(one_line("bell\a and escape\x1b[31m") == "bell\\x07 and escape\\x1B[31m");
  CHECK(one_line("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(one_line("cut \xe2\x82") == "cut \\xE2\\x82");
  CHECK(one_line("crlf\r\nline\r\n") == "crlf; line");
}

TEST_SUITE_END();
