#include "util/json_writer.hpp"

#include "util/base64.hpp"
#include "util/utf8.hpp"

#include <charconv>

namespace dlq::util {

void
append_json_string(std::string& out, std::string_view text)
{
  static constexpr char k_hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
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
