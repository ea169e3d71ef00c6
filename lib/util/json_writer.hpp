#pragma once

// Minimal streaming JSON output: appending to a std::string is several times faster than
// building an nlohmann::json tree per record, and this is the hot path of consume-dlq -J.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace dlq::util {

// Writes JSON at the end of a std::string through a pointer. C++20 grows a string only by
// filling what it adds, so the string is grown once by what the caller expects to write, again
// only when that runs out, and trimmed to what was written when the writer goes: a whole
// consume-dlq -J line costs one growth, where appending piece by piece cost a capacity check and
// a length update per key, value and escape.
class JsonWriter
{
public:
  JsonWriter(std::string& out, size_t expected);
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  // Bytes as they are: punctuation, and keys that need no escaping.
  void raw(std::string_view text)
  {
    room(text.size());
    std::memcpy(m_at, text.data(), text.size());
    m_at += text.size();
  }
  void raw(char c)
  {
    room(1);
    *m_at++ = c;
  }
  // A JSON string literal. `text` must be valid UTF-8.
  void string(std::string_view text);
  // Bytes losslessly as DESIGN's record JSON says: a string when they are valid UTF-8, `null`
  // for std::nullopt, otherwise {"base64":"..."}.
  void bytes(std::optional<std::string_view> bytes);
  void integer(int64_t value);

private:
  template <bool Validate>
  bool escaped(std::string_view text);
  // Makes sure that `size` bytes can be written at m_at.
  void room(size_t size)
  {
    if (static_cast<size_t>(m_end - m_at) < size) {
      grow(size);
    }
  }
  void grow(size_t size);

  std::string& m_out;
  char* m_at;  // where the next byte goes
  char* m_end; // the end of m_out's bytes
};

// The same, appended to `out` on their own.
void append_json_string(std::string& out, std::string_view text);
void append_json_bytes(std::string& out, const std::optional<std::string>& bytes);
void append_json_int(std::string& out, int64_t value);

} // namespace dlq::util
