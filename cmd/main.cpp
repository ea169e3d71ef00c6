// dlqcat: build the command tree, parse, run the chosen subcommand, and turn every error into
// its exit code in exactly one place (exit_code_for).

#include "app.hpp"
#include "exit_code.hpp"

#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace {

// A standard stream that was closed at start gets /dev/null, so that the next file librdkafka
// opens (a socket) cannot become "stdin" or "stdout". True if it was closed.
bool
reopen_if_closed(int fd, int flags)
{
  if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) {
    return false;
  }
  const int null_fd = ::open("/dev/null", flags);
  if (null_fd >= 0 && null_fd != fd) {
    ::dup2(null_fd, fd);
    ::close(null_fd);
  }
  return true;
}

} // namespace

int
main(int argc, char** argv)
{
  dlq::util::install_interrupt_handlers();
  dlq::cmd::AppState state;
  state.global.stdin_closed = reopen_if_closed(STDIN_FILENO, O_RDONLY);
  state.global.stdout_closed = reopen_if_closed(STDOUT_FILENO, O_WRONLY);
  reopen_if_closed(STDERR_FILENO, O_WRONLY);
  auto app = dlq::cmd::build_app(state);
  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app->exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "dlqcat: error: {}\n", dlq::cmd::one_line(e.what()));
    return dlq::cmd::k_exit_usage;
  }
  try {
    return state.run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "dlqcat: error: {}\n", dlq::cmd::one_line(e.what()));
    return dlq::cmd::exit_code_for(e);
  }
}
