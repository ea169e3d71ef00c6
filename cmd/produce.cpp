// dlqcat produce: records from stdin or files into a topic, kcat -P style, or lossless JSON lines
// (--json). Exits 1 unless every record was acknowledged.

#include "app.hpp"
#include "exit_code.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "format/escape.hpp"
#include "kafka/producer.hpp"
#include "record/json_line.hpp"
#include "util/delimited_reader.hpp"
#include "util/interrupt.hpp"
#include "util/output.hpp"
#include "util/redact.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace dlq::cmd {

namespace {

struct ProduceOptions
{
  std::string topic;
  int32_t partition = -1;
  std::optional<std::string> key;
  std::optional<std::string> key_delimiter;
  std::string delimiter = "\\n";
  std::vector<std::string> headers;
  bool null_empty = false;
  std::string delimited_file;
  std::vector<std::string> files;
  bool json = false;
  // --dialect: fabricate DLQ records with that dialect's exact error headers.
  std::string dialect;
  std::string error_class;
  std::string error_message;
  std::string original;
  std::optional<int32_t> attempts;
  std::string stage;
};

// Upper bound on one input record, to keep memory bounded on runaway input. Larger records are
// an input error; records above message.max.bytes are refused by librdkafka and counted failed.
constexpr size_t k_max_input_record = 256 * 1024 * 1024;

class FdGuard
{
public:
  explicit FdGuard(int fd) : m_fd(fd) {}
  ~FdGuard()
  {
    if (m_fd > 0) {
      ::close(m_fd);
    }
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const noexcept { return m_fd; }

private:
  int m_fd;
};

// A directory opens and reads as nothing: refused by name instead (an empty record would go out).
void
require_not_directory(const std::string& path, std::string_view option)
{
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw UsageError(fmt::format("{}\"{}\" is a directory, not a file", option, path));
  }
}

int
open_input(const std::string& path)
{
  require_not_directory(path, "-l: ");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError(fmt::format("cannot open \"{}\": {}", path, std::strerror(errno)));
  }
  return fd;
}

