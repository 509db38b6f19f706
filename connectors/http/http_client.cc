#include "http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

namespace glint::connectors {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct BodySink {
  std::string* out;
  size_t cap;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->out->size() + size * n > sink->cap) return 0;  // libcurl aborts the transfer
  sink->out->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  add_header_line(*headers, std::string_view(data, size * n));
  return size * n;
}

// "https://api.brevo.com/v3/x?y" → "api.brevo.com/v3/x" (for messages).
std::string where(const std::string& url) {
  std::string s = url.substr(std::min(url.size(), url.find("://") == std::string::npos ? 0 : url.find("://") + 3));
  return s.substr(0, s.find('?'));
}

bool retryable(int status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace

void add_header_line(std::map<std::string, std::string>& headers, std::string_view raw) {
  const std::string line(raw);
  if (line.rfind("HTTP/", 0) == 0) headers.clear();  // a new response (after 100 Continue)
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    headers[name] = value;
  }
}

std::string upstream_url(std::string_view real) {
  const size_t scheme = real.find("://");
  if (scheme == std::string_view::npos) return std::string(real);
  const size_t host_start = scheme + 3;
  const size_t path = std::min(real.find('/', host_start), real.size());
  std::string host(real.substr(host_start, path - host_start));
  std::string name = "GLINT_URL_";
  for (char c : host) name.push_back(c == '.' || c == '-' || c == ':' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  const char* over = std::getenv(name.c_str());
  if (over == nullptr || *over == '\0') return std::string(real);
  std::string base = over;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(real.substr(path));
}

Result<HttpResponse> send(const HttpRequest& r) {
  global_init();
  HttpResponse out;
  std::string last_error;
  for (int attempt = 1; attempt <= std::max(1, r.max_attempts); ++attempt) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
    if (!h) return Status(ErrorCode::kInternal, "libcurl could not start");
    curl_slist* list = nullptr;
    for (const auto& [k, v] : r.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
    HttpResponse resp;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h.get(), CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(h.get(), CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h.get(), CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.get(), CURLOPT_VERBOSE, 0L);
    curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout_ms));
    curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(r.total_timeout_ms));
    curl_easy_setopt(h.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);  // stalled for 10 s: cut off
    curl_easy_setopt(h.get(), CURLOPT_LOW_SPEED_TIME, 10L);
    curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, on_body);
    BodySink sink{&resp.body, r.max_response_bytes};
    curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h.get(), CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h.get(), CURLOPT_HEADERDATA, &resp.headers);
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    const CURLcode rc = curl_easy_perform(h.get());
    int wait_ms = 250 * (1 << (attempt - 1));
    if (rc == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &status);
      resp.status = static_cast<int>(status);
      resp.attempts = attempt;
      out = std::move(resp);
      if (!retryable(out.status) || attempt == r.max_attempts) return out;
      if (const std::string ra = out.header("retry-after"); !ra.empty()) {
        char* end = nullptr;
        const long s = std::strtol(ra.c_str(), &end, 10);
        if (end != ra.c_str() && s >= 0) {
          if (s > r.max_retry_after_s) return out;  // not worth waiting for here: the caller decides
          wait_ms = static_cast<int>(s * 1000);
        }
      }
    } else {
      last_error = std::string(curl_easy_strerror(rc)) + (errbuf[0] != '\0' ? std::string(": ") + errbuf : "");
      if (attempt == r.max_attempts) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
  if (out.status != 0) return out;
  // libcurl's message may hold the URL: name the host and path only.
  std::string detail = last_error;
  if (const size_t q = detail.find('?'); q != std::string::npos) detail = detail.substr(0, q);
  return Status(ErrorCode::kInternal, "no answer from " + where(r.url) + " (" + detail + ")");
}

}  // namespace glint::connectors
