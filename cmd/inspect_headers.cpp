// dlqcat inspect-headers: every header of every DLQ record decoded to a typed value with the
// dialect that owns it, or (--summary) a triage table; --fail-if-any turns it into a CI gate.
// Reads a topic up to the end offsets seen at start, or JSON lines (dlqcat's or kcat's) from
// stdin with `-`.

#include "app.hpp"
#include "exit_code.hpp"
#include "read_options.hpp"
#include "terminal.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "format/summary.hpp"
#include "format/typed_headers.hpp"
#include "record/json_line.hpp"
#include "util/delimited_reader.hpp"
#include "util/interrupt.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <unistd.h>

namespace dlq::cmd {

namespace {

struct InspectHeadersOptions
{
  ReadArgs read;
  FilterArgs filters;
  std::string input; // "-": stdin
  bool summary = false;
  bool json = false;
  bool fail_if_any = false;
};

// Records from JSON lines on stdin, with the same next() and next_view() shape as kafka::RecordSource.
class JsonLineSource
{
public:
  JsonLineSource() : m_reader(STDIN_FILENO, "\n", 256 * 1024 * 1024) {}

  const record::Record* next()
  {
    while (!util::interrupt_requested()) {
      auto line = m_reader.next();
      if (!line) {
        return nullptr;
      }
      ++m_line;
      if (line->empty()) {
        continue;
      }
      try {
        m_record = record::parse_json_line(*line);
      } catch (const UsageError& e) {
        throw UsageError(fmt::format("stdin:{}: {}", m_line, e.what()));
      }
      return &m_record;
    }
    return nullptr;
  }
  const record::RecordView* next_view()
  {
    const record::Record* record = next();
    if (record == nullptr) {
      return nullptr;
    }
    m_view = *record;
    return &m_view;
  }

private:
  util::DelimitedReader m_reader;
  uint64_t m_line = 0;
  record::Record m_record;
  record::RecordView m_view;
};

template <typename Source>
int
inspect(Source& source, const InspectHeadersOptions& options, const Filter& filter, bool color)
{
  util::Output out(STDOUT_FILENO);
  format::Summary summary;
  uint64_t matched = 0;
  ErrorContext error; // reused: its strings keep their buffers
  dialect::Decoder decoder;
  NextRecord next;
  try {
    while (true) {
      // --summary looks at each record once, from a view; the typed headers take a Record.
      const record::RecordView* record = next.read(source, !options.summary);
      if (record == nullptr) {
        break;
      }
      const ErrorContext* context = decoder.decode(*record, error) ? &error : nullptr;
      if (!matches(filter, *record, context)) {
        continue;
      }
      ++matched;
      if (options.summary) {
        summary.add(*record, context);
      } else if (options.json) {
        format::render_typed_headers_json(out.buffer(), *next.owned, context);
      } else {
        format::render_typed_headers(out.buffer(), *next.owned, context, color);
      }
      out.maybe_flush();
    }
    if (options.summary) {
      out.buffer() += options.json ? format::render_summary_json(summary) : format::render_summary_table(summary);
    }
    out.flush();
  } catch (const util::BrokenPipe&) {
    // The reader went away (`| head -1`): the report ends, the gate does not. Output is written
    // only for matching records (or at the end, with --summary), so a match was seen already.
  }
  if (util::interrupt_requested()) {
    throw Interrupted();
  }
  return options.fail_if_any && matched > 0 ? k_exit_matched : k_exit_ok;
}

int
run_inspect_headers(const InspectHeadersOptions& options, const GlobalOptions& global)
{
  require_stdout(global);
  const auto filter = make_filter(options.filters);
  const bool color = !options.json && use_color(global.color, STDOUT_FILENO);
  if (options.input == "-") {
    require_stdin(global, "pipe JSON lines in, or read from Kafka with -t");
    JsonLineSource source;
    return inspect(source, options, filter, color);
  }
  auto read = make_read_options(options.read);
  read.stop_at_end = true; // a report covers what was there at start
  kafka::RecordSource source(client_config(global), read);
  const int code = inspect(source, options, filter, color);
  source.close();
  return code;
}

} // namespace

void
add_inspect_headers(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<InspectHeadersOptions>();
  auto* sub = app.add_subcommand("inspect-headers",
                                 "Decode every header to a typed value and its dialect; --summary for a triage table");
  add_read_options(*sub, options->read, false);
  sub->add_option("input", options->input, "- reads JSON lines (dlqcat -J or kcat -J) from stdin instead of Kafka")
    ->type_name("-")
    ->check(CLI::IsMember({"-"}));
  sub->add_flag("--summary", options->summary, "Group by original topic, exception class and stage");
  sub->add_flag("-J,--json", options->json, "JSON output");
  sub->add_flag("--fail-if-any", options->fail_if_any, "Exit 3 when any record matched (a CI gate)");
  add_filter_options(*sub, options->filters);
  sub->callback([options, &state] {
    if (options->read.topics.empty() && options->input.empty()) {
      throw CLI::RequiredError("-t,--topic (or - for stdin)");
    }
    if (!options->read.topics.empty() && !options->input.empty()) {
      throw CLI::ValidationError("-", "cannot be combined with -t");
    }
    state.run = [options, &state] { return run_inspect_headers(*options, state.global); };
  });
}

} // namespace dlq::cmd
