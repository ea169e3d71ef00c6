#pragma once

// A minimal blocking HTTP client over libcurl, for the Kafka Connect REST API.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace dlq::connect {

struct HttpResponse
{
  long status = 0;
  std::string body;
};

class HttpClient
{
public:
  explicit HttpClient(std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `body` (JSON, if not empty) and returns the response, whatever its status. Throws
  // ConnectError when no whole response arrives within the timeout (refused, timed out, bad URL)
  // or its body is larger than k_max_response_body.
  HttpResponse request(const std::string& method, const std::string& url, const std::string& body = {});

private:
  struct Handle;
  std::unique_ptr<Handle> m_handle;
  std::chrono::milliseconds m_timeout;
};

// The largest response body read: Connect's answers (a status with its tasks' stack traces, a
// config) are kilobytes; a server answering more is not Connect, and is not read into memory.
inline constexpr size_t k_max_response_body = size_t(4) << 20;

} // namespace dlq::connect
