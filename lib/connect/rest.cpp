#include "connect/rest.hpp"

#include "error.hpp"
#include "util/interrupt.hpp"
#include "util/json_scan.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace dlq::connect {

namespace {

using nlohmann::json;

// A Connect answer as JSON; discarded when it is not JSON or nests deeper than any Connect answer
// (nlohmann's tree would take memory per level, its dump() stack).
json
parse(const std::string& text)
{
  if (util::json_nests_deeper_than(text)) {
    return json(json::value_t::discarded);
  }
  return json::parse(text, nullptr, false);
}

std::string
string_field(const json& object, const char* name)
{
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Connect answers errors as {"error_code": 404, "message": "..."}.
std::string
error_message(const HttpResponse& response)
{
  const auto body = parse(response.body);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    return body["message"].get<std::string>();
  }
  return fmt::format("HTTP {}", response.status);
}

bool
is_success(const HttpResponse& response)
{
  return response.status >= 200 && response.status < 300;
}

// The endpoint does not exist on this worker (older Connect), as opposed to a failing call: 405,
// or a 404 with the REST framework's own message. A 404 about the connector ("Unknown connector
// x", "No status found for connector x") is an error of its own.
bool
is_missing_endpoint(const HttpResponse& response)
{
  if (response.status == 405) {
    return true;
  }
  if (response.status != 404) {
    return false;
  }
  const auto message = error_message(response);
  return message == "HTTP 404 Not Found" || message == "HTTP 404";
}

} // namespace

ConnectorStatus
parse_status(const std::string& body)
{
  const auto document = parse(body);
  if (!document.is_object() || !document.contains("connector") || !document["connector"].is_object()) {
    throw ConnectError("Kafka Connect answered a status that is not a connector status");
  }
  ConnectorStatus status;
  status.name = string_field(document, "name");
  status.state = string_field(document["connector"], "state");
  if (document.contains("tasks") && document["tasks"].is_array()) {
    for (const auto& task : document["tasks"]) {
      if (!task.is_object()) {
        continue;
      }
      TaskStatus t;
      t.id = task.contains("id") && task["id"].is_number_integer() ? task["id"].get<int>() : 0;
      t.state = string_field(task, "state");
      t.trace = string_field(task, "trace");
      status.tasks.push_back(std::move(t));
    }
  }
  return status;
}

bool
is_running(const ConnectorStatus& status)
{
  if (status.state != "RUNNING" || status.tasks.empty()) {
    return false;
  }
  for (const auto& task : status.tasks) {
    if (task.state != "RUNNING") {
      return false;
    }
  }
  return true;
}

std::string
describe(const ConnectorStatus& status)
{
  std::string out = status.state.empty() ? "UNKNOWN" : status.state;
  out.append(", tasks:");
  if (status.tasks.empty()) {
    out.append(" none");
  }
  for (std::size_t i = 0; i < status.tasks.size(); ++i) {
    out.append(fmt::format("{} {} {}", i == 0 ? "" : ",", status.tasks[i].id, status.tasks[i].state));
  }
  return out;
}

std::string
failure_summary(const ConnectorStatus& status)
{
  for (const auto& task : status.tasks) {
    if (task.state != "FAILED" || task.trace.empty()) {
      continue;
    }
    std::string first_line;
    std::string database_line;
    std::size_t start = 0;
    while (start < task.trace.size()) {
      const auto end = std::min(task.trace.find('\n', start), task.trace.size());
      auto line = task.trace.substr(start, end - start);
      if (first_line.empty()) {
        first_line = line;
      }
      // The database's own message, as the JDBC driver quotes it. The last such line is the
      // innermost cause: Debezium's sink wraps it in Hibernate's and the batch's exceptions,
      // which quote the whole statement.
      if (line.find("ERROR:") != std::string::npos) {
        constexpr std::string_view caused_by = "Caused by: ";
        if (line.starts_with(caused_by)) {
          line.erase(0, caused_by.size());
        }
        database_line = std::move(line);
      }
      start = end + 1;
    }
    return database_line.empty() ? first_line : database_line;
  }
  return {};
}

ConnectClient::ConnectClient(std::string base_url, std::string connector, std::chrono::milliseconds request_timeout)
  : m_http(request_timeout),
    m_base(std::move(base_url)),
    m_connector(std::move(connector))
{
  while (!m_base.empty() && m_base.back() == '/') {
    m_base.pop_back();
  }
}

HttpResponse
ConnectClient::call(const std::string& method, const std::string& path, const std::string& body)
{
  return m_http.request(method, m_base + path, body);
}

