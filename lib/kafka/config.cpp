#include "kafka/config.hpp"

#include "error.hpp"
#include "util/redact.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace dlq::kafka {

namespace {

std::string_view
trim(std::string_view text)
{
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

void
log_cb(const rd_kafka_t* rk, int level, const char* facility, const char* message)
{
  const auto* events = static_cast<const ClientEvents*>(rd_kafka_opaque(rk));
  if (events != nullptr && events->log) {
    // On librdkafka's threads: nothing here may throw.
    try {
      events->log(fmt::format("dlqcat: librdkafka: {} {}: {}\n", level, facility, message));
    } catch (...) {
    }
  }
}

void
error_cb(rd_kafka_t* rk, int err, const char* reason, void* opaque)
{
  auto* events = static_cast<ClientEvents*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    events->all_brokers_down = true;
  } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal_reason[512];
    events->fatal_error = rd_kafka_fatal_error(rk, fatal_reason, sizeof(fatal_reason));
  }
  if (events->log) {
    try {
      events->log(
        fmt::format("dlqcat: librdkafka error: {}: {}\n", rd_kafka_err2str(rd_kafka_resp_err_t(err)), reason));
    } catch (...) {
    }
  }
}

} // namespace

void
ClientConfig::set(std::string name, std::string value)
{
  properties.emplace_back(std::move(name), std::move(value));
}

const std::string*
ClientConfig::find(std::string_view name) const noexcept
{
  for (auto it = properties.rbegin(); it != properties.rend(); ++it) {
    if (it->first == name) {
      return &it->second;
    }
  }
  return nullptr;
}

std::pair<std::string, std::string>
parse_property(std::string_view text, std::string_view option)
{
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError(fmt::format("{}: expected name=value, got \"{}\"", option, util::redact_argument(text)));
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::vector<std::pair<std::string, std::string>>
read_properties_file(const std::string& path)
{
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw UsageError(fmt::format("-F: \"{}\" is a directory, not a properties file", path));
  }
  std::ifstream in(path);
  if (!in) {
    throw IoError(fmt::format("-F: cannot read \"{}\"", path));
  }
  std::vector<std::pair<std::string, std::string>> result;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == '!') {
      continue;
    }
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw UsageError(fmt::format("{}:{}: expected name=value", path, number));
    }
    result.emplace_back(std::string(trim(text.substr(0, eq))), std::string(trim(text.substr(eq + 1))));
  }
  return result;
}

namespace {

std::string
lower_trimmed(std::string_view text)
{
  std::string out;
  for (const char c : text) {
    if (c != ' ' && c != '\t') {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

} // namespace

void
require_acknowledged_delivery(const ClientConfig& config, std::string_view command)
{
  // librdkafka's names: acks is an alias of the topic property request.required.acks.
  for (const std::string_view name : {"acks", "request.required.acks"}) {
    if (const auto* value = config.find(name)) {
      const auto acks = lower_trimmed(*value);
      if (acks != "all" && acks != "-1") {
        throw UsageError(fmt::format("{}={}: {} needs acks=all (-1): it counts a record as delivered, and commits its "
                                     "source offset, only once every in-sync replica has it",
                                     name, *value, command));
      }
    }
  }
  if (const auto* value = config.find("enable.idempotence")) {
    const auto idempotence = lower_trimmed(*value);
    if (idempotence != "true" && idempotence != "t" && idempotence != "1") {
      throw UsageError(fmt::format("enable.idempotence={}: {} needs the idempotent producer, so that a retried "
                                   "record is written once and in order",
                                   *value, command));
    }
  }
}

ConfPtr
make_conf(const ClientConfig& config, ClientEvents& events)
{
  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  for (const auto& [name, value] : config.properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      // librdkafka's message may quote the value; never echo secrets.
      throw UsageError(util::is_secret_name(name) ? fmt::format("-X: invalid value for {}", name)
                                                : fmt::format("-X: {}", errstr));
    }
  }
  events.log = config.log;
  rd_kafka_conf_set_opaque(conf.get(), &events);
  rd_kafka_conf_set_log_cb(conf.get(), log_cb);
  rd_kafka_conf_set_error_cb(conf.get(), error_cb);
  return conf;
}

HandlePtr
make_handle(rd_kafka_type_t type, ConfPtr& conf)
{
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    throw UsageError(fmt::format("cannot create Kafka client: {}", errstr));
  }
  conf.release(); // owned by rk now
  return HandlePtr(rk);
}

} // namespace dlq::kafka
