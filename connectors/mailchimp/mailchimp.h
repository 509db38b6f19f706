// mailchimp — Mailchimp OAuth 2 and the Marketing API root (platform-apis.md
// §6). Tokens never expire and there is no refresh token or revoke
// endpoint. The metadata call (Authorization: OAuth …) names the data
// centre; API calls go to its api_endpoint with Authorization: Bearer.
#pragma once

#include <cstdint>
#include <string>

#include "oauth/oauth.h"

namespace glint::connectors::mailchimp {

struct Config {
  std::string client_id, client_secret;
};

// GET https://login.mailchimp.com/oauth2/authorize?response_type=code&client_id&redirect_uri&state
std::string authorize_url(const Config& cfg, const std::string& redirect_uri, const std::string& state);
Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code, const std::string& redirect_uri);

struct Metadata {
  std::string dc, role, account_name, login_email, login_name, api_endpoint;
  int64_t user_id = 0;
};
// GET https://login.mailchimp.com/oauth2/metadata. `api_endpoint` is
// accepted only when it is https://{dc}.api.mailchimp.com (then passed
// through upstream_url) or on the same origin as the configured
// login.mailchimp.com stand-in (a fake); anything else is kMalformed, so a
// tampered answer cannot point glint's token at another host.
Upstream<Metadata> metadata(const std::string& access_token);

struct Account {
  std::string account_id, account_name, email, login_id;
  int64_t total_subscribers = 0;
};
// GET {api_endpoint}/3.0/ (API root: the account behind the token).
Upstream<Account> account(const Metadata& md, const std::string& access_token);

// RFC 7807 problem documents → UpstreamError (401 → kReauthRequired:
// Mailchimp tokens do not expire, a 401 means revoked).
UpstreamError error_of(const HttpResponse& r, std::string_view what);

}  // namespace glint::connectors::mailchimp
