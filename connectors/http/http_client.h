// http_client — how every connector talks to its upstream (libcurl).
//
// - The upstream host is configurable, one setting per real host:
//   GLINT_URL_<HOST> with the host upper-cased and dots as underscores
//   (GLINT_URL_API_BREVO_COM=http://127.0.0.1:9001 sends what would go to
//   https://api.brevo.com there, same paths). Tests point connectors at
//   fakes this way; nothing else changes.
// - Timeouts: connect, total, and a floor on the transfer rate (an upstream
//   that stalls mid-body is cut off). Redirects are never followed.
// - Retries with exponential backoff on 429, 5xx and transport errors,
//   honouring Retry-After (seconds) up to a cap; the last answer is returned.
// - Nothing here logs, and error messages name the host and path, never the
//   query string or a header (tokens and keys travel in headers only).
// Thread-safe: each call uses its own curl handle.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "glint/status.h"

namespace glint::connectors {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute, after upstream_url()
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connect_timeout_ms = 5000;
  int total_timeout_ms = 30000;
  int max_attempts = 3;          // 1 = no retry
  int max_retry_after_s = 10;    // longer waits are not waited for: the 429 is returned
  size_t max_response_bytes = 32u << 20;  // a longer body is cut off: a transport error
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  int attempts = 0;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// `real` ("https://api.brevo.com/v3/account") with its scheme and host
// replaced by GLINT_URL_<HOST> when that is set.
std::string upstream_url(std::string_view real);

// One raw response header line (as libcurl's header callback gets it) into
// `headers`: names lower-cased, values trimmed; a status line starts over
// (the headers after a 100 Continue are the real answer's).
void add_header_line(std::map<std::string, std::string>& headers, std::string_view line);

// Sends `r`; an error only when no HTTP answer came at all (transport).
Result<HttpResponse> send(const HttpRequest& r);

}  // namespace glint::connectors

namespace glint::connectors {

// What went wrong upstream, in the terms a route needs to answer.
struct UpstreamError {
  enum class Kind {
    kRejected,        // the credential was refused (401/403): the user must fix it
    kRateLimited,     // 429 after our retries: try again after retry_after_s
    kUnavailable,     // no answer, or 5xx after our retries
    kMalformed,       // an answer we cannot read
    kTokenExpired,    // the access token is expired or invalid: refresh once and retry
    kReauthRequired,  // the grant is gone (invalid_grant, revoked, Meta 190): reconnect
    kForbidden,       // this one account/property/page refused (403): others may work
    kInvalidRequest,  // the upstream refused what we asked (400): no retry
    kMisconfigured,   // the upstream refused glint's client id/secret (invalid_client)
  };
  UpstreamError(Kind k, std::string m, int retry = 0) : kind(k), message(std::move(m)), retry_after_s(retry) {}
  Kind kind;
  std::string message;  // for a person; never holds a secret
  int retry_after_s = 0;
  std::string upstream_code;  // the upstream's own code ("invalid_grant", "OAUTH_TOKEN_EXPIRED", "190/463")
  std::string request_id;     // the upstream's request id, when it sends one
};

// A typed upstream answer: the value, or why not.
template <class T>
struct Upstream {
  std::optional<T> value;
  std::optional<UpstreamError> error;
  bool ok() const { return value.has_value(); }
};

}  // namespace glint::connectors
