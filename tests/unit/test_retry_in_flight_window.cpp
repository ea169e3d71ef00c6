#include "retry/in_flight_window.hpp"

#include <doctest/doctest.h>

using dlq::retry::Action;
using dlq::retry::InFlight;
using dlq::retry::InFlightWindow;

TEST_SUITE_BEGIN("retry");

TEST_CASE("retry::InFlightWindow")
{
  InFlightWindow window;
  const auto a = window.add({0, 10, Action::Replay});
  const auto b = window.add({1, 20, Action::Park});
  const auto c = window.add({0, 11, Action::Replay});
  CHECK(b == a + 1);
  CHECK(c == b + 1);

  SUBCASE("reports out of order: each taken once")
  {
    const auto second = window.take(b);
    REQUIRE(second);
    CHECK(second->source == 1);
    CHECK(second->offset == 20);
    CHECK(second->action == Action::Park);
    CHECK_FALSE(window.take(b)); // already taken
    CHECK(window.take(a)->offset == 10);
    CHECK(window.take(c)->offset == 11);
    CHECK_FALSE(window.take(c + 1)); // never handed out
    CHECK(window.add({0, 12, Action::Replay}) == c + 1);
  }

  SUBCASE("clear: reports of the cleared records are ignored, new tokens go on")
  {
    window.clear();
    CHECK_FALSE(window.take(a));
    CHECK_FALSE(window.take(c));
    const auto d = window.add({0, 12, Action::Skip});
    CHECK(d == c + 1);
    CHECK(window.take(d)->offset == 12);
  }
}

TEST_SUITE_END();
