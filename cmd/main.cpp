// dlqcat: build the command tree, parse, run the chosen subcommand, and turn every error into
// its exit code in exactly one place (exit_code_for).

#include "app.hpp"
#include "exit_code.hpp"

#include "util/interrupt.hpp"

#include <fmt/core.h>

int
main(int argc, char** argv)
{
  dlq::util::install_interrupt_handlers();
  dlq::cmd::AppState state;
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
