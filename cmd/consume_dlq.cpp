// dlqcat consume-dlq: read DLQ topics and print each record with its decoded error context,
// as readable blocks, kcat -f format strings or lossless JSON lines (-J).

#include "app.hpp"
#include "exit_code.hpp"
#include "read_options.hpp"
#include "terminal.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "format/block.hpp"
#include "format/format.hpp"
#include "record/json_line.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <unistd.h>

namespace dlq::cmd {

namespace {

struct ConsumeDlqOptions
{
  ReadArgs read;
  FilterArgs filters;
  std::optional<uint64_t> count;
  std::optional<std::string> format;
  bool json = false;
  bool stacktrace = false;
};

// Keeps the position (not the bytes) of a record whose output is still buffered.
void
remember(std::vector<record::Record>& unwritten, const record::RecordView& record)
{
  for (auto& pending : unwritten) {
    if (pending.partition == record.partition && pending.topic == record.topic) {
      pending.offset = record.offset;
      return;
    }
  }
  record::Record position;
  position.topic = record.topic;
  position.partition = record.partition;
  position.offset = record.offset;
  unwritten.push_back(std::move(position));
}

int
run_consume_dlq(const ConsumeDlqOptions& options, const GlobalOptions& global)
{
  require_stdout(global);
  const auto filter = make_filter(options.filters);
  std::optional<format::Template> tpl;
  if (options.format) {
    tpl = format::compile(*options.format);
  }
  format::BlockOptions block;
  block.full_stacktrace = options.stacktrace;
  block.color = !options.json && !tpl && use_color(global.color, STDOUT_FILENO); // blocks only

  util::Output out(STDOUT_FILENO);
  auto read_options = make_read_options(options.read);
  // Following a quiet topic, each record shows when it comes, not once 64 KiB of them have.
  // Its offset is marked with the next full buffer, or at the end.
  read_options.on_idle = [&out] { out.flush(); };
  kafka::RecordSource source(client_config(global), std::move(read_options));
  // With -G, a record's offset is stored for commit only once its output has been written:
  // a reader that goes away never loses records to a commit.
  std::vector<record::Record> unwritten;
  const auto written = [&] {
    for (const auto& record : unwritten) {
      source.mark_processed(record);
    }
    unwritten.clear();
  };
  ErrorContext error; // reused: its strings keep their buffers
  dialect::Decoder decoder;
  uint64_t printed = 0;
  NextRecord next;
  try {
    while (!options.count || printed < *options.count) {
      // -J writes each line straight from the consumed message; the formats and blocks take a Record.
      const record::RecordView* record = next.read(source, !options.json);
      if (record == nullptr) {
        break;
      }
      // Decoding is skipped when nothing printed or filtered needs it (plain kcat-style -f).
      const bool needs_error = options.json || !tpl || tpl->uses_error_context() || !filter.empty();
      const ErrorContext* context = needs_error && decoder.decode(*record, error) ? &error : nullptr;
      if (!matches(filter, *record, context)) {
        remember(unwritten, *record);
        continue;
      }
      auto& buffer = out.buffer();
      if (options.json) {
        record::append_json_line(buffer, *record, context, {.stacktrace = options.stacktrace});
        buffer.push_back('\n');
      } else if (tpl) {
        format::render(buffer, *tpl, *next.owned, context);
      } else {
        format::render_block(buffer, *next.owned, context, block);
      }
      remember(unwritten, *record);
      if (out.maybe_flush()) {
        written();
      }
      ++printed;
    }
    out.flush();
    written();
  } catch (const util::BrokenPipe&) {
    // The reader went away (`| head`): a normal end. Offsets of records that may not have
    // reached the reader are not committed.
    source.close();
    return k_exit_ok;
  } catch (const Interrupted&) {
    // SIGINT/SIGTERM while a stalled reader held stdout: what was written is committed, the
    // rest is read again next time.
    source.commit();
    source.close();
    throw;
  }
  source.commit();
  source.close();
  if (source.interrupted()) {
    throw Interrupted();
  }
  if (const auto& incomplete = source.group_incomplete()) {
    throw KafkaError(*incomplete); // -e in a group whose other members stopped short
  }
  return k_exit_ok;
}

} // namespace

void
add_consume_dlq(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<ConsumeDlqOptions>();
  auto* sub = app.add_subcommand("consume-dlq", "Print DLQ records with their decoded error context");
  add_read_options(*sub, options->read);
  sub->add_option("-c,--count", options->count, "Stop after N records")->type_name("N")->check(count_validator());
  sub->add_option("-f,--format", options->format,
                  "kcat format: %t %p %o %k %s %K %S %T %h %%, and %E %M %O %A %G %d (error fields)")
    ->type_name("FMT");
  sub->add_flag("-J,--json", options->json, "Lossless JSON lines with the decoded error object");
  sub->add_flag("--stacktrace", options->stacktrace, "Whole stack traces (default: blocks show 5 lines; -J's error object leaves it to the header)");
  add_filter_options(*sub, options->filters);
  sub->callback([options, &state] {
    if (options->read.topics.empty()) {
      throw CLI::RequiredError("-t,--topic");
    }
    if (options->json && options->format) {
      throw CLI::ValidationError("-J", "cannot be combined with -f");
    }
    state.run = [options, &state] { return run_consume_dlq(*options, state.global); };
  });
}

} // namespace dlq::cmd
