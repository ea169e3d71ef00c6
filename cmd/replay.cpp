// dlqcat replay and park: republish dead letters to their source with a retry counter, or move
// them to a parking lot, committing DLQ offsets only for what was delivered.

#include "app.hpp"
#include "exit_code.hpp"
#include "read_options.hpp"

#include "error.hpp"
#include "retry/replayer.hpp"
#include "util/interrupt.hpp"
#include "util/output.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <unistd.h>

namespace dlq::cmd {

namespace {

struct ReplayCommandOptions
{
  ReadArgs read;
  FilterArgs filters;
  std::string to;
  std::string park_topic;
  int32_t max_attempts = 3;
  std::string retry_header = "x-retries";
  bool keep_partition = false;
  bool keep_error_headers = false;
  bool new_timestamp = false;
  bool unwrap = false;
  double rate = 0;
  bool dry_run = false;
  bool transactional = false;
  std::string summary_json;
  bool park = false; // the `park` command
};

// One line on stderr, redrawn in place: only when stderr is a terminal.
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
    util::write_stderr(fmt::format("\r\x1b[K{} read, {} replayed, {} parked, {} skipped, {} failed", stats.read,
                                   stats.replayed, stats.parked, stats.skipped, stats.failed));
    m_drawn = true;
  }

private:
  bool m_enabled;
  bool m_drawn = false;
};

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
    read_args.group = fmt::format("dlqcat-{}-{}", options.park ? "park" : "replay", dlq);
  }
  retry::ReplayOptions replay;
  replay.read = make_read_options(read_args);
  replay.filter = make_filter(options.filters);
  if (options.park && replay.filter.empty()) {
    throw UsageError("park: give at least one filter or --min-attempts (else every record would be parked)");
  }
  replay.policy.to_topic = options.to.empty() ? std::nullopt : std::optional<std::string>(options.to);
  replay.policy.park_topic = options.park_topic.empty() ? dlq + ".parking-lot" : options.park_topic;
  replay.policy.max_attempts = options.max_attempts;
  replay.policy.retry_header = options.retry_header;
  replay.policy.keep_partition = options.keep_partition;
  replay.policy.keep_error_headers = options.keep_error_headers;
  replay.policy.new_timestamp = options.new_timestamp;
  replay.policy.unwrap = options.unwrap;
  replay.park_matching = options.park;
  replay.rate = options.rate;
  replay.dry_run = options.dry_run;
  replay.transactional = options.transactional;
  replay.transactional_id = fmt::format("{}-{}", *replay.read.group, random_suffix());

  const auto config = client_config(global);
  kafka::require_acknowledged_delivery(config, options.park ? "park" : "replay");
  if (const auto* id = config.find("transactional.id")) {
    replay.transactional_id = *id;
  }
  retry::Replayer replayer(config, replay);
  retry::ReplayStats stats;
  {
    ProgressLine progress(!global.quiet && ::isatty(STDERR_FILENO) != 0);
    stats = replayer.run([&progress](const retry::ReplayStats& s) { progress(s); });
  }
  // Everything below is reported, whatever happens to stdout: a write that fails is an error
  // (exit 1) after the rest was done; a reader that went away is not.
  std::optional<IoError> write_error;
  if (options.dry_run) {
    try {
      util::write_all(STDOUT_FILENO, retry::render_plan(stats));
    } catch (const util::BrokenPipe&) {
    } catch (const IoError& e) {
      write_error = e;
    }
  }
  if (!global.quiet) {
    // Skip reasons may quote a record's bytes.
    util::write_stderr(util::visible(retry::render_summary_line(stats, options.dry_run)) + "\n");
  }
  if (!options.summary_json.empty()) {
    write_summary_json(options.summary_json, retry::render_summary_json(stats, options.dry_run));
  }
  if (stats.interrupted) {
    throw Interrupted();
  }
  if (stats.failed > 0) {
    throw DeliveryError(fmt::format("{} record{} not delivered; their DLQ offsets were not committed, so a rerun retries them",
                                    stats.failed, stats.failed == 1 ? "" : "s"));
  }
  if (write_error) {
    throw *write_error;
  }
  return k_exit_ok;
}

void
add_common(CLI::App& sub, ReplayCommandOptions& options)
{
  add_read_options(sub, options.read);
  // replay and park always commit in a group; name the default instead of "else assign".
  sub.get_option("--group")->description(
    fmt::format("Consumer group to read and commit in (default dlqcat-{}-<dlq>)", options.park ? "park" : "replay"));
  sub.add_option("--park-topic", options.park_topic, "Parking-lot topic (default <dlq>.parking-lot)")->type_name("TOPIC");
  sub.add_option("--rate", options.rate, "At most N records per second")->type_name("N")->check(finite(CLI::PositiveNumber));
  sub.add_flag("--dry-run", options.dry_run, "Print the plan (counts per target, partition, exception); produce and commit nothing");
  sub.add_flag("--transactional", options.transactional,
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
  sub->add_option("--to", options->to, "Target topic (default: each record's decoded original topic)")->type_name("TOPIC");
  sub->add_option("--max-attempts", options->max_attempts, "Park records whose attempts reached N")
    ->type_name("N")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000000));
  sub->add_option("--retry-header", options->retry_header, "Header that carries the attempt count (decimal text)")
    ->type_name("NAME")
    ->capture_default_str();
  sub->add_flag("--keep-partition", options->keep_partition, "Write to the original partition (else: by key, as Java clients)");
  sub->add_flag("--keep-error-headers", options->keep_error_headers, "Keep the DLQ dialect's error headers");
  sub->add_flag("--new-timestamp", options->new_timestamp, "Stamp records now (default: keep the original timestamp)");
  sub->add_flag("--unwrap", options->unwrap, "Republish the original payload of JSON error envelopes");
  sub->callback([options, &state] {
    check_common(*options);
    state.run = [options, &state] { return run_replay(*options, state.global); };
  });
}

void
add_park(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<ReplayCommandOptions>();
  options->park = true;
  auto* sub = app.add_subcommand("park", "Move records that match the filters (or --min-attempts) to a parking-lot topic");
  add_common(*sub, *options);
  sub->callback([options, &state] {
    check_common(*options);
    state.run = [options, &state] { return run_replay(*options, state.global); };
  });
}

} // namespace dlq::cmd
