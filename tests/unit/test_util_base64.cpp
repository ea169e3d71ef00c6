#include "util/base64.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dlq::util;
using namespace std::string_literals;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::base64")
{
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("\xac\xed\x00\x05"s) == "rO0ABQ==");
  CHECK(base64_decode("rO0ABQ==") == "\xac\xed\x00\x05"s);
  CHECK(base64_decode("Zm9vYg==") == "foob");
  CHECK_FALSE(base64_decode("Zm9").has_value());
  CHECK_FALSE(base64_decode("Zm=v").has_value());
  CHECK_FALSE(base64_decode("Zm9v\n").has_value());
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all.push_back(static_cast<char>(i));
  }
  CHECK(base64_decode(base64_encode(all)) == all);
}

TEST_SUITE_END();
