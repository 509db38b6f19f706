// mailchimp — Mailchimp OAuth 2 and the Marketing API root (platform-apis.md
// §6). Tokens never expire and there is no refresh token or revoke
// endpoint. The metadata call (Authorization: OAuth …) names the data
// centre; API calls go to its api_endpoint with Authorization: Bearer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

namespace detail {
// Whether a stored Metadata's api_endpoint is one glint may send the token
// to: https://{dc}.api.mailchimp.com (through upstream_url) or the
// configured stand-in's origin. Shared by account() and reports().
bool trusted(const Metadata& md);
}  // namespace detail

// RFC 7807 problem documents → UpstreamError (401 → kReauthRequired:
// Mailchimp tokens do not expire, a 401 means revoked).
UpstreamError error_of(const HttpResponse& r, std::string_view what);

// ---- Campaign reports (reports.cc; platform-apis.md §6.2-6.3).

// One sent campaign's report: counts only. Mailchimp's rates are fractions
// of its own denominators and are not kept: ratios are made from sums.
struct CampaignReport {
  std::string id, title;
  std::string send_date;  // YYYY-MM-DD of send_time in UTC
  int64_t emails_sent = 0, unique_opens = 0, opens_total = 0, unique_clicks = 0, clicks_total = 0,
          hard_bounces = 0, soft_bounces = 0, unsubscribed = 0;
  double revenue = 0;  // ecommerce.total_revenue, in the store's currency
};

// GET {api_endpoint}/3.0/reports?count&offset&since_send_time (Bearer), every
// page, until offset + n >= total_items. `since_send_time` is ISO 8601
// ("2026-09-01T00:00:00Z"; a bare YYYY-MM-DD means its midnight UTC); empty
// reads every report. The api_endpoint is checked again as account() does.
// `page_size` is `count` (Mailchimp's maximum is 1000). Errors as error_of().
Upstream<std::vector<CampaignReport>> reports(const Metadata& md, const std::string& access_token,
                                              const std::string& since_send_time,
                                              int page_size = 100);

}  // namespace glint::connectors::mailchimp
