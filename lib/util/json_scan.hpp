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

// Reads `text` as one JSON value; false (events so far already delivered) when it is not JSON.
bool scan_json(std::string_view text, JsonEvents& events);

} // namespace dlq::util
