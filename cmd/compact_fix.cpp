// dlqcat compact-fix: find the record that kills a sink, park it, correct it, and get the sink
// going again (by forced compaction or by moving its group past the record).

#include "app.hpp"
#include "exit_code.hpp"

#include "error.hpp"
#include "fix/compact_fix.hpp"
#include "util/output.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace dlq::cmd {

namespace {

struct CompactFixCommandOptions
{
  fix::CompactFixOptions fix;
  std::string strategy;
  std::string value;
  std::string value_file;
  bool has_value = false;
  bool tombstone = false;
  std::string pk;
  double timeout_s = 300;
  double admin_timeout_s = 10;
  double connect_timeout_s = 120;
};

std::string
read_value_file(const std::string& path)
{
  std::unique_ptr<FILE, int (*)(FILE*)> file(path == "-" ? stdin : std::fopen(path.c_str(), "rb"),
                                             [](FILE* f) { return f == stdin ? 0 : std::fclose(f); });
  if (!file) {
    throw IoError(fmt::format("--value-file: cannot read \"{}\"", path));
  }
  std::string content;
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    content.append(buffer, n);
  }
  if (std::ferror(file.get()) != 0) {
    throw IoError(fmt::format("--value-file: cannot read \"{}\"", path));
  }
  return content;
}

// The correction's value; a single trailing newline (from echo or an editor) is not part of it.
record::Bytes
correction_value(const CompactFixCommandOptions& options, const GlobalOptions& global)
{
  const int given = (options.has_value ? 1 : 0) + (options.value_file.empty() ? 0 : 1) + (options.tombstone ? 1 : 0);
  if (given > 1) {
    throw UsageError("give only one of --value, --value-file and --tombstone");
  }
  if (options.tombstone) {
    return std::nullopt;
  }
  if (options.has_value) {
    return options.value;
  }
  std::string path = options.value_file;
  if (path.empty() || path == "-") {
    require_stdin(global, "give the correction with --value, --value-file FILE or --tombstone");
  }
  if (path.empty()) {
    if (::isatty(STDIN_FILENO) != 0) {
      throw UsageError("--strategy needs the correction: --value, --value-file, --tombstone, or the value on stdin");
    }
    path = "-";
  }
  auto value = read_value_file(path);
  if (!value.empty() && value.back() == '\n') {
    value.pop_back();
  }
  return value;
}

std::vector<std::string>
split_columns(const std::string& list)
{
  std::vector<std::string> columns;
  std::stringstream in(list);
  for (std::string column; std::getline(in, column, ',');) {
    if (!column.empty()) {
      columns.push_back(column);
    }
  }
  return columns;
}

std::chrono::milliseconds
to_ms(double seconds)
{
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

void
check(CompactFixCommandOptions& options, const GlobalOptions& global)
{
  auto& fix = options.fix;
  const bool by_offset = fix.partition || fix.offset;
  const int selections = (fix.find_poison ? 1 : 0) + (by_offset ? 1 : 0) + (fix.key ? 1 : 0);
  if (selections != 1) {
    throw UsageError("name the poison record with one of --find-poison, --partition with --offset, or --key");
  }
  if (by_offset && !(fix.partition && fix.offset)) {
    throw UsageError("--partition and --offset go together");
  }
  if (fix.find_poison && (fix.pg_url.empty() || fix.table.empty())) {
    throw UsageError("--find-poison needs --pg URL and --table TABLE");
  }
  if (!fix.pg_url.empty() && fix.table.empty()) {
    throw UsageError("--pg needs --table TABLE");
  }
  if (fix.all && !fix.find_poison) {
    throw UsageError("--all goes with --find-poison");
  }
  if (!fix.connect_url.empty() && fix.connector.empty()) {
    throw UsageError("--connect needs --connector NAME");
  }
  if (fix.group.empty()) {
    if (fix.connector.empty()) {
      throw UsageError("give the sink's consumer group: --group GROUP, or --connector NAME for connect-NAME");
    }
    fix.group = "connect-" + fix.connector;
  }
  if (fix.park_topic.empty()) {
    fix.park_topic = fix.topic + ".parking-lot";
  }
  fix.key_columns = split_columns(options.pk);
  fix.compaction_timeout = to_ms(options.timeout_s);
  fix.admin_timeout = to_ms(options.admin_timeout_s);
  fix.connect_timeout = to_ms(options.connect_timeout_s);
  if (options.strategy.empty()) {
    const bool wants_fix = options.has_value || !options.value_file.empty() || options.tombstone;
    if (wants_fix) {
      throw UsageError("a correction needs --strategy compact or --strategy skip");
    }
    return;
  }
  if (fix.all) {
    throw UsageError("--all only reports; a fix handles one record at a time: drop --all");
  }
  fix.strategy = options.strategy == "compact" ? fix::Strategy::Compact : fix::Strategy::Skip;
  fix.correction = correction_value(options, global);
}

int
run_compact_fix(CompactFixCommandOptions& options, const GlobalOptions& global)
{
  check(options, global);
  const auto config = client_config(global);
  kafka::require_acknowledged_delivery(config, "compact-fix");
  // Each step as it happens, also into a pipe; record keys and database messages escaped. A
  // report that cannot be written does not stop a fix halfway: it fails the command at the end.
  std::optional<IoError> write_error;
  const auto poisons = fix::compact_fix(config, options.fix, [&write_error](const std::string& line) {
    if (write_error) {
      return;
    }
    try {
      util::write_all(STDOUT_FILENO, util::visible(line) + "\n");
    } catch (const util::BrokenPipe&) {
      // The reader went away: the fix goes on, its exit code says how it ended.
    } catch (const IoError& e) {
      write_error = e;
    }
  });
  if (write_error) {
    throw *write_error;
  }
  // --find-poison alone is a gate, like inspect-headers --fail-if-any: 3 when it found a poison
  // (CI fails the step), 0 when the table accepts every record. A fix that ran returns 0.
  if (options.fix.find_poison && options.fix.strategy == fix::Strategy::Report && !poisons.empty()) {
    return k_exit_matched;
  }
  return k_exit_ok;
}

} // namespace

