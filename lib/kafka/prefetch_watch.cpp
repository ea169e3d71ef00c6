#include "kafka/prefetch_watch.hpp"

namespace dlq::kafka {

PrefetchWatch::milliseconds
PrefetchWatch::poll_timeout() const noexcept
{
  if (m_streaming) {
    return milliseconds(0);
  }
  return m_owed ? milliseconds(10) : milliseconds(100);
}

bool
PrefetchWatch::polled() noexcept
{
  m_streaming = true;
  m_owed = true;
  return ++m_polled % k_sample_every == 0; // a look costs a lock; the queue holds thousands
}

bool
PrefetchWatch::queued(size_t length, Clock::time_point now) noexcept
{
  if (length >= m_limit) {
    m_full = true;
    return false;
  }
  return m_full && length <= m_limit / 2 && wake(true, now);
}

bool
PrefetchWatch::dry(Clock::time_point now) noexcept
{
  m_streaming = false;
  if (!m_owed || !wake(m_full, now)) {
    return false;
  }
  m_owed = false;
  return true;
}

// False when a wake happened less than k_blind_interval ago and there is no sign of a stall.
bool
PrefetchWatch::wake(bool stalled, Clock::time_point now) noexcept
{
  if (!stalled && now - m_last_wake < k_blind_interval) {
    return false;
  }
  m_last_wake = now;
  m_full = false;
  return true;
}

} // namespace dlq::kafka
