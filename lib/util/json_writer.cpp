#include "util/json_writer.hpp"

#include "util/base64.hpp"
#include "util/byte_scan.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>

namespace dlq::util {

namespace {

// Writes the escape of a byte that JSON does not allow in a string as it is; returns its end.
inline char*
write_escape(char* out, unsigned char c) noexcept
{
  static constexpr char k_hex[] = "0123456789abcdef";
  out[0] = '\\';
  switch (c) {
  case '"': out[1] = '"'; return out + 2;
  case '\\': out[1] = '\\'; return out + 2;
  case '\n': out[1] = 'n'; return out + 2;
  case '\r': out[1] = 'r'; return out + 2;
  case '\t': out[1] = 't'; return out + 2;
  case '\b': out[1] = 'b'; return out + 2;
  case '\f': out[1] = 'f'; return out + 2;
  default:
    std::memcpy(out + 1, "u00", 3);
    out[4] = k_hex[c >> 4];
    out[5] = k_hex[c & 0xf];
    return out + 6;
  }
}

// For the bytes looked at one at a time: 1 = a byte JSON does not allow in a string as it is,
// 2 = a byte >= 0x80 (a stop only when validating UTF-8). A table: short texts (most header
// names and values) are all tail.
constexpr auto k_byte_class = [] {
  std::array<uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    classes[c] = c < 0x20 || c == '"' || c == '\\' ? 1 : c >= 0x80 ? 2 : 0;
  }
  return classes;
}();

constexpr bool
is_json_stop(unsigned char c, bool non_ascii) noexcept
{
  return (k_byte_class[c] & (non_ascii ? 3 : 1)) != 0;
}

// Appends `text` as a JSON string literal. With `Validate`, also checks that it is UTF-8 in the
// same pass and returns false (leaving `out` partly written) when it is not.
//
// Stack traces and payloads are long runs of plain text with an escape now and then ("\n\t" at
// every frame), so the bytes are written straight into `out`, grown once for the text and 16
// bytes of slack: each block of 16 is copied whole before its first stop is looked at, and the
// output pointer moves past the plain part only. The string grows again only when escapes have
// used up the slack (each one writes 2 or 6 bytes for 1). Appending run by run and escape by
// escape cost a std::string::append each: most of the time of writing a W1 line.
// The most slack that a string starts with for its escapes (a quarter of its size up to
// that): a stack trace's 50 "\n\t" pairs fit without growing it again, and short strings do
// not clear much more than they need.
constexpr size_t k_escape_room = 128;

template <bool Validate>
bool
append_escaped(std::string& out, std::string_view text)
{
  const char* in = text.data();
  const size_t size = text.size();
  const size_t written = out.size();
  // Room for the quotes, the text as it is, a block of slack past it and a few escapes.
  out.resize(written + size + 2 + k_scan_block + std::min(size / 4, k_escape_room));
  char* p = out.data() + written;
  *p++ = '"';
  // Keeps room for the rest of the text, the closing quote, a block and one 6-byte escape.
  const auto make_room = [&](size_t at) {
    const size_t need = static_cast<size_t>(p - out.data()) + (size - at) + 1 + k_scan_block + 6;
    if (need > out.size()) {
      const size_t offset = static_cast<size_t>(p - out.data());
      // Escape-dense text grows it again in proportion to what is left of it, not to `out`
      // (which may hold many lines: growing it by half would clear that much memory).
      out.resize(need + 2 * (size - at) + 64);
      p = out.data() + offset;
    }
  };
  // Handles the stop at in[i]: a valid UTF-8 sequence is copied as it is, a byte that JSON
  // does not allow is escaped. Returns false for invalid UTF-8.
  const auto stop = [&](size_t& i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (Validate && c >= 0x80) {
      const size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        return false;
      }
      std::memcpy(p, in + i, length); // at most 4 bytes: inside the slack
      p += length;
      i += length;
      return true;
    }
    make_room(i);
    p = write_escape(p, c);
    ++i;
    return true;
  };
  size_t i = 0;
  while (i + k_scan_block <= size) {
    std::memcpy(p, in + i, k_scan_block);
    const unsigned stops = json_stops<Validate>(in + i);
    if (stops == 0) {
      p += k_scan_block;
      i += k_scan_block;
      continue;
    }
    const auto plain = static_cast<size_t>(std::countr_zero(stops));
    p += plain;
    i += plain;
    if (!stop(i)) {
      return false;
    }
  }
  // The last 15 bytes or fewer: header names and values end, or are, there. From a text of at
  // least a block, the last 16 bytes are looked at once (those already written shifted out of
  // the mask); without a stop among them, the rest is one copy.
  if (i < size && size >= k_scan_block) {
    const size_t left = size - i;
    const unsigned stops = json_stops<Validate>(in + size - k_scan_block) >> (k_scan_block - left);
    if (stops == 0) {
      std::memcpy(p, in + i, left);
      p += left;
      i = size;
    }
  }
  while (i < size) { // a short text, or a tail with a stop: one byte at a time
    if (is_json_stop(static_cast<unsigned char>(in[i]), Validate)) {
      if (!stop(i)) {
        return false;
      }
    } else {
      *p++ = in[i++];
    }
  }
  *p++ = '"';
  out.resize(static_cast<size_t>(p - out.data()));
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
