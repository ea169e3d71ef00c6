#include "fix/compact_fix.hpp"

#include "connect/rest.hpp"
#include "error.hpp"
#include "kafka/admin.hpp"
#include "kafka/consumer.hpp"
#include "kafka/one_record.hpp"
#include "kafka/producer.hpp"
#include "kafka/record_source.hpp"
#include "retry/plan.hpp"
#include "sink/postgres.hpp"
#include "util/interrupt.hpp"
#include "util/json_writer.hpp"
#include "util/redact.hpp"
#include "util/time.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace dlq::fix {

namespace {

using namespace std::chrono_literals;

std::string
seconds(milliseconds duration)
{
  return fmt::format("{} s", duration.count() / 1000);
}

// ---- Locating the poison -------------------------------------------------------------------

kafka::ClientConfig
single_reader_config(kafka::ClientConfig config)
{
  if (config.find("group.id") == nullptr) {
    config.set("group.id", "dlqcat-assign"); // assign() needs one; nothing joins or commits
  }
  config.set("enable.partition.eof", "true");
  config.set("enable.auto.commit", "false");
  config.set("auto.offset.reset", "earliest");
  return config;
}

// The first record of topic [partition] at or after `offset`; nullopt when there is none.
std::optional<record::Record>
first_record_from(const kafka::ClientConfig& config, const std::string& topic, int32_t partition, int64_t offset)
{
  kafka::Consumer consumer(single_reader_config(config));
  return kafka::read_first_from(consumer, topic, partition, offset);
}

Poison
poison_at(const kafka::ClientConfig& config, const CompactFixOptions& options)
{
  const auto found = first_record_from(config, options.topic, *options.partition, *options.offset);
  if (!found || found->offset != *options.offset) {
    throw Error(fmt::format("{} [{}] has no record at offset {}{}", options.topic, *options.partition, *options.offset,
                            found ? fmt::format(" (the next one is @ {})", found->offset) : ""));
  }
  return {*found, fmt::format("named by --partition {} --offset {}", *options.partition, *options.offset)};
}

// Reads from the sink group's committed offsets (without joining the group) to the current end,
// and keeps the records `is_poison` names, with its reason.
std::vector<Poison>
scan(const kafka::ClientConfig& config, const CompactFixOptions& options,
     const std::function<std::optional<std::string>(const record::Record&)>& is_poison, bool all)
{
  kafka::ReadOptions read;
  read.topics = {options.topic};
  read.group = options.group;
  read.join_group = false;
  read.start = kafka::OffsetSpec{kafka::OffsetSpec::Kind::Stored, 0};
  read.stop_at_end = true;
  auto reader_config = config;
  reader_config.set("auto.offset.reset", "earliest"); // a group with no commit starts at the beginning
  kafka::RecordSource source(reader_config, read);
  std::vector<Poison> found;
  while (const auto* record = source.next()) {
    if (auto reason = is_poison(*record)) {
      found.push_back({*record, std::move(*reason)});
      if (!all) {
        break;
      }
    }
  }
  if (source.interrupted()) {
    throw Interrupted();
  }
  source.close();
  return found;
}

std::vector<Poison>
locate(const kafka::ClientConfig& config, const CompactFixOptions& options, sink::PostgresTable* table, const Say& say)
{
  if (options.partition) {
    return {poison_at(config, options)};
  }
  if (options.key) {
    return scan(
      config, options,
      [&](const record::Record& record) -> std::optional<std::string> {
        if (record.key == options.key) {
          return fmt::format("named by --key");
        }
        return std::nullopt;
      },
      false);
  }
  uint64_t tried = 0;
  uint64_t unmapped = 0;
  auto found = scan(
    config, options,
    [&](const record::Record& record) -> std::optional<std::string> {
      const auto row = sink::row_from_value(record.value);
      if (!row.row) {
        ++unmapped; // a tombstone or a converter error: not the sink's to refuse
        if (row.too_deep) {
          say(fmt::format("not tried: {}: its value's {} (a converter refuses it before the sink)",
                          describe_record(record), row.why_not));
        }
        return std::nullopt;
      }
      ++tried;
      if (auto refusal = table->try_row(*row.row)) {
        return fmt::format("PostgreSQL: {} (SQLSTATE {})", refusal->message, refusal->sqlstate);
      }
      return std::nullopt;
    },
    options.all);
  say(fmt::format("tried {} record{} from group {}'s offsets against table {}, rolled back ({} skipped: tombstones, "
                  "or not JSON objects a converter reads)",
                  tried, tried == 1 ? "" : "s", options.group, options.table, unmapped));
  return found;
}

// ---- Changing things -----------------------------------------------------------------------

class Connector
{
public:
  Connector(const CompactFixOptions& options, const Say& say)
    : m_client(options.connect_url, options.connector, 10s),
      m_timeout(options.connect_timeout),
      m_say(say)
  {
  }

