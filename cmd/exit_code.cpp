#include "exit_code.hpp"

#include "error.hpp"

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
  for (const char c : message) {
    if (c == '\n') {
      out.append("; ");
    } else if (c != '\r') {
      out.push_back(c);
    }
  }
  return out;
}

} // namespace dlq::cmd
