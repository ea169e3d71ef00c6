#include "inventory/inventory.hpp"

#include "retry/commit_metadata.hpp"
#include "util/json_writer.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

namespace dlq::inventory {

namespace {

std::string
lower(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool
ends_with(std::string_view text, std::string_view suffix) noexcept
{
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool
contains(std::string_view text, std::string_view part) noexcept
{
  return text.find(part) != std::string_view::npos;
}

// The exception to name a record by: the cause when the framework gives one (Spring's wrapper
// ListenerExecutionFailedException says little), as inspect-headers --summary does.
std::string
exception_name(const ErrorContext& error)
{
  const auto& exception = primary_exception(error);
  if (exception.cause_class && !exception.cause_class->empty()) {
    return *exception.cause_class;
  }
  return exception.class_name.value_or("");
}

} // namespace

bool
is_internal(std::string_view topic) noexcept
{
  return topic.substr(0, 2) == "__";
}

bool
looks_like_dlq(std::string_view topic) noexcept
{
  const auto name = lower(topic);
  if (ends_with(name, "-dlt") || ends_with(name, ".dlt") || ends_with(name, "_dlt")) {
    return true; // Spring Kafka: <topic>-dlt (3.3+), <topic>.DLT (before)
  }
  if (name.rfind("error.", 0) == 0 && std::count(name.begin(), name.end(), '.') >= 2) {
    return true; // Spring Cloud Stream's Kafka binder: error.<destination>.<group>
  }
  return contains(name, "dlq") || contains(name, "dead-letter") || contains(name, "deadletter") ||
         contains(name, "dead_letter") || contains(name, "parking-lot") || contains(name, "parkinglot") ||
         contains(name, "parking_lot");
}

bool
is_platform_topic(std::string_view topic) noexcept
{
  const auto name = lower(topic);
  return name == "_schemas" || name.rfind("_confluent", 0) == 0 || ends_with(name, "connect-offsets") ||
         ends_with(name, "connect-configs") || ends_with(name, "connect-status") || ends_with(name, "connect-statuses");
}

int
sampling_priority(std::string_view topic) noexcept
{
  if (looks_like_dlq(topic)) {
    return 0;
  }
  return is_platform_topic(topic) ? 2 : 1;
}

void
TopicSample::add(const record::Record& record, const ErrorContext* error)
{
  ++m_records;
  if (error == nullptr) {
    return;
  }
  ++m_dead_letters;
  ++m_dialects[error->dialect];
  if (error->original.topic && !error->original.topic->empty()) {
    ++m_original_topics[*error->original.topic];
  }
  if (auto name = exception_name(*error); !name.empty()) {
    ++m_exceptions[name];
  }
  (void)record;
}

std::vector<Count>
TopicSample::sorted(const std::map<std::string, uint64_t>& counts)
{
  std::vector<Count> out;
  out.reserve(counts.size());
  for (const auto& [name, count] : counts) {
    out.push_back({name, count});
  }
  std::stable_sort(out.begin(), out.end(), [](const Count& a, const Count& b) { return a.count > b.count; });
  return out;
}

int64_t
records_held(const std::vector<kafka::Watermarks>& marks) noexcept
{
  int64_t total = 0;
  for (const auto& m : marks) {
    total += std::max<int64_t>(0, m.high - m.low);
  }
  return total;
}

std::optional<DlqTopic>
classify(const TopicFacts& facts)
{
  if (is_internal(facts.topic)) {
    return std::nullopt;
  }
  const int64_t records = records_held(facts.marks);
  Identified identified = Identified::Content;
  if (facts.sample.dead_letters() == 0) {
    // Nothing in the sample says "dead letter": only the name can, and only when the records
    // cannot contradict it (none held, or the deadline came before any was read).
    const bool unread = records == 0 || (!facts.sample_complete && facts.sample.records() == 0);
    if (!unread || !looks_like_dlq(facts.topic)) {
      return std::nullopt;
    }
    identified = Identified::Name;
  }
  DlqTopic topic;
  topic.topic = facts.topic;
  topic.partitions = static_cast<int>(facts.partitions.size());
  topic.records = records;
  topic.identified_by = identified;
  topic.dialects = facts.sample.dialects();
  if (records > 0) {
    topic.oldest = facts.oldest;
    topic.newest = facts.newest;
  }
  topic.sampled = facts.sample.records();
  topic.sampled_dead_letters = facts.sample.dead_letters();
  topic.sample_complete = facts.sample_complete;
  topic.original_topics = facts.sample.original_topics();
  topic.exceptions = facts.sample.exceptions();
  return topic;
}

std::vector<GroupLag>
group_lags(const std::string& topic, const std::vector<int32_t>& partitions, const std::vector<kafka::Watermarks>& marks,
           const std::vector<kafka::GroupOffsets>& groups)
{
  std::vector<GroupLag> lags;
  for (const auto& group : groups) {
    std::map<int32_t, const kafka::TopicPartition*> committed;
    for (const auto& tp : group.offsets) {
      if (tp.topic == topic && tp.offset >= 0) {
        committed[tp.partition] = &tp;
      }
    }
    if (committed.empty()) {
      continue;
    }
    GroupLag lag{group.group, 0, group.group.rfind("dlqcat-replay-", 0) == 0};
    for (size_t i = 0; i < partitions.size() && i < marks.size(); ++i) {
      const auto it = committed.find(partitions[i]);
      if (it == committed.end()) {
        // Never committed here: everything held is still to be read.
        lag.lag += std::max<int64_t>(0, marks[i].high - marks[i].low);
        continue;
      }
      const auto& tp = *it->second;
      // A committed offset below the start (retention moved on) leaves only what is held to read.
      lag.lag += std::max<int64_t>(0, marks[i].high - std::max(tp.offset, marks[i].low));
      if (!tp.metadata.empty() && retry::decode_commit_metadata(tp.offset, tp.metadata)) {
        lag.replay = true; // dlqcat replay/park write "dlqcat1..." with their commits
      }
    }
    lags.push_back(std::move(lag));
  }
  return lags;
}

std::string
age_text(int64_t ms)
{
  if (ms < 0) {
    return "0s";
  }
  const int64_t s = ms / 1000;
  if (s < 120) {
    return fmt::format("{}s", s);
  }
  if (s < 2 * 3600) {
    return fmt::format("{}m", s / 60);
  }
  if (s < 2 * 86400) {
    return fmt::format("{}h", s / 3600);
  }
  return fmt::format("{}d", s / 86400);
}

namespace {

void
append_counts(std::string& out, const std::vector<Count>& counts, std::string_view key)
{
  out += '[';
  bool first = true;
  for (const auto& c : counts) {
    out += first ? "{\"" : ",{\"";
    first = false;
    out += key;
    out += "\":";
    util::append_json_string(out, c.name);
    out += ",\"count\":";
    util::append_json_int(out, static_cast<int64_t>(c.count));
    out += '}';
  }
  out += ']';
}

void
append_optional_int(std::string& out, const std::optional<int64_t>& value)
{
  if (value) {
    util::append_json_int(out, *value);
  } else {
    out += "null";
  }
}

std::string
counts_text(const std::vector<Count>& counts, size_t limit)
{
  std::string out;
  for (size_t i = 0; i < counts.size() && i < limit; ++i) {
    out += fmt::format("{}{} ({})", i == 0 ? "" : ", ", util::visible(counts[i].name), counts[i].count);
  }
  if (counts.size() > limit) {
    out += fmt::format(", +{} more", counts.size() - limit);
  }
  return out;
}

// Prometheus label value: backslash, double quote and line feed escaped (exposition format).
std::string
label_value(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '\\': out += "\\\\"; break;
    case '"': out += "\\\""; break;
    case '\n': out += "\\n"; break;
    default: out += c;
    }
  }
  return out;
}

std::string
seconds_text(double seconds)
{
  return fmt::format("{:.3f}", seconds);
}

} // namespace

std::string
render_json(const DlqTopic& topic)
{
  using util::append_json_int;
  using util::append_json_string;
  std::string out = "{\"topic\":";
  append_json_string(out, topic.topic);
  out += ",\"records\":";
  append_json_int(out, topic.records);
  out += ",\"partitions\":";
  append_json_int(out, topic.partitions);
  out += ",\"dialect\":";
  if (topic.dialects.empty()) {
    out += "null";
  } else {
    append_json_string(out, topic.dialects.front().name);
  }
  out += ",\"dialects\":[";
  for (size_t i = 0; i < topic.dialects.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    append_json_string(out, topic.dialects[i].name);
  }
  out += "],\"identified_by\":";
  out += topic.identified_by == Identified::Content ? "\"content\"" : "\"name\"";
  out += ",\"oldest\":";
  append_optional_int(out, topic.oldest);
  out += ",\"newest\":";
  append_optional_int(out, topic.newest);
  out += ",\"groups\":";
  if (!topic.groups) {
    out += "null";
  } else {
    out += '[';
    bool first = true;
    for (const auto& g : *topic.groups) {
      out += first ? "{\"group\":" : ",{\"group\":";
      first = false;
      append_json_string(out, g.group);
      out += ",\"lag\":";
      append_json_int(out, g.lag);
      out += ",\"replay\":";
      out += g.replay ? "true" : "false";
      out += '}';
    }
    out += ']';
  }
  // Everything below comes from the few newest records read per partition, not from the topic.
  out += ",\"sample\":{\"records\":";
  append_json_int(out, static_cast<int64_t>(topic.sampled));
  out += ",\"dead_letters\":";
  append_json_int(out, static_cast<int64_t>(topic.sampled_dead_letters));
  out += ",\"complete\":";
  out += topic.sample_complete ? "true" : "false";
  out += ",\"original_topics\":";
  append_counts(out, topic.original_topics, "topic");
  out += ",\"exceptions\":";
  append_counts(out, topic.exceptions, "class");
  out += "}}\n";
  return out;
}

std::string
render_table(const std::vector<DlqTopic>& topics, int64_t now_ms)
{
  if (topics.empty()) {
    return "no dead-letter topics found\n";
  }
  size_t topic_width = 5;
  size_t dialect_width = 7;
  std::vector<std::string> dialects;
  for (const auto& t : topics) {
    topic_width = std::max(topic_width, t.topic.size());
    std::string d;
    for (const auto& c : t.dialects) {
      d += (d.empty() ? "" : ",") + util::visible(c.name);
    }
    if (d.empty()) {
      d = t.identified_by == Identified::Name ? "(by name)" : "-";
    }
    dialect_width = std::max(dialect_width, d.size());
    dialects.push_back(std::move(d));
  }
  std::string out = fmt::format("{:<{}}  {:>9}  {:>5}  {:<{}}  {:>7}  {:>7}  {}\n", "TOPIC", topic_width, "RECORDS",
                                "PARTS", "DIALECT", dialect_width, "OLDEST", "NEWEST", "GROUPS (LAG)");
  for (size_t i = 0; i < topics.size(); ++i) {
    const auto& t = topics[i];
    const auto age = [now_ms](const std::optional<int64_t>& ms) { return ms ? age_text(now_ms - *ms) : std::string("-"); };
    std::string groups;
    if (!t.groups) {
      groups = "?";
    } else if (t.groups->empty()) {
      groups = t.records > 0 ? "none" : "-";
    } else {
      for (const auto& g : *t.groups) {
        groups += fmt::format("{}{}{} ({})", groups.empty() ? "" : ", ", util::visible(g.group), g.replay ? " [replay]" : "",
                              g.lag);
      }
    }
    out += fmt::format("{:<{}}  {:>9}  {:>5}  {:<{}}  {:>7}  {:>7}  {}\n", t.topic, topic_width, t.records, t.partitions,
                       dialects[i], dialect_width, age(t.oldest), age(t.newest), groups);
    if (t.sampled_dead_letters > 0) {
      std::string line = fmt::format("  sample of {}{}:", t.sampled, t.sample_complete ? "" : ", cut short");
      if (!t.original_topics.empty()) {
        line += " from " + counts_text(t.original_topics, 3);
      }
      if (!t.exceptions.empty()) {
        line += (t.original_topics.empty() ? " " : "; ") + counts_text(t.exceptions, 3);
      }
      out += line + '\n';
    }
  }
  return out;
}

std::string
render_prometheus(const std::vector<DlqTopic>& topics, const ScanInfo& info)
{
  std::string out;
  const auto family = [&out](std::string_view name, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  };
  family("dlqcat_dlq_records", "Records held by a dead-letter topic (end minus start offset, summed over partitions).");
  for (const auto& t : topics) {
    out += fmt::format("dlqcat_dlq_records{{topic=\"{}\"}} {}\n", label_value(t.topic), t.records);
  }
  family("dlqcat_dlq_partitions", "Partitions of a dead-letter topic.");
  for (const auto& t : topics) {
    out += fmt::format("dlqcat_dlq_partitions{{topic=\"{}\"}} {}\n", label_value(t.topic), t.partitions);
  }
  family("dlqcat_dlq_info",
         "A dead-letter topic's dialect (from sampled records; \"none\" when identified by its name only).");
  for (const auto& t : topics) {
    out += fmt::format("dlqcat_dlq_info{{topic=\"{}\",dialect=\"{}\",identified_by=\"{}\"}} 1\n", label_value(t.topic),
                       label_value(t.dialects.empty() ? "none" : t.dialects.front().name),
                       t.identified_by == Identified::Content ? "content" : "name");
  }
  family("dlqcat_dlq_oldest_record_timestamp_seconds", "Timestamp of the oldest record held (first record of each partition).");
  for (const auto& t : topics) {
    if (t.oldest) {
      out += fmt::format("dlqcat_dlq_oldest_record_timestamp_seconds{{topic=\"{}\"}} {}\n", label_value(t.topic),
                         seconds_text(static_cast<double>(*t.oldest) / 1000.0));
    }
  }
  family("dlqcat_dlq_newest_record_timestamp_seconds", "Timestamp of the newest record held.");
  for (const auto& t : topics) {
    if (t.newest) {
      out += fmt::format("dlqcat_dlq_newest_record_timestamp_seconds{{topic=\"{}\"}} {}\n", label_value(t.topic),
                         seconds_text(static_cast<double>(*t.newest) / 1000.0));
    }
  }
  family("dlqcat_dlq_consumer_group_lag", "Records of a dead-letter topic past a consumer group's committed offsets.");
  for (const auto& t : topics) {
    if (!t.groups) {
      continue;
    }
    for (const auto& g : *t.groups) {
      out += fmt::format("dlqcat_dlq_consumer_group_lag{{topic=\"{}\",group=\"{}\",replay=\"{}\"}} {}\n",
                         label_value(t.topic), label_value(g.group), g.replay ? "true" : "false", g.lag);
    }
  }
  family("dlqcat_dlq_topics", "Dead-letter topics found.");
  out += fmt::format("dlqcat_dlq_topics {}\n", topics.size());
  family("dlqcat_ls_topics_scanned", "Topics of the cluster that dlqcat ls looked at (internal ones excluded).");
  out += fmt::format("dlqcat_ls_topics_scanned {}\n", info.topics_seen);
  family("dlqcat_ls_groups_known", "1 when the cluster listed its consumer groups, 0 when it could not.");
  out += fmt::format("dlqcat_ls_groups_known {}\n", info.groups_known ? 1 : 0);
  family("dlqcat_ls_duration_seconds", "How long the scan took.");
  out += fmt::format("dlqcat_ls_duration_seconds {}\n", seconds_text(info.duration_seconds));
  family("dlqcat_ls_last_run_timestamp_seconds", "When the scan finished.");
  out += fmt::format("dlqcat_ls_last_run_timestamp_seconds {}\n", seconds_text(static_cast<double>(info.finished_ms) / 1000.0));
  return out;
}

} // namespace dlq::inventory
