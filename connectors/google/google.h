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

#include <cstdint>
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

// ---- Reporting (reports.cc): the calls the sync makes. GA4 data goes to
// analyticsdata.googleapis.com (GLINT_URL_ANALYTICSDATA_GOOGLEAPIS_COM). ----
//
// Dates are "YYYY-MM-DD" in the account's (or property's) own time zone and
// are never shifted. Rows come back as the upstream sends them: Google Ads
// and GA4 omit rows whose metrics are all zero, so a caller replaces each
// (account, date) slice it fetched instead of upserting into it.

// One daily Google Ads row at one level. Money as the API gives it:
// cost in micros of the account currency, conversion value in units.
struct AdsRow {
  std::string date;   // YYYY-MM-DD in the account's time zone
  std::string level;  // "campaign" | "ad_group" | "ad"
  std::string customer_id, campaign_id, campaign_name, campaign_status;
  std::string campaign_type;               // campaign.advertising_channel_type ("SEARCH", …)
  std::string ad_group_id, ad_group_name;  // empty at campaign level
  std::string ad_id, ad_name;              // empty above ad level; ad_name may be empty
  int64_t impressions = 0, clicks = 0, cost_micros = 0;
  double conversions = 0, conversions_value = 0;  // fractional (data-driven attribution)
};

// What the sync needs to know about a client before reading it.
struct CustomerInfo {
  std::string id, currency, time_zone;
  int conversion_window_days = 30;  // max click-through lookback of enabled actions, 1..90
};

// `FROM customer` (currency, time zone) and `FROM conversion_action` (the
// restatement window) on `customer_id` through `login_customer_id` (the
// manager it was reached through, or itself).
Upstream<CustomerInfo> customer_info(const Config& cfg, const std::string& access_token,
                                     const std::string& customer_id,
                                     const std::string& login_customer_id);

// Daily rows for `level` ("campaign", "ad_group", "ad") between two dates
// inclusive, via googleAds:searchStream (never pageSize). Metrics cannot be
// asked of a manager: pass a client id and its manager as login. Errors: a
// stream cut mid-array (a 200 whose body is not a whole JSON array, or the
// connection lost or stalled 10 s mid-body) is kUnavailable with
// upstream_code "STREAM_CUT": retry with half the date range. 401
// OAUTH_TOKEN_EXPIRED → kTokenExpired, 403 (CUSTOMER_NOT_ENABLED,
// USER_PERMISSION_DENIED) → kForbidden, 429 → kRateLimited with retryDelay
// once the short waits inside this call are spent.
Upstream<std::vector<AdsRow>> report(const Config& cfg, const std::string& access_token,
                                     const std::string& customer_id,
                                     const std::string& login_customer_id, const std::string& level,
                                     const std::string& start_date, const std::string& end_date);

// One GA4 daily row by session source / medium / default channel group.
// total_users and new_users are not additive across days or rows.
struct Ga4Row {
  std::string date;  // YYYY-MM-DD in the property's time zone ("" for realtime)
  std::string source, medium, channel_group;
  int64_t sessions = 0, engaged_sessions = 0, total_users = 0, new_users = 0, screen_page_views = 0;
  double key_events = 0, purchase_revenue = 0;  // revenue in the property currency
};

// A GA4 report with the metadata that must be shown next to it.
struct Ga4Report {
  std::vector<Ga4Row> rows;
  int64_t row_count = 0;  // rowCount: the whole query's rows
  bool subject_to_thresholding = false, sampled = false, data_loss_from_other_row = false;
  std::string empty_reason, time_zone, currency;
  // propertyQuota of the last page; -1 when not sent. Slow down below 10 %.
  int64_t tokens_per_hour_remaining = -1, tokens_per_day_remaining = -1;
};

// runReport: dimensions date, sessionSource, sessionMedium,
// sessionDefaultChannelGroup; metrics sessions, engagedSessions, totalUsers,
// newUsers, screenPageViews, keyEvents, purchaseRevenue; every page (limit
// 10 000, offset advanced by the rows received until rowCount). 403 on one
// property → kForbidden; 429 → kRateLimited after one short wait.
Upstream<Ga4Report> ga4_report(const std::string& access_token, const std::string& property_id,
                               const std::string& start_date, const std::string& end_date);

// One GA4 daily row by page. Sessions belong to the session's landing page
// (so they add up over pages, as views and key events do); users are not
// asked: they do not add up across pages or days.
struct Ga4PageRow {
  std::string date;  // YYYY-MM-DD in the property's time zone
  std::string page_path, page_title;  // a path may come with several titles
  int64_t screen_page_views = 0, sessions = 0;
  double key_events = 0;
};

// A GA4 page report with the same metadata as Ga4Report.
struct Ga4PageReport {
  std::vector<Ga4PageRow> rows;
  int64_t row_count = 0;  // rowCount: the whole query's rows
  bool subject_to_thresholding = false, sampled = false, data_loss_from_other_row = false;
  std::string empty_reason, time_zone, currency;
  int64_t tokens_per_hour_remaining = -1, tokens_per_day_remaining = -1;
};

// runReport: dimensions date, pagePath, pageTitle; metrics screenPageViews,
// sessions, keyEvents; paged, validated and failing exactly as ga4_report.
// High-cardinality sites may get an "(other)" row: data_loss_from_other_row.
Upstream<Ga4PageReport> ga4_pages_report(const std::string& access_token,
                                         const std::string& property_id,
                                         const std::string& start_date,
                                         const std::string& end_date);

// runRealtimeReport (the last 30 minutes): one row, metric activeUsers in
// total_users. No dimension on purpose: active users do not add up across
// screens or countries.
Upstream<Ga4Report> ga4_realtime(const std::string& access_token, const std::string& property_id);

// The period's totals, asked without any dimension: users counted once over
// the whole range (fewer than the sum of the daily rows).
struct Ga4Totals {
  int64_t sessions = 0, total_users = 0, new_users = 0;
  double key_events = 0, purchase_revenue = 0;
};
Upstream<Ga4Totals> ga4_totals(const std::string& access_token, const std::string& property_id,
                               const std::string& start_date, const std::string& end_date);

// Shared by google.cc and reports.cc; not for callers.
namespace detail {
// A Bearer request with Google's timeouts and no retries in the HTTP layer.
HttpRequest api_request(const std::string& method, const std::string& url,
                        const std::string& access_token);
// An Ads request under cfg.ads_version with developer-token (when set) and
// login-customer-id (when not empty).
HttpRequest ads_request(const Config& cfg, const std::string& method, const std::string& path,
                        const std::string& access_token, const std::string& login_customer_id);
}  // namespace detail

}  // namespace glint::connectors::google