void
add_compact_fix(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<CompactFixCommandOptions>();
  auto& fix = options->fix;
  auto* sub = app.add_subcommand(
    "compact-fix", "Find the record that kills a sink, park it, produce its correction, compact or skip it, restart the connector");
  sub->add_option("-t,--topic", fix.topic, "The sink's topic")->type_name("TOPIC")->required();
  sub->add_option("-G,--group", fix.group, "The sink's consumer group (default connect-<connector>)")->type_name("GROUP");
  sub->add_option("--connector", fix.connector, "Kafka Connect connector name")->type_name("NAME");
  sub->add_option("--connect", fix.connect_url, "Kafka Connect REST URL: stop the connector before, restart it after")
    ->type_name("URL");
  sub->add_flag("--find-poison", fix.find_poison, "Try each record from the group's offsets against the table (rolled back)");
  sub->add_flag("--all", fix.all, "With --find-poison: list every failing record, change nothing");
  sub->add_option("--partition", fix.partition, "The poison's partition (with --offset)")->type_name("N")->check(CLI::NonNegativeNumber);
  sub->add_option("--offset", fix.offset, "The poison's offset (with --partition)")->type_name("N")->check(CLI::NonNegativeNumber);
  sub->add_option("--key", fix.key, "The poison is the first record with this key after the group's offsets")->type_name("KEY");
  sub->add_option("--pg", fix.pg_url, "PostgreSQL connection URI or string of the sink's database")->type_name("URL");
  sub->add_option("--table", fix.table, "The sink's table")->type_name("TABLE");
  sub->add_option("--pk", options->pk, "Key columns, comma-separated (default: the table's primary key)")->type_name("COLS");
  sub->add_option("--strategy", options->strategy, "Fix by forced compaction or by moving the group past the record")
    ->type_name("compact|skip")
    ->check(CLI::IsMember({"compact", "skip"}));
  sub->add_option_function<std::string>(
       "--value",
       [options](const std::string& value) {
         options->value = value;
         options->has_value = true;
       },
       "The correction's value")
    ->type_name("VALUE");
  sub->add_option("--value-file", options->value_file, "Read the correction's value from FILE (- = stdin)")->type_name("FILE");
  sub->add_flag("--tombstone", options->tombstone, "The correction is a tombstone (null value)");
  sub->add_option("--park-topic", fix.park_topic, "Where the poison is parked (default <topic>.parking-lot)")->type_name("TOPIC");
  sub->add_option("--segment-ms", fix.compaction.segment_ms, "segment.ms while compacting")
    ->type_name("MS")
    ->capture_default_str()
    ->check(CLI::PositiveNumber & CLI::TypeValidator<int64_t>());
  sub->add_option("--dirty-ratio", fix.compaction.dirty_ratio, "min.cleanable.dirty.ratio while compacting")
    ->type_name("RATIO")
    ->capture_default_str()
    ->check(finite(CLI::Range(0.0, 1.0)));
  sub->add_option("--timeout", options->timeout_s, "Give up waiting for compaction after SECONDS")
    ->type_name("SECONDS")
    ->capture_default_str()
    ->check(finite(CLI::PositiveNumber));
  sub->add_option("--admin-timeout", options->admin_timeout_s, "Give up on a topic config request after SECONDS")
    ->type_name("SECONDS")
    ->capture_default_str()
    ->check(finite(CLI::PositiveNumber));
  sub->add_option("--connect-timeout", options->connect_timeout_s,
                  "Give up waiting for the connector (and the corrected row) after SECONDS")
    ->type_name("SECONDS")
    ->capture_default_str()
    ->check(finite(CLI::PositiveNumber));
  sub->add_flag("--dry-run", fix.dry_run, "Find the poison and print the plan; change nothing");
  sub->callback([options, &state] {
    state.run = [options, &state] { return run_compact_fix(*options, state.global); };
  });
}

} // namespace dlq::cmd
