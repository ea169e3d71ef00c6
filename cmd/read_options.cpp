#include "read_options.hpp"

#include "dialect/dialect.hpp"

namespace dlq::cmd {

void
add_read_options(CLI::App& sub, ReadArgs& args, bool with_exit_flag, GroupUse group)
{
  // One topic per -t, as kcat takes it: `-t dlq -` is a topic and stdin, not two topics.
  sub.add_option("-t,--topic", args.topics, "Topic to read (repeatable)")
    ->type_name("TOPIC")
    ->allow_extra_args(false);
  sub.add_option("-p,--partition", args.partitions,
                 group == GroupUse::Always
                   ? "Only this partition (repeatable): assigned without joining the group, committed to it directly"
                   : "Only this partition (repeatable); with -G assigned without joining the group, committed to it directly")
    ->type_name("N")
    ->allow_extra_args(false)
    ->check(CLI::NonNegativeNumber);
  if (group == GroupUse::Optional) {
    sub.add_option("-G,--group", args.group, "Consumer group: join it and commit what was processed (else assign, no commits)")
      ->type_name("GROUP");
    sub.add_option("-o,--offset", args.offsets,
                   "Start: beginning, end, stored, N, -N (N before end), s@MS; stop: e@MS (default beginning, with -G stored)")
      ->type_name("OFFSET");
  } else {
    sub.add_option("-G,--group", args.group, "Consumer group to read and commit in")->type_name("GROUP");
    sub.add_option("-o,--offset", args.offsets,
                   "Start: the group's commit (default; else beginning), beginning, end, N, -N, s@MS; stop: e@MS. "
                   "A start other than the commit forgets what earlier runs handled past it")
      ->type_name("OFFSET");
  }
  if (with_exit_flag) {
    sub.add_flag("-e,--exit", args.stop_at_end, "Exit at the end offsets seen at start (terminates on a busy topic)");
  }
}

kafka::ReadOptions
make_read_options(const ReadArgs& args)
{
  kafka::ReadOptions options;
  options.topics = args.topics;
  options.partitions = args.partitions;
  if (!args.group.empty()) {
    options.group = args.group;
    options.start = {kafka::OffsetSpec::Kind::Stored, 0};
  }
  kafka::apply_offset_args(args.offsets, options);
  options.stop_at_end = args.stop_at_end;
  return options;
}

void
add_filter_options(CLI::App& sub, FilterArgs& args)
{
  sub.add_option("--exception", args.exception, "Only records whose exception class, cause or message matches REGEX")
    ->type_name("REGEX");
  sub.add_option("--original-topic", args.original_topic, "Only records dead-lettered from TOPIC")->type_name("TOPIC");
  std::vector<std::string> dialects(dialect::names().begin(), dialect::names().end());
  sub.add_option("--dialect", args.dialect, "Only records of this header dialect")
    ->type_name("DIALECT")
    ->check(CLI::IsMember(dialects));
  sub.add_option("--since", args.since, "Only records with a timestamp at or after TIME (epoch ms or ISO 8601)")->type_name("TIME");
  sub.add_option("--until", args.until, "Only records with a timestamp before TIME")->type_name("TIME");
  sub.add_option("--min-attempts", args.min_attempts, "Only records that were attempted at least N times")->type_name("N");
}

} // namespace dlq::cmd
