// mailchimp reports — see mailchimp.h. Count/offset paging over /3.0/reports;
// the token goes only to an api_endpoint that passes the same check as
// account() (repeated here: mailchimp.cc keeps its helpers private).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "mailchimp/mailchimp.h"
#include "http/fields.h"

namespace glint::connectors::mailchimp {

namespace {

using fields::id_text;
using fields::count;

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr int kMaxPages = 10000;

double amount(const json& body, const char* name) {
  if (!body.is_object()) return 0;
  auto it = body.find(name);
  return it != body.end() && it->is_number() ? it->get<double>() : 0;
}

const json& child(const json& body, const char* name) {
  static const json kNone = json::object();
  if (!body.is_object()) return kNone;
  auto it = body.find(name);
  return it != body.end() && it->is_object() ? *it : kNone;
}

// The UTC day of "2026-09-02T08:00:00+00:00" (any offset, or Z); "" if unreadable.
std::string utc_day(const std::string& t) {
  if (t.size() < 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T') return "";
  int y = 0;
  unsigned mo = 0, d = 0;
  int h = 0, mi = 0;
  if (std::sscanf(t.c_str(), "%4d-%2u-%2uT%2d:%2d", &y, &mo, &d, &h, &mi) != 5) return "";
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return "";
  int offset = 0;
  if (t.back() != 'Z') {
    const size_t sign = t.find_last_of("+-");
    if (sign == std::string::npos || sign < 19 || t.size() != sign + 6) return "";
    offset = (t[sign] == '+' ? 1 : -1) * (std::atoi(t.substr(sign + 1, 2).c_str()) * 60 +
                                          std::atoi(t.substr(sign + 4, 2).c_str()));
  }
  const int utc = h * 60 + mi - offset;
  const std::chrono::sys_days day =
      std::chrono::sys_days(ymd) + std::chrono::days(utc < 0          ? -1
                                                     : utc >= 24 * 60 ? 1
                                                                      : 0);
  const std::chrono::year_month_day out{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(out.year()),
                static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
  return buf;
}

bool iso_chars(const std::string& s) {
  return s.size() <= 40 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c) != 0 || c == '-' || c == ':' || c == 'T' || c == 'Z' ||
                  c == '+' || c == '.';
         });
}

CampaignReport report_of(const json& r) {
  CampaignReport c;
  c.id = id_text(r, "id");
  c.title = id_text(r, "campaign_title");
  c.send_date = utc_day(id_text(r, "send_time"));
  c.emails_sent = count(r, "emails_sent");
  c.unsubscribed = count(r, "unsubscribed");
  const json& opens = child(r, "opens");
  c.opens_total = count(opens, "opens_total");
  c.unique_opens = count(opens, "unique_opens");
  const json& clicks = child(r, "clicks");
  c.clicks_total = count(clicks, "clicks_total");
  c.unique_clicks = count(clicks, "unique_clicks");
  const json& bounces = child(r, "bounces");
  c.hard_bounces = count(bounces, "hard_bounces");
  c.soft_bounces = count(bounces, "soft_bounces");
  c.revenue = amount(child(r, "ecommerce"), "total_revenue");
  return c;
}

}  // namespace

Upstream<std::vector<CampaignReport>> reports(const Metadata& md, const std::string& access_token,
                                              const std::string& since_send_time, int page_size) {
  if (!detail::trusted(md))
    return {std::nullopt,
            UpstreamError{Kind::kMalformed, "unexpected api_endpoint for this Mailchimp account"}};
  std::string since = since_send_time;
  if (since.size() == 10) since += "T00:00:00+00:00";
  if (!iso_chars(since))
    return {std::nullopt,
            UpstreamError{Kind::kInvalidRequest, "since_send_time is not an ISO 8601 time"}};
  std::string base = md.api_endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const int n = std::clamp(page_size, 1, 1000);
  std::vector<CampaignReport> out;
  std::set<std::string> ids;
  int64_t offset = 0;
  for (int page = 0; page < kMaxPages; ++page) {
    oauth::Form q = {{"count", std::to_string(n)}, {"offset", std::to_string(offset)}};
    if (!since.empty()) q.emplace_back("since_send_time", since);
    HttpRequest req;
    req.url = oauth::with_query(base + "/3.0/reports", q);
    req.headers = {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}};
    req.total_timeout_ms = 130000;  // Mailchimp cuts long calls at about 120 s
    req.max_response_bytes = 16u << 20;
    Result<HttpResponse> r = send(req);
    if (!r.ok()) return {std::nullopt, UpstreamError{Kind::kUnavailable, r.status().message()}};
    const HttpResponse& resp = r.value();
    if (resp.status != 200) return {std::nullopt, error_of(resp, "reports")};
    const json body = json::parse(resp.body, nullptr, false);
    if (!body.is_object() || !body.contains("reports") || !body["reports"].is_array())
      return {std::nullopt,
              UpstreamError{Kind::kMalformed, "Mailchimp's reports answer could not be read"}};
    const json& list = body["reports"];
    for (const json& item : list) {
      CampaignReport c = report_of(item);
      // A report sent while we page shifts the offsets: never keep one twice.
      if (!c.id.empty() && ids.insert(c.id).second) out.push_back(std::move(c));
    }
    offset += static_cast<int64_t>(list.size());
    if (list.empty() || offset >= count(body, "total_items")) return {std::move(out), std::nullopt};
  }
  return {std::nullopt,
          UpstreamError{Kind::kMalformed, "Mailchimp's reports have more pages than glint reads"}};
}

}  // namespace glint::connectors::mailchimp
