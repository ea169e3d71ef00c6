#pragma once

// Wakes librdkafka's fetching threads from a thread of its own: the request that wakes them is
// synchronous (milliseconds on a busy broker), and the reader must not wait for it. See
// RecordSource for why they need waking.

#include "kafka/consumer.hpp"

#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

namespace dlq::kafka {

class FetchWaker
{
public:
  explicit FetchWaker(Consumer& consumer);
  FetchWaker(const FetchWaker&) = delete;
  FetchWaker& operator=(const FetchWaker&) = delete;
  // Stops the thread, after the request it may be sending (at most its timeout).
  ~FetchWaker() = default;

  // Asks for one Consumer::wake_fetchers(); requests made while one is under way merge into one.
  void wake();

private:
  void run(const std::stop_token& stop);

  Consumer& m_consumer;
  std::mutex m_mutex;
  std::condition_variable_any m_requested_cv;
  bool m_requested = false;
  std::jthread m_thread; // last: starts after, and stops before, the members it uses
};

} // namespace dlq::kafka
