#pragma once

// --rate N: a token bucket refilled at N tokens per second holding at most one second's worth
// (pure; the caller supplies the clock and does the waiting).

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

private:
  double m_rate;
  double m_capacity;
  double m_tokens;
  Clock::time_point m_last;
};

} // namespace dlq::retry
