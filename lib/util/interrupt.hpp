#pragma once

// SIGINT/SIGTERM handling. The flag is the program's only global (kcat's conf.run = 0 idea): a
// signal handler can do nothing but set it; loops poll with short timeouts and check it.

namespace dlq::util {

// Installs handlers for SIGINT and SIGTERM that set the flag, and ignores SIGPIPE so that a
// closed pipe surfaces as a write error (EPIPE) that the caller handles cleanly.
void install_interrupt_handlers();

bool interrupt_requested() noexcept;

// The signal that set the flag (0 if none).
int interrupt_signal() noexcept;

} // namespace dlq::util
