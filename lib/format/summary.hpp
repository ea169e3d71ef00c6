#pragma once

// inspect-headers --summary: DLQ records grouped by original topic x exception class x stage,
// with counts, first and last timestamps and one sample message.

#include "error_context.hpp"
#include "record/record.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace dlq::format {

struct SummaryRow
{
  std::string original_topic; // "" when unknown
  std::string exception;      // the cause class when the framework gives one (Spring's wrapper
                              // ListenerExecutionFailedException says little), else the class
  std::string stage;
  uint64_t count = 0;
  int64_t first_timestamp = -1;
  int64_t last_timestamp = -1;
  std::string sample_message;
  std::vector<std::string> dialects;
};

class Summary
{
public:
  void add(const record::RecordView& record, const ErrorContext* error);

  uint64_t records() const noexcept { return m_records; }
  uint64_t undecoded() const noexcept { return m_undecoded; }
  // Largest groups first; ties in key order, so output is stable.
  std::vector<SummaryRow> rows() const;

private:
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, SummaryRow, std::less<>> m_groups; // looked up by views: no strings built per record
  uint64_t m_records = 0;
  uint64_t m_undecoded = 0;
};

// A table for people (sample messages cut to their first line, 80 bytes).
std::string render_summary_table(const Summary& summary);
// {"records":N,"undecoded":M,"groups":[{...}]}
std::string render_summary_json(const Summary& summary);

} // namespace dlq::format
