#include "cli_doc.hpp"

#include <algorithm>

namespace dlq::cmd {

namespace {

// CLI::IsMember describes itself as "{a,b,c}" (CLI11 detail::generate_set); other validators
// (Range, PositiveNumber) describe a type, never in braces.
std::vector<std::string>
choices_of(const std::string& validator_description)
{
  std::vector<std::string> choices;
  if (validator_description.size() < 2 || validator_description.front() != '{' || validator_description.back() != '}') {
    return choices;
  }
  const std::string list = validator_description.substr(1, validator_description.size() - 2);
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    choices.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return choices;
}

OptionDoc
describe_option(CLI::Option& option)
{
  OptionDoc doc;
  for (const auto& name : option.get_snames()) {
    doc.shorts.push_back("-" + name);
  }
  for (const auto& name : option.get_lnames()) {
    doc.longs.push_back("--" + name);
  }
  if (option.get_positional()) {
    doc.positional = option.get_name(true, false);
  }
  doc.description = option.get_description();
  doc.takes_value = option.get_expected_max() > 0 && option.get_type_size_max() > 0;
  doc.repeatable = option.get_expected_max() > 1 || option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  doc.required = option.get_required();
  doc.default_value = option.get_default_str();

  // get_type_name() is the placeholder followed by ":" + each validator's description; the
  // validators are only reachable one by one through the non-const get_validator(index).
  std::string type = option.get_type_name();
  for (int index = 0;; ++index) {
    const CLI::Validator* validator = nullptr;
    try {
      validator = option.get_validator(index);
    } catch (const CLI::OptionNotFound&) {
      break;
    }
    const auto description = validator->get_description();
    if (description.empty()) {
      continue;
    }
    if (auto choices = choices_of(description); !choices.empty()) {
      doc.choices = std::move(choices);
    }
    const auto suffix = ":" + description;
    if (const auto at = type.rfind(suffix); at != std::string::npos) {
      type.erase(at, suffix.size());
    }
  }
  doc.type = doc.takes_value ? type : std::string();
  return doc;
}

CommandDoc
describe_command(CLI::App& app)
{
  CommandDoc doc;
  doc.name = app.get_name();
  doc.description = app.get_description();
  for (auto* option : app.get_options({})) {
    auto option_doc = describe_option(*option);
    (option_doc.positional.empty() ? doc.options : doc.positionals).push_back(std::move(option_doc));
  }
  return doc;
}

} // namespace

std::vector<std::string>
OptionDoc::names() const
{
  auto all = shorts;
  all.insert(all.end(), longs.begin(), longs.end());
  return all;
}

std::vector<OptionDoc>
options_after(const CliDoc& doc, const CommandDoc& command)
{
  auto options = command.options;
  std::vector<std::string> taken;
  for (const auto& option : command.options) {
    const auto names = option.names();
    taken.insert(taken.end(), names.begin(), names.end());
  }
  for (auto global : doc.global.options) {
    const auto shadowed = [&](const std::string& name) {
      return std::find(taken.begin(), taken.end(), name) != taken.end();
    };
    std::erase_if(global.shorts, shadowed);
    std::erase_if(global.longs, shadowed);
    if (!global.shorts.empty() || !global.longs.empty()) {
      options.push_back(std::move(global));
    }
  }
  return options;
}

const CommandDoc*
find_command(const CliDoc& doc, const std::string& name)
{
  const auto it = std::find_if(doc.commands.begin(), doc.commands.end(), [&](const auto& c) { return c.name == name; });
  return it == doc.commands.end() ? nullptr : &*it;
}

CliDoc
describe(CLI::App& root)
{
  CliDoc doc;
  doc.program = root.get_name();
  doc.global = describe_command(root);
  doc.global.name.clear();
  for (auto* sub : root.get_subcommands([](CLI::App* app) { return !app->get_group().empty(); })) {
    doc.commands.push_back(describe_command(*sub));
  }
  return doc;
}

} // namespace dlq::cmd
