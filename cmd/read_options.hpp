#pragma once

// Options shared by the commands that read DLQ topics: -t -G -o -e and the record filters.

#include "filter.hpp"
#include "kafka/record_source.hpp"

#include <CLI/CLI.hpp>

namespace dlq::cmd {

struct ReadArgs
{
  std::vector<std::string> topics;
  std::vector<int32_t> partitions;
  std::string group;
  std::vector<std::string> offsets;
  bool stop_at_end = false;
};

// How -G and -o read for a command: consume-dlq may read without a group; replay and park
// always read and commit in one.
enum class GroupUse { Optional, Always };

void add_read_options(CLI::App& sub, ReadArgs& args, bool with_exit_flag = true, GroupUse group = GroupUse::Optional);
kafka::ReadOptions make_read_options(const ReadArgs& args);

void add_filter_options(CLI::App& sub, FilterArgs& args);

// The next record for a loop that writes from a view when it can (consume-dlq -J,
// inspect-headers --summary: a view of the consumed message, no copy) and needs a Record
// otherwise (formats, blocks, typed headers: `owned`, and a view of it). nullptr at the end;
// valid until the next call.
struct NextRecord
{
  const record::Record* owned = nullptr;
  record::RecordView owned_view;

  template <typename Source>
  const record::RecordView* read(Source& source, bool need_record)
  {
    if (!need_record) {
      owned = nullptr;
      return source.next_view();
    }
    owned = source.next();
    if (owned == nullptr) {
      return nullptr;
    }
    owned_view = *owned;
    return &owned_view;
  }
};

} // namespace dlq::cmd
