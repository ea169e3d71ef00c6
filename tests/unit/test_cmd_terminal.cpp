#include "terminal.hpp"

#include <doctest/doctest.h>

using namespace dlq::cmd;

TEST_SUITE_BEGIN("cmd");

TEST_CASE("cmd::color_enabled")
{
  // auto: a terminal only, and NO_COLOR wins.
  CHECK(color_enabled("auto", true, false));
  CHECK_FALSE(color_enabled("auto", false, false));
  CHECK_FALSE(color_enabled("auto", true, true));
  // always/never: what the user said, terminal or not.
  CHECK(color_enabled("always", false, false));
  CHECK(color_enabled("always", false, true));
  CHECK_FALSE(color_enabled("never", true, false));
}

TEST_SUITE_END();
