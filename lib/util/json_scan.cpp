#include "util/json_scan.hpp"

#include "util/byte_scan.hpp"
#include "util/hex.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace dlq::util {

namespace {

class Scanner
{
public:
  Scanner(std::string_view text, JsonEvents& events, const JsonScanOptions& options)
    : m_text(text),
      m_events(events),
      m_options(options)
  {
  }

  JsonScanResult result()
  {
    if (run()) {
      return {true, 0, {}};
    }
    return {false, m_at, m_problem != nullptr ? m_problem : "invalid JSON"};
  }

private:
  bool run()
  {
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF") {
      m_at = 3; // nlohmann skips a UTF-8 byte order mark
    }
    // Iterative, so that deep nesting cannot exhaust the stack: m_open holds '{' or '['.
    bool expect_value = true;
    while (true) {
      skip_space();
      if (expect_value) {
        const auto read = value();
        if (read == Read::Failed) {
          return false; // value() said why
        }
        expect_value = read == Read::Opened;
        continue;
      }
      if (m_open.empty()) {
        // As nlohmann, whose lexer takes a NUL byte for the end of the input.
        return m_at == m_text.size() || m_text[m_at] == '\0' || fail("unexpected text after the value");
      }
      if (m_at == m_text.size()) {
        return fail("unexpected end of input");
      }
      const char c = m_text[m_at];
      const bool in_object = m_open.back() == '{';
      if (c == ',') {
        ++m_at;
        if (in_object && !member_key()) {
          return false;
        }
        expect_value = true;
      } else if (c == (in_object ? '}' : ']')) {
        ++m_at;
        m_open.pop_back();
        in_object ? m_events.end_object() : m_events.end_array();
      } else {
        return fail(in_object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }

  // Records why reading stopped (at m_at); false, for `return fail(...)`.
  bool fail(const char* problem)
  {
    if (m_problem == nullptr) {
      m_problem = problem;
    }
    return false;
  }

  // Before opening an array or object: refuses one level too many.
  bool may_open()
  {
    if (m_open.size() >= m_options.max_depth) {
      m_depth_problem = "nested deeper than " + std::to_string(m_options.max_depth) + " levels";
      return fail(m_depth_problem.c_str());
    }
    return true;
  }

  void skip_space()
  {
    while (m_at < m_text.size() &&
           (m_text[m_at] == ' ' || m_text[m_at] == '\t' || m_text[m_at] == '\n' || m_text[m_at] == '\r')) {
      ++m_at;
    }
  }

  enum class Read { Failed, Complete, Opened };

  // A whole scalar or empty container (Complete), or the opening of a container whose first
  // element, or first member's value, the main loop reads next (Opened).
  Read value()
  {
    if (m_at == m_text.size()) {
      fail("unexpected end of input");
      return Read::Failed;
    }
    const auto done = [](bool ok) { return ok ? Read::Complete : Read::Failed; };
    switch (m_text[m_at]) {
    case '{':
      if (!may_open()) {
        return Read::Failed;
      }
      ++m_at;
      m_events.start_object();
      skip_space();
      if (m_at < m_text.size() && m_text[m_at] == '}') {
        ++m_at;
        m_events.end_object();
        return Read::Complete;
      }
      m_open.push_back('{');
      return member_key() ? Read::Opened : Read::Failed;
    case '[':
      if (!may_open()) {
        return Read::Failed;
      }
      ++m_at;
      m_events.start_array();
      skip_space();
      if (m_at < m_text.size() && m_text[m_at] == ']') {
        ++m_at;
        m_events.end_array();
        return Read::Complete;
      }
      m_open.push_back('[');
      return Read::Opened;
    case '"':
      m_keep = m_events.wants_string();
      if (!string()) {
        return Read::Failed;
      }
      m_events.string(m_buffer);
      return Read::Complete;
    case 't':
      return done(literal("true") && (m_events.boolean(true), true));
    case 'f':
      return done(literal("false") && (m_events.boolean(false), true));
    case 'n':
      return done(literal("null") && (m_events.null(), true));
    case '-':
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
      return done(number());
    default:
      fail("unexpected character");
      return Read::Failed;
    }
  }

  // "name" and its colon; the value follows in the main loop.
  bool member_key()
  {
    skip_space();
    m_keep = true;
    if (m_at == m_text.size()) {
      return fail("unexpected end of input");
    }
    if (m_text[m_at] != '"') {
      return fail("expected a member name");
    }
    if (!string()) {
      return false;
    }
    m_events.key(m_buffer);
    skip_space();
    if (m_at == m_text.size() || m_text[m_at] != ':') {
      return fail("expected ':'");
    }
    ++m_at;
    return true;
  }

  bool literal(std::string_view word)
  {
    if (m_text.substr(m_at, word.size()) != word) {
      return fail("unexpected character");
    }
    m_at += word.size();
    return true;
  }

  bool hex4(uint32_t& out)
  {
    if (m_text.size() - m_at < 4) {
      return fail("invalid \\u escape");
    }
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = hex_digit_value(m_text[m_at++]);
      if (d < 0) {
        return fail("invalid \\u escape");
      }
      out = out * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }

  // The code point of a \u escape whose backslash and 'u' were read: a high surrogate needs its
  // low one, a lone low surrogate is an error.
  bool unicode_escape(uint32_t& cp)
  {
    if (!hex4(cp)) {
      return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      if (m_text.substr(m_at, 2) != "\\u") {
        return fail("a high surrogate without its low one");
      }
      m_at += 2;
      if (!hex4(low)) {
        return false;
      }
      if (low < 0xDC00 || low > 0xDFFF) {
        return fail("a high surrogate without its low one");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      return true;
    }
    return (cp < 0xDC00 || cp > 0xDFFF) || fail("a low surrogate without its high one");
  }

  void append_utf8(uint32_t cp)
  {
    if (cp < 0x80) {
      m_buffer.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      m_buffer.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      m_buffer.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      m_buffer.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      m_buffer.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      m_buffer.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      m_buffer.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      m_buffer.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      m_buffer.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      m_buffer.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // Moves m_at to the next quote, backslash or control byte, or to the end, 16 bytes at a time.
  void skip_plain()
  {
    while (m_at < m_text.size()) {
      char padded[k_scan_block];
      const unsigned stops = json_stops<false>(block_at(m_text, m_at, padded));
      if (stops != 0) {
        m_at += static_cast<size_t>(std::countr_zero(stops));
        return;
      }
      m_at = std::min(m_at + k_scan_block, m_text.size());
    }
  }

  // At a stop inside a string (skip_plain()): true at a quote, or at a backslash with the
  // escape's next byte there (m_at is left on the stop); else says why the string ends badly.
  bool string_goes_on()
  {
    if (m_at == m_text.size()) {
      return fail("unexpected end of input in a string");
    }
    const char c = m_text[m_at];
    if (c == '"') {
      return true;
    }
    if (c != '\\') {
      return fail("a control character in a string (it must be escaped)");
    }
    return m_at + 1 < m_text.size() || fail("unexpected end of input in a string");
  }

  // A string starting at the opening quote, unescaped into m_buffer; only checked, when the
  // events do not want it (m_keep false).
  bool string()
  {
    ++m_at;
    m_buffer.clear();
    return m_keep ? kept_string() : checked_string();
  }

  bool kept_string()
  {
    while (true) {
      const size_t start = m_at;
      skip_plain();
      const auto run = m_text.substr(start, m_at - start);
      if (!m_options.raw_bytes_in_strings && !is_valid_utf8(run)) {
        m_at = start;
        return fail("invalid UTF-8 in a string");
      }
      m_buffer.append(run);
      if (!string_goes_on()) {
        return false;
      }
      const char c = m_text[m_at++];
      if (c == '"') {
        return true;
      }
      switch (m_text[m_at++]) {
      case '"': m_buffer.push_back('"'); break;
      case '\\': m_buffer.push_back('\\'); break;
      case '/': m_buffer.push_back('/'); break;
      case 'b': m_buffer.push_back('\b'); break;
      case 'f': m_buffer.push_back('\f'); break;
      case 'n': m_buffer.push_back('\n'); break;
      case 'r': m_buffer.push_back('\r'); break;
      case 't': m_buffer.push_back('\t'); break;
      case 'u': {
        uint32_t cp = 0;
        if (!unicode_escape(cp)) {
          return false;
        }
        append_utf8(cp);
        break;
      }
      default:
        --m_at;
        return fail("invalid escape");
      }
    }
  }

  // The same checks without copying or unescaping: escapes are stepped over where they are,
  // and the UTF-8 check runs once over the whole string (escapes are ASCII, so this is the same
  // as checking each run).
  bool checked_string()
  {
    const size_t start = m_at;
    while (true) {
      skip_plain();
      if (!string_goes_on()) {
        return false;
      }
      const char c = m_text[m_at++];
      if (c == '"') {
        if (!m_options.raw_bytes_in_strings && !is_valid_utf8(m_text.substr(start, m_at - 1 - start))) {
          m_at = start;
          return fail("invalid UTF-8 in a string");
        }
        return true;
      }
      switch (m_text[m_at++]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!unicode_escape(cp)) {
          return false;
        }
        break;
      }
      default:
        --m_at;
        return fail("invalid escape");
      }
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number()
  {
    const size_t start = m_at;
    if (m_at < m_text.size() && m_text[m_at] == '-') {
      ++m_at;
    }
    if (m_at == m_text.size() || !digit(m_text[m_at])) {
      return fail("invalid number");
    }
    if (m_text[m_at] == '0') {
      ++m_at;
    } else {
      while (m_at < m_text.size() && digit(m_text[m_at])) {
        ++m_at;
      }
    }
    bool integer = true;
    if (m_at < m_text.size() && m_text[m_at] == '.') {
      integer = false;
      ++m_at;
      if (m_at == m_text.size() || !digit(m_text[m_at])) {
        return fail("invalid number");
      }
      while (m_at < m_text.size() && digit(m_text[m_at])) {
        ++m_at;
      }
    }
    if (m_at < m_text.size() && (m_text[m_at] == 'e' || m_text[m_at] == 'E')) {
      integer = false;
      ++m_at;
      if (m_at < m_text.size() && (m_text[m_at] == '+' || m_text[m_at] == '-')) {
        ++m_at;
      }
      if (m_at == m_text.size() || !digit(m_text[m_at])) {
        return fail("invalid number");
      }
      while (m_at < m_text.size() && digit(m_text[m_at])) {
        ++m_at;
      }
    }
    const auto text = m_text.substr(start, m_at - start);
    if (integer) {
      // As nlohmann: non-negative integers are unsigned, negative ones signed, and one that
      // does not fit becomes a float.
      if (text.front() == '-') {
        int64_t value = 0;
        if (std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc()) {
          m_events.number_integer(value);
          return true;
        }
      } else {
        uint64_t value = 0;
        if (std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc()) {
          m_events.number_unsigned(value);
          return true;
        }
      }
    }
    // nlohmann refuses a number that overflows a double (out_of_range.406).
    if (std::isinf(std::strtod(std::string(text).c_str(), nullptr))) {
      m_at = start;
      return fail("number out of range");
    }
    m_events.number_float(text);
    return true;
  }

  std::string_view m_text;
  JsonEvents& m_events;
  const JsonScanOptions& m_options;
  size_t m_at = 0;
  const char* m_problem = nullptr; // why reading stopped
  std::string m_depth_problem;
  std::string m_open;   // the containers we are in
  std::string m_buffer; // the string being read
  bool m_keep = true;   // whether the events want it
};

} // namespace

JsonScanResult
scan_json(std::string_view text, JsonEvents& events, const JsonScanOptions& options)
{
  return Scanner(text, events, options).result();
}

bool
json_nests_deeper_than(std::string_view text, size_t limit) noexcept
{
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i; // the escaped byte cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        return true;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

} // namespace dlq::util
