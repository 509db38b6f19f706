// hubspot — HubSpot OAuth on the date-versioned endpoints (platform-apis.md
// §5): authorize on app.hubspot.com, token / introspect / revoke on
// api.hubapi.com/oauth/{version}/… with form bodies only (no token in a
// path or query). PKCE S256 on the code exchange.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oauth/oauth.h"

namespace glint::connectors::hubspot {

struct Config {
  std::string client_id, client_secret;
  std::string oauth_version = "2026-03";  // GLINT_HUBSPOT_OAUTH_VERSION
};

// GET https://app.hubspot.com/oauth/authorize?client_id&redirect_uri&scope&optional_scope&state&code_challenge&code_challenge_method=S256
std::string authorize_url(const Config& cfg, const std::string& redirect_uri, const std::vector<std::string>& scopes,
                          const std::vector<std::string>& optional_scopes, const std::string& state,
                          const std::string& code_challenge);
Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code, const std::string& redirect_uri,
                                      const std::string& code_verifier);
// The answer may carry a new refresh token: the caller stores it.
Upstream<oauth::Tokens> refresh(const Config& cfg, const std::string& refresh_token);

struct Portal {
  bool active = false;
  int64_t hub_id = 0;
  std::string hub_domain, user, user_id;
  std::vector<std::string> scopes;
};
// POST /oauth/{v}/token/introspect (token in the form body).
Upstream<Portal> introspect(const Config& cfg, const std::string& access_token);
// GET /account-info/v3/details (Bearer): the portal's currency and zone.
struct PortalDetails {
  int64_t portal_id = 0;
  std::string account_type, time_zone, currency, ui_domain, data_hosting_location;
};
Upstream<PortalDetails> account_details(const std::string& access_token);
// POST /oauth/{v}/token/revoke.
Upstream<bool> revoke(const Config& cfg, const std::string& refresh_token);

// HubSpot's bodies → UpstreamError: EXPIRED_AUTHENTICATION → kTokenExpired,
// invalid_grant / BAD_REFRESH_TOKEN → kReauthRequired, MISSING_SCOPES →
// kForbidden, RATE_LIMITS → kRateLimited (Retry-After), …
UpstreamError error_of(const HttpResponse& r, std::string_view what);

// ---- Deals (deals.cc; platform-apis.md §5.3-5.4).

// A won deal. `amount` is in the deal's currency (the portal's unless
// multi-currency is on); an empty amount reads as 0.
struct Deal {
  std::string id, name, stage, pipeline;
  std::string close_date;  // YYYY-MM-DD of closedate in UTC (HubSpot stores an instant)
  double amount = 0;
  bool won = false;  // hs_is_closed_won when sent, else stage == "closedwon"
};

// Deals in stage closedwon whose closedate falls on since..until (YYYY-MM-DD,
// UTC days, inclusive), oldest first: POST
// https://api.hubapi.com/crm/objects/2026-03/deals/search (Bearer; a JSON
// filter on dealstage and closedate BETWEEN), every page through
// paging.next.after. HubSpot stops a search at 10 000 results, so a range
// holding more is read as two halves (down to one day). `page_size` is
// `limit` (HubSpot's maximum is 200). Errors as error_of().
Upstream<std::vector<Deal>> won_deals(const std::string& access_token, const std::string& since,
                                      const std::string& until, int page_size = 100);

}  // namespace glint::connectors::hubspot
