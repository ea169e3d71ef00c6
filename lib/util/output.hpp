#pragma once

// Writing to a file descriptor (stdout), with errors as exceptions: a reader that went away
// (`| head`) gives EPIPE, which callers treat as "stop cleanly", never as a crash; any other
// failed write (a full disk, /dev/full) is an IoError. A write that waits on a stalled reader
// gives way to SIGINT/SIGTERM: it throws Interrupted instead of blocking until the reader moves.

#include <string>
#include <string_view>

namespace dlq::util {

class BrokenPipe : public std::exception
{
public:
  const char* what() const noexcept override { return "broken pipe"; }
};

// Writes all of `data` to `fd`. Throws BrokenPipe on EPIPE, IoError on other failures, and
// Interrupted when SIGINT/SIGTERM came while the descriptor could not take more without waiting.
// `what` names the stream in messages ("stdout").
void write_all(int fd, std::string_view data, std::string_view what = "stdout");

// Best effort, never throws: a closed or full stderr must not turn a result into a crash.
void write_stderr(std::string_view text) noexcept;

class Output
{
public:
  explicit Output(int fd, size_t buffer_size = 1 << 16);
  ~Output(); // best-effort flush; errors are swallowed
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // The buffer to append to; flushed by maybe_flush() once it holds buffer_size bytes.
  std::string& buffer() noexcept { return m_buffer; }
  // True if it flushed: everything appended so far has been written.
  bool maybe_flush();
  // Throws as write_all() does; the buffer is empty afterwards either way.
  void flush();

private:
  int m_fd;
  size_t m_limit;
  std::string m_buffer;
};

} // namespace dlq::util
