#include "format/summary.hpp"

#include "util/json_writer.hpp"
#include "util/time.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace dlq::format {

void
Summary::add(const record::RecordView& record, const ErrorContext* error)
{
  ++m_records;
  if (error == nullptr) {
    ++m_undecoded;
  }
  const auto text = [](const std::optional<std::string>& field) -> std::string_view {
    return field ? std::string_view(*field) : std::string_view();
  };
  std::string_view exception;
  if (error != nullptr) {
    const auto& e = primary_exception(*error);
    exception = e.cause_class ? text(e.cause_class) : text(e.class_name);
  }
  const KeyView key{
    error != nullptr ? text(error->original.topic) : std::string_view(), exception,
    error != nullptr ? text(error->stage) : std::string_view()};
  auto it = m_groups.find(key);
  if (it == m_groups.end()) {
    it = m_groups.emplace(Key{std::get<0>(key), std::get<1>(key), std::get<2>(key)}, SummaryRow{}).first;
    auto& row = it->second;
    row.original_topic = std::get<0>(key);
    row.exception = std::get<1>(key);
    row.stage = std::get<2>(key);
  }
  auto& row = it->second;
  ++row.count;
  if (record.timestamp >= 0) {
    if (row.first_timestamp < 0 || record.timestamp < row.first_timestamp) {
      row.first_timestamp = record.timestamp;
    }
    row.last_timestamp = std::max(row.last_timestamp, record.timestamp);
  }
  if (row.sample_message.empty() && error != nullptr) {
    const auto& e = primary_exception(*error);
    row.sample_message = e.message ? text(e.message) : text(e.cause_message);
  }
  const std::string_view dialect = error != nullptr ? std::string_view(error->dialect) : std::string_view("none");
  if (std::find(row.dialects.begin(), row.dialects.end(), dialect) == row.dialects.end()) {
    row.dialects.emplace_back(dialect);
  }
}

std::vector<SummaryRow>
Summary::rows() const
{
  std::vector<SummaryRow> rows;
  rows.reserve(m_groups.size());
  for (const auto& [key, row] : m_groups) {
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return rows;
}

namespace {

// The first line, cut to `limit` bytes on a character boundary, its control bytes escaped.
std::string
first_line(const std::string& text, size_t limit)
{
  auto line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  if (line.size() > limit) {
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    return util::visible(line.substr(0, cut)) + "…";
  }
  return util::visible(line);
}

std::string
timestamp_or_dash(int64_t ms)
{
  return ms < 0 ? "-" : util::format_timestamp(ms);
}

} // namespace

std::string
render_summary_table(const Summary& summary)
{
  // Topics, classes and stages come from the records: escaped before they are measured.
  auto rows = summary.rows();
  for (auto& row : rows) {
    row.original_topic = util::visible(row.original_topic);
    row.exception = util::visible(row.exception);
    row.stage = util::visible(row.stage);
  }
  size_t topic_width = 14;
  size_t exception_width = 9;
  size_t stage_width = 5;
  for (const auto& row : rows) {
    topic_width = std::max(topic_width, row.original_topic.size());
    exception_width = std::max(exception_width, row.exception.size());
    stage_width = std::max(stage_width, row.stage.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>7}  {:<24}  {:<24}  {}\n",
                                "ORIGINAL TOPIC", topic_width, "EXCEPTION", exception_width, "STAGE", stage_width,
                                "COUNT", "FIRST", "LAST", "SAMPLE MESSAGE");
  for (const auto& row : rows) {
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>7}  {:<24}  {:<24}  {}\n",
                       row.original_topic.empty() ? "-" : row.original_topic, topic_width,
                       row.exception.empty() ? "-" : row.exception, exception_width,
                       row.stage.empty() ? "-" : row.stage, stage_width,
                       row.count, timestamp_or_dash(row.first_timestamp), timestamp_or_dash(row.last_timestamp),
                       first_line(row.sample_message, 80));
  }
  out += fmt::format("{} record{}, {} group{}, {} without decodable error headers\n", summary.records(),
                     summary.records() == 1 ? "" : "s", rows.size(), rows.size() == 1 ? "" : "s", summary.undecoded());
  return out;
}

std::string
render_summary_json(const Summary& summary)
{
  using util::append_json_int;
  using util::append_json_string;
  std::string out = "{\"records\":";
  append_json_int(out, static_cast<int64_t>(summary.records()));
  out += ",\"undecoded\":";
  append_json_int(out, static_cast<int64_t>(summary.undecoded()));
  out += ",\"groups\":[";
  bool first = true;
  for (const auto& row : summary.rows()) {
    out += first ? "{" : ",{";
    first = false;
    const auto text_or_null = [&](std::string_view name, const std::string& value) {
      append_json_string(out, name);
      out.push_back(':');
      if (value.empty()) {
        out += "null";
      } else {
        util::append_json_bytes(out, value);
      }
    };
    text_or_null("original_topic", row.original_topic);
    out.push_back(',');
    text_or_null("exception", row.exception);
    out.push_back(',');
    text_or_null("stage", row.stage);
    out += ",\"count\":";
    append_json_int(out, static_cast<int64_t>(row.count));
    out += ",\"first_timestamp\":";
    append_json_int(out, row.first_timestamp);
    out += ",\"last_timestamp\":";
    append_json_int(out, row.last_timestamp);
    out.push_back(',');
    text_or_null("sample_message", row.sample_message);
    out += ",\"dialects\":[";
    for (size_t i = 0; i < row.dialects.size(); ++i) {
      if (i > 0) {
        out.push_back(',');
      }
      append_json_string(out, row.dialects[i]);
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

} // namespace dlq::format
