#pragma once

// The CLI11 tree of dlqcat: global options, then one subcommand per file (add_<verb>), each
// setting AppState::run when it is the one chosen. Parsing has no side effects; main() runs it.

#include "kafka/config.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dlq::cmd {

struct GlobalOptions
{
  std::string brokers;                 // -b
  std::vector<std::string> properties; // -X name=value
  std::string config_file;             // -F
  bool quiet = false;                  // -q
  int verbosity = 0;                   // -v (repeatable)
  std::string color = "auto";          // --color
  // Standard streams that were closed when dlqcat started (main() puts /dev/null there, so that
  // librdkafka's sockets cannot take those descriptors): reading or writing them is an error.
  bool stdin_closed = false;
  bool stdout_closed = false;
};

// Throws UsageError "stdin is closed: ..." / "stdout is closed: ..." for a command that needs it.
void require_stdin(const GlobalOptions& global, const char* what);
void require_stdout(const GlobalOptions& global);

struct AppState
{
  GlobalOptions global;
  std::function<int()> run; // set by the chosen subcommand's callback
};

std::unique_ptr<CLI::App> build_app(AppState& state);

// `base` (PositiveNumber, Range) that also refuses NaN, which CLI11's comparisons let through
// (`--rate nan`); same description, so the generated docs do not change.
CLI::Validator finite(const CLI::Validator& base);

// A count (-c): a whole number >= 0. CLI11 reads "-1" into an unsigned as 2^64 - 1.
CLI::Validator count_validator();

// After a parse error: "unknown command \"bogus\" (expected produce, consume-dlq, ...)" when
// the first word that is not a global option (or its value) names no subcommand; "" otherwise.
std::string unknown_command(const CLI::App& app, int argc, const char* const* argv);

// librdkafka properties from, in increasing precedence: the config file (-F, else $DLQCAT_CONFIG,
// else ~/.config/dlqcat.conf if it exists), $DLQCAT_BROKERS, -X, -b.
kafka::ClientConfig client_config(const GlobalOptions& global);

// librdkafka's logs and error events on stderr with -v, dropped otherwise.
kafka::LogSink log_sink(const GlobalOptions& global);

// Subcommands, in the order `dlqcat --help` lists them.
void add_produce(CLI::App& app, AppState& state);
void add_consume_dlq(CLI::App& app, AppState& state);
void add_inspect_headers(CLI::App& app, AppState& state);
void add_ls(CLI::App& app, AppState& state);
void add_replay(CLI::App& app, AppState& state);
void add_park(CLI::App& app, AppState& state);
void add_compact_fix(CLI::App& app, AppState& state);
void add_broker(CLI::App& app, AppState& state);
void add_demo(CLI::App& app, AppState& state);
// Documentation generators; they walk the finished tree, so build_app adds them last.
void add_completions(CLI::App& app, AppState& state);
void add_man_options(CLI::App& app, AppState& state);

} // namespace dlq::cmd
