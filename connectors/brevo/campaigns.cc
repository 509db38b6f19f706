// brevo campaigns — see brevo.h. Limit/offset paging over /v3/emailCampaigns
// with globalStats; the error mapping repeats brevo.cc's (kept private there).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "brevo/brevo.h"
#include "oauth/oauth.h"
#include "http/fields.h"

namespace glint::connectors::brevo {

namespace {

using fields::id_text;
using fields::count;

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr int kMaxPages = 10000;

UpstreamError campaigns_error(const HttpResponse& r) {
  const json body = json::parse(r.body, nullptr, false);
  const bool has_message =
      body.is_object() && body.contains("message") && body["message"].is_string();
  const std::string message = has_message ? body["message"].get<std::string>().substr(0, 200)
                                          : "HTTP " + std::to_string(r.status);
  UpstreamError e{Kind::kUnavailable,
                  "Brevo's campaigns answered " + std::to_string(r.status) + ": " + message};
  if (body.is_object() && body.contains("code") && body["code"].is_string())
    e.upstream_code = body["code"].get<std::string>();
  if (r.status == 401 || r.status == 403) {
    e.kind = Kind::kRejected;
    e.message = "Brevo refused the key: " + message;
  } else if (r.status == 429) {
    e.kind = Kind::kRateLimited;
    e.message = "Brevo's rate limit was reached";
    e.retry_after_s = std::max({std::atoi(r.header("x-sib-ratelimit-reset").c_str()),
                                std::atoi(r.header("retry-after").c_str()), 1});
  } else if (r.status >= 400 && r.status < 500) {
    e.kind = Kind::kInvalidRequest;
    e.message = "Brevo refused the campaigns request: " + message;
  }
  return e;
}

bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(s.substr(0, 4))),
                                        std::chrono::month(std::stoul(s.substr(5, 2))),
                                        std::chrono::day(std::stoul(s.substr(8, 2)))};
  return ymd.ok();
}

CampaignStats stats_of(const json& c) {
  CampaignStats s;
  s.id = id_text(c, "id");
  s.name = id_text(c, "name");
  const std::string sent = id_text(c, "sentDate");  // "2026-09-02T08:00:00.000Z": UTC
  if (sent.size() >= 10 && valid_date(sent.substr(0, 10))) s.sent_date = sent.substr(0, 10);
  // Empty statistics ({} or no globalStats) leave the zeros.
  const json stats =
      c.contains("statistics") && c["statistics"].is_object() ? c["statistics"] : json::object();
  const json g = stats.contains("globalStats") && stats["globalStats"].is_object()
                     ? stats["globalStats"]
                     : json::object();
  s.sent = count(g, "sent");
  s.delivered = count(g, "delivered");
  s.unique_views = count(g, "uniqueViews");
  s.trackable_views = count(g, "trackableViews");
  s.unique_clicks = count(g, "uniqueClicks");
  s.clickers = count(g, "clickers");
  s.hard_bounces = count(g, "hardBounces");
  s.soft_bounces = count(g, "softBounces");
  s.unsubscriptions = count(g, "unsubscriptions");
  return s;
}

}  // namespace

Upstream<std::vector<CampaignStats>> email_campaigns(std::string_view api_key,
                                                     const std::string& start_date,
                                                     const std::string& end_date, int page_size) {
  if (!valid_date(start_date) || !valid_date(end_date) || start_date > end_date)
    return {std::nullopt, UpstreamError{Kind::kInvalidRequest,
                                        "the campaign range is not start <= end (YYYY-MM-DD)"}};
  const int n = std::clamp(page_size, 1, 100);
  std::vector<CampaignStats> out;
  std::set<std::string> ids;
  int64_t offset = 0;
  for (int page = 0; page < kMaxPages; ++page) {
    HttpRequest req;
    req.url = oauth::with_query(upstream_url("https://api.brevo.com/v3/emailCampaigns"),
                                {{"status", "sent"},
                                 {"statistics", "globalStats"},
                                 {"limit", std::to_string(n)},
                                 {"offset", std::to_string(offset)},
                                 {"startDate", start_date + "T00:00:00.000Z"},
                                 {"endDate", end_date + "T23:59:59.999Z"},
                                 {"sort", "desc"},
                                 {"excludeHtmlContent", "true"}});
    req.headers = {{"api-key", std::string(api_key)}, {"accept", "application/json"}};
    req.total_timeout_ms = 30000;
    req.max_response_bytes = 16u << 20;
    Result<HttpResponse> r = send(req);
    if (!r.ok()) return {std::nullopt, UpstreamError{Kind::kUnavailable, r.status().message()}};
    const HttpResponse& resp = r.value();
    if (resp.status != 200) return {std::nullopt, campaigns_error(resp)};
    const json body = json::parse(resp.body, nullptr, false);
    // No campaign in the range: Brevo may answer {} without "campaigns".
    if (!body.is_object())
      return {std::nullopt,
              UpstreamError{Kind::kMalformed, "Brevo's campaigns answer could not be read"}};
    const json list = body.contains("campaigns") && body["campaigns"].is_array() ? body["campaigns"]
                                                                                 : json::array();
    for (const json& item : list) {
      CampaignStats s = stats_of(item);
      if (!s.id.empty() && ids.insert(s.id).second) out.push_back(std::move(s));
    }
    offset += static_cast<int64_t>(list.size());
    if (list.empty() || offset >= count(body, "count")) return {std::move(out), std::nullopt};
  }
  return {std::nullopt,
          UpstreamError{Kind::kMalformed, "Brevo's campaigns have more pages than glint reads"}};
}

}  // namespace glint::connectors::brevo
