// meta — Facebook Login (manual flow) and the Graph / Marketing API
// (platform-apis.md §4 and its corrections).
//
// Hosts behind upstream_url(): www.facebook.com (dialog), graph.facebook.com.
// The user token travels only as `Authorization: Bearer` (never as an
// access_token parameter); `paging.next` links are never followed as given:
// the next page is asked from the configured base with `after` =
// paging.cursors.after. Every Graph call carries appsecret_proof when the app
// secret is set. The code exchange carries client_secret as Meta documents;
// nothing here logs it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oauth/oauth.h"

namespace glint::connectors::meta {

struct Config {
  std::string app_id, app_secret;
  std::string version = "v25.0";  // GLINT_META_API_VERSION
};

// GET https://www.facebook.com/{v}/dialog/oauth?client_id&redirect_uri&state&response_type=code&scope=a,b
std::string dialog_url(const Config& cfg, const std::string& redirect_uri, const std::vector<std::string>& scopes,
                       const std::string& state);
// code → short-lived user token (GET {v}/oauth/access_token).
Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code, const std::string& redirect_uri);
// short-lived → long-lived (~60 days; grant_type=fb_exchange_token).
Upstream<oauth::Tokens> exchange_long_lived(const Config& cfg, const std::string& short_token);

struct TokenInfo {
  bool is_valid = false;
  int64_t expires_at = 0;              // unix seconds; 0 = never
  int64_t data_access_expires_at = 0;  // unix seconds; 0 = unknown
  std::string user_id;
  std::vector<std::string> scopes;
};
// debug_token for `token`, authorised by the app token (app_id|app_secret)
// as a Bearer header; the inspected token goes in a POST form body, never in
// a URL.
Upstream<TokenInfo> debug_token(const Config& cfg, const std::string& token);

struct User {
  std::string id, name, email;
};
Upstream<User> me(const Config& cfg, const std::string& token);

struct AdAccount {
  std::string id;          // "act_1234567890"
  std::string account_id;  // "1234567890"
  std::string name, currency, timezone_name, business_name;
  int account_status = 0;  // 1 ACTIVE, 2 DISABLED, 101 CLOSED, …
};
// GET {v}/me/adaccounts?fields=…&limit=50, every page.
Upstream<std::vector<AdAccount>> ad_accounts(const Config& cfg, const std::string& token);

struct Page {
  std::string id, name, category;
  std::vector<std::string> tasks;  // the page access token is NOT kept
};
// GET {v}/me/accounts?fields=id,name,category,tasks, every page.
Upstream<std::vector<Page>> pages(const Config& cfg, const std::string& token);

// DELETE {v}/me/permissions: removes the app's grant.
Upstream<bool> revoke(const Config& cfg, const std::string& token);

// Meta's error object → UpstreamError: 190 (any subcode), 102 →
// kReauthRequired; 4/17/32/613/80000–80014 → kRateLimited (wait from
// X-Business-Use-Case-Usage estimated_time_to_regain_access, minutes);
// 10/200–299 → kForbidden; 100 → kInvalidRequest; 1/2 → kUnavailable.
UpstreamError error_of(const HttpResponse& r, std::string_view what);

}  // namespace glint::connectors::meta
