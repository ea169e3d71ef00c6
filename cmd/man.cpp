// The generated OPTIONS entries of the man pages (`dlqcat man-options [SUB]`, hidden from --help):
// roff .TP paragraphs rendered from the CLI11 tree; scripts/regenerate.sh pastes them between the
// BEGIN/END GENERATED OPTIONS lines of man/*.1.

#include "app.hpp"
#include "cli_doc.hpp"

#include "error.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <memory>
#include <string>

namespace dlq::cmd {

namespace {

// Text on a roff text line: backslashes and minus signs escaped, no control character at the start.
std::string
roff_text(const std::string& text)
{
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) {
    out.insert(0, "\\&");
  }
  return out;
}

std::string
roff_sentence(std::string text)
{
  if (!text.empty() && text.back() != '.') {
    text += '.';
  }
  return roff_text(text);
}

std::string
option_entry(const OptionDoc& option)
{
  std::string head;
  if (!option.positional.empty()) {
    head = "\\fI" + roff_text(option.type.empty() ? option.positional : option.type) + "\\fR";
    if (option.repeatable) {
      head += " ...";
    }
  } else {
    for (const auto& name : option.names()) {
      head += (head.empty() ? "" : ", ") + std::string("\\fB") + roff_text(name) + "\\fR";
    }
    if (option.takes_value) {
      head += " \\fI" + roff_text(option.type.empty() ? "VALUE" : option.type) + "\\fR";
    }
  }
  std::string body = roff_sentence(option.description);
  if (!option.choices.empty()) {
    std::string list;
    for (const auto& choice : option.choices) {
      list += (list.empty() ? "" : ", ") + std::string("\\fB") + roff_text(choice) + "\\fR";
    }
    body += "\nOne of: " + list + ".";
  }
  if (!option.default_value.empty()) {
    body += "\nDefault: \\fB" + roff_text(option.default_value) + "\\fR.";
  }
  if (option.required) {
    body += "\nRequired.";
  }
  if (option.repeatable && option.positional.empty() && option.description.find("repeat") == std::string::npos) {
    body += "\nMay be repeated.";
  }
  return ".TP\n" + head + "\n" + body + "\n";
}

} // namespace

std::string
man_options(const CommandDoc& command)
{
  std::string out;
  for (const auto& option : command.options) {
    out += option_entry(option);
  }
  for (const auto& positional : command.positionals) {
    out += option_entry(positional);
  }
  return out;
}

void
add_man_options(CLI::App& app, AppState& state)
{
  auto command = std::make_shared<std::string>();
  // An empty group hides the subcommand from --help and from the completions.
  auto* sub = app.add_subcommand("man-options", "Print the roff OPTIONS entries of a man page (for scripts/regenerate.sh)");
  sub->group("");
  sub->add_option("command", *command, "Subcommand (default: the global options of dlqcat(1))")->type_name("SUB");
  sub->callback([command, &app, &state] {
    state.run = [command, &app] {
      const auto doc = describe(app);
      const CommandDoc* page = command->empty() ? &doc.global : find_command(doc, *command);
      if (page == nullptr) {
        throw UsageError(fmt::format("man-options: unknown subcommand \"{}\"", *command));
      }
      util::write_all(STDOUT_FILENO, man_options(*page));
      return 0;
    };
  });
}

} // namespace dlq::cmd
