#pragma once

// Kafka's rule for topic names (apache/kafka clients/src/main/java/org/apache/kafka/common/internals/
// Topic.java, validate): 1 to 249 characters of [a-zA-Z0-9._-], and not "." or "..". Pure.

#include <string_view>

namespace dlq::kafka {

inline constexpr size_t k_max_topic_name = 249;

// Why `name` is not a legal topic name (a static string), or nullptr when it is one.
const char* topic_name_problem(std::string_view name) noexcept;

inline bool
is_legal_topic_name(std::string_view name) noexcept
{
  return topic_name_problem(name) == nullptr;
}

} // namespace dlq::kafka
