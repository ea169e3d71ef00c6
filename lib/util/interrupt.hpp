#pragma once

// SIGINT/SIGTERM handling. The flag is the program's only global (kcat's conf.run = 0 idea): a
// signal handler can do nothing but set it; loops poll with short timeouts and check it.

#include <chrono>
#include <stdexcept>

namespace dlq::util {

// Thrown once SIGINT/SIGTERM was seen and the work so far was shut down cleanly: exit 130
// (cmd's exit_code_for; lib/error.hpp names it dlq::Interrupted beside the other categories).
class Interrupted : public std::runtime_error
{
public:
  Interrupted() : std::runtime_error("interrupted") {}
};

// Installs handlers for SIGINT and SIGTERM that set the flag, and ignores SIGPIPE so that a
// closed pipe surfaces as a write error (EPIPE) that the caller handles cleanly.
void install_interrupt_handlers();

bool interrupt_requested() noexcept;

// The one wait for loops that pause between tries (Connect status polls, compact-fix's waits,
// --rate): sleeps `duration` in slices of at most 100 ms (kcat polls at 100 ms) and throws
// Interrupted as soon as SIGINT/SIGTERM is seen, before or during the wait.
void sleep_interruptibly(std::chrono::milliseconds duration);

} // namespace dlq::util
