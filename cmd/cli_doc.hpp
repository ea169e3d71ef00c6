#pragma once

// A plain description of the CLI11 tree (names, arguments, choices, defaults) that the
// completion and man-page generators render. Read from the tree itself, so the documents
// cannot drift from what the parser accepts.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace dlq::cmd {

struct OptionDoc
{
  std::vector<std::string> shorts;  // "-t"
  std::vector<std::string> longs;   // "--topic"
  std::string positional;           // name of a positional argument, else empty
  std::string description;
  std::string type;                 // argument placeholder (TOPIC, N, FILE); empty for flags
  std::vector<std::string> choices; // from CLI::IsMember
  std::string default_value;        // from capture_default_str()
  bool takes_value = false;
  bool repeatable = false;
  bool required = false;

  // Every spelling: shorts then longs (positionals have none).
  std::vector<std::string> names() const;
  bool is_file() const { return type == "FILE"; }
  bool is_topic() const { return type == "TOPIC"; } // completed live from the cluster
};

struct CommandDoc
{
  std::string name; // empty for the program itself
  std::string description;
  std::vector<OptionDoc> options;     // the command's own options, in definition order
  std::vector<OptionDoc> positionals; // in definition order
};

struct CliDoc
{
  std::string program;
  CommandDoc global;                 // the program's own options
  std::vector<CommandDoc> commands;  // visible subcommands (hidden ones have an empty group)
};

// Options accepted after `name`: the command's own, then the global ones whose spellings it
// does not shadow (dlqcat parses with fallthrough, so global options may follow the verb).
std::vector<OptionDoc> options_after(const CliDoc& doc, const CommandDoc& command);

// The subcommand of that name, or nullptr.
const CommandDoc* find_command(const CliDoc& doc, const std::string& name);

CliDoc describe(CLI::App& root);

// Renderers (pure): completion scripts and the roff OPTIONS entries of one command.
std::string bash_completion(const CliDoc& doc);
std::string zsh_completion(const CliDoc& doc);
std::string fish_completion(const CliDoc& doc);
std::string man_options(const CommandDoc& command);

} // namespace dlq::cmd
