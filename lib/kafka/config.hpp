#pragma once

// librdkafka client properties as given by -F, $DLQCAT_BROKERS, -X and -b, in that order of
// precedence (later wins), and the callbacks every dlqcat client installs.

#include "kafka/handles.hpp"

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dlq::kafka {

// Where librdkafka's log lines and error events go, one line each, ending in '\n'. Called on
// librdkafka's threads: it must be thread-safe and must not throw. Empty: they are dropped. The
// command decides (-v: stderr); the library never prints.
using LogSink = std::function<void(std::string_view line)>;

struct ClientConfig
{
  std::vector<std::pair<std::string, std::string>> properties;
  LogSink log;

  void set(std::string name, std::string value);
  const std::string* find(std::string_view name) const noexcept;
};

// Parses "name=value" (-X). Throws UsageError `-X: expected name=value, got "..."`, quoting no
// more than the leading name (util::redact_argument): `-X sasl.password:S3cr3t` is a typo
// away from a secret.
std::pair<std::string, std::string> parse_property(std::string_view text, std::string_view option);

// Reads a Java-style properties file: name=value lines, '#' or '!' comments, blank lines.
// Throws IoError when unreadable, UsageError on a line without '=' or for a directory.
std::vector<std::pair<std::string, std::string>> read_properties_file(const std::string& path);

// replay, park and compact-fix count a record as moved only once the cluster acknowledged it
// (and commit its source offset then): a producer setting that makes acknowledgements
// meaningless would turn lost records into "replayed". Throws UsageError naming the property
// when acks (or request.required.acks) is anything but all / -1, or enable.idempotence is false.
// `command` names the command in the message.
void require_acknowledged_delivery(const ClientConfig& config, std::string_view command);

// What the client's callbacks learned; read by the thread that polls.
struct ClientEvents
{
  std::atomic<bool> all_brokers_down{false};
  std::atomic<int> fatal_error{0}; // rd_kafka_resp_err_t
  LogSink log;
  void* owner = nullptr; // the Client this belongs to, for its callbacks
};

// Builds an rd_kafka_conf_t with `config`'s properties and the error/log callbacks bound to
// `events` (which must outlive the client). Throws UsageError naming a bad property.
ConfPtr make_conf(const ClientConfig& config, ClientEvents& events);

// Creates a client, taking ownership of `conf` only on success (librdkafka src/rdkafka.h,
// rd_kafka_new(): "The conf object is freed by this function on success").
HandlePtr make_handle(rd_kafka_type_t type, ConfPtr& conf);

} // namespace dlq::kafka
