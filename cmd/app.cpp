#include "app.hpp"

#include "error.hpp"

#include <fmt/core.h>

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
  add_replay(*app, state);
  add_park(*app, state);
  add_compact_fix(*app, state);
  add_broker(*app, state);
  add_demo(*app, state);
  add_completions(*app, state);
  add_man_options(*app, state);
  return app;
}

kafka::ClientConfig
client_config(const GlobalOptions& global)
{
  kafka::ClientConfig config;
  config.verbosity = global.verbosity;

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
