// hubspot deals — see hubspot.h. One search per date range, paged through
// paging.next.after; a range past HubSpot's 10 000-result ceiling is split.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "hubspot/hubspot.h"

namespace glint::connectors::hubspot {

namespace {

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr int kSearchCeiling = 10000;  // HubSpot pages no further into one search
constexpr int kMaxPages = 1000;

std::string prop(const json& props, const char* name) {
  if (!props.is_object()) return "";
  auto it = props.find(name);
  if (it == props.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

double amount_of(const std::string& s) {
  double d = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(d) ? d : 0;
}

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

std::string date_of(int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The UTC day of an ISO-8601 instant ("2026-09-03T10:00:00.000Z"), or of a
// date-only value; "" when unreadable.
std::string utc_day(const std::string& instant) {
  if (instant.size() < 10 || !day_number(instant.substr(0, 10))) return "";
  if (instant.size() == 10 || instant.back() == 'Z') return instant.substr(0, 10);
  // An offset ("+02:00"): shift by it.
  const size_t sign = instant.find_last_of("+-");
  if (sign == std::string::npos || sign < 19 || instant.size() != sign + 6) return "";
  const int h = std::atoi(instant.substr(sign + 1, 2).c_str());
  const int m = std::atoi(instant.substr(sign + 4, 2).c_str());
  const int clock =
      std::atoi(instant.substr(11, 2).c_str()) * 60 + std::atoi(instant.substr(14, 2).c_str());
  const int offset = (instant[sign] == '+' ? 1 : -1) * (h * 60 + m);
  const int64_t day = *day_number(instant.substr(0, 10));
  const int utc = clock - offset;
  return date_of(day + (utc < 0 ? -1 : utc >= 24 * 60 ? 1 : 0));
}

struct Search {
  const std::string& token;
  int page_size;
  std::vector<Deal>* out;

  // Reads since..until; splits it when HubSpot would stop short.
  std::optional<UpstreamError> range(int64_t since, int64_t until) const {
    std::string after;
    std::set<std::string> seen;
    std::vector<Deal> got;
    for (int page = 0; page < kMaxPages; ++page) {
      const json stage = {
          {"propertyName", "dealstage"}, {"operator", "EQ"}, {"value", "closedwon"}};
      const json closed = {{"propertyName", "closedate"},
                           {"operator", "BETWEEN"},
                           {"value", date_of(since) + "T00:00:00.000Z"},
                           {"highValue", date_of(until) + "T23:59:59.999Z"}};
      json body = json::object();
      body["filterGroups"] = json::array({json{{"filters", json::array({stage, closed})}}});
      body["properties"] = json::array(
          {"dealname", "amount", "closedate", "dealstage", "pipeline", "hs_is_closed_won"});
      body["sorts"] =
          json::array({json{{"propertyName", "closedate"}, {"direction", "ASCENDING"}}});
      body["limit"] = page_size;
      if (!after.empty()) body["after"] = after;
      HttpRequest req;
      req.method = "POST";
      req.url = upstream_url("https://api.hubapi.com/crm/objects/2026-03/deals/search");
      req.headers = {{"Authorization", "Bearer " + token},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
      req.body = body.dump();
      req.total_timeout_ms = 30000;
      req.max_attempts = 4;  // the search limit is a few requests a second: 429s happen
      req.max_response_bytes = 8u << 20;
      Result<HttpResponse> r = send(req);
      if (!r.ok()) return UpstreamError{Kind::kUnavailable, r.status().message()};
      const HttpResponse& resp = r.value();
      if (resp.status != 200) return error_of(resp, "deal search");
      const json b = json::parse(resp.body, nullptr, false);
      if (!b.is_object() || !b.contains("results") || !b["results"].is_array())
        return UpstreamError{Kind::kMalformed, "HubSpot's deal search answer could not be read"};
      if (page == 0 && b.contains("total") && b["total"].is_number_integer() &&
          b["total"].get<int64_t>() > kSearchCeiling) {
        if (since == until)
          return UpstreamError{Kind::kUnavailable, "HubSpot holds more than 10 000 won deals on " +
                                                       date_of(since) +
                                                       ", more than one search can read"};
        const int64_t mid = since + (until - since) / 2;
        if (auto e = range(since, mid)) return e;
        return range(mid + 1, until);
      }
      for (const json& item : b["results"]) {
        if (!item.is_object()) continue;
        const json props = item.value("properties", json::object());
        Deal d;
        d.id = prop(item, "id");
        if (d.id.empty()) d.id = prop(props, "hs_object_id");
        if (d.id.empty()) continue;
        d.name = prop(props, "dealname");
        d.stage = prop(props, "dealstage");
        d.pipeline = prop(props, "pipeline");
        d.close_date = utc_day(prop(props, "closedate"));
        d.amount = amount_of(prop(props, "amount"));
        const std::string won = prop(props, "hs_is_closed_won");
        d.won = won.empty() ? d.stage == "closedwon" : won == "true";
        got.push_back(std::move(d));
      }
      const json paging = b.value("paging", json::object());
      const json next = paging.is_object() ? paging.value("next", json()) : json();
      if (!next.is_object()) {
        out->insert(out->end(), got.begin(), got.end());
        return std::nullopt;
      }
      after = prop(next, "after");
      if (after.empty() || !seen.insert(after).second)
        return UpstreamError{Kind::kMalformed, "HubSpot's deal search pages did not advance"};
    }
    return UpstreamError{Kind::kMalformed, "HubSpot's deal search has more pages than glint reads"};
  }
};

}  // namespace

Upstream<std::vector<Deal>> won_deals(const std::string& access_token, const std::string& since,
                                      const std::string& until, int page_size) {
  const auto a = day_number(since), b = day_number(until);
  if (!a || !b || *a > *b)
    return {std::nullopt, UpstreamError{Kind::kInvalidRequest,
                                        "the deal range is not since <= until (YYYY-MM-DD)"}};
  std::vector<Deal> out;
  const Search s{access_token, std::clamp(page_size, 1, 200), &out};
  if (auto e = s.range(*a, *b)) return {std::nullopt, *e};
  return {std::move(out), std::nullopt};
}

}  // namespace glint::connectors::hubspot
