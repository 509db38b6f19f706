// meta insights — see meta.h. The Graph helpers it shares with meta.cc
// (version check, URL, appsecret_proof, field reading) are in meta/graph.h;
// both go through the same http_client and error_of().
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "meta/meta.h"
#include "meta/graph.h"

namespace glint::connectors::meta {

namespace {

using detail::valid_version;
using detail::graph;
using detail::hex_hmac_sha256;
using detail::text_of;
using detail::field;
using detail::unreadable;

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr int kMaxPages = 5000;  // 500 rows a page: 2.5 M rows, far beyond 37 months of ads
constexpr size_t kPageBytes = 16u << 20;
constexpr size_t kSmallBytes = 256u << 10;
constexpr const char* kFields =
    "campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,objective,impressions,clicks,"
    "spend,reach,actions,action_values,date_start,date_stop";
constexpr const char* kWindows = R"(["7d_click","1d_view"])";

bool digits(const std::string& s) {
  return !s.empty() && s.size() <= 24 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Meta's numbers come as strings ("12040", "84.37"); from_chars ignores the
// process locale, unlike strtod.
double number_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return 0;
  const std::string s = v.get<std::string>();
  double d = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(d) ? d : 0;
}

int64_t count_of(const json& obj, const char* name) {
  if (!obj.is_object() || !obj.contains(name)) return 0;
  return std::llround(number_of(obj[name]));
}

// "YYYY-MM-DD" → days since the epoch, or nullopt.
std::optional<int64_t> day_number(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(s.substr(0, 4))),
                                        std::chrono::month(std::stoul(s.substr(5, 2))),
                                        std::chrono::day(std::stoul(s.substr(8, 2)))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

// Percentages in a usage header: every *_pct, call_count, total_cputime and
// total_time of the object (or of the objects in its arrays, for BUC).
void usage_of(const std::string& header, bool buc, Usage& u) {
  const json v = json::parse(header, nullptr, false);
  if (!v.is_object()) return;
  auto take = [&u](const json& o) {
    if (!o.is_object()) return;
    for (const auto& [k, x] : o.items()) {
      const bool pct = k == "call_count" || k == "total_cputime" || k == "total_time" ||
                       (k.size() > 4 && k.compare(k.size() - 4, 4, "_pct") == 0);
      if (pct) u.max_pct = std::max(u.max_pct, static_cast<int>(std::ceil(number_of(x))));
      if (k == "estimated_time_to_regain_access")
        u.regain_minutes = std::max(u.regain_minutes, static_cast<int>(number_of(x)));
    }
  };
  if (!buc) {
    take(v);
    return;
  }
  for (const auto& [id, entries] : v.items()) {
    if (!entries.is_array()) continue;
    for (const json& e : entries) take(e);
  }
}

Usage usage_from(const HttpResponse& r) {
  Usage u;
  usage_of(r.header("x-business-use-case-usage"), true, u);
  usage_of(r.header("x-app-usage"), false, u);
  usage_of(r.header("x-fb-ads-insights-throttle"), false, u);
  const std::string account = r.header("x-ad-account-usage");
  usage_of(account, false, u);
  const json a = json::parse(account, nullptr, false);
  if (a.is_object() && number_of(a.value("acc_id_util_pct", json(0))) >= 95) {
    const double reset_s = number_of(a.value("reset_time_duration", json(0)));
    u.regain_minutes = std::max(u.regain_minutes, static_cast<int>(std::ceil(reset_s / 60)));
  }
  u.max_pct = std::min(u.max_pct, 1000);
  u.regain_minutes = std::min(u.regain_minutes, 24 * 60);
  return u;
}

UpstreamError bad_argument(const std::string& m) { return {Kind::kInvalidRequest, m}; }

// One Graph call of this file; every answer's usage headers land in *usage.
struct Caller {
  const Config& cfg;
  const std::string& token;
  Usage* usage;

