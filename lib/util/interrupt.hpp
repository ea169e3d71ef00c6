#pragma once

// SIGINT/SIGTERM handling. The flag is the program's only global (kcat's conf.run = 0 idea): a
// signal handler can do nothing but set it; loops poll with short timeouts and check it.

#include <chrono>

namespace dlq::util {

// Installs handlers for SIGINT and SIGTERM that set the flag, and ignores SIGPIPE so that a
// closed pipe surfaces as a write error (EPIPE) that the caller handles cleanly.
void install_interrupt_handlers();

bool interrupt_requested() noexcept;

// The one wait for loops that pause between tries (Connect status polls, compact-fix's waits,
// --rate): sleeps `duration` in slices of at most 100 ms (kcat polls at 100 ms) and throws
// dlq::Interrupted as soon as SIGINT/SIGTERM is seen, before or during the wait.
void sleep_interruptibly(std::chrono::milliseconds duration);

} // namespace dlq::util
