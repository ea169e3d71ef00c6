#pragma once

// A Kafka record as dlqcat sees it: nullable key and value, ordered headers whose values are
// nullable too, duplicates kept. Bytes are held in std::string, which may contain any byte.

#include <cstddef>
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

using BytesView = std::optional<std::string_view>; // std::nullopt = a Kafka null

// A header seen without a copy: views into a Record's header or into the consumed message.
struct HeaderView
{
  std::string_view name;
  BytesView value;
};

// The headers of a RecordView, in order: either a Record's (viewed one by one) or a list of
// HeaderView that the reader keeps (lib/kafka's view of a consumed message).
class HeadersView
{
public:
  HeadersView() = default;
  explicit HeadersView(const std::vector<Header>& headers) noexcept
    : m_owned(headers.data()), m_size(headers.size())
  {
  }
  explicit HeadersView(const std::vector<HeaderView>& headers) noexcept
    : m_viewed(headers.data()), m_size(headers.size())
  {
  }

  size_t size() const noexcept { return m_size; }
  bool empty() const noexcept { return m_size == 0; }
  HeaderView operator[](size_t i) const noexcept
  {
    if (m_viewed != nullptr) {
      return m_viewed[i];
    }
    const Header& header = m_owned[i];
    return {header.name, header.value ? BytesView(*header.value) : std::nullopt};
  }

  class iterator
  {
  public:
    iterator(const HeadersView& headers, size_t at) noexcept : m_headers(&headers), m_at(at) {}
    HeaderView operator*() const noexcept { return (*m_headers)[m_at]; }
    iterator& operator++() noexcept
    {
      ++m_at;
      return *this;
    }
    bool operator==(const iterator& other) const noexcept { return m_at == other.m_at; }

  private:
    const HeadersView* m_headers;
    size_t m_at;
  };
  iterator begin() const noexcept { return {*this, 0}; }
  iterator end() const noexcept { return {*this, m_size}; }

private:
  const Header* m_owned = nullptr;
  const HeaderView* m_viewed = nullptr;
  size_t m_size = 0;
};

// A record seen without owning its bytes, for the read paths that only look at each record once
// (JSON lines, decoding, summaries): lib/kafka hands one out straight from the consumed message,
// and any Record converts to one. Valid as long as what it views.
struct RecordView
{
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp = -1;
  TimestampType timestamp_type = TimestampType::NotAvailable;
  BytesView key;
  BytesView value;
  HeadersView headers;

  RecordView() = default;
  RecordView(const Record& record) noexcept // NOLINT(google-explicit-constructor): a Record is a view's source
    : topic(record.topic), partition(record.partition), offset(record.offset), timestamp(record.timestamp),
      timestamp_type(record.timestamp_type), key(record.key ? BytesView(*record.key) : std::nullopt),
      value(record.value ? BytesView(*record.value) : std::nullopt), headers(record.headers)
  {
  }
};

// Copies a view into `out`, reusing its buffers (where a record must outlive its source).
void assign(Record& out, const RecordView& view);

} // namespace dlq::record