  Upstream<json> call(const std::string& method, const std::string& path, oauth::Form query,
                      std::string_view what, const oauth::Form& form = {},
                      size_t max_bytes = kSmallBytes) const {
    HttpRequest req;
    req.method = method;
    if (!cfg.app_secret.empty())
      query.emplace_back("appsecret_proof", hex_hmac_sha256(cfg.app_secret, token));
    req.url = oauth::with_query(graph(cfg, path), query);
    req.headers = {{"Accept", "application/json"}, {"Authorization", "Bearer " + token}};
    if (!form.empty()) {
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      req.body = oauth::form_encode(form);
    }
    req.total_timeout_ms = 120000;                // insights pages of a big account are slow
    req.max_attempts = method == "POST" ? 1 : 3;  // a repeated POST would start a second job
    req.max_response_bytes = max_bytes;
    Result<HttpResponse> r = send(req);
    if (!r.ok()) return {std::nullopt, UpstreamError{Kind::kUnavailable, r.status().message()}};
    const HttpResponse& resp = r.value();
    if (usage != nullptr) *usage = usage_from(resp);
    if (resp.status != 200) return {std::nullopt, error_of(resp, what)};
    json body = json::parse(resp.body, nullptr, false);
    if (!body.is_object() || body.contains("error")) return {std::nullopt, error_of(resp, what)};
    return {std::move(body), std::nullopt};
  }

  // Every page of a `data` list, rebuilt from paging.cursors.after.
  Upstream<bool> pages(const std::string& path, const oauth::Form& query, std::string_view what,
                       const std::function<void(const json&)>& add) const {
    std::string after;
    std::set<std::string> seen;
    for (int page = 0; page < kMaxPages; ++page) {
      oauth::Form q = query;
      if (!after.empty()) q.emplace_back("after", after);
      Upstream<json> body = call("GET", path, std::move(q), what, {}, kPageBytes);
      if (!body.ok()) return {std::nullopt, body.error};
      const json& b = *body.value;
      if (!b.contains("data") || !b["data"].is_array()) return {std::nullopt, unreadable(what)};
      for (const json& item : b["data"]) {
        if (item.is_object()) add(item);
      }
      const json paging = b.value("paging", json::object());
      if (!paging.is_object() || !paging.contains("next")) return {true, std::nullopt};
      after = paging.contains("cursors") ? field(paging["cursors"], "after") : "";
      if (after.empty() || !seen.insert(after).second)
        return {std::nullopt, UpstreamError{Kind::kMalformed, "Meta's " + std::string(what) +
                                                                  " pages did not advance"}};
    }
    return {std::nullopt, UpstreamError{Kind::kMalformed, "Meta's " + std::string(what) +
                                                              " has more pages than glint reads"}};
  }
};

std::vector<std::pair<std::string, double>> action_list(const json& row, const char* name) {
  std::vector<std::pair<std::string, double>> out;
  if (!row.contains(name) || !row[name].is_array()) return out;
  for (const json& a : row[name]) {
    const std::string type = field(a, "action_type");
    if (type.empty() || !a.contains("value")) continue;
    out.emplace_back(type, number_of(a["value"]));
  }
  return out;
}

InsightRow row_of(const json& item, const std::string& level, const std::string& account) {
  InsightRow r;
  r.date = field(item, "date_start");
  r.level = level;
  r.account_id = account;
  r.campaign_id = field(item, "campaign_id");
  r.campaign_name = field(item, "campaign_name");
  r.adset_id = field(item, "adset_id");
  r.adset_name = field(item, "adset_name");
  r.ad_id = field(item, "ad_id");
  r.ad_name = field(item, "ad_name");
  r.objective = field(item, "objective");
  r.impressions = count_of(item, "impressions");
  r.clicks = count_of(item, "clicks");
  r.reach = count_of(item, "reach");
  r.spend = item.contains("spend") ? number_of(item["spend"]) : 0;
  r.actions = action_list(item, "actions");
  r.action_values = action_list(item, "action_values");
  return r;
}

// "act_123" or "123" → "123"; "" when neither.
std::string account_digits(const std::string& act_id) {
  const std::string d = act_id.rfind("act_", 0) == 0 ? act_id.substr(4) : act_id;
  return digits(d) ? d : "";
}

std::string time_range(const std::string& since, const std::string& until) {
  return json{{"since", since}, {"until", until}}.dump();
}

// The argument checks shared by both calls: the range in days, or the error.
std::optional<UpstreamError> check_range(const Config& cfg, const std::string& account,
                                         const std::string& since, const std::string& until,
                                         int64_t* days) {
  if (!valid_version(cfg.version)) return detail::misconfigured_version();
  if (account.empty()) return bad_argument("not a Meta ad account id");
  const auto a = day_number(since), b = day_number(until);
  if (!a || !b || *a > *b)
    return bad_argument("the insights range is not since <= until (YYYY-MM-DD)");
  *days = *b - *a + 1;
  return std::nullopt;
}

// The async path: start a report job, wait for it, read its rows.
Upstream<bool> async_rows(const Caller& c, const std::string& account, const oauth::Form& params,
                          const InsightOptions& opt, const std::function<void(const json&)>& add) {
  Upstream<json> started =
      c.call("POST", "act_" + account + "/insights", {}, "insights job", params);
  if (!started.ok()) return {std::nullopt, started.error};
  const std::string run = field(*started.value, "report_run_id");
  if (!digits(run)) return {std::nullopt, unreadable("insights job")};

  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(opt.async_deadline_s);
  int wait_ms = std::max(1, opt.poll_first_ms);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      UpstreamError e{Kind::kUnavailable, "Meta's insights job did not finish in time"};
      e.upstream_code = "ASYNC_TIMEOUT";
      e.request_id = run;
      return {std::nullopt, e};
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min<int64_t>(wait_ms, left.count())));
    wait_ms = std::min(std::max(1, opt.poll_max_ms), wait_ms * 2);
    Upstream<json> status = c.call("GET", run, {}, "insights job status");
    if (!status.ok()) return {std::nullopt, status.error};
    const std::string s = field(*status.value, "async_status");
    if (s == "Job Completed") break;
    if (s == "Job Failed" || s == "Job Skipped") {
      // Splitting the job (account → campaign → ad set → ad) is the sync's choice.
      UpstreamError e{Kind::kUnavailable, "Meta's insights job ended with \"" + s + "\""};
      e.upstream_code = "ASYNC_FAILED";
      e.request_id = run;
      return {std::nullopt, e};
    }
    if (s.empty()) return {std::nullopt, unreadable("insights job status")};
  }
  return c.pages(run + "/insights", {{"limit", std::to_string(std::max(1, opt.page_size))}},
                 "insights", add);
}

}  // namespace

