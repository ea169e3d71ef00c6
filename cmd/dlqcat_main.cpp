// dlqcat_main(): build the command tree, parse, run the chosen subcommand, and turn every error
// into its exit code in exactly one place (exit_code_for). ccache's ccache_main() idea: main.cpp
// only calls it, and the tests link the same code through the dlq_cmd library.

#include "dlqcat_main.hpp"

#include "app.hpp"
#include "exit_code.hpp"

#include "error.hpp"
#include "util/interrupt.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sstream>
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

// "dlqcat: error: ..." on stderr. Never throws: a closed stderr (`2>&1 | true`) must not turn
// an exit code into an abort.
void
report(std::string_view message) noexcept
{
  try {
    dlq::util::write_stderr(fmt::format("dlqcat: error: {}\n", dlq::cmd::one_line(message)));
  } catch (...) {
  }
}

// --help and --version through write_all(), so that a write that fails is seen (exit 1) and a
// reader that went away is not an error (exit 0).
int
print_to_stdout(CLI::App& app, const CLI::Error& e)
{
  std::ostringstream out;
  std::ostringstream err;
  const int code = app.exit(e, out, err);
  dlq::util::write_all(STDOUT_FILENO, out.str());
  dlq::util::write_stderr(err.str());
  return code;
}

} // namespace

namespace dlq::cmd {

int
dlqcat_main(int argc, char** argv)
{
  dlq::util::install_interrupt_handlers();
  dlq::cmd::AppState state;
  state.global.stdin_closed = reopen_if_closed(STDIN_FILENO, O_RDONLY);
  state.global.stdout_closed = reopen_if_closed(STDOUT_FILENO, O_WRONLY);
  reopen_if_closed(STDERR_FILENO, O_WRONLY);
  int code = dlq::cmd::k_exit_ok;
  try {
    auto app = dlq::cmd::build_app(state);
    try {
      app->parse(argc, argv);
    } catch (const CLI::Success& e) { // --help, --help-all, --version
      return print_to_stdout(*app, e);
    } catch (const CLI::ParseError& e) {
      const auto unknown = dlq::cmd::unknown_command(*app, argc, argv);
      report(unknown.empty() ? e.what() : unknown);
      return dlq::cmd::k_exit_usage;
    }
    code = state.run();
  } catch (const dlq::util::BrokenPipe&) {
    // The reader went away (`| head`): a normal end. Commands with a result that does not
    // depend on the reader (--fail-if-any) return it themselves.
    return dlq::cmd::k_exit_ok;
  } catch (const std::exception& e) {
    report(e.what());
    return dlq::cmd::exit_code_for(e);
  }
  // Anything still buffered in stdio must reach its file too.
  if (std::fflush(stdout) != 0 && errno != EPIPE && code == dlq::cmd::k_exit_ok) {
    report(fmt::format("write to stdout: {}", std::strerror(errno)));
    return dlq::cmd::k_exit_failure;
  }
  return code;
}

} // namespace dlq::cmd
