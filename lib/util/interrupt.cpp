#include "util/interrupt.hpp"

#include <algorithm>
#include <csignal>
#include <thread>

namespace dlq::util {

namespace {

volatile std::sig_atomic_t g_interrupt_signal = 0;

extern "C" void
on_signal(int signal)
{
  g_interrupt_signal = signal;
}

} // namespace

void
install_interrupt_handlers()
{
  struct sigaction action = {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool
interrupt_requested() noexcept
{
  return g_interrupt_signal != 0;
}

void
sleep_interruptibly(std::chrono::milliseconds duration)
{
  constexpr std::chrono::milliseconds k_slice{100};
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (true) {
    if (interrupt_requested()) {
      throw Interrupted();
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(k_slice, deadline - now));
  }
}

} // namespace dlq::util