ConnectorStatus
ConnectClient::status()
{
  const auto response = call("GET", fmt::format("/connectors/{}/status", m_connector));
  if (!is_success(response)) {
    throw ConnectError(fmt::format("connector {}: {}", m_connector, error_message(response)));
  }
  return parse_status(response.body);
}

bool
ConnectClient::exists()
{
  const auto response = call("GET", fmt::format("/connectors/{}", m_connector));
  if (response.status == 404) {
    return false;
  }
  if (!is_success(response)) {
    throw ConnectError(fmt::format("connector {}: {}", m_connector, error_message(response)));
  }
  return true;
}

std::map<std::string, std::string>
ConnectClient::config()
{
  const auto response = call("GET", fmt::format("/connectors/{}/config", m_connector));
  if (!is_success(response)) {
    throw ConnectError(fmt::format("connector {}: {}", m_connector, error_message(response)));
  }
  const auto document = parse(response.body);
  if (!document.is_object()) {
    throw ConnectError(fmt::format("connector {}: its config is not a JSON object", m_connector));
  }
  std::map<std::string, std::string> config;
  for (const auto& [name, value] : document.items()) {
    config[name] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return config;
}

Halt
ConnectClient::halt(bool pause_is_enough)
{
  const auto path = fmt::format("/connectors/{}", m_connector);
  auto response = call("PUT", path + "/stop");
  if (is_success(response)) {
    return Halt::Stopped;
  }
  if (!is_missing_endpoint(response)) {
    throw ConnectError(fmt::format("stop connector {}: {}", m_connector, error_message(response)));
  }
  if (pause_is_enough) {
    response = call("PUT", path + "/pause");
    if (is_success(response)) {
      return Halt::Paused;
    }
    if (!is_missing_endpoint(response)) {
      throw ConnectError(fmt::format("pause connector {}: {}", m_connector, error_message(response)));
    }
  }
  response = call("DELETE", path);
  if (!is_success(response)) {
    throw ConnectError(fmt::format("delete connector {}: {}", m_connector, error_message(response)));
  }
  return Halt::Deleted;
}

bool
ConnectClient::alter_sink_offset(const std::string& topic, int32_t partition, int64_t offset)
{
  // KIP-875 (Kafka 3.6): the body names Kafka coordinates for a sink connector.
  const json body = {
    {"offsets",
     json::array({{{"partition", {{"kafka_topic", topic}, {"kafka_partition", partition}}},
                   {"offset", {{"kafka_offset", offset}}}}})}};
  const auto response = call("PATCH", fmt::format("/connectors/{}/offsets", m_connector), body.dump());
  if (is_success(response)) {
    return true;
  }
  if (is_missing_endpoint(response)) {
    return false;
  }
  throw ConnectError(fmt::format("alter the offsets of connector {}: {}", m_connector, error_message(response)));
}

void
ConnectClient::recreate(const std::map<std::string, std::string>& saved_config)
{
  const json body = {{"name", m_connector}, {"config", saved_config}};
  const auto response = call("POST", "/connectors", body.dump());
  if (!is_success(response)) {
    throw ConnectError(fmt::format("create connector {}: {}", m_connector, error_message(response)));
  }
}

void
ConnectClient::bring_back(Halt how, const std::map<std::string, std::string>& saved_config)
{
  const auto path = fmt::format("/connectors/{}", m_connector);
  if (how == Halt::Deleted) {
    recreate(saved_config);
    return;
  }
  auto response = call("PUT", path + "/resume");
  if (!is_success(response)) {
    throw ConnectError(fmt::format("resume connector {}: {}", m_connector, error_message(response)));
  }
  if (how == Halt::Stopped) {
    // A stopped connector has no tasks: resuming creates new ones, failed ones are gone. (A
    // restart right after the resume is refused, 409, while the worker rebalances.)
    return;
  }
  // 202 with a body: the worker restarts the failed tasks. 204: a worker before 3.0 ignored the
  // parameters and restarted the connector alone, so its tasks stay FAILED: rebuild it instead.
  // 409: the worker is rebalancing after the resume; asked again shortly.
  for (int attempt = 1;; ++attempt) {
    response = call("POST", path + "/restart?includeTasks=true&onlyFailed=true");
    if (response.status != 409 || attempt == 20) {
      break;
    }
    util::sleep_interruptibly(std::chrono::milliseconds(500));
  }
  if (response.status == 202 || response.status == 200) {
    return;
  }
  if (response.status != 204 && !is_missing_endpoint(response)) {
    throw ConnectError(fmt::format("restart connector {}: {}", m_connector, error_message(response)));
  }
  response = call("DELETE", path);
  if (!is_success(response)) {
    throw ConnectError(fmt::format("delete connector {}: {}", m_connector, error_message(response)));
  }
  recreate(saved_config);
}

} // namespace dlq::connect
