#include "util/redact.hpp"

#include "util/hex.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace dlq::util {

namespace {

struct Span
{
  size_t begin;
  size_t end;
};

bool
is_name_char(char c) noexcept
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

bool
is_blank(char c) noexcept
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Where a parameter's unquoted value ends: URI queries, JDBC attributes and libpq strings.
bool
ends_value(char c) noexcept
{
  return is_blank(c) || c == '&' || c == ';' || c == '#';
}

// The password in a URI's user info (with a scheme, or host:port without one, as curl takes
// it). The user info runs to the last '@' before the path that follows the first '@', so that a
// password holding '@' or '/' stays hidden; an '@' after a plain host[:port]/ is in the path.
void
add_user_info(std::string_view text, std::vector<Span>& spans)
{
  const auto scheme = text.find("://");
  const size_t authority = scheme == std::string_view::npos ? 0 : scheme + 3;
  const auto first_at = text.find('@', authority);
  if (first_at == std::string_view::npos) {
    return;
  }
  const auto before = text.substr(authority, first_at - authority);
  if (scheme == std::string_view::npos
      && (before.find('=') != std::string_view::npos
          || std::any_of(before.begin(), before.end(), [](char c) { return is_blank(c); }))) {
    return; // a key=value string ("host=h user=a@b") is not a URI
  }
  const auto slash = before.find('/');
  if (slash != std::string_view::npos) {
    const auto host = before.substr(0, slash);
    const auto colon = host.rfind(':');
    const auto port = colon == std::string_view::npos ? std::string_view() : host.substr(colon + 1);
    if (colon == std::string_view::npos
        || (!port.empty() && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))) {
      return; // host[:port]/path@...: the '@' is in the path
    }
  }
  const auto path = text.find_first_of("/?#", first_at);
  const auto at = text.substr(0, path).rfind('@');
  const auto colon = text.find(':', authority);
  if (colon != std::string_view::npos && colon < at) {
    spans.push_back({colon + 1, at});
  }
}

// name=value with a secret name, wherever it stands: ?password=x&..., ;password=x, password = 'x'.
void
add_secret_parameters(std::string_view text, std::vector<Span>& spans)
{
  size_t eq = 0;
  while ((eq = text.find('=', eq)) != std::string_view::npos) {
    size_t name_end = eq;
    while (name_end > 0 && is_blank(text[name_end - 1])) {
      --name_end;
    }
    size_t name_begin = name_end;
    while (name_begin > 0 && is_name_char(text[name_begin - 1])) {
      --name_begin;
    }
    if (name_begin == name_end || !is_secret_name(text.substr(name_begin, name_end - name_begin))) {
      ++eq;
      continue;
    }
    size_t value = eq + 1;
    while (value < text.size() && is_blank(text[value])) {
      ++value;
    }
    size_t end = value;
    if (value < text.size() && text[value] == '\'') {
      // libpq's quoting: \' and \\ inside; an unclosed quote runs to the end.
      end = value + 1;
      while (end < text.size() && text[end] != '\'') {
        end += text[end] == '\\' ? 2 : 1;
      }
      end = std::min(end + 1, text.size());
    } else {
      while (end < text.size() && !ends_value(text[end])) {
        ++end;
      }
      // Words after it without '=' are the rest of a value typed with a space (libpq would
      // quote them back in "missing "=" after ..."): they belong to the secret.
      while (true) {
        size_t word = end;
        while (word < text.size() && is_blank(text[word])) {
          ++word;
        }
        size_t word_end = word;
        while (word_end < text.size() && !ends_value(text[word_end])) {
          ++word_end;
        }
        const auto token = text.substr(word, word_end - word);
        if (token.empty() || token.find('=') != std::string_view::npos) {
          break;
        }
        end = word_end;
      }
    }
    spans.push_back({value, end});
    eq = std::max(end, eq + 1);
  }
}

