#pragma once

// A Kafka record as dlqcat sees it: nullable key and value, ordered headers whose values are
// nullable too, duplicates kept. Bytes are held in std::string, which may contain any byte.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlq::record {

using Bytes = std::optional<std::string>; // std::nullopt = a Kafka null

enum class TimestampType { NotAvailable, CreateTime, LogAppendTime };

std::string_view to_string(TimestampType type) noexcept;
std::optional<TimestampType> timestamp_type_from_string(std::string_view text) noexcept;

struct Header
{
  std::string name;
  Bytes value;

  bool operator==(const Header&) const = default;
};

struct Record
{
  std::string topic;
  int32_t partition = -1; // -1: unassigned (let the partitioner choose)
  int64_t offset = -1;
  int64_t timestamp = -1; // ms since epoch, -1: none
  TimestampType timestamp_type = TimestampType::NotAvailable;
  Bytes key;
  Bytes value;
  std::vector<Header> headers;

  bool operator==(const Record&) const = default;

  // The value of the last header called `name`; nullptr when absent. A header that is present
  // with a null value gives a pointer to std::nullopt.
  const Bytes* last_header(std::string_view name) const noexcept;
};

} // namespace dlq::record
