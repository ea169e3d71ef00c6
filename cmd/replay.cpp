// dlqcat replay and park: republish dead letters to their source with a retry counter, or move
// them to a parking lot, committing DLQ offsets only for what was delivered.

#include "app.hpp"
#include "exit_code.hpp"
#include "read_options.hpp"

#include "error.hpp"
#include "kafka/topic_name.hpp"
#include "retry/replay_report.hpp"
#include "retry/replayer.hpp"
#include "util/interrupt.hpp"
#include "util/output.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <unistd.h>

namespace dlq::cmd {

namespace {

// The options bind straight to the library's retry::ReplayOptions and retry::Policy; what is
// here besides is what the command turns into them (read and filter arguments, --explain) or
// does itself (--summary-json).
struct ReplayCommandOptions
{
  ReadArgs read;
  FilterArgs filters;
  retry::ReplayOptions replay; // park_matching: the `park` command
  bool explain = false;
  std::string summary_json;
};

// "1:05" or "1:02:05".
std::string
clock_text(std::chrono::seconds seconds)
{
  const auto s = seconds.count();
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

// One line on stderr, redrawn in place: only when stderr is a terminal. With -e, the records
// this run still has to read give a total and, from the pace so far, an ETA.
class ProgressLine
{
public:
  explicit ProgressLine(bool enabled) : m_enabled(enabled) {}
  ~ProgressLine()
  {
    if (m_drawn) {
      util::write_stderr("\r\x1b[K");
    }
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void operator()(const retry::ReplayStats& stats)
  {
    if (!m_enabled) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!m_first_read && stats.read > 0) {
      m_first_read = now;
      m_read_before = stats.read;
    }
    std::string read = fmt::format("{} read", stats.read);
    if (stats.remaining) {
      read = fmt::format("{}/{} read", stats.read, stats.read + *stats.remaining);
      const auto elapsed = m_first_read ? std::chrono::duration<double>(now - *m_first_read).count() : 0.0;
      const auto pace = elapsed > 0.5 ? double(stats.read - m_read_before) / elapsed : 0.0; // records a second
      if (pace > 0 && *stats.remaining > 0) {
        read += fmt::format(", ETA {}", clock_text(std::chrono::seconds(static_cast<int64_t>(*stats.remaining / pace + 0.5))));
      }
    }
    auto line = fmt::format("{}: {} replayed, {} parked, {} skipped, {} failed, {} left", read, stats.replayed, stats.parked,
                            stats.skipped, stats.failed, stats.filtered + stats.deferred);
    if (line != m_last) { // drawn again only when it changed
      util::write_stderr("\r\x1b[K" + line);
      m_last = std::move(line);
    }
    m_drawn = true;
  }

private:
  bool m_enabled;
  bool m_drawn = false;
  std::string m_last;
  std::optional<std::chrono::steady_clock::time_point> m_first_read;
  uint64_t m_read_before = 0;
};

// --explain: one line per record, in read order. Topic names read from headers are legal Kafka
// names by then (or the record is skipped); reasons are dlqcat's own text.
std::string
explain_line(const retry::Explanation& e)
{
  std::string line = fmt::format("{} [{}] @ {}  ", util::visible(e.record.topic), e.record.partition, e.record.offset);
  const auto target = [&] {
    return e.output->partition >= 0 ? fmt::format("{} [{}]", util::visible(e.output->topic), e.output->partition)
                                     : fmt::format("{} [partitioner]", util::visible(e.output->topic));
  };
  switch (e.outcome) {
  case retry::Outcome::Replay:
    if (e.counter->present && e.counter->ahead != 0) {
      // retry_topic-attempts: the header's value, and the failed deliveries it stands for.
      line += fmt::format("replay -> {}  ({} {}: {} failed of --max-attempts {}, written as {})", target(),
                          util::visible(e.counter->header), e.counter->value + e.counter->ahead, e.counter->value,
                          e.max_attempts, retry::written_value(*e.counter));
    } else {
      line += fmt::format("replay -> {}  ({} {} of --max-attempts {}, written as {})", target(),
                          util::visible(e.counter->header), e.counter->value, e.max_attempts,
                          retry::written_value(*e.counter));
    }
    break;
  case retry::Outcome::Park:
    line += fmt::format("park -> {}  ({})", target(), util::visible(e.reason));
    break;
  case retry::Outcome::Skip:
    line += fmt::format("skip  ({})", e.reason);
    break;
  case retry::Outcome::Leave:
  case retry::Outcome::Defer:
    line += fmt::format("leave  ({})", e.reason);
    break;
  case retry::Outcome::Pass:
    line += fmt::format("pass  ({})", e.reason);
    break;
  }
  if (e.in_app_attempts) {
    line += fmt::format("  [in-app attempts {}: shown, not counted]", *e.in_app_attempts);
  }
  line.push_back('\n');
  return line;
}

void
check_topic_option(std::string_view option, const std::string& topic)
{
  if (const char* problem = kafka::topic_name_problem(topic)) {
    throw UsageError(fmt::format("{}: \"{}\" is not a legal Kafka topic name ({})", option, util::visible(topic), problem));
  }
}

// Writes --summary-json's file; every failure (a full disk, /dev/full) is an IoError.
void
write_summary_json(const std::string& path, const std::string& text)
{
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), std::fclose);
  if (!file) {
    throw IoError(fmt::format("--summary-json: cannot write \"{}\": {}", path, std::strerror(errno)));
  }
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size() || std::fflush(file.get()) != 0) {
    throw IoError(fmt::format("--summary-json: cannot write \"{}\": {}", path, std::strerror(errno)));
  }
  if (std::fclose(file.release()) != 0) {
    throw IoError(fmt::format("--summary-json: cannot write \"{}\": {}", path, std::strerror(errno)));
  }
}