  // Reads status and config: fails before anything is changed if the connector is unknown.
  void inspect()
  {
    const auto status = m_client.status();
    m_tasks = status.tasks.size();
    m_config = m_client.config();
    auto line = fmt::format("connector {}: {}", m_client.connector(), connect::describe(status));
    if (const auto failure = connect::failure_summary(status); !failure.empty()) {
      line.append(fmt::format(" ({})", failure));
    }
    m_say(line);
  }

  void halt(bool pause_is_enough)
  {
    m_halt = m_client.halt(pause_is_enough);
    if (*m_halt == connect::Halt::Deleted) {
      wait_until([&] { return !m_client.exists(); }, "deleted");
      m_say(fmt::format("connector {}: deleted (this worker has no /stop); its config is saved", m_client.connector()));
      return;
    }
    const bool stopped = *m_halt == connect::Halt::Stopped;
    const auto status = m_client.wait_for(
      [&](const connect::ConnectorStatus& s) {
        if (stopped) {
          return s.state == "STOPPED";
        }
        return s.state == "PAUSED" &&
               std::none_of(s.tasks.begin(), s.tasks.end(), [](const auto& t) { return t.state == "RUNNING"; });
      },
      m_timeout);
    if (status.state != (stopped ? "STOPPED" : "PAUSED")) {
      throw ConnectError(fmt::format("connector {} is not {} after {}: {}", m_client.connector(),
                                     stopped ? "stopped" : "paused", seconds(m_timeout), connect::describe(status)));
    }
    m_say(fmt::format("connector {}: {}", m_client.connector(), stopped ? "stopped" : "paused"));
  }

  void bring_back()
  {
    m_client.bring_back(*m_halt, m_config);
    m_halt.reset();
    // Every task it had: after a stop, a worker lists the new tasks one by one as they start.
    const auto all_running = [&](const connect::ConnectorStatus& s) {
      return connect::is_running(s) && s.tasks.size() >= m_tasks;
    };
    const auto status = m_client.wait_for(all_running, m_timeout);
    if (!all_running(status)) {
      auto message = fmt::format("connector {} is not RUNNING after {}: {}", m_client.connector(), seconds(m_timeout),
                                 connect::describe(status));
      if (const auto failure = connect::failure_summary(status); !failure.empty()) {
        message.append(fmt::format(" ({})", failure));
      }
      throw ConnectError(message);
    }
    m_say(fmt::format("connector {}: {}", m_client.connector(), connect::describe(status)));
  }

  // Moves the sink's offset through Connect's offsets API, which needs a STOPPED connector
  // (KIP-875). False when the connector was paused or deleted, or the worker has no such API:
  // then the caller commits the group itself.
  bool alter_offset(const std::string& topic, int32_t partition, int64_t offset)
  {
    if (m_halt != connect::Halt::Stopped) {
      return false;
    }
    return m_client.alter_sink_offset(topic, partition, offset);
  }

