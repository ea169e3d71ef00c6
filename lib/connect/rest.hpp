#pragma once

// Kafka Connect's REST API, the calls compact-fix needs: status and config, stop or pause,
// resume, restart of failed tasks, and delete + create for workers too old for the newer calls.
// Endpoints: Kafka's connect/runtime/src/main/java/org/apache/kafka/connect/runtime/rest/resources/
// ConnectorsResource.java (PUT /stop since 3.5, restart with includeTasks/onlyFailed since 3.0, KIP-745,
// PATCH /offsets since 3.6, KIP-875). Checked against a real Kafka Connect 4.3.1 worker
// (tests/connect/test_jdbc_sink.bash).

#include "connect/http.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dlq::connect {

struct TaskStatus
{
  int id = 0;
  std::string state; // RUNNING, FAILED, PAUSED, UNASSIGNED, RESTARTING
  std::string trace;
};

struct ConnectorStatus
{
  std::string name;
  std::string state; // RUNNING, FAILED, PAUSED, STOPPED, UNASSIGNED, RESTARTING
  std::vector<TaskStatus> tasks;
};

// Parses GET /connectors/{name}/status. Throws ConnectError on a body that is not that shape.
ConnectorStatus parse_status(const std::string& body);
// The connector and at least one task run, and no task is in another state.
bool is_running(const ConnectorStatus& status);
// "RUNNING, tasks: 0 RUNNING, 1 FAILED"
std::string describe(const ConnectorStatus& status);
// For a one-line report: the innermost line of the first failed task's trace that quotes the
// database ("ERROR:", as the JDBC driver does), without "Caused by: "; else the trace's first
// line; empty if no task failed.
std::string failure_summary(const ConnectorStatus& status);

// How the connector was halted, so that it can be brought back the matching way.
enum class Halt { Stopped, Paused, Deleted };

class ConnectClient
{
public:
  ConnectClient(std::string base_url, std::string connector, std::chrono::milliseconds request_timeout);

  const std::string& connector() const noexcept { return m_connector; }

  // Throws ConnectError for an unknown connector or an unreachable worker.
  ConnectorStatus status();
  std::map<std::string, std::string> config();

  // Stops the connector so that its tasks leave the consumer group (needed to move its
  // offsets): PUT /stop, else DELETE (the saved config recreates it). With `pause_is_enough`
  // (nothing will touch the group), PUT /pause before falling back to DELETE.
  Halt halt(bool pause_is_enough);

  // Resumes what halt() did (a stopped connector gets new tasks), restarts the failed tasks of a
  // paused one; recreates a deleted connector, and deletes + recreates one whose worker cannot
  // restart tasks (Connect before 3.0).
  // `saved_config` must be the config read before halt().
  void bring_back(Halt how, const std::map<std::string, std::string>& saved_config);

  // Moves a STOPPED sink connector's consumer offset for one partition through Connect's offsets
  // API (PATCH /connectors/{name}/offsets, KIP-875, Kafka 3.6+). False when the worker has no
  // such endpoint (the caller commits the connector's group itself); throws ConnectError when
  // the worker refuses.
  bool alter_sink_offset(const std::string& topic, int32_t partition, int64_t offset);

  // Polls the status until `done` holds or `timeout` passes; returns the last status. Throws
  // Interrupted on SIGINT/SIGTERM (util::sleep_interruptibly).
  template <typename Predicate>
  ConnectorStatus wait_for(Predicate done, std::chrono::milliseconds timeout);
  bool exists();

private:
  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {});
  void recreate(const std::map<std::string, std::string>& saved_config);

  HttpClient m_http;
  std::string m_base;
  std::string m_connector;
};

} // namespace dlq::connect

#include "util/interrupt.hpp"

namespace dlq::connect {

template <typename Predicate>
ConnectorStatus
ConnectClient::wait_for(Predicate done, std::chrono::milliseconds timeout)
{
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto current = status();
    if (done(current) || std::chrono::steady_clock::now() >= deadline) {
      return current;
    }
    util::sleep_interruptibly(std::chrono::milliseconds(250));
  }
}

} // namespace dlq::connect
