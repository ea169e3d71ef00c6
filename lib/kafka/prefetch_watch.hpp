#pragma once

// When to wake librdkafka 2.0.2's fetchers, decided from what the reader sees (pure, so that it
// is tested without a broker). librdkafka stops fetching while the prefetch queue holds
// queued.min.messages (or queued.max.messages.kbytes), and looks again only when its broker thread
// wakes: with nothing else to do, up to a second later (2.2.0 added fetch.queue.backoff.ms for
// this). A reader slower than the fetcher drains the queue long before that. So the fetchers are
// woken (FetchWaker): when the queue, seen full, is half drained (the fetch then overlaps the
// other half), and when the queue runs dry after records came. The latter may be a reader that is
// simply faster than the fetcher, so unless the queue was seen full it is at most every 50 ms,
// retried until it has happened once.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace dlq::kafka {

class PrefetchWatch
{
public:
  using Clock = std::chrono::steady_clock;
  using milliseconds = std::chrono::milliseconds;
  static constexpr uint64_t k_sample_every = 256; // records between two looks at the queue length
  static constexpr milliseconds k_blind_interval{50};

  // `limit`: queued.min.messages, the queue length at which librdkafka stops fetching.
  explicit PrefetchWatch(size_t limit) : m_limit(limit) {}

  // How long the next poll may wait: not at all while records stream in (an empty queue then may
  // be a stall to end at once), briefly while a wake is owed, else kcat's 100 ms.
  milliseconds poll_timeout() const noexcept;

  // A record (or event) came. True when it is time to sample the queue length: then call queued().
  bool polled() noexcept;
  // The queue length sampled after polled(); true: wake the fetchers now.
  bool queued(size_t length, Clock::time_point now) noexcept;
  // A poll found the queue empty; true: wake the fetchers now.
  bool dry(Clock::time_point now) noexcept;

private:
  bool wake(bool stalled, Clock::time_point now) noexcept;

  size_t m_limit;
  bool m_full = false;      // the queue was seen at its limit since the last wake
  bool m_streaming = false; // the last poll returned something
  bool m_owed = false;      // records came since the last wake: one is owed when they stop
  uint64_t m_polled = 0;
  Clock::time_point m_last_wake{};
};

} // namespace dlq::kafka
