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
#include <utility>
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

// ---- Insights (insights.cc; platform-apis.md §4.5-4.6 and the corrections).
//
// Every insights call carries the token as Bearer with appsecret_proof,
// asks the fields below with action_attribution_windows ["7d_click",
// "1d_view"] (never 7d_view/28d_view, gone since 2026-01-12), and pages
// from the configured base with `after` = paging.cursors.after. Meta
// returns no row for an entity-day without delivery, so a caller replaces
// the whole (account, day) slice it asked for instead of upserting.

// The throttling figures Meta sent with the latest answer: the largest
// percentage in x-business-use-case-usage (call_count, total_cputime,
// total_time), x-app-usage, x-ad-account-usage (acc_id_util_pct) and
// x-fb-ads-insights-throttle, rounded up; and the minutes until access is
// regained (BUC estimated_time_to_regain_access, or x-ad-account-usage
// reset_time_duration when that account is at 95 % or more). A sync slows
// down above 75 % and pauses for regain_minutes (at least one) at ~95 %.
struct Usage {
  int max_pct = 0;
  int regain_minutes = 0;
};

// One day of one entity at the level asked. Ids are strings; `spend` is in
// the account currency's major units, as Meta sends it; actions and
// action_values keep every action_type Meta sent (the caller picks one
// canonical type per metric: summing purchase and
// offsite_conversion.fb_pixel_purchase double-counts).
struct InsightRow {
  std::string date;        // date_start, in the account's time zone
  std::string level;       // campaign | adset | ad
  std::string account_id;  // digits, as AdAccount::account_id
  std::string campaign_id, campaign_name, adset_id, adset_name, ad_id, ad_name, objective;
  int64_t impressions = 0, clicks = 0, reach = 0;  // reach: of this entity on this day only
  double spend = 0;
  std::vector<std::pair<std::string, double>> actions, action_values;
};

// Tuning of insights(); the defaults are for the real Meta.
struct InsightOptions {
  int async_after_days = 31;    // a longer range runs as an async report job
  int page_size = 500;          // `limit`
  int poll_first_ms = 1000;     // the first wait before asking a job's status
  int poll_max_ms = 30000;      // the backoff doubles up to this
  int async_deadline_s = 1800;  // a job not done by then: kUnavailable, ASYNC_TIMEOUT
};

// Daily rows of `level` (campaign, adset or ad) for act_id ("act_123" or
// "123") between since and until (YYYY-MM-DD, inclusive, account zone):
// GET {v}/act_{id}/insights with time_increment=1, every page; a range of
// more than opt.async_after_days days goes through POST {v}/act_{id}/insights
// → report_run_id, GET {v}/{run} until "Job Completed" (bounded backoff,
// deadline), then GET {v}/{run}/insights, every page. "Job Failed" / "Job
// Skipped" → kUnavailable with upstream_code "ASYNC_FAILED". Errors as
// error_of() (a disabled or unshared account: kForbidden; token gone:
// kReauthRequired). `last_usage`, when given, is set from the headers of the
// last answer received, on success and on failure alike.
Upstream<std::vector<InsightRow>> insights(const Config& cfg, const std::string& token,
                                           const std::string& act_id, const std::string& level,
                                           const std::string& since, const std::string& until,
                                           Usage* last_usage = nullptr,
                                           const InsightOptions& opt = InsightOptions());

// Figures of a whole period that are not additive across days (reach).
struct Totals {
  std::string date_start, date_stop;
  int64_t reach = 0, impressions = 0;
  double spend = 0;
};

// Reach (with impressions and spend) over since..until as one figure,
// without time_increment: of the whole account when entity_id is empty
// (level=account on act_{id}/insights), else of that campaign, ad set or ad
// (GET {v}/{entity_id}/insights). No delivery: zeros. Never sum daily reach
// instead: people reached on several days would count several times.
Upstream<Totals> reach_total(const Config& cfg, const std::string& token, const std::string& act_id,
                             const std::string& entity_id, const std::string& since,
                             const std::string& until, Usage* last_usage = nullptr);

}  // namespace glint::connectors::meta