  // After a failure between halt() and bring_back(): say so, so that nobody waits for it.
  void report_if_halted() const
  {
    if (m_halt) {
      m_say(fmt::format("connector {} was left {}: bring it back once the topic is fixed", m_client.connector(),
                        *m_halt == connect::Halt::Deleted ? "deleted (config printed above)" : "halted"));
      if (*m_halt == connect::Halt::Deleted) {
        for (const auto& [name, value] : m_config) {
          // The one redaction rule: secret names hidden whole, credentials in URLs (a JDBC
          // connection.url's password=...) cut out.
          m_say(fmt::format("  {}={}", name, util::is_secret_name(name) ? "***" : util::redact_uri(value)));
        }
      }
    }
  }

private:
  template <typename Done>
  void wait_until(Done done, const char* what)
  {
    const auto deadline = std::chrono::steady_clock::now() + m_timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw ConnectError(fmt::format("connector {} is not {} after {}", m_client.connector(), what, seconds(m_timeout)));
      }
      util::sleep_interruptibly(250ms);
    }
  }

  connect::ConnectClient m_client;
  milliseconds m_timeout;
  const Say& m_say;
  std::map<std::string, std::string> m_config;
  std::size_t m_tasks = 0; // before the fix
  std::optional<connect::Halt> m_halt;
};

// Forces compaction of the poison's partition, restoring the topic's configs on every path.
void
force_compaction(const kafka::ClientConfig& config, kafka::Producer& producer, const CompactFixOptions& options,
                 const CompactionConfigs& configs, const Poison& poison, const record::Record& nudge, const Say& say)
{
  const auto alter = [&](const std::map<std::string, std::string>& values) {
    kafka::alter_topic_configs(producer, options.topic, values, options.admin_timeout);
  };
  with_forced_configs(
    configs, alter,
    [&] {
      const auto deadline = std::chrono::steady_clock::now() + options.compaction_timeout;
      // The active segment is never cleaned: wait for segment.ms, then append to roll it (the
      // seed produces the correction a second time).
      util::sleep_interruptibly(std::min(milliseconds(std::stoll(options.compaction.segment_ms)) + 100ms, options.compaction_timeout));
      kafka::produce_acknowledged(producer, nudge);
      say(fmt::format("nudge: the correction again, to roll {} [{}]'s segment", options.topic, poison.record.partition));
      while (true) {
        const auto next = first_record_from(config, options.topic, poison.record.partition, poison.record.offset);
        if (!next || next->offset > poison.record.offset) {
          say(fmt::format("compacted: {} [{}] @ {} is gone", options.topic, poison.record.partition, poison.record.offset));
          return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          throw Error(fmt::format("{} [{}] @ {} is still there after {}: the log cleaner did not run (see the "
                                  "broker's log.cleaner.* settings), or retry with a longer --timeout",
                                  options.topic, poison.record.partition, poison.record.offset,
                                  seconds(options.compaction_timeout)));
        }
        util::sleep_interruptibly(1s);
      }
    },
    say);
}

// Moves the sink past the poison: through Connect's offsets API when the worker has it (it knows
// the connector's group, consumer.override.group.id included), else by committing the group.
void
skip_past(const kafka::ClientConfig& config, const CompactFixOptions& options, const Poison& poison, int64_t committed,
          Connector* connector, const Say& say)
{
  const auto next = poison.record.offset + 1;
  if (connector && connector->alter_offset(options.topic, poison.record.partition, next)) {
    say(fmt::format("connector {}: {} [{}] moved from @ {} to @ {} (Connect's offsets API)", options.connector,
                    options.topic, poison.record.partition, committed, next));
    return;
  }
  auto group_config = config;
  group_config.set("group.id", options.group);
  group_config.set("enable.auto.commit", "false");
  kafka::Consumer consumer(group_config);
  consumer.commit_offsets({{options.topic, poison.record.partition, next}});
  say(fmt::format("group {}: {} [{}] moved from @ {} to @ {}", options.group, options.topic, poison.record.partition,
                  committed, next));
}

