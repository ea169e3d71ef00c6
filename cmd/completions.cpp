// `dlqcat completions bash|zsh|fish`: completion scripts rendered from the CLI11 tree (cli_doc),
// so every subcommand, option and enumerated value the parser accepts is offered, and nothing else.

#include "app.hpp"
#include "cli_doc.hpp"
#include "error.hpp"
#include "kafka/producer.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace dlq::cmd {

namespace {

// Completing a word must not hang the shell: a cluster that does not answer within this gets
// no candidates (the scripts discard the error).
constexpr std::chrono::milliseconds k_topic_timeout{1000};

std::string
join(const std::vector<std::string>& words, const std::string& separator = " ")
{
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) {
      out += separator;
    }
    out += word;
  }
  return out;
}

std::vector<std::string>
command_names(const CliDoc& doc)
{
  std::vector<std::string> names;
  for (const auto& command : doc.commands) {
    names.push_back(command.name);
  }
  return names;
}

// The first line only: completion menus have one line per entry.
std::string
first_line(const std::string& text)
{
  return text.substr(0, text.find('\n'));
}

// The global options that take a value (-b, -X, -F, ...): the scripts pass them on to
// `completions --topics`, so that it asks the cluster named on the line.
std::vector<std::string>
connection_options(const CliDoc& doc)
{
  std::vector<std::string> names;
  for (const auto& option : doc.global.options) {
    if (option.takes_value) {
      const auto spellings = option.names();
      names.insert(names.end(), spellings.begin(), spellings.end());
    }
  }
  return names;
}

// The same options with their value in the same word: -bHOST, --brokers=HOST.
std::vector<std::string>
glued_patterns(const CliDoc& doc)
{
  std::vector<std::string> patterns;
  for (const auto& name : connection_options(doc)) {
    patterns.push_back(name.size() == 2 ? name + "*" : name + "=*");
  }
  return patterns;
}

const char* const k_topics_comment =
  "# Topic names from the cluster named on the line (-b, -X, -F, else $DLQCAT_BROKERS or the\n"
  "# config file), asked with `completions --topics`; nothing if it does not answer within 1 s.\n";

// ---- bash ------------------------------------------------------------------------------------

// Words for `compgen -W "..."`: only characters that need no quoting inside double quotes.
std::string
bash_words(const std::vector<std::string>& words)
{
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) {
      out += ' ';
    }
    for (char c : word) {
      if (c == '"' || c == '\\' || c == '$' || c == '`') {
        out += '\\';
      }
      out += c;
    }
  }
  return out;
}

// One `case` pattern for an option's spellings after `command` ("*" = any command).
std::string
bash_pattern(const std::string& command, const OptionDoc& option)
{
  std::vector<std::string> patterns;
  for (const auto& name : option.names()) {
    patterns.push_back(command + "/" + name);
  }
  return join(patterns, " | ");
}

void
bash_value_cases(std::string& out, const std::string& reply, const std::string& topics_function,
                 const std::string& command, const std::vector<OptionDoc>& options)
{
  std::vector<std::string> free_text;
  std::vector<std::string> topics;
  for (const auto& option : options) {
    if (!option.takes_value) {
      continue;
    }
    if (option.is_topic()) {
      topics.push_back(bash_pattern(command, option));
    } else if (!option.choices.empty()) {
      out += "        " + bash_pattern(command, option) + ")\n";
      out += "            " + reply + " -W \"" + bash_words(option.choices) + "\"\n            return ;;\n";
    } else if (option.is_file()) {
      out += "        " + bash_pattern(command, option) + ")\n";
      out += "            " + reply + " -f\n            return ;;\n";
    } else {
      free_text.push_back(bash_pattern(command, option));
    }
  }
  if (!topics.empty()) {
    out += "        " + join(topics, " | \\\n        ") + ")\n            " + topics_function + "\n            return ;;\n";
  }
  if (!free_text.empty()) {
    // Free text (numbers, regexes, names): nothing to offer.
    out += "        " + join(free_text, " | \\\n        ") + ")\n            return ;;\n";
  }
}