std::string
random_suffix()
{
  std::random_device device;
  return fmt::format("{:08x}", device());
}

int
run_replay(const ReplayCommandOptions& options, const GlobalOptions& global)
{
  if (options.read.topics.size() != 1) {
    throw UsageError("-t: replay and park read exactly one DLQ topic");
  }
  const auto& dlq = options.read.topics.front();
  auto read_args = options.read;
  if (read_args.group.empty()) {
    // replay and park share it: what one handled, the other passes over (docs/REPLAY.md).
    read_args.group = fmt::format("dlqcat-replay-{}", dlq);
  }
  auto replay = options.replay;
  auto& policy = replay.policy;
  if (policy.retry_header && policy.retry_header->empty()) {
    throw UsageError("--retry-header: the header name is empty");
  }
  if (policy.to_topic && policy.to_topic->empty()) {
    policy.to_topic.reset(); // --to '': each record's original topic, as without --to
  }
  if (policy.to_topic) {
    check_topic_option("--to", *policy.to_topic);
  }
  if (!policy.park_topic.empty()) {
    check_topic_option("--park-topic", policy.park_topic);
  } else {
    policy.park_topic = dlq + ".parking-lot";
  }
  replay.read = make_read_options(read_args);
  replay.filter = make_filter(options.filters);
  if (replay.park_matching && replay.filter.empty()) {
    throw UsageError("park: give at least one filter or --min-attempts (else every record would be parked)");
  }
  replay.transactional_id = fmt::format("{}-{}", *replay.read.group, random_suffix());

  const auto config = client_config(global);
  kafka::require_acknowledged_delivery(config, replay.park_matching ? "park" : "replay");
  if (const auto* id = config.find("transactional.id")) {
    replay.transactional_id = *id;
  }
  // stdout carries the plan and --explain's lines. Whatever happens to it, the run goes on and is
  // reported: a write that fails is an error (exit 1) after the rest was done; a reader that went
  // away (`| head`) only stops the lines.
  util::Output out(STDOUT_FILENO);
  bool stdout_done = false;
  std::optional<IoError> write_error;
  const auto write_out = [&](bool flush) {
    if (stdout_done) {
      out.buffer().clear();
      return;
    }
    try {
      flush ? out.flush() : static_cast<void>(out.maybe_flush());
    } catch (const util::BrokenPipe&) {
      stdout_done = true;
      out.buffer().clear();
    } catch (const IoError& e) {
      stdout_done = true;
      write_error = e;
      out.buffer().clear();
    }
  };
  if (options.explain) {
    replay.explain = [&](const retry::Explanation& e) {
      if (!stdout_done) {
        out.buffer() += explain_line(e);
        write_out(false);
      }
    };
  }
  retry::Replayer replayer(config, replay);
  retry::ReplayStats stats;
  {
    ProgressLine progress(!global.quiet && ::isatty(STDERR_FILENO) != 0);
    stats = replayer.run([&progress](const retry::ReplayStats& s) { progress(s); });
  }
  if (replay.dry_run && !stdout_done) {
    out.buffer() += retry::render_plan(stats);
  }
  write_out(true);
  for (const auto& warning : stats.warnings) {
    util::write_stderr("dlqcat: warning: " + util::visible(warning) + "\n");
  }
  if (!global.quiet) {
    // Skip reasons may quote a record's bytes.
    util::write_stderr(util::visible(retry::render_summary_line(stats, replay.dry_run)) + "\n");
  }
  if (!options.summary_json.empty()) {
    write_summary_json(options.summary_json, retry::render_summary_json(stats, replay.dry_run));
  }
  if (stats.interrupted) {
    throw Interrupted();
  }
  if (stats.failed > 0) {
    throw DeliveryError(fmt::format("{} record{} not delivered; they stay uncommitted in the DLQ, and a rerun retries them",
                                    stats.failed, stats.failed == 1 ? "" : "s"));
  }
  if (stats.deferred > 0) {
    throw DeliveryError(fmt::format("{} matching record{} left for a later run: the group's commit cannot record more "
                                    "records handled past those the filters left (see docs/REPLAY.md); run without "
                                    "filters, or with ones that match the records left, to move the commit on",
                                    stats.deferred, stats.deferred == 1 ? "" : "s"));
  }
  if (stats.group_incomplete) {
    throw KafkaError(*stats.group_incomplete);
  }
  if (write_error) {
    throw *write_error;
  }
  return k_exit_ok;
}

