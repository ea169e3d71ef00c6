#include "util/json_writer.hpp"

#include "util/base64.hpp"
#include "util/byte_scan.hpp"
#include "util/hex.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>

namespace dlq::util {

namespace {

// Writes the escape of a byte that JSON does not allow in a string as it is; returns its end.
constexpr char*
write_escape(char* out, unsigned char c) noexcept
{
  out[0] = '\\';
  if (c == '"' || c == '\\') { // most escapes of a quote-dense value: no jump table
    out[1] = static_cast<char>(c);
    return out + 2;
  }
  switch (c) {
  case '"': out[1] = '"'; return out + 2;
  case '\\': out[1] = '\\'; return out + 2;
  case '\n': out[1] = 'n'; return out + 2;
  case '\r': out[1] = 'r'; return out + 2;
  case '\t': out[1] = 't'; return out + 2;
  case '\b': out[1] = 'b'; return out + 2;
  case '\f': out[1] = 'f'; return out + 2;
  default:
    out[1] = 'u';
    out[2] = '0';
    out[3] = '0';
    out[4] = k_hex_lower[c >> 4];
    out[5] = k_hex_lower[c & 0xf];
    return out + 6;
  }
}

// The letter after the backslash of a two-byte escape, 0 for any other byte: write_escape()'s,
// as a table for the hot loop (a load instead of a jump).
constexpr auto k_short_escape = [] {
  std::array<char, 256> letters{};
  for (int c = 0; c < 256; ++c) {
    char escape[6] = {};
    if (write_escape(escape, static_cast<unsigned char>(c)) == escape + 2) {
      letters[c] = escape[1];
    }
  }
  return letters;
}();

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

// The most slack that a string starts with for its escapes (a quarter of its size up to
// that): a stack trace's 50 "\n\t" pairs fit without growing the string again, and short
// strings do not clear much more than they need.
constexpr size_t k_escape_room = 128;

} // namespace

JsonWriter::JsonWriter(std::string& out, size_t expected) : m_out(out)
{
  const size_t written = m_out.size();
  m_out.resize(written + expected);
  m_at = m_out.data() + written;
  m_end = m_out.data() + m_out.size();
}

JsonWriter::~JsonWriter()
{
  m_out.resize(static_cast<size_t>(m_at - m_out.data()));
}

void
JsonWriter::grow(size_t size)
{
  const size_t written = static_cast<size_t>(m_at - m_out.data());
  // In proportion to what is asked, not to `m_out`, which may hold many lines already: growing
  // it by half would clear that much memory each time.
  m_out.resize(written + size + std::max<size_t>(size, 256));
  m_at = m_out.data() + written;
  m_end = m_out.data() + m_out.size();
}

// Writes `text` as a JSON string literal. With `Validate`, also checks that it is UTF-8 in the
// same pass and returns false (having written part of it) when it is not.
//
// Stack traces and payloads are long runs of plain text with an escape now and then ("\n\t" at
// every frame): each block of 16 bytes is copied whole before its first stop is looked at, and
// the output pointer moves past the plain part only. That needs the rest of the text and a
// block of room at every step: escapes (2 or 6 bytes for 1) ask for more as they go.
template <bool Validate>
bool
JsonWriter::escaped(std::string_view text)
{
  const char* in = text.data();
  const size_t size = text.size();
  room(size + 2 + k_scan_block + std::min(size / 4, k_escape_room));
  *m_at++ = '"';
  // Handles the stop at in[i]: a valid UTF-8 sequence is copied as it is, a byte that JSON
  // does not allow is escaped. Returns false for invalid UTF-8.
  const auto stop = [&](size_t& i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (Validate && c >= 0x80) {
      const size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        return false;
      }
      std::memcpy(m_at, in + i, length); // at most 4 bytes: inside the block of room
      m_at += length;
      i += length;
      return true;
    }
    room((size - i) + 1 + k_scan_block + 6); // the rest, the quote, a block, this escape
    m_at = write_escape(m_at, c);
    ++i;
    return true;
  };
  size_t i = 0;
  while (i + k_scan_block <= size) {
    unsigned stops = json_stops<Validate>(in + i);
    if (stops == 0) {
      std::memcpy(m_at, in + i, k_scan_block);
      m_at += k_scan_block;
      i += k_scan_block;
      continue;
    }
    // Every stop of the block from its mask, without looking at the block again: a value full
    // of quotes (a JSON envelope's input_json, escaped once more) has several in each block.
    // Room once for the block written at worst (6 bytes a byte), the rest and the next block.
    room((size - i) + 1 + k_scan_block + 5 * k_scan_block);
    // While the stops take two-byte escapes (the quotes and backslashes of a JSON envelope's
    // value, the "\n\t" of a stack trace), and a block of text follows this one: each run before
    // a stop is a 16-byte move and the escape's letter comes from a table, without a look at how
    // much text is left (half the instructions a stop of the general way below, which takes
    // over at the first stop that is not one: a six-byte escape or a UTF-8 sequence).
    const size_t base = i;
    if (base + 2 * k_scan_block <= size) {
      char* out = m_at; // a local: a char store could alias m_at, which would be reloaded
      do {
        const size_t at = base + static_cast<size_t>(std::countr_zero(stops));
        const char letter = k_short_escape[static_cast<unsigned char>(in[at])];
        if (letter == 0) {
          break;
        }
        std::memcpy(out, in + i, k_scan_block);
        out += at - i;
        out[0] = '\\';
        out[1] = letter;
        out += 2;
        i = at + 1;
        stops &= stops - 1;
      } while (stops != 0);
      m_at = out;
      if (stops == 0) { // the plain rest of the block
        std::memcpy(m_at, in + i, k_scan_block);
        m_at += base + k_scan_block - i;
        i = base + k_scan_block;
        continue;
      }
    }
    while (stops != 0) {
      const size_t at = base + static_cast<size_t>(std::countr_zero(stops));
      if (at > i) { // the plain bytes before it; 16 copied when the text has them (one move)
        if (i + k_scan_block <= size) {
          std::memcpy(m_at, in + i, k_scan_block);
        } else {
          std::memcpy(m_at, in + i, at - i);
        }
        m_at += at - i;
        i = at;
      }
      if (!Validate || static_cast<unsigned char>(in[i]) < 0x80) { // an escape: one byte
        m_at = write_escape(m_at, static_cast<unsigned char>(in[i]));
        ++i;
        stops &= stops - 1;
        continue;
      }
      if (!stop(i)) {
        return false;
      }
      // A UTF-8 sequence may end past this block's stops (or past the block).
      const size_t done = i - base;
      stops = done >= k_scan_block ? 0 : stops & ~((1u << done) - 1);
    }
    if (i < base + k_scan_block) { // the plain rest of the block (16 moved when there are)
      if (i + k_scan_block <= size) {
        std::memcpy(m_at, in + i, k_scan_block);
      } else {
        std::memcpy(m_at, in + i, base + k_scan_block - i);
      }
      m_at += base + k_scan_block - i;
      i = base + k_scan_block;
    }
  }
  // The last 15 bytes or fewer: header names and values end, or are, there. From a text of at
  // least a block, the last 16 bytes are looked at once (those already written shifted out of
  // the mask); without a stop among them, the rest is one copy.
  if (i < size && size >= k_scan_block) {
    const size_t left = size - i;
    const unsigned stops = json_stops<Validate>(in + size - k_scan_block) >> (k_scan_block - left);
    if (stops == 0) {
      std::memcpy(m_at, in + i, left);
      m_at += left;
      i = size;
    }
  }
  while (i < size) { // a short text, or a tail with a stop: one byte at a time
    if (is_json_stop(static_cast<unsigned char>(in[i]), Validate)) {
      if (!stop(i)) {
        return false;
      }
    } else {
      *m_at++ = in[i++];
    }
  }
  *m_at++ = '"';
  return true;
}

void
JsonWriter::string(std::string_view text)
{
  escaped<false>(text);
}

void
JsonWriter::bytes(std::optional<std::string_view> bytes)
{
  if (!bytes) {
    raw("null");
    return;
  }
  const size_t start = static_cast<size_t>(m_at - m_out.data());
  if (!escaped<true>(*bytes)) {
    m_at = m_out.data() + start;
    raw("{\"base64\":\"");
    raw(base64_encode(*bytes));
    raw("\"}");
  }
}

void
JsonWriter::integer(int64_t value)
{
  room(20); // "-9223372036854775808"
  m_at = std::to_chars(m_at, m_end, value).ptr;
}

void
append_json_string(std::string& out, std::string_view text)
{
  JsonWriter(out, 0).string(text);
}

void
append_json_bytes(std::string& out, const std::optional<std::string>& bytes)
{
  JsonWriter(out, 0).bytes(bytes);
}

void
append_json_int(std::string& out, int64_t value)
{
  JsonWriter(out, 0).integer(value);
}

} // namespace dlq::util
