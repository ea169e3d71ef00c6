#include "record/record.hpp"

namespace dlq::record {

std::string_view
to_string(TimestampType type) noexcept
{
  switch (type) {
  case TimestampType::CreateTime:
    return "CreateTime";
  case TimestampType::LogAppendTime:
    return "LogAppendTime";
  case TimestampType::NotAvailable:
    break;
  }
  return "NotAvailable";
}

std::optional<TimestampType>
timestamp_type_from_string(std::string_view text) noexcept
{
  // kcat's -J writes "create"/"logappend"/"none" as tstype.
  if (text == "CreateTime" || text == "create") {
    return TimestampType::CreateTime;
  }
  if (text == "LogAppendTime" || text == "logappend") {
    return TimestampType::LogAppendTime;
  }
  if (text == "NotAvailable" || text == "none") {
    return TimestampType::NotAvailable;
  }
  return std::nullopt;
}

const Bytes*
Record::last_header(std::string_view name) const noexcept
{
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->name == name) {
      return &it->value;
    }
  }
  return nullptr;
}

namespace {

void
assign_bytes(Bytes& out, const BytesView& view)
{
  if (!view) {
    out.reset();
  } else if (out) {
    out->assign(*view);
  } else {
    out.emplace(*view);
  }
}

} // namespace

void
assign(Record& out, const RecordView& view)
{
  out.topic.assign(view.topic);
  out.partition = view.partition;
  out.offset = view.offset;
  out.timestamp = view.timestamp;
  out.timestamp_type = view.timestamp_type;
  assign_bytes(out.key, view.key);
  assign_bytes(out.value, view.value);
  out.headers.resize(view.headers.size());
  for (size_t i = 0; i < view.headers.size(); ++i) {
    const HeaderView header = view.headers[i];
    out.headers[i].name.assign(header.name);
    assign_bytes(out.headers[i].value, header.value);
  }
}

} // namespace dlq::record
