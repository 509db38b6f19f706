// google — Google OAuth 2.0, the Google Ads API (REST) and the GA4 Admin
// API (platform-apis.md §1–§3 and its corrections).
//
// Hosts, each behind upstream_url(): accounts.google.com (authorize),
// oauth2.googleapis.com (token, revoke), openidconnect.googleapis.com
// (userinfo), googleads.googleapis.com, analyticsadmin.googleapis.com.
// Tokens travel in `Authorization: Bearer` only. These calls map payloads to
// plain structs; they never compute metrics and never refresh tokens
// themselves: an expired token comes back as kTokenExpired and the caller
// (native/oauth) refreshes once and retries.
#pragma once

#include <string>
#include <vector>

#include "oauth/oauth.h"

namespace glint::connectors::google {

struct Config {
  std::string client_id, client_secret;
  std::string ads_version = "v26";  // GLINT_GOOGLE_ADS_API_VERSION
  std::string developer_token;      // optional since 2026-09-09: sent only when set
};

// The browser's authorize URL: response_type=code, access_type=offline,
// prompt=consent, include_granted_scopes=true, PKCE S256.
std::string authorize_url(const Config& cfg, const std::string& redirect_uri, const std::vector<std::string>& scopes,
                          const std::string& state, const std::string& code_challenge);
Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code, const std::string& redirect_uri,
                                      const std::string& code_verifier);
Upstream<oauth::Tokens> refresh(const Config& cfg, const std::string& refresh_token);
// POST /revoke (RFC 7009: 200 also when it was already invalid).
Upstream<bool> revoke(const std::string& token);

struct UserInfo {
  std::string sub, email, name, picture;
  bool email_verified = false;
};
Upstream<UserInfo> userinfo(const std::string& access_token);

// A Google Ads customer as glint shows it. Ids are digits only.
struct Customer {
  std::string id, name, currency, time_zone, status;  // status "ENABLED", "CANCELED", …
  bool manager = false;
  bool test_account = false;
  // The managers this customer was reached through (empty for a directly
  // accessible one); reports use login-customer-id = the first of them.
  std::vector<std::string> managers;
};

// GET customers:listAccessibleCustomers → customer ids.
Upstream<std::vector<std::string>> list_accessible_customers(const Config& cfg, const std::string& access_token);

struct Hierarchy {
  std::vector<Customer> managers;  // accessible customers with customer.manager = true
  std::vector<Customer> clients;   // non-manager customers, each once (de-duplicated by id)
  struct Failure {
    std::string customer_id;
    UpstreamError error;
  };
  std::vector<Failure> failures;  // customers that could not be read (the others still are)
};

// The whole account tree: listAccessibleCustomers, then `FROM customer` on
// each (login-customer-id = itself), then `FROM customer_client WHERE
// customer_client.level <= 1` on every manager, recursing into sub-managers;
// follows nextPageToken; never sends pageSize. A client reached through two
// managers appears once with both in `managers`. An expired token fails the
// whole call with kTokenExpired (so the caller can refresh and retry).
Upstream<Hierarchy> discover(const Config& cfg, const std::string& access_token);

struct Ga4Property {
  std::string property_id;  // digits ("250000001"), from "properties/250000001"
  std::string display_name, property_type, account_id, account_name;
};
// GET analyticsadmin v1beta/accountSummaries?pageSize=200, all pages.
Upstream<std::vector<Ga4Property>> ga4_properties(const std::string& access_token);

// Google's error envelope (GoogleAdsFailure too) → UpstreamError.
UpstreamError error_of(const HttpResponse& r, std::string_view what);

}  // namespace glint::connectors::google
