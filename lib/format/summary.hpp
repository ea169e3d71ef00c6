#pragma once

// inspect-headers --summary: DLQ records grouped by original topic x exception class x stage,
// with counts, first and last timestamps and one sample message.

#include "error_context.hpp"
#include "record/record.hpp"

#include <cstdint>
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
  using KeyView = std::tuple<std::string_view, std::string_view, std::string_view>;
  // Orders keys and views alike, as views: a lookup builds no strings per record. (std::less<>
  // compares a tuple of views with a tuple of strings under GCC, not under clang 14, which
  // builds the fuzz targets.)
  struct KeyLess
  {
    using is_transparent = void;
    static KeyView view(const Key& key) noexcept { return {std::get<0>(key), std::get<1>(key), std::get<2>(key)}; }
    static const KeyView& view(const KeyView& key) noexcept { return key; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept
    {
      return view(a) < view(b);
    }
  };
  std::map<Key, SummaryRow, KeyLess> m_groups;
  uint64_t m_records = 0;
  uint64_t m_undecoded = 0;
};

// A table for people (sample messages cut to their first line, 80 bytes).
std::string render_summary_table(const Summary& summary);
// {"records":N,"undecoded":M,"groups":[{...}]}
std::string render_summary_json(const Summary& summary);

} // namespace dlq::format