std::string
bash_option_words(const std::vector<OptionDoc>& options, const std::vector<OptionDoc>& positionals)
{
  std::vector<std::string> words;
  for (const auto& option : options) {
    const auto names = option.names();
    words.insert(words.end(), names.begin(), names.end());
  }
  // A positional whose only value looks like an option ("-" = stdin) is offered with them.
  for (const auto& positional : positionals) {
    for (const auto& choice : positional.choices) {
      if (!choice.empty() && choice.front() == '-') {
        words.push_back(choice);
      }
    }
  }
  return bash_words(words);
}

std::string
bash_positional_action(const std::string& reply, const std::vector<OptionDoc>& positionals)
{
  for (const auto& positional : positionals) {
    if (!positional.choices.empty()) {
      return reply + " -W \"" + bash_words(positional.choices) + "\"";
    }
    if (positional.is_file()) {
      return reply + " -f";
    }
  }
  return "";
}

} // namespace

std::string
bash_completion(const CliDoc& doc)
{
  const auto& p = doc.program;
  const auto reply = "_" + p + "_reply";
  const auto topics = "_" + p + "_topics";
  std::string out;
  out += "# bash completion for " + p + "                                -*- shell-script -*-\n";
  out += "# Generated by `" + p + " completions bash` from the command-line definition: do not edit,\n";
  out += "# run scripts/regenerate.sh.\n\n";
  out += "_" + p + "_reply()\n{\n";
  out += "    mapfile -t COMPREPLY < <(compgen \"$@\" -- \"$cur\")\n}\n\n";
  out += k_topics_comment;
  out += topics + "()\n{\n";
  out += "    local -a words conn=()\n    local i next\n";
  out += "    read -ra words <<<\"${COMP_LINE:0:COMP_POINT}\"\n";
  out += "    for ((i = 1; i < ${#words[@]}; i++)); do\n";
  out += "        case ${words[i]} in\n";
  out += "            " + join(connection_options(doc), " | ") + ")\n";
  out += "                next=${words[i + 1]-}\n";
  out += "                conn+=(\"${words[i]}\" \"${next/#\\~/$HOME}\")\n";
  out += "                ((i++)) ;;\n";
  out += "            " + join(glued_patterns(doc), " | ") + ")\n";
  out += "                conn+=(\"${words[i]}\") ;;\n";
  out += "        esac\n    done\n";
  out += "    " + reply + " -W \"$(\"${COMP_WORDS[0]/#\\~/$HOME}\" \"${conn[@]}\" completions --topics 2>/dev/null)\"\n}\n\n";
  out += "_" + p + "()\n{\n";
  out += "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" sub=\"\" i\n";
  out += "    COMPREPLY=()\n";
  out += "    if ((COMP_CWORD > 0)); then\n        prev=${COMP_WORDS[COMP_CWORD - 1]}\n    fi\n";
  out += "    # --name=value: bash splits the word at '=' (COMP_WORDBREAKS)\n";
  out += "    if [[ $cur == = && $prev == -* ]]; then\n        cur=\"\"\n";
  out += "    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n        prev=${COMP_WORDS[COMP_CWORD - 2]}\n    fi\n";
  out += "    for ((i = 1; i < COMP_CWORD; i++)); do\n";
  out += "        case ${COMP_WORDS[i]} in\n";
  out += "            " + join(command_names(doc), " | ") + ")\n";
  out += "                sub=${COMP_WORDS[i]}\n                break ;;\n";
  out += "        esac\n    done\n\n";
  out += "    # The argument of an option\n";
  out += "    case $sub/$prev in\n";
  for (const auto& command : doc.commands) {
    bash_value_cases(out, reply, topics, command.name, command.options);
  }
  bash_value_cases(out, reply, topics, "*", doc.global.options);
  out += "    esac\n\n";
  out += "    if [[ $cur == -* ]]; then\n";
  out += "        case $sub in\n";
  out += "            \"\") " + reply + " -W \"" + bash_option_words(doc.global.options, {}) + "\" ;;\n";
  for (const auto& command : doc.commands) {
    out += "            " + command.name + ") " + reply + " -W \""
           + bash_option_words(options_after(doc, command), command.positionals) + "\" ;;\n";
  }
  out += "        esac\n        return\n    fi\n\n";
  out += "    case $sub in\n";
  out += "        \"\") " + reply + " -W \"" + bash_words(command_names(doc)) + "\" ;;\n";
  for (const auto& command : doc.commands) {
    if (const auto action = bash_positional_action(reply, command.positionals); !action.empty()) {
      out += "        " + command.name + ") " + action + " ;;\n";
    }
  }
  out += "    esac\n}\n\n";
  out += "complete -F _" + p + " " + p + "\n";
  return out;
}

