#include "kafka/fetch_waker.hpp"

namespace dlq::kafka {

FetchWaker::FetchWaker(Consumer& consumer)
  : m_consumer(consumer), m_thread([this](const std::stop_token& stop) { run(stop); })
{
}

void
FetchWaker::wake()
{
  {
    const std::lock_guard lock(m_mutex);
    m_requested = true;
  }
  m_requested_cv.notify_one();
}

void
FetchWaker::run(const std::stop_token& stop)
{
  while (true) {
    {
      std::unique_lock lock(m_mutex);
      if (!m_requested_cv.wait(lock, stop, [this] { return m_requested; })) {
        return; // stop requested
      }
      m_requested = false;
    }
    m_consumer.wake_fetchers();
  }
}

} // namespace dlq::kafka
