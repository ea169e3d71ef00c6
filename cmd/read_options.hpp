#pragma once

// Options shared by the commands that read DLQ topics: -t -G -o -e and the record filters.

#include "filter.hpp"
#include "kafka/record_source.hpp"

#include <CLI/CLI.hpp>

namespace dlq::cmd {

struct ReadArgs
{
  std::vector<std::string> topics;
  std::string group;
  std::vector<std::string> offsets;
  bool stop_at_end = false;
};

// `default_group`: the group used when -G is not given ("" = none: assign, no commits).
void add_read_options(CLI::App& sub, ReadArgs& args, bool with_exit_flag = true);
kafka::ReadOptions make_read_options(const ReadArgs& args);

void add_filter_options(CLI::App& sub, FilterArgs& args);

} // namespace dlq::cmd
