#include "kafka/prefetch_watch.hpp"

#include <doctest/doctest.h>

using dlq::kafka::PrefetchWatch;
using std::chrono::milliseconds;

TEST_SUITE_BEGIN("kafka");

namespace {

// Polls `count` records; true if any sample of the queue length (always `length`) asked for a wake.
bool
poll_records(PrefetchWatch& watch, int count, size_t length, PrefetchWatch::Clock::time_point now)
{
  bool woke = false;
  for (int i = 0; i < count; ++i) {
    if (watch.polled()) {
      woke = watch.queued(length, now) || woke;
    }
  }
  return woke;
}

} // namespace

TEST_CASE("kafka::PrefetchWatch")
{
  const PrefetchWatch::Clock::time_point t0{std::chrono::seconds(100)};
  PrefetchWatch watch(1000);
  CHECK(watch.poll_timeout() == milliseconds(100)); // nothing came yet: no stall to fear
  CHECK_FALSE(watch.dry(t0));

  SUBCASE("records, then an empty queue: one wake, then the usual wait")
  {
    CHECK_FALSE(poll_records(watch, 10, 0, t0));
    CHECK(watch.poll_timeout() == milliseconds(0));
    CHECK(watch.dry(t0));
    CHECK(watch.poll_timeout() == milliseconds(100));
    CHECK_FALSE(watch.dry(t0 + milliseconds(500))); // idle: nothing more to wake
  }
  SUBCASE("without a sign of a stall, wakes are 50 ms apart, and one that was held back still comes")
  {
    poll_records(watch, 10, 0, t0);
    CHECK(watch.dry(t0));
    poll_records(watch, 10, 0, t0);
    CHECK_FALSE(watch.dry(t0 + milliseconds(10)));
    CHECK(watch.poll_timeout() == milliseconds(10)); // owed: look again soon
    CHECK_FALSE(watch.dry(t0 + milliseconds(40)));
    CHECK(watch.dry(t0 + milliseconds(50)));
    CHECK(watch.poll_timeout() == milliseconds(100));
  }
  SUBCASE("a queue seen full wakes the fetchers when half drained, whenever that is")
  {
    poll_records(watch, 10, 0, t0);
    CHECK(watch.dry(t0)); // a wake just happened
    CHECK_FALSE(poll_records(watch, 256, 1000, t0));  // at the limit: librdkafka stopped
    CHECK_FALSE(poll_records(watch, 256, 700, t0));   // draining
    CHECK(poll_records(watch, 256, 500, t0 + milliseconds(1))); // half: at once, though 1 ms later
    CHECK_FALSE(poll_records(watch, 256, 400, t0 + milliseconds(2))); // once per fill
  }
  SUBCASE("a queue seen full that runs dry wakes at once too")
  {
    poll_records(watch, 10, 0, t0);
    CHECK(watch.dry(t0));
    poll_records(watch, 256, 1000, t0);
    CHECK(watch.dry(t0 + milliseconds(1)));
  }
  SUBCASE("the queue is looked at every 256 records")
  {
    int samples = 0;
    for (int i = 0; i < 1024; ++i) {
      samples += watch.polled() ? 1 : 0;
    }
    CHECK(samples == 4);
  }
}

TEST_SUITE_END();
