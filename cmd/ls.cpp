// dlqcat ls: every dead-letter queue of a cluster at a glance. Found by content (a sample of the
// newest records of every topic decoded with every dialect), not only by name; per topic the
// records held, dialects, oldest and newest record, and the consumer groups reading it with their
// lag. A table, JSON lines (-J), a CI gate (--fail-if-any) and node_exporter's textfile format
// (--prometheus FILE).

#include "app.hpp"
#include "exit_code.hpp"

#include "inventory/scan.hpp"
#include "util/atomic_file.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <unistd.h>

namespace dlq::cmd {

namespace {

struct LsOptions
{
  std::string topic_regex;
  bool json = false;
  bool fail_if_any = false;
  std::string prometheus;
  double timeout_s = 10;
  size_t sample = 5;
};

int
run_ls(const LsOptions& options, const GlobalOptions& global)
{
  require_stdout(global);
  inventory::ScanOptions scan_options;
  scan_options.topic_regex = options.topic_regex;
  scan_options.sample = options.sample;
  scan_options.timeout = std::chrono::milliseconds(static_cast<int64_t>(std::llround(options.timeout_s * 1000)));

  // Progress only where a person watches: a terminal stderr, and not with -q.
  const bool show_progress = !global.quiet && ::isatty(STDERR_FILENO) != 0;
  bool drawn = false;
  auto result = inventory::scan(client_config(global), scan_options, [&](size_t done, size_t total) {
    if (show_progress) {
      util::write_stderr(fmt::format("\r\x1b[Ksampling: {}/{} partitions", done, total));
      drawn = true;
    }
  });
  if (drawn) {
    util::write_stderr("\r\x1b[K");
  }
  if (!global.quiet) {
    for (const auto& note : result.notes) {
      util::write_stderr(fmt::format("dlqcat: note: {}\n", one_line(note)));
    }
  }
  if (!options.prometheus.empty()) {
    util::replace_file(options.prometheus, inventory::render_prometheus(result.topics, result.info), "--prometheus");
  }

  bool any_records = false;
  for (const auto& topic : result.topics) {
    any_records = any_records || topic.records > 0;
  }
  const int code = options.fail_if_any && any_records ? k_exit_matched : k_exit_ok;
  try {
    util::Output out(STDOUT_FILENO);
    if (options.json) {
      for (const auto& topic : result.topics) {
        out.buffer() += inventory::render_json(topic);
      }
    } else {
      out.buffer() += inventory::render_table(result.topics, result.info.finished_ms);
    }
    out.flush();
  } catch (const util::BrokenPipe&) {
    // The reader went away: the gate's answer does not depend on it.
  }
  return code;
}

} // namespace

void
add_ls(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<LsOptions>();
  auto* sub = app.add_subcommand("ls", "List the cluster's dead-letter topics: records, dialects, age, consumer groups");
  sub->add_option("-t,--topic", options->topic_regex, "Only topics whose name matches this regular expression (RE2)")
    ->type_name("REGEX");
  sub->add_flag("-J,--json", options->json, "One JSON object per topic");
  sub->add_flag("--fail-if-any", options->fail_if_any, "Exit 3 when any dead-letter topic holds records (a CI gate)");
  sub->add_option("--prometheus", options->prometheus,
                  "Also write the counts to FILE in Prometheus' text format (node_exporter's textfile collector)")
    ->type_name("FILE");
  sub->add_option("--timeout", options->timeout_s, "Give the whole scan at most SECONDS")
    ->type_name("SECONDS")
    ->check(finite(CLI::PositiveNumber))
    ->capture_default_str();
  sub->add_option("--sample", options->sample, "Newest records read from each partition")
    ->type_name("N")
    ->check(count_validator() & CLI::Range(size_t(1), size_t(1000)))
    ->capture_default_str();
  sub->callback([options, &state] { state.run = [options, &state] { return run_ls(*options, state.global); }; });
}

} // namespace dlq::cmd
