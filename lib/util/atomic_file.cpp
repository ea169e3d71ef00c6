#include "util/atomic_file.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dlq::util {

void
replace_file(const std::string& path, std::string_view content, std::string_view what)
{
  // The temporary name hides from the collector, which reads only *.prom.
  const std::string temporary = fmt::format("{}.{}.tmp", path, ::getpid());
  const auto fail = [&](const char* step) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    throw IoError(fmt::format("{}: cannot {} \"{}\": {}", what, step, path, std::strerror(saved)));
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int saved = errno;
    throw IoError(fmt::format("{}: cannot write \"{}\": {}", what, path, std::strerror(saved)));
  }
  size_t written = 0;
  while (written < content.size()) {
    const auto n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int saved = errno;
      ::close(fd);
      errno = saved;
      fail("write");
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    fail("write");
  }
  if (::close(fd) != 0) {
    fail("write");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    fail("replace");
  }
}

} // namespace dlq::util