// ---- zsh -------------------------------------------------------------------------------------

namespace {

// Text inside a single-quoted zsh word.
std::string
zsh_quote(const std::string& text)
{
  std::string out;
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out;
}

// An _arguments explanation ("[...]"): brackets escaped.
std::string
zsh_explanation(const std::string& text)
{
  std::string out;
  for (char c : first_line(text)) {
    if (c == '[' || c == ']' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return zsh_quote(out);
}

// An _arguments message or action word: colons separate fields, so escape them.
std::string
zsh_field(const std::string& text)
{
  std::string out;
  for (char c : text) {
    if (c == ':' || c == '\\' || c == '(' || c == ')' || c == ' ') {
      out += '\\';
    }
    out += c;
  }
  return zsh_quote(out);
}

std::string
zsh_action(const std::string& program, const OptionDoc& option)
{
  if (!option.choices.empty()) {
    std::vector<std::string> words;
    for (const auto& choice : option.choices) {
      words.push_back(zsh_field(choice));
    }
    return "(" + join(words) + ")";
  }
  if (option.is_topic()) {
    return "_" + program + "_topics";
  }
  return option.is_file() ? "_files" : " ";
}

void
zsh_option_specs(std::string& out, const std::string& program, const std::vector<OptionDoc>& options)
{
  for (const auto& option : options) {
    const auto names = option.names();
    const std::string exclusion = option.repeatable ? "*" : names.size() > 1 ? "(" + join(names) + ")" : "";
    for (const auto& name : names) {
      std::string spec = exclusion + name;
      if (option.takes_value) {
        spec += name.size() == 2 ? "+" : "=";
      }
      spec += "[" + zsh_explanation(option.description) + "]";
      if (option.takes_value) {
        spec += ":" + zsh_field(option.type.empty() ? "VALUE" : option.type) + ":" + zsh_action(program, option);
      }
      out += "    '" + spec + "'\n";
    }
  }
}

void
zsh_positional_specs(std::string& out, const std::string& program, const std::vector<OptionDoc>& positionals)
{
  for (const auto& positional : positionals) {
    const std::string prefix = positional.repeatable ? "*" : positional.required ? "" : ":";
    out += "    '" + prefix + ":" + zsh_field(positional.positional) + ":" + zsh_action(program, positional) + "'\n";
  }
}

} // namespace

std::string
zsh_completion(const CliDoc& doc)
{
  const auto& p = doc.program;
  std::string out;
  out += "#compdef " + p + "\n";
  out += "# zsh completion for " + p + ".\n";
  out += "# Generated by `" + p + " completions zsh` from the command-line definition: do not edit,\n";
  out += "# run scripts/regenerate.sh.\n\n";
  out += "_" + p + "_commands() {\n  local -a commands\n  commands=(\n";
  for (const auto& command : doc.commands) {
    out += "    '" + zsh_quote(command.name) + ":" + zsh_quote(first_line(command.description)) + "'\n";
  }
  out += "  )\n  _describe -t commands '" + p + " command' commands\n}\n\n";
  out += k_topics_comment;
  out += "_" + p + "_topics() {\n";
  out += "  local -a conn topics\n  local i\n";
  out += "  for (( i = 2; i <= $#_" + p + "_line; i++ )); do\n";
  out += "    case $_" + p + "_line[i] in\n";
  out += "      (" + join(connection_options(doc), "|") + ")\n";
  out += "        conn+=($_" + p + "_line[i] \"${${(Q)_" + p + "_line[i+1]}/#\\~/$HOME}\")\n";
  out += "        (( i++ )) ;;\n";
  out += "      (" + join(glued_patterns(doc), "|") + ")\n";
  out += "        conn+=(\"${(Q)_" + p + "_line[i]}\") ;;\n";
  out += "    esac\n  done\n";
  out += "  topics=(${(f)\"$(\"${${(Q)_" + p + "_line[1]}/#\\~/$HOME}\" \"${conn[@]}\" completions --topics 2>/dev/null)\"})\n";
  out += "  compadd -a topics\n}\n\n";
  out += "_" + p + "() {\n";
  out += "  # The words before the cursor, before _arguments narrows $words to the subcommand's.\n";
  out += "  local -a _" + p + "_line\n  _" + p + "_line=(\"${(@)words[1,CURRENT-1]}\")\n";
  out += "  local curcontext=$curcontext state state_descr line ret=1\n";
  out += "  typeset -A opt_args\n";
  out += "  local -a specs\n";
  out += "  specs=(\n";
  zsh_option_specs(out, p, doc.global.options);
  out += "  )\n";
  out += "  _arguments -C -s -S $specs ': :->command' '*:: :->args' && ret=0\n";
  out += "  case $state in\n";
  out += "    command)\n      _" + p + "_commands && ret=0\n      ;;\n";
  out += "    args)\n";
  out += "      curcontext=${curcontext%:*:*}:" + p + "-$words[1]:\n";
  out += "      specs=()\n";
  out += "      case $words[1] in\n";
  for (const auto& command : doc.commands) {
    out += "        (" + command.name + ")\n          specs=(\n";
    std::string specs;
    zsh_option_specs(specs, p, options_after(doc, command));
    zsh_positional_specs(specs, p, command.positionals);
    // Indent the shared spec lines for this nesting level.
    std::string indented;
    for (std::size_t at = 0; at < specs.size();) {
      const auto end = specs.find('\n', at);
      indented += "        " + specs.substr(at, end - at + 1);
      at = end + 1;
    }
    out += indented + "          )\n          ;;\n";
  }
  out += "      esac\n";
  out += "      _arguments -s -S $specs && ret=0\n";
  out += "      ;;\n  esac\n  return ret\n}\n\n";
  out += "_" + p + " \"$@\"\n";
  return out;
}

// ---- fish ------------------------------------------------------------------------------------

namespace {

std::string
fish_quote(const std::string& text)
{
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

std::string
fish_option(const std::string& program, const std::string& condition, const OptionDoc& option)
{
  std::string line = "complete -c " + program;
  if (!condition.empty()) {
    line += " -n " + condition;
  }
  for (const auto& name : option.shorts) {
    line += " -s " + name.substr(1);
  }
  for (const auto& name : option.longs) {
    line += " -l " + name.substr(2);
  }
  if (option.takes_value) {
    // -x: an argument, no file names; -r -F: an argument that is a file name.
    line += option.is_file() ? " -r -F" : " -x";
    if (!option.choices.empty()) {
      line += " -a " + fish_quote(join(option.choices));
    } else if (option.is_topic()) {
      line += " -a " + fish_quote("(__" + program + "_topics)");
    }
  }
  return line + " -d " + fish_quote(first_line(option.description)) + "\n";
}

} // namespace

std::string
fish_completion(const CliDoc& doc)
{
  const auto& p = doc.program;
  std::string out;
  out += "# fish completion for " + p + ".\n";
  out += "# Generated by `" + p + " completions fish` from the command-line definition: do not edit,\n";
  out += "# run scripts/regenerate.sh.\n\n";
  out += k_topics_comment;
  out += "function __" + p + "_topics\n";
  out += "    set -l words (commandline -opc)\n";
  out += "    set -l conn\n";
  out += "    set -l i 2\n";
  out += "    while test $i -le (count $words)\n";
  out += "        switch $words[$i]\n";
  out += "            case " + join(connection_options(doc)) + "\n";
  out += "                set -a conn $words[$i]\n";
  out += "                set i (math $i + 1)\n";
  out += "                if test $i -le (count $words)\n";
  out += "                    set -a conn (string replace -r '^~' $HOME -- $words[$i])\n";
  out += "                end\n";
  out += "            case";
  for (const auto& pattern : glued_patterns(doc)) {
    out += " " + fish_quote(pattern);
  }
  out += "\n                set -a conn $words[$i]\n";
  out += "        end\n";
  out += "        set i (math $i + 1)\n";
  out += "    end\n";
  out += "    set -l program (string replace -r '^~' $HOME -- $words[1])\n";
  out += "    $program $conn completions --topics 2>/dev/null\n";
  out += "end\n\n";
  out += "set -l commands " + join(command_names(doc)) + "\n";
  out += "complete -c " + p + " -f\n\n";
  out += "# Subcommands\n";
  for (const auto& command : doc.commands) {
    out += "complete -c " + p + " -n \"not __fish_seen_subcommand_from $commands\" -a " + command.name + " -d "
           + fish_quote(first_line(command.description)) + "\n";
  }
  out += "\n# Global options (before or after the subcommand)\n";
  for (const auto& option : doc.global.options) {
    out += fish_option(p, "", option);
  }
  for (const auto& command : doc.commands) {
    const auto condition = fish_quote("__fish_seen_subcommand_from " + command.name);
    out += "\n# " + command.name + "\n";
    for (const auto& option : command.options) {
      out += fish_option(p, condition, option);
    }
    for (const auto& positional : command.positionals) {
      if (!positional.choices.empty()) {
        out += "complete -c " + p + " -n " + condition + " -a " + fish_quote(join(positional.choices)) + " -d "
               + fish_quote(first_line(positional.description)) + "\n";
      } else if (positional.is_file()) {
        out += "complete -c " + p + " -n " + condition + " -F\n";
      }
    }
  }
  return out;
}

void
add_completions(CLI::App& app, AppState& state)
{
  struct Args
  {
    std::string shell;
    bool topics = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("completions", "Print a shell completion script (bash, zsh or fish) to stdout");
  sub->add_option("shell", args->shell, "Shell to complete for")
    ->type_name("SHELL")
    ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  sub->add_flag("--topics", args->topics,
                "Print the cluster's topic names, one per line, as the scripts do to complete a TOPIC "
                "(gives up after 1 s)");
  sub->callback([args, &app, &state] {
    state.run = [args, &app, &state] {
      if (args->topics == !args->shell.empty()) {
        throw UsageError("completions: give a SHELL (bash, zsh or fish) or --topics");
      }
      if (args->topics) {
        require_stdout(state.global);
        kafka::Producer client(client_config(state.global));
        std::string names;
        for (const auto& topic : client.topics(k_topic_timeout)) {
          names += topic + "\n";
        }
        util::write_all(STDOUT_FILENO, names);
        return 0;
      }
      const auto doc = describe(app);
      const auto& shell = args->shell;
      util::write_all(STDOUT_FILENO,
                      shell == "bash" ? bash_completion(doc) : shell == "zsh" ? zsh_completion(doc) : fish_completion(doc));
      return 0;
    };
  });
}

} // namespace dlq::cmd