// The group's committed offset for the poison's partition; the skip must not jump over records
// the sink has not written (a JDBC sink commits per batch, so they may be lost otherwise).
int64_t
check_skip(const kafka::ClientConfig& config, const CompactFixOptions& options, const Poison& poison)
{
  auto group_config = single_reader_config(config);
  group_config.set("group.id", options.group);
  kafka::Consumer consumer(group_config);
  const auto committed =
    consumer.committed({{options.topic, poison.record.partition}}, kafka::k_connect_timeout).front().offset;
  const auto low = consumer.watermarks(options.topic, poison.record.partition).low;
  const auto position = committed >= 0 ? committed : low;
  if (position > poison.record.offset) {
    throw Error(fmt::format("group {} is already past {} (at @ {}): nothing to skip", options.group,
                            describe_record(poison.record), position));
  }
  if (position < poison.record.offset) {
    throw Error(fmt::format("group {} stands at @ {} in {} [{}], before the poison @ {}: skipping would also skip the "
                            "records between; use --strategy compact",
                            options.group, position, options.topic, poison.record.partition, poison.record.offset));
  }
  return position;
}

// The park topic must exist before anything changes: a cluster that does not create topics on
// first use (auto.create.topics.enable=false, as most production ones) would refuse the poison
// only after the connector was halted.
void
check_park_topic(kafka::Producer& producer, const CompactFixOptions& options)
{
  try {
    producer.partitions(options.park_topic, options.admin_timeout);
  } catch (const KafkaError& e) {
    if (!kafka::is_unknown_topic(e)) {
      throw;
    }
    throw KafkaError(fmt::format("the park topic \"{}\" does not exist and the cluster does not create topics on "
                                 "first use: create it, or name another with --park-topic; nothing was changed",
                                 options.park_topic),
                     e.code());
  }
}

} // namespace

std::string
describe_key(const record::Bytes& key)
{
  if (!key) {
    return "null";
  }
  std::string out;
  util::append_json_string(out, *key);
  return out;
}

std::string
describe_record(const record::Record& record)
{
  return fmt::format("{} [{}] @ {}, key {}", record.topic, record.partition, record.offset, describe_key(record.key));
}

