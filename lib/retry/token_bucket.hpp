#pragma once

// --rate N: a token bucket refilled at N tokens per second (pure; the caller supplies the clock
// and does the waiting). It starts empty, so that the first record waits 1/N s like every other,
// and holds at most 10 ms of tokens (one at least): after a stall, no more than that goes at once,
// and waiting per record stays above the millisecond that the wait is measured in.

#include <chrono>

namespace dlq::retry {

class TokenBucket
{
public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate_per_second, Clock::time_point now);

  // Takes one token if there is one and returns zero; otherwise returns how long to wait before
  // asking again.
  Clock::duration take(Clock::time_point now);

  double capacity() const noexcept { return m_capacity; }

private:
  double m_rate;
  double m_capacity;
  double m_tokens;
  Clock::time_point m_last;
};

} // namespace dlq::retry
