#pragma once

// Buffered writing to a file descriptor (stdout), with errors as exceptions: a reader that went
// away (`| head`) gives EPIPE, which callers treat as "stop cleanly", never as a crash.

#include <string>
#include <string_view>

namespace dlq::util {

class BrokenPipe : public std::exception
{
public:
  const char* what() const noexcept override { return "broken pipe"; }
};

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
  // Throws BrokenPipe on EPIPE, IoError on other failures.
  void flush();

private:
  int m_fd;
  size_t m_limit;
  std::string m_buffer;
};

} // namespace dlq::util