std::vector<Poison>
compact_fix(const kafka::ClientConfig& config, const CompactFixOptions& options, const Say& say)
{
  std::unique_ptr<sink::PostgresTable> table;
  if (!options.pg_url.empty()) {
    table = std::make_unique<sink::PostgresTable>(options.pg_url, options.table, options.key_columns);
  }

  // 1. Locate.
  auto poisons = locate(config, options, table.get(), say);
  for (const auto& poison : poisons) {
    say(fmt::format("poison: {}: {}", describe_record(poison.record), poison.reason));
  }
  if (poisons.empty()) {
    say(options.key ? fmt::format("no record with that key after group {}'s offsets", options.group)
                    : "no poison record found: the table accepts every record after the group's offsets");
    return poisons;
  }
  if (options.strategy == Strategy::Report) {
    return poisons;
  }
  const auto& poison = poisons.front();

  // 2. Everything that can fail without changing anything, then the plan.
  std::optional<CompactionConfigs> configs;
  int64_t committed = -1;
  kafka::Producer producer(config);
  if (options.strategy == Strategy::Compact) {
    std::vector<kafka::ConfigEntry> described;
    try {
      described = kafka::describe_topic_configs(producer, options.topic, options.admin_timeout);
    } catch (const KafkaError& e) {
      throw KafkaError(fmt::format("{} (--strategy compact needs the DescribeConfigs and AlterConfigs admin APIs); "
                                   "nothing was changed",
                                   e.what()),
                       e.code());
    }
    configs = plan_compaction_configs(options.topic, described, options.compaction);
    // A cluster may refuse the forcing configs (an AlterConfigPolicy: managed clusters set a floor
    // on segment.ms): ask it now, validate-only, before the connector is halted or anything written.
    try {
      kafka::alter_topic_configs(producer, options.topic, configs->forcing, options.admin_timeout,
                                 kafka::AlterMode::ValidateOnly);
    } catch (const KafkaError& e) {
      throw KafkaError(fmt::format("{}: the broker refuses the configs that force compaction; nothing was changed "
                                   "(try other --segment-ms/--dirty-ratio values, or --strategy skip)",
                                   e.what()),
                       e.code());
    }
  } else {
    committed = check_skip(config, options, poison);
  }
  check_park_topic(producer, options);
  std::optional<Connector> connector;
  if (!options.connect_url.empty()) {
    connector.emplace(options, say);
    connector->inspect();
  }
  const auto correction_row = sink::row_from_value(options.correction);

  if (connector) {
    say(fmt::format("plan: {} connector {} (or delete it, if the worker cannot {})",
                    options.strategy == Strategy::Skip ? "stop" : "stop or pause", options.connector,
                    options.strategy == Strategy::Skip ? "stop it" : "stop or pause it"));
  }
  say(fmt::format("plan: park {} in {}", describe_record(poison.record), options.park_topic));
  say(fmt::format("plan: produce {} with the same key to {} [{}]",
                  options.correction ? "the correction" : "a tombstone", options.topic, poison.record.partition));
  if (configs) {
    say(fmt::format("plan: set topic configs {}; wait for segment.ms, produce the nudge, wait until @ {} is gone "
                    "(at most {}); restore: {}",
                    render_configs(configs->forcing), poison.record.offset, seconds(options.compaction_timeout),
                    render_configs(configs->saved)));
  } else {
    say(fmt::format("plan: {} at {} [{}] @ {} (now @ {})",
                    connector ? fmt::format("move connector {} (Connect's offsets API; without it: commit group {})",
                                            options.connector, options.group)
                              : fmt::format("commit group {}", options.group),
                    options.topic, poison.record.partition, poison.record.offset + 1, committed));
  }
  if (connector) {
    say(fmt::format("plan: resume connector {} (if paused: restart its failed tasks), wait for every task RUNNING "
                    "(at most {})",
                    options.connector, seconds(options.connect_timeout)));
  }
  if (table && correction_row.row) {
    say(fmt::format("plan: check that table {} holds the correction", options.table));
  }
  if (options.dry_run) {
    say("dry run: nothing changed");
    return poisons;
  }

  // 3.-4. Halt, park, correct, compact or skip.
  record::Record correction;
  correction.topic = options.topic;
  correction.partition = poison.record.partition; // compaction works per partition
  correction.key = poison.record.key;
  correction.value = options.correction;
  correction.headers.push_back({"dlqcat.corrects", fmt::format("{}-{}@{}", poison.record.topic, poison.record.partition,
                                                               poison.record.offset)});
  try {
    if (connector) {
      connector->halt(options.strategy == Strategy::Compact);
    }
    kafka::produce_acknowledged(producer, retry::make_parked(poison.record, options.park_topic, poison.reason, util::now_ms()));
    say(fmt::format("parked: {} in {}", describe_record(poison.record), options.park_topic));
    kafka::produce_acknowledged(producer, correction);
    say(fmt::format("correction: produced to {} [{}] with key {}", options.topic, poison.record.partition,
                    describe_key(poison.record.key)));
    if (configs) {
      force_compaction(config, producer, options, *configs, poison, correction, say);
    } else {
      skip_past(config, options, poison, committed, connector ? &*connector : nullptr, say);
    }
  } catch (...) {
    if (connector) {
      connector->report_if_halted();
    }
    throw;
  }

  // 5. Bring the sink back and check its work.
  if (connector) {
    connector->bring_back();
  }
  if (!table) {
    return poisons;
  }
  if (!correction_row.row) {
    say(fmt::format("check: skipped (the correction is {})", correction_row.why_not));
    return poisons;
  }
  if (!connector) {
    say("check: skipped (no --connect: restart the sink, then look at the row)");
    return poisons;
  }
  const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
  while (!table->holds(*correction_row.row)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw DatabaseError(fmt::format("table {} does not hold the correction {} after the connector came back",
                                      options.table, seconds(options.connect_timeout)));
    }
    util::sleep_interruptibly(500ms);
  }
  say(fmt::format("check: table {} holds the correction", options.table));
  return poisons;
}

} // namespace dlq::fix
