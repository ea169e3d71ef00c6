#include "exit_code.hpp"

#include "error.hpp"
#include "util/error.hpp"
#include "util/visible.hpp"

#include <algorithm>

namespace dlq::cmd {

int
exit_code_for(const std::exception& error) noexcept
{
  // Bad input: dlq's UsageError, and util's own InputError (util knows nothing of dlq's types).
  if (dynamic_cast<const UsageError*>(&error) != nullptr || dynamic_cast<const util::InputError*>(&error) != nullptr) {
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
  size_t start = 0;
  while (start <= message.size()) {
    const auto end = std::min(message.find('\n', start), message.size());
    auto line = message.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (start > 0) {
      out.append("; ");
    }
    util::append_visible(out, line);
    start = end + 1;
  }
  return out;
}

} // namespace dlq::cmd
