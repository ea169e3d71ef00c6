#include "kafka/config.hpp"

#include "error.hpp"

#include <fmt/core.h>

#include <cstdio>
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
  if (events != nullptr && events->verbosity > 0) {
    fmt::print(stderr, "dlqcat: librdkafka: {} {}: {}\n", level, facility, message);
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
  if (events->verbosity > 0) {
    fmt::print(stderr, "dlqcat: librdkafka error: {}: {}\n", rd_kafka_err2str(rd_kafka_resp_err_t(err)), reason);
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
    throw UsageError(fmt::format("{}: expected name=value, got \"{}\"", option, text));
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::vector<std::pair<std::string, std::string>>
read_properties_file(const std::string& path)
{
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

bool
is_secret_property(std::string_view name) noexcept
{
  for (const std::string_view marker : {"password", "secret", "key.pem", "token", "sasl.jaas", "credentials"}) {
    if (name.find(marker) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

ConfPtr
make_conf(const ClientConfig& config, ClientEvents& events)
{
  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  for (const auto& [name, value] : config.properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      // librdkafka's message may quote the value; never echo secrets.
      throw UsageError(is_secret_property(name) ? fmt::format("-X: invalid value for {}", name)
                                                : fmt::format("-X: {}", errstr));
    }
  }
  events.verbosity = config.verbosity;
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
