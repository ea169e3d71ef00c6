#include "retry/in_flight_window.hpp"

#include <doctest/doctest.h>

using dlq::retry::Action;
using dlq::retry::InFlight;
using dlq::retry::InFlightWindow;

TEST_SUITE_BEGIN("retry");

TEST_CASE("retry::InFlightWindow")
{
  InFlightWindow window;
  const auto a = window.add({0, 10, Action::Replay, true, 100});
  const auto b = window.add({1, 20, Action::Park, true, 20});
  const auto c = window.add({0, 11, Action::Replay, true, 3});
  CHECK(b == a + 1);
  CHECK(c == b + 1);
  CHECK(window.bytes() == 123);

  SUBCASE("reports out of order: each taken once")
  {
    const auto second = window.take(b);
    REQUIRE(second);
    CHECK(second->source == 1);
    CHECK(second->offset == 20);
    CHECK(second->action == Action::Park);
    CHECK(window.bytes() == 103); // a late report's record leaves the sum at once
    CHECK_FALSE(window.take(b)); // already taken
    CHECK(window.bytes() == 103);
    CHECK(window.take(a)->offset == 10);
    CHECK(window.take(c)->offset == 11);
    CHECK(window.bytes() == 0);
    CHECK_FALSE(window.take(c + 1)); // never handed out
    CHECK(window.add({0, 12, Action::Replay}) == c + 1);
  }

  SUBCASE("clear: reports of the cleared records are ignored, new tokens go on")
  {
    window.clear();
    CHECK(window.bytes() == 0);
    CHECK_FALSE(window.take(a));
    CHECK_FALSE(window.take(c));
    CHECK(window.bytes() == 0); // ignored reports take nothing off
    const auto d = window.add({0, 12, Action::Skip, true, 7});
    CHECK(d == c + 1);
    CHECK(window.bytes() == 7);
    CHECK(window.take(d)->offset == 12);
    CHECK(window.bytes() == 0);
  }
}

TEST_SUITE_END();
