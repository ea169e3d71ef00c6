#include "exit_code.hpp"

#include "error.hpp"
#include "util/utf8.hpp"

#include <fmt/core.h>

namespace dlq::cmd {

int
exit_code_for(const std::exception& error) noexcept
{
  if (dynamic_cast<const UsageError*>(&error) != nullptr) {
    return k_exit_usage;
  }
  if (dynamic_cast<const Interrupted*>(&error) != nullptr) {
    return k_exit_interrupted;
  }
  return k_exit_failure;
}

std::string
one_line(std::string_view message)
{
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  std::string out;
  out.reserve(message.size());
  size_t i = 0;
  while (i < message.size()) {
    const auto c = static_cast<unsigned char>(message[i]);
    if (c == '\n') {
      out.append("; ");
    } else if (c == '\r') {
    } else if (c < 0x20 || c == 0x7f) {
      out.append(fmt::format("\\x{:02X}", c));
    } else if (c >= 0x80) {
      // The longest valid UTF-8 sequence starting here, else one byte escaped.
      size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      if (length > 1 && i + length <= message.size() && util::is_valid_utf8(message.substr(i, length))) {
        out.append(message.substr(i, length));
        i += length;
        continue;
      }
      out.append(fmt::format("\\x{:02X}", c));
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

} // namespace dlq::cmd
