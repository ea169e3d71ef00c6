#pragma once

// A minimal blocking HTTP client over libcurl, for the Kafka Connect REST API.

#include <chrono>
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
  // ConnectError when no response arrives (refused, timed out, bad URL).
  HttpResponse request(const std::string& method, const std::string& url, const std::string& body = {});

private:
  struct Handle;
  std::unique_ptr<Handle> m_handle;
  std::chrono::milliseconds m_timeout;
};

// "http://user:secret@host:8083" -> "http://user:***@host:8083", for messages.
std::string redact_userinfo(const std::string& url);

} // namespace dlq::connect
