#include "app.hpp"

#include "error.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace dlq::cmd {

std::unique_ptr<CLI::App>
build_app(AppState& state)
{
  auto app = std::make_unique<CLI::App>("dlqcat: read, triage, replay and repair Kafka dead-letter queues", "dlqcat");
  app->set_version_flag("--version", std::string("dlqcat ") + DLQCAT_VERSION);
  app->require_subcommand(1);
  // Global options may stand after the subcommand too, as kcat users type them.
  app->fallthrough();

  auto& global = state.global;
  app->add_option("-b,--brokers", global.brokers, "Bootstrap broker list (host:port,...); default $DLQCAT_BROKERS")
    ->type_name("BROKERS");
  app->add_option("-X", global.properties, "librdkafka property name=value (repeatable)")->type_name("PROP=VAL");
  app->add_option("-F,--config", global.config_file,
                  "Properties file; default $DLQCAT_CONFIG, else ~/.config/dlqcat.conf if present")
    ->type_name("FILE");
  app->add_flag("-q,--quiet", global.quiet, "Print nothing but records and errors");
  app->add_flag("-v,--verbose", global.verbosity, "More diagnostics on stderr (repeat for more)");
  app->add_option("--color", global.color, "Colour human output: auto, always or never")
    ->type_name("WHEN")
    ->check(CLI::IsMember({"auto", "always", "never"}))
    ->capture_default_str();

  add_produce(*app, state);
  add_consume_dlq(*app, state);
  add_inspect_headers(*app, state);
  add_ls(*app, state);
  add_replay(*app, state);
  add_park(*app, state);
  add_compact_fix(*app, state);
  add_broker(*app, state);
  add_demo(*app, state);
  add_completions(*app, state);
  add_man_options(*app, state);
  return app;
}

CLI::Validator
finite(const CLI::Validator& base)
{
  return CLI::Validator(
    [base](std::string& text) {
      double value = 0;
      if (CLI::detail::lexical_cast(text, value) && std::isnan(value)) {
        return "expected a number, got " + text;
      }
      return base(text);
    },
    base.get_description());
}

CLI::Validator
count_validator()
{
  return CLI::Validator(
    [](std::string& text) -> std::string {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        return "expected a count (0 or more), got " + text;
      }
      return {};
    },
    "");
}

std::string
unknown_command(const CLI::App& app, int argc, const char* const* argv)
{
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) {
    if (!sub->get_group().empty()) { // hidden ones (generators) are not offered
      names.push_back(sub->get_name());
    }
  }
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.empty() || arg.front() != '-') {
      for (const auto* sub : app.get_subcommands({})) {
        if (sub->get_name() == arg) {
          return {};
        }
      }
      std::string expected;
      for (const auto& name : names) {
        expected += (expected.empty() ? "" : ", ") + name;
      }
      return fmt::format("unknown command \"{}\" (expected {})", arg, expected);
    }
    // A global option that takes a value, given apart from it (-b HOST, --color never).
    const auto* option = app.get_option_no_throw(std::string(arg));
    if (option != nullptr && option->get_expected_min() > 0 && arg.find('=') == std::string_view::npos) {
      ++i;
    }
  }
  return {};
}

kafka::LogSink
log_sink(const GlobalOptions& global)
{
  if (global.verbosity == 0) {
    return {};
  }
  return [](std::string_view line) { util::write_stderr(line); };
}

kafka::ClientConfig
client_config(const GlobalOptions& global)
{
  kafka::ClientConfig config;
  config.log = log_sink(global);

  std::string file = global.config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("DLQCAT_CONFIG"); env != nullptr && *env != '\0') {
      file = env;
    } else if (const char* home = std::getenv("HOME"); home != nullptr) {
      const auto default_file = std::filesystem::path(home) / ".config" / "dlqcat.conf";
      std::error_code ignored;
      if (std::filesystem::exists(default_file, ignored)) {
        file = default_file.string();
      }
    }
  }
  if (!file.empty()) {
    config.properties = kafka::read_properties_file(file);
  }
  if (const char* env = std::getenv("DLQCAT_BROKERS"); env != nullptr && *env != '\0') {
    config.set("bootstrap.servers", env);
  }
  for (const auto& property : global.properties) {
    auto [name, value] = kafka::parse_property(property, "-X");
    config.set(std::move(name), std::move(value));
  }
  if (!global.brokers.empty()) {
    config.set("bootstrap.servers", global.brokers);
  }
  return config;
}

void
require_stdin(const GlobalOptions& global, const char* what)
{
  if (global.stdin_closed) {
    throw UsageError(fmt::format("stdin is closed: {}", what));
  }
}

void
require_stdout(const GlobalOptions& global)
{
  if (global.stdout_closed) {
    throw UsageError("stdout is closed: redirect it to a file or a pipe");
  }
}

} // namespace dlq::cmd