Upstream<std::vector<InsightRow>> insights(const Config& cfg, const std::string& token,
                                           const std::string& act_id, const std::string& level,
                                           const std::string& since, const std::string& until,
                                           Usage* last_usage, const InsightOptions& opt) {
  const std::string account = account_digits(act_id);
  int64_t days = 0;
  if (auto e = check_range(cfg, account, since, until, &days)) return {std::nullopt, *e};
  if (level != "campaign" && level != "adset" && level != "ad")
    return {std::nullopt, bad_argument("insights level must be campaign, adset or ad")};
  const Caller c{cfg, token, last_usage};
  const oauth::Form params = {{"level", level},
                              {"fields", kFields},
                              {"time_range", time_range(since, until)},
                              {"time_increment", "1"},
                              {"action_attribution_windows", kWindows},
                              {"limit", std::to_string(std::max(1, opt.page_size))}};
  std::vector<InsightRow> out;
  auto add = [&](const json& item) { out.push_back(row_of(item, level, account)); };
  Upstream<bool> done = days > opt.async_after_days
                            ? async_rows(c, account, params, opt, add)
                            : c.pages("act_" + account + "/insights", params, "insights", add);
  if (!done.ok()) return {std::nullopt, done.error};
  return {std::move(out), std::nullopt};
}

Upstream<Totals> reach_total(const Config& cfg, const std::string& token, const std::string& act_id,
                             const std::string& entity_id, const std::string& since,
                             const std::string& until, Usage* last_usage) {
  const std::string account = account_digits(act_id);
  int64_t days = 0;
  if (auto e = check_range(cfg, account, since, until, &days)) return {std::nullopt, *e};
  if (!entity_id.empty() && !digits(entity_id))
    return {std::nullopt, bad_argument("not a Meta campaign, ad set or ad id")};
  const Caller c{cfg, token, last_usage};
  oauth::Form q = {{"fields", "reach,impressions,spend,date_start,date_stop"},
                   {"time_range", time_range(since, until)}};
  if (entity_id.empty()) q.emplace_back("level", "account");
  Upstream<json> body =
      c.call("GET", entity_id.empty() ? "act_" + account + "/insights" : entity_id + "/insights",
             std::move(q), "reach");
  if (!body.ok()) return {std::nullopt, body.error};
  const json& data = (*body.value)["data"];
  if (!data.is_array()) return {std::nullopt, unreadable("reach")};
  Totals t;
  t.date_start = since;
  t.date_stop = until;
  // No delivery in the period: no row, and the totals stay zero.
  if (!data.empty()) {
    const json& row = data[0];
    if (!field(row, "date_start").empty()) t.date_start = field(row, "date_start");
    if (!field(row, "date_stop").empty()) t.date_stop = field(row, "date_stop");
    t.reach = count_of(row, "reach");
    t.impressions = count_of(row, "impressions");
    t.spend = row.contains("spend") ? number_of(row["spend"]) : 0;
  }
  return {t, std::nullopt};
}

}  // namespace glint::connectors::meta