std::string
read_whole_file(const std::string& path)
{
  require_not_directory(path, "");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(fmt::format("cannot open \"{}\"", path));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

class ProduceRun
{
public:
  ProduceRun(const ProduceOptions& options, const GlobalOptions& global)
    : m_options(options),
      m_global(global),
      m_delimiter(option_bytes("-D", options.delimiter)),
      m_key_delimiter(options.key_delimiter ? option_bytes("-K", *options.key_delimiter) : std::string()),
      m_producer(client_config(global))
  {
    for (const auto& header : options.headers) {
      m_headers.push_back(parse_header(header));
    }
    if (!options.topic.empty()) {
      check_partition(options.topic, options.partition);
    }
    if (!options.dialect.empty()) {
      m_error.emplace();
      m_error->dialect = options.dialect;
      if (!options.original.empty()) {
        m_error->original = parse_original_location(options.original);
      }
      if (!options.error_class.empty()) {
        m_error->exception.class_name = options.error_class;
      }
      if (!options.error_message.empty()) {
        m_error->exception.message = options.error_message;
      }
      if (!options.stage.empty()) {
        m_error->stage = options.stage;
      }
      m_error->attempts = options.attempts;
    }
  }

  int run()
  {
    try {
      read_input();
    } catch (...) {
      finish(); // what was read before the error is still delivered and counted
      throw;
    }
    finish();
    if (util::interrupt_requested()) {
      throw Interrupted();
    }
    if (m_producer.failed() > 0) {
      throw DeliveryError(fmt::format("{} of {} records not delivered: {}",
                                      m_producer.failed(),
                                      m_producer.failed() + m_producer.delivered(),
                                      m_producer.first_error()));
    }
    return k_exit_ok;
  }

private:
  void read_input()
  {
    if (!m_options.files.empty()) {
      // kcat: each file named on the command line is one record.
      for (const auto& path : m_options.files) {
        if (util::interrupt_requested()) {
          return;
        }
        record::Record record;
        record.key = m_options.key;
        record.value = read_whole_file(path);
        if (record.value->empty()) {
          continue; // kcat skips an empty file too
        }
        send(std::move(record));
      }
      return;
    }
    FdGuard file(m_options.delimited_file.empty() ? 0 : open_input(m_options.delimited_file));
    const std::string source = m_options.delimited_file.empty() ? "stdin" : m_options.delimited_file;
    util::DelimitedReader reader(file.get(), m_delimiter, k_max_input_record);
    uint64_t line = 0;
    while (!util::interrupt_requested()) {
      auto text = reader.next();
      if (!text) {
        break;
      }
      ++line;
      if (text->empty()) {
        continue; // kcat sends no record for an empty line either
      }
      if (m_options.json) {
        record::Record record;
        try {
          record = record::parse_json_line(*text);
        } catch (const UsageError& e) {
          throw UsageError(fmt::format("{}:{}: {}", source, line, e.what()));
        }
        send(std::move(record));
      } else {
        send(split_line(std::move(*text)));
      }
    }
  }

  // -H as kcat takes it: "name=value", or "name" alone for a header with a null value.
  static record::Header parse_header(const std::string& text)
  {
    const auto eq = text.find('=');
    if (text.empty() || eq == 0) {
      throw UsageError(fmt::format("-H: expected name=value or name, got \"{}\"", util::redact_argument(text)));
    }
    if (eq == std::string::npos) {
      return {text, std::nullopt};
    }
    return {text.substr(0, eq), text.substr(eq + 1)};
  }

  // A delimiter option with its escapes resolved; errors name the option.
  static std::string option_bytes(std::string_view option, const std::string& text)
  {
    std::string bytes;
    if (!format::append_unescaped(bytes, text) || bytes.empty()) {
      throw UsageError(fmt::format("{}: invalid delimiter \"{}\"", option, text));
    }
    return bytes;
  }

  record::Record split_line(std::string text) const
  {
    record::Record record;
    record.key = m_options.key;
    if (!m_key_delimiter.empty()) {
      const auto pos = text.find(m_key_delimiter);
      if (pos != std::string::npos) {
        record.key = text.substr(0, pos);
        text.erase(0, pos + m_key_delimiter.size());
      }
    }
    record.value = std::move(text);
    return record;
  }

  void send(record::Record record)
  {
    if (!m_options.topic.empty()) {
      record.topic = m_options.topic;
    }
    if (record.topic.empty()) {
      throw UsageError("-t: no topic given, and the JSON record names none");
    }
    if (m_options.partition >= 0) {
      record.partition = m_options.partition;
    } else if (m_options.topic.empty() || m_options.json) {
      check_partition(record.topic, record.partition);
    }
    if (m_options.null_empty) {
      if (record.key && record.key->empty()) {
        record.key.reset();
      }
      if (record.value && record.value->empty()) {
        record.value.reset();
      }
    }
    record.headers.insert(record.headers.end(), m_headers.begin(), m_headers.end());
    if (m_error) {
      dialect::encode(m_error->dialect, *m_error, record);
    }
    m_producer.produce(record);
    m_producer.poll(kafka::milliseconds(0));
  }

  // Fails early and clearly on a partition the topic does not have (librdkafka would fail each
  // record with "Local: Unknown partition").
  void check_partition(const std::string& topic, int32_t partition)
  {
    auto it = m_partition_counts.find(topic);
    if (it == m_partition_counts.end()) {
      it = m_partition_counts.emplace(topic, m_producer.partitions(topic).size()).first;
    }
    if (partition >= 0 && static_cast<size_t>(partition) >= it->second) {
      throw UsageError(fmt::format("-p: partition {} out of range (topic \"{}\" has {} partitions)", partition, topic, it->second));
    }
  }

  void finish()
  {
    while (m_producer.in_flight() > 0 && !util::interrupt_requested()) {
      m_producer.flush(kafka::milliseconds(100));
    }
    if (util::interrupt_requested()) {
      // A second chance for what is already on the wire; the rest is reported as failed.
      m_producer.flush(kafka::milliseconds(5000));
    }
    if (!m_global.quiet) {
      util::write_stderr(
        fmt::format("{} delivered, {} failed\n", m_producer.delivered(), m_producer.failed() + m_producer.in_flight()));
    }
  }

  const ProduceOptions& m_options;
  const GlobalOptions& m_global;
  std::string m_delimiter;
  std::string m_key_delimiter;
  kafka::Producer m_producer;
  std::vector<record::Header> m_headers;
  std::map<std::string, size_t> m_partition_counts;
  std::optional<ErrorContext> m_error;
};

} // namespace

