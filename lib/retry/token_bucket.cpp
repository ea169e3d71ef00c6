#include "retry/token_bucket.hpp"

#include <algorithm>

namespace dlq::retry {

TokenBucket::TokenBucket(double rate_per_second, Clock::time_point now)
  : m_rate(rate_per_second),
    m_capacity(std::max(1.0, rate_per_second / 100)),
    m_tokens(0.0),
    m_last(now)
{
}

TokenBucket::Clock::duration
TokenBucket::take(Clock::time_point now)
{
  const std::chrono::duration<double> elapsed = now - m_last;
  m_last = now;
  m_tokens = std::min(m_capacity, m_tokens + elapsed.count() * m_rate);
  if (m_tokens >= 1.0) {
    m_tokens -= 1.0;
    return Clock::duration::zero();
  }
  const std::chrono::duration<double> wait((1.0 - m_tokens) / m_rate);
  return std::chrono::duration_cast<Clock::duration>(wait) + Clock::duration(1);
}

} // namespace dlq::retry
