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

} // namespace dlq::record
