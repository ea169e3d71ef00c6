#include "util/json_writer.hpp"

#include "util/base64.hpp"
#include "util/utf8.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace dlq::util {

namespace {

constexpr uint64_t k_ones = 0x0101010101010101ULL;
constexpr uint64_t k_highs = 0x8080808080808080ULL;

// Whether any of the 8 bytes in `block` must be escaped: a control character, '"' or '\\'.
// Exact (the classic "has a zero byte" test), so that clean blocks are skipped whole.
constexpr bool
needs_escape(uint64_t block) noexcept
{
  const uint64_t control = (block - 0x20 * k_ones) & ~block;
  const uint64_t quote = block ^ ('"' * k_ones);
  const uint64_t backslash = block ^ ('\\' * k_ones);
  return ((control | ((quote - k_ones) & ~quote) | ((backslash - k_ones) & ~backslash)) & k_highs) != 0;
}

} // namespace

void
append_json_string(std::string& out, std::string_view text)
{
  static constexpr char k_hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // Stack traces and payloads are long runs of plain text: skip them 8 bytes at a time.
    while (text.size() - i >= 8) {
      uint64_t block;
      std::memcpy(&block, text.data() + i, 8);
      if (needs_escape(block)) {
        break;
      }
      i += 8;
    }
    if (i >= text.size()) {
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
    case '"':
      out.append("\\\"");
      break;
    case '\\':
      out.append("\\\\");
      break;
    case '\n':
      out.append("\\n");
      break;
    case '\r':
      out.append("\\r");
      break;
    case '\t':
      out.append("\\t");
      break;
    case '\b':
      out.append("\\b");
      break;
    case '\f':
      out.append("\\f");
      break;
    default:
      out.append("\\u00");
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 0xf]);
    }
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

void
append_json_bytes(std::string& out, const std::optional<std::string>& bytes)
{
  if (!bytes) {
    out.append("null");
  } else if (is_valid_utf8(*bytes)) {
    append_json_string(out, *bytes);
  } else {
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
