#include "util/output.hpp"

#include "error.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace dlq::util {

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
  size_t done = 0;
  while (done < m_buffer.size()) {
    const auto n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      m_buffer.clear();
      if (error == EPIPE) {
        throw BrokenPipe();
      }
      throw IoError(fmt::format("write to output: {}", std::strerror(error)));
    }
    done += static_cast<size_t>(n);
  }
  m_buffer.clear();
}

} // namespace dlq::util
