#include "connect/http.hpp"

#include "error.hpp"
#include "util/redact.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

namespace dlq::connect {

namespace {

struct CurlDeleter
{
  void operator()(CURL* curl) const noexcept { curl_easy_cleanup(curl); }
};
struct SlistDeleter
{
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

// The body so far; refuses (curl: CURLE_WRITE_ERROR) to grow past the limit.
struct Body
{
  std::string& text;
  size_t limit;
  bool too_large = false;
};

size_t
append_body(char* data, size_t size, size_t count, void* user)
{
  auto* body = static_cast<Body*>(user);
  const size_t bytes = size * count;
  if (body->text.size() + bytes > body->limit) {
    body->too_large = true;
    return 0;
  }
  body->text.append(data, bytes);
  return bytes;
}

} // namespace

struct HttpClient::Handle
{
  std::unique_ptr<CURL, CurlDeleter> curl;
};

HttpClient::HttpClient(std::chrono::milliseconds timeout) : m_handle(std::make_unique<Handle>()), m_timeout(timeout)
{
  m_handle->curl.reset(curl_easy_init());
  if (!m_handle->curl) {
    throw ConnectError("cannot initialise libcurl");
  }
}

HttpClient::~HttpClient() = default;

HttpResponse
HttpClient::request(const std::string& method, const std::string& url, const std::string& body)
{
  CURL* curl = m_handle->curl.get();
  curl_easy_reset(curl);
  HttpResponse response;
  std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(nullptr, "Accept: application/json"));
  const bool sends_body = method == "POST" || method == "PUT" || method == "PATCH";
  if (sends_body) {
    // Also for an empty body: curl would say application/x-www-form-urlencoded, which Kafka
    // Connect refuses (415) on PUT /stop, /pause and /resume.
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
  }
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  if (sends_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str()); // also sends Content-Length: 0
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  // The whole request, connection to last byte, within the timeout; the body within the limit
  // (also refused up front when its Content-Length says so).
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(k_max_response_body));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM: dlqcat owns its signal handlers
  Body sink{response.body, k_max_response_body};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const auto code = curl_easy_perform(curl);
  if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    throw ConnectError(fmt::format("{} {}: the response is larger than {} MiB, which no Kafka Connect answer is", method,
                                   util::redact_uri(url), k_max_response_body >> 20));
  }
  if (code != CURLE_OK) {
    const std::string reason = error[0] != '\0' ? error : curl_easy_strerror(code);
    throw ConnectError(fmt::format("{} {}: {}", method, util::redact_uri(url), util::redact_message(reason, url)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

} // namespace dlq::connect
