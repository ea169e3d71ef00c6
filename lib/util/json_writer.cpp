#include "util/json_writer.hpp"

#include "util/base64.hpp"
#include "util/byte_scan.hpp"
#include "util/utf8.hpp"

#include <bit>
#include <charconv>
#include <cstring>

namespace dlq::util {

namespace {

// The escape of a byte that JSON does not allow in a string as it is.
inline void
append_escape(std::string& out, unsigned char c)
{
  static constexpr char k_hex[] = "0123456789abcdef";
  char escape[6] = {'\\', 0, '0', '0', k_hex[c >> 4], k_hex[c & 0xf]};
  switch (c) {
  case '"': escape[1] = '"'; break;
  case '\\': escape[1] = '\\'; break;
  case '\n': escape[1] = 'n'; break;
  case '\r': escape[1] = 'r'; break;
  case '\t': escape[1] = 't'; break;
  case '\b': escape[1] = 'b'; break;
  case '\f': escape[1] = 'f'; break;
  default:
    escape[1] = 'u';
    out.append(escape, sizeof(escape));
    return;
  }
  out.append(escape, 2);
}

// Appends `text` as a JSON string literal. With `Validate`, also checks that it is UTF-8 in the
// same pass and returns false (leaving `out` partly written) when it is not. Stack traces and
// payloads are long runs of plain text between escapes: they are found 16 bytes at a time and
// appended whole.
template <bool Validate>
bool
append_escaped(std::string& out, std::string_view text)
{
  out.push_back('"');
  const char* run = text.data(); // start of the bytes not yet appended
  size_t i = 0;
  while (i < text.size()) {
    char padded[k_scan_block];
    const unsigned stops = json_stops<Validate>(block_at(text, i, padded));
    if (stops == 0) {
      i += k_scan_block; // past the end only for the padded tail
      continue;
    }
    i += static_cast<size_t>(std::countr_zero(stops));
    const auto c = static_cast<unsigned char>(text[i]);
    if (Validate && c >= 0x80) { // a valid sequence is copied as it is
      const size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        return false;
      }
      i += length;
      continue;
    }
    if (run != text.data() + i) { // often not: escapes come in pairs, "\n\t" in stack traces
      out.append(run, static_cast<size_t>(text.data() + i - run));
    }
    append_escape(out, c);
    ++i;
    run = text.data() + i;
  }
  out.append(run, static_cast<size_t>(text.data() + text.size() - run));
  out.push_back('"');
  return true;
}

} // namespace

void
append_json_string(std::string& out, std::string_view text)
{
  append_escaped<false>(out, text);
}

void
append_json_bytes(std::string& out, const std::optional<std::string>& bytes)
{
  if (!bytes) {
    out.append("null");
    return;
  }
  const size_t start = out.size();
  if (!append_escaped<true>(out, *bytes)) {
    out.resize(start);
    out.append("{\"base64\":\"");
    out.append(base64_encode(*bytes));
    out.append("\"}");
  }
}

void
append_json_int(std::string& out, int64_t value)
{
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

} // namespace dlq::util
