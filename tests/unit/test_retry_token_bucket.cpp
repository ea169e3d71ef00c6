#include "retry/token_bucket.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::retry;

TEST_SUITE_BEGIN("retry");

TEST_CASE("retry::TokenBucket starts empty and bursts at most 10 ms worth")
{
  using namespace std::chrono;
  const auto t0 = TokenBucket::Clock::time_point{};
  TokenBucket bucket(10, t0); // 10/s
  const auto first = bucket.take(t0);
  CHECK(first > milliseconds(99)); // issue 15.5: no token to start with
  CHECK(first <= milliseconds(101));
  CHECK(bucket.take(t0 + milliseconds(100)) == TokenBucket::Clock::duration::zero());
  CHECK(bucket.take(t0 + milliseconds(100)) > milliseconds(99));
  // Idle for a minute: one token (10 ms at 10/s is less than one).
  int burst = 0;
  while (bucket.take(t0 + seconds(60)) == TokenBucket::Clock::duration::zero()) {
    ++burst;
  }
  CHECK(burst == 1);
  TokenBucket fast(5000, t0);
  CHECK(fast.capacity() == 50);
}

TEST_SUITE_END();
