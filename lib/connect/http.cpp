#include "connect/http.hpp"

#include "error.hpp"

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

size_t
append_body(char* data, size_t size, size_t count, void* user)
{
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

} // namespace

std::string
redact_userinfo(const std::string& url)
{
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos || (slash != std::string::npos && at > slash)) {
    return url;
  }
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) {
    return url;
  }
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

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
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM: dlqcat owns its signal handlers
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const auto code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    throw ConnectError(
      fmt::format("{} {}: {}", method, redact_userinfo(url), error[0] != '\0' ? error : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

} // namespace dlq::connect
