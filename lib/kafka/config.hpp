#pragma once

// librdkafka client properties as given by -F, $DLQCAT_BROKERS, -X and -b, in that order of
// precedence (later wins), and the callbacks every dlqcat client installs.

#include "kafka/handles.hpp"

#include <atomic>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dlq::kafka {

struct ClientConfig
{
  std::vector<std::pair<std::string, std::string>> properties;
  int verbosity = 0; // 0: librdkafka's logs are hidden; >= 1: shown on stderr

  void set(std::string name, std::string value);
  const std::string* find(std::string_view name) const noexcept;
};

// Parses "name=value" (-X). Throws UsageError `-X: expected name=value, got "..."`.
std::pair<std::string, std::string> parse_property(std::string_view text, std::string_view option);

// Reads a Java-style properties file: name=value lines, '#' or '!' comments, blank lines.
// Throws IoError when unreadable, UsageError on a line without '='.
std::vector<std::pair<std::string, std::string>> read_properties_file(const std::string& path);

// True for properties whose values must never be echoed (passwords, keys, tokens).
bool is_secret_property(std::string_view name) noexcept;

// What the client's callbacks learned; read by the thread that polls.
struct ClientEvents
{
  std::atomic<bool> all_brokers_down{false};
  std::atomic<int> fatal_error{0}; // rd_kafka_resp_err_t
  int verbosity = 0;
  void* owner = nullptr; // the Client this belongs to, for its callbacks
};

// Builds an rd_kafka_conf_t with `config`'s properties and the error/log callbacks bound to
// `events` (which must outlive the client). Throws UsageError naming a bad property.
ConfPtr make_conf(const ClientConfig& config, ClientEvents& events);

// Creates a client, taking ownership of `conf` only on success (librdkafka src/rdkafka.h,
// rd_kafka_new(): "The conf object is freed by this function on success").
HandlePtr make_handle(rd_kafka_type_t type, ConfPtr& conf);

} // namespace dlq::kafka