std::vector<Span>
credential_spans(std::string_view text)
{
  std::vector<Span> spans;
  add_user_info(text, spans);
  add_secret_parameters(text, spans);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::vector<Span> merged;
  for (const auto& span : spans) {
    if (span.end <= span.begin) {
      continue;
    }
    if (!merged.empty() && span.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

// `text[from, to)` of `source` with the parts inside `spans` replaced by "***".
std::string
masked(std::string_view source, size_t from, size_t to, const std::vector<Span>& spans)
{
  std::string out;
  size_t at = from;
  for (const auto& span : spans) {
    if (span.end <= at || span.begin >= to) {
      continue;
    }
    if (span.begin > at) {
      out.append(source.substr(at, span.begin - at));
    }
    out.append("***");
    at = std::min(span.end, to);
  }
  if (at < to) {
    out.append(source.substr(at, to - at));
  }
  return out;
}

bool
overlaps(size_t begin, size_t end, const std::vector<Span>& spans)
{
  return std::any_of(spans.begin(), spans.end(), [&](const Span& s) { return s.begin < end && begin < s.end; });
}

void
replace_all(std::string& text, std::string_view what, std::string_view with)
{
  if (what.empty()) {
    return;
  }
  size_t at = 0;
  while ((at = text.find(what, at)) != std::string::npos) {
    text.replace(at, what.size(), with);
    at += with.size();
  }
}

std::string
percent_decoded(std::string_view text)
{
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const int high = i + 2 < text.size() ? hex_digit_value(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit_value(text[i + 2]) : -1;
    if (text[i] == '%' && high >= 0 && low >= 0) {
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

} // namespace

bool
is_secret_name(std::string_view name) noexcept
{
  static constexpr std::array<std::string_view, 15> k_markers = {
    "password", "passwd", "secret", "token", "credential", "jaas", "user.info", "userinfo",
    "key.pem", "keystore.key", "private.key", "privatekey", "api.key", "apikey", "access.key",
  };
  std::array<char, 256> lower{};
  const size_t size = std::min(name.size(), lower.size());
  for (size_t i = 0; i < size; ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  const std::string_view text(lower.data(), size);
  return std::any_of(k_markers.begin(), k_markers.end(),
                     [&](std::string_view marker) { return text.find(marker) != std::string_view::npos; });
}

std::string
redact_uri(std::string_view text)
{
  return masked(text, 0, text.size(), credential_spans(text));
}

std::string
redact_message(std::string_view message, std::string_view uri)
{
  const auto spans = credential_spans(uri);
  if (spans.empty()) {
    return std::string(message);
  }
  std::string out;
  size_t at = 0;
  while (at < message.size()) {
    const auto open = message.find('"', at);
    const auto close = open == std::string_view::npos ? open : message.find('"', open + 1);
    if (close == std::string_view::npos) {
      out.append(message.substr(at));
      break;
    }
    out.append(message.substr(at, open + 1 - at));
    const auto quoted = message.substr(open + 1, close - open - 1);
    std::string shown(quoted);
    // The first place the quoted text comes from in the URI that touches a credential.
    for (size_t from = uri.find(quoted); !quoted.empty() && from != std::string_view::npos;
         from = uri.find(quoted, from + 1)) {
      if (overlaps(from, from + quoted.size(), spans)) {
        shown = masked(uri, from, from + quoted.size(), spans);
        break;
      }
    }
    out.append(shown);
    out.push_back('"');
    at = close + 1;
  }
  // Unquoted copies, and the pieces URL parsers split a credential into (at '@', ':', '/').
  for (const auto& span : spans) {
    const auto secret = uri.substr(span.begin, span.end - span.begin);
    std::vector<std::string> pieces = {std::string(secret), percent_decoded(secret)};
    size_t start = 0;
    for (size_t i = 0; i <= secret.size(); ++i) {
      if (i == secret.size() || std::string_view("@:/?#&;= '").find(secret[i]) != std::string_view::npos) {
        if (i - start >= 3) {
          pieces.emplace_back(secret.substr(start, i - start));
        }
        start = i + 1;
      }
    }
    for (const auto& piece : pieces) {
      if (piece.size() >= 3) {
        replace_all(out, piece, "***");
      }
    }
  }
  return out;
}

std::string
redact_argument(std::string_view text)
{
  size_t name = 0;
  while (name < text.size() && is_name_char(text[name])) {
    ++name;
  }
  if (name == text.size()) {
    return std::string(text);
  }
  std::string out(text.substr(0, name));
  const char separator = text[name];
  if (std::ispunct(static_cast<unsigned char>(separator)) != 0 || separator == ' ') {
    out.push_back(separator);
  }
  out.append("***");
  return out;
}

} // namespace dlq::util