void
add_common(CLI::App& sub, ReplayCommandOptions& options)
{
  add_read_options(sub, options.read, true, GroupUse::Always);
  // replay and park always commit in a group; name the default instead of "else assign".
  sub.get_option("--group")->description(
    "Consumer group to read and commit in (default dlqcat-replay-<dlq>, shared by replay and park)");
  sub.add_option("--park-topic", options.replay.policy.park_topic, "Parking-lot topic (default <dlq>.parking-lot)")->type_name("TOPIC");
  sub.add_option("--retry-header", options.replay.policy.retry_header,
                 "The replay counter: read, compared with the attempt limits, written back + 1 in its own encoding "
                 "(default x-retries; retry_topic-attempts on Spring retry-topic records)")
    ->type_name("NAME");
  sub.add_option("--rate", options.replay.rate, "At most N records per second")->type_name("N")->check(finite(CLI::PositiveNumber));
  sub.add_flag("--dry-run", options.replay.dry_run, "Print the plan (counts per target, partition, exception); produce and commit nothing");
  sub.add_flag("--explain", options.explain,
               "Print each record's decision and why (replay, park, skip, leave, pass) on stdout; with --dry-run, the "
               "plan record by record");
  sub.add_flag("--transactional", options.replay.transactional,
               "Produce and commit DLQ offsets in Kafka transactions (exactly once)");
  sub.add_option("--summary-json", options.summary_json, "Write the final counts as JSON to FILE")->type_name("FILE");
  add_filter_options(sub, options.filters);
}

void
check_common(const ReplayCommandOptions& options)
{
  if (options.read.topics.empty()) {
    throw CLI::RequiredError("-t,--topic");
  }
}

} // namespace

void
add_replay(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<ReplayCommandOptions>();
  auto* sub = app.add_subcommand("replay", "Republish dead letters to their source with a retry counter; park exhausted ones");
  add_common(*sub, *options);
  sub->add_option("--to", options->replay.policy.to_topic, "Target topic (default: each record's decoded original topic)")->type_name("TOPIC");
  sub->add_option("--max-attempts", options->replay.policy.max_attempts, "Park records whose replay counter reached N")
    ->type_name("N")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000000));
  sub->add_flag("--keep-partition", options->replay.policy.keep_partition, "Write to the original partition (else: by key, as Java clients)");
  sub->add_flag("--keep-error-headers", options->replay.policy.keep_error_headers, "Keep the DLQ dialect's error headers");
  sub->add_flag("--new-timestamp", options->replay.policy.new_timestamp, "Stamp records now (default: keep the original timestamp)");
  sub->add_flag("--unwrap", options->replay.policy.unwrap, "Republish the original payload of JSON error envelopes");
  sub->callback([options, &state] {
    check_common(*options);
    state.run = [options, &state] { return run_replay(*options, state.global); };
  });
}

void
add_park(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<ReplayCommandOptions>();
  options->replay.park_matching = true;
  auto* sub = app.add_subcommand("park", "Move records that match the filters (or --min-attempts) to a parking-lot topic");
  add_common(*sub, *options);
  sub->callback([options, &state] {
    check_common(*options);
    state.run = [options, &state] { return run_replay(*options, state.global); };
  });
}

} // namespace dlq::cmd
