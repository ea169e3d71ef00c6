#include "kafka/topic_name.hpp"

namespace dlq::kafka {

const char*
topic_name_problem(std::string_view name) noexcept
{
  if (name.empty()) {
    return "empty";
  }
  if (name.size() > k_max_topic_name) {
    return "longer than 249 characters";
  }
  if (name == "." || name == "..") {
    return "\".\" and \"..\" are reserved";
  }
  for (const char c : name) {
    const bool legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                       || c == '-';
    if (!legal) {
      return "a character other than a-z A-Z 0-9 . _ -";
    }
  }
  return nullptr;
}

} // namespace dlq::kafka