void
add_produce(CLI::App& app, AppState& state)
{
  auto options = std::make_shared<ProduceOptions>();
  auto* sub = app.add_subcommand("produce", "Produce records from stdin or files (kcat -P)");
  sub->add_option("-t,--topic", options->topic, "Topic to produce to (with --json: else each record's topic)")->type_name("TOPIC");
  sub->add_option("-p,--partition", options->partition, "Partition (default: the partitioner, or the JSON record's)")
    ->type_name("N")
    ->check(CLI::Validator(
      [](std::string& text) -> std::string {
        int32_t partition = 0;
        if (CLI::detail::lexical_cast(text, partition) && partition < -1) {
          return fmt::format("invalid partition {} (expected N >= 0, or -1 for the partitioner)", partition);
        }
        return {};
      },
      ""));
  sub->add_option("-k,--key", options->key, "Key for every record")->type_name("KEY");
  sub->add_option("-K", options->key_delimiter, "Key delimiter: split each record into key and value at its first occurrence")
    ->type_name("DELIM");
  sub->add_option("-D", options->delimiter, "Record delimiter (escapes \\n \\t \\xHH ...)")->type_name("DELIM")->capture_default_str();
  sub->add_option("-H", options->headers, "Header name=value added to every record (repeatable; name alone: a null value)")
    ->type_name("NAME=VALUE");
  sub->add_flag("-Z", options->null_empty, "Send empty keys and values as NULL");
  sub->add_option("-l", options->delimited_file, "Read delimited records from FILE instead of stdin")->type_name("FILE");
  sub->add_flag("--json", options->json, "Input is lossless JSON lines (key, value, headers, partition, timestamp)");
  std::vector<std::string> dialects(dialect::names().begin(), dialect::names().end());
  sub->add_option("--dialect", options->dialect, "Add this dialect's DLQ error headers to every record (for tests and CI)")
    ->type_name("DIALECT")
    ->check(CLI::IsMember(dialects));
  sub->add_option("--error-class", options->error_class, "With --dialect: exception class name")->type_name("CLASS");
  sub->add_option("--error-message", options->error_message, "With --dialect: exception message")->type_name("TEXT");
  sub->add_option("--original", options->original, "With --dialect: where the record came from")
    ->type_name("TOPIC:PARTITION@OFFSET");
  sub->add_option("--attempts", options->attempts, "With --dialect: attempt count, where the dialect has one")->type_name("N");
  sub->add_option("--stage", options->stage, "With --dialect: failing stage (Connect)")->type_name("STAGE");
  sub->add_option("files", options->files, "Files to send, each as one record")->type_name("FILE");
  sub->callback([options, &state] {
    if (options->attempts && *options->attempts < 0) {
      throw CLI::ValidationError("--attempts", fmt::format("expected a number >= 0, got {}", *options->attempts));
    }
    if (options->json && options->key_delimiter) {
      throw CLI::ValidationError("-K", "cannot be combined with --json");
    }
    if (!options->files.empty() && !options->delimited_file.empty()) {
      throw CLI::ValidationError("-l", "cannot be combined with FILE arguments");
    }
    const bool error_fields = !options->error_class.empty() || !options->error_message.empty()
                              || !options->original.empty() || options->attempts || !options->stage.empty();
    if (error_fields && options->dialect.empty()) {
      throw CLI::ValidationError("--dialect", "is required by --error-class, --error-message, --original, --attempts and --stage");
    }
    if (options->topic.empty() && !options->json) {
      throw CLI::RequiredError("-t,--topic");
    }
    state.run = [options, &state] {
      if (options->files.empty() && options->delimited_file.empty()) {
        require_stdin(state.global, "pipe records in, or name files (-l FILE, or FILE... as single records)");
      }
      return ProduceRun(*options, state.global).run();
    };
  });
}

} // namespace dlq::cmd
