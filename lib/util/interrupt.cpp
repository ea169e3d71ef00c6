#include "util/interrupt.hpp"

#include <csignal>

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

int
interrupt_signal() noexcept
{
  return g_interrupt_signal;
}

} // namespace dlq::util
