#pragma once

// A strict JSON reader (RFC 8259, with nlohmann's rules: UTF-8 checked in strings, a leading BOM
// skipped, nothing but whitespace after the value, or a NUL byte and anything after it) that reports events instead of building a
// tree. For hot paths that need a few members of each record's JSON, such as the envelope
// dialect's decoder, which runs on every record without error headers. Events follow
// nlohmann::json_sax, so that fuzz/fuzz_json_scan can compare the two event by event.

#include <cstdint>
#include <string>
#include <string_view>

namespace dlq::util {

class JsonEvents
{
public:
  virtual ~JsonEvents() = default;
  virtual void null() = 0;
  virtual void boolean(bool value) = 0;
  virtual void number_integer(int64_t value) = 0;   // a negative integer that fits int64
  virtual void number_unsigned(uint64_t value) = 0; // a non-negative integer that fits uint64
  virtual void number_float(std::string_view text) = 0; // anything else, as written
  virtual void string(std::string& value) = 0;      // unescaped; the callee may move from it
  // Asked before each string value (not before keys). False lets the scanner check the string
  // without copying or unescaping it; string() then receives an empty string.
  virtual bool wants_string() { return true; }
  virtual void key(std::string& name) = 0;
  virtual void start_object() = 0;
  virtual void end_object() = 0;
  virtual void start_array() = 0;
  virtual void end_array() = 0;
};

// Jackson's default StreamReadConstraints.maxNestingDepth (2.15): the deepest JSON a Java consumer
// of a DLQ accepts. Deeper input is refused everywhere dlqcat reads a dead letter's JSON, so that
// nothing that recurses (nlohmann's dump(), a tree's consumers) ever sees it.
inline constexpr size_t k_max_json_depth = 1000;

struct JsonScanOptions
{
  size_t max_depth = k_max_json_depth; // arrays and objects open at once
  // Bytes inside a string that are not UTF-8 are taken as they are instead of refused: kcat -J
  // writes binary header values and keys raw into its JSON strings.
  bool raw_bytes_in_strings = false;
};

struct JsonScanResult
{
  bool ok = false;
  size_t offset = 0;   // on failure: the byte where reading stopped
  std::string problem; // on failure: what was wrong there ("unexpected end of input", ...)

  explicit operator bool() const noexcept { return ok; }
};

// Reads `text` as one JSON value; on failure (events so far already delivered) says where and why.
JsonScanResult scan_json(std::string_view text, JsonEvents& events, const JsonScanOptions& options = {});

// True when `text`, read as JSON, has more than `limit` arrays and objects open at once (brackets
// inside strings do not count). Linear, allocates nothing, validates nothing: a guard to call
// before handing text to a parser or printer that recurses or builds a tree.
bool json_nests_deeper_than(std::string_view text, size_t limit = k_max_json_depth) noexcept;

} // namespace dlq::util
