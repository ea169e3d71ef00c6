#include "util/output.hpp"

#include "util/error.hpp"
#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dlq::util {

namespace {

constexpr size_t k_page = 4096;

// How many bytes a write to `fd` may take without blocking, once poll() said POLLOUT (which for
// a pipe means one free page, enough for PIPE_BUF bytes). For a pipe, from its size and what it
// holds: a write needs a page per 4 KiB, and the unread bytes may straddle two pages more.
size_t
room(int fd, const struct stat& st)
{
  if (S_ISFIFO(st.st_mode)) {
    const int capacity = ::fcntl(fd, F_GETPIPE_SZ);
    int unread = 0;
    if (capacity > 0 && ::ioctl(fd, FIONREAD, &unread) == 0 && unread >= 0) {
      const size_t used_pages = static_cast<size_t>(unread) / k_page + 2;
      const size_t pages = static_cast<size_t>(capacity) / k_page;
      if (pages > used_pages) {
        return (pages - used_pages) * k_page;
      }
    }
  }
  return PIPE_BUF;
}

// Waits until `fd` takes a write, checking SIGINT/SIGTERM every 100 ms; once one came, the
// descriptor gets no more time: Interrupted unless it is writable at once.
void
wait_writable(int fd)
{
  while (true) {
    const bool interrupted = interrupt_requested();
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, interrupted ? 0 : 100);
    if (ready > 0) {
      return; // writable, or an error/hang-up that write() will report
    }
    if (ready < 0 && errno != EINTR) {
      return; // let write() report it
    }
    if (interrupted) {
      throw Interrupted();
    }
  }
}

} // namespace

void
write_all(int fd, std::string_view data, std::string_view what)
{
  struct stat st = {};
  // Files and block devices never wait on a reader: one write() each. Pipes, sockets and
  // terminals can: poll first, then write no more than they take without blocking.
  const bool may_block = ::fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
  while (!data.empty()) {
    size_t chunk = data.size();
    if (may_block) {
      wait_writable(fd);
      chunk = std::min(chunk, room(fd, st));
    }
    const auto n = ::write(fd, data.data(), chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue; // wait_writable() looks at the interrupt
      }
      const int error = errno;
      if (error == EPIPE) {
        throw BrokenPipe();
      }
      throw IoError(fmt::format("write to {}: {}", what, std::strerror(error)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void
write_stderr(std::string_view text) noexcept
{
  while (!text.empty()) {
    const auto n = ::write(STDERR_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
}

Output::Output(int fd, size_t buffer_size) : m_fd(fd), m_limit(buffer_size)
{
  m_buffer.reserve(buffer_size + 4096);
}

Output::~Output()
{
  try {
    flush();
  } catch (...) {
    // Reported by the explicit flush() callers make; a destructor must not throw.
  }
}

bool
Output::maybe_flush()
{
  if (m_buffer.size() < m_limit) {
    return false;
  }
  flush();
  return true;
}

void
Output::flush()
{
  struct Clear
  {
    std::string& buffer;
    ~Clear() { buffer.clear(); }
  } clear{m_buffer};
  write_all(m_fd, m_buffer);
}

} // namespace dlq::util
