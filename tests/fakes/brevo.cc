// Brevo: GET /v3/account with the `api-key` header (platform-apis.md §7).
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "fake.h"

namespace fake {

namespace {

bool known_key(State& st, const std::string& key) {
  std::lock_guard<std::mutex> lock(st.mu);
  return st.brevo_keys.count(key) != 0;
}

void brevo_error(httplib::Response& res, int status, const char* code, const char* message) {
  res.status = status;
  res.set_content(json{{"code", code}, {"message", message}}.dump(), "application/json");
}

// ---- Email campaigns: 10 sent (ids 71-80, one with empty statistics) and drafts 81, 82.

struct Campaign {
  int64_t id = 0;
  std::string name, status;
  int64_t sent_time = 0;  // unix seconds; 0 for a draft
  bool empty_stats = false;
  int64_t sent = 0, delivered = 0, soft = 0, hard = 0, unique_views = 0, trackable = 0, viewed = 0,
          unique_clicks = 0, clickers = 0, unsubs = 0, complaints = 0;
};

std::string brevo_time(int64_t t) {
  const time_t secs = static_cast<time_t>(t);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &parts);
  return buf;
}

// Unix seconds of Brevo's "YYYY-MM-DDTHH:mm:ss.SSSZ"; -1 for anything else.
int64_t brevo_parse(const std::string& s) {
  tm parts{};
  int ms = 0;
  if (s.size() != 24 || s[23] != 'Z' ||
      std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &parts.tm_year, &parts.tm_mon,
                  &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &ms) != 7)
    return -1;
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&parts));
}

std::vector<Campaign> campaigns_of(State& st) {
  std::vector<Campaign> out;
  const int64_t today = st.now() / 86400;
  for (int64_t k = 0; k < 12; ++k) {
    uint64_t h = static_cast<uint64_t>(k + 1) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    Campaign c;
    c.id = k >= 10 ? 71 + k : 80 - k;  // ids grow with time: the newest sent is 80
    if (k >= 10) {
      c.status = "draft";
      c.name = "Draft " + std::to_string(k - 9);
      out.push_back(c);
      continue;
    }
    c.status = "sent";
    c.name = "Promo " + std::to_string(10 - k);
    c.sent_time = (today - 5 - k * 70) * 86400 + 8 * 3600 + static_cast<int64_t>(h % 180) * 60;
    c.empty_stats = k == 4;
    c.sent = 800 + static_cast<int64_t>((h >> 8) % 3000);
    c.hard = static_cast<int64_t>((h >> 20) % 15);
    c.soft = static_cast<int64_t>((h >> 24) % 10);
    c.delivered = c.sent - c.hard - c.soft;
    c.unique_views = c.delivered * (25 + static_cast<int64_t>((h >> 28) % 20)) / 100;
    c.trackable = c.unique_views * (60 + static_cast<int64_t>((h >> 34) % 25)) / 100;
    c.viewed = c.unique_views * 3 / 2;
    c.unique_clicks = c.unique_views * (8 + static_cast<int64_t>((h >> 40) % 10)) / 100;
    c.clickers = c.unique_clicks * 5 / 4;
    c.unsubs = static_cast<int64_t>((h >> 48) % 8);
    out.push_back(c);
  }
  return out;
}

json global_stats(const Campaign& c) {
  return {{"sent", c.sent},
          {"delivered", c.delivered},
          {"softBounces", c.soft},
          {"hardBounces", c.hard},
          {"uniqueViews", c.unique_views},
          {"trackableViews", c.trackable},
          {"viewed", c.viewed},
          {"uniqueClicks", c.unique_clicks},
          {"clickers", c.clickers},
          {"unsubscriptions", c.unsubs},
          {"complaints", c.complaints},
          {"deferred", 0},
          {"trackableViewsRate",
           c.delivered > 0 ? static_cast<double>(c.trackable) / static_cast<double>(c.delivered)
                           : 0.0}};
}

}  // namespace

void serve_brevo(httplib::Server& s, State& st) {
  s.Get("/v3/account", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (st.first("brevo_429_once")) {
      res.set_header("x-sib-ratelimit-limit", "10");
      res.set_header("x-sib-ratelimit-remaining", "0");
      res.set_header("x-sib-ratelimit-reset", "1");
      res.set_header("Retry-After", "1");
      brevo_error(res, 429, "too_many_requests", "Too many requests");
      return;
    }
    if (st.first("brevo_5xx_once")) {
      brevo_error(res, 502, "bad_gateway", "Bad gateway");
      return;
    }
    const std::string key = req.get_header_value("api-key");
    if (key.empty() || !known_key(st, key)) {
      brevo_error(res, 401, "unauthorized", "Key not found");
      return;
    }
    if (st.on("brevo_malformed")) {
      res.set_content("{\"email\": \"ops@exa", "application/json");
      return;
    }
    const json account = {
        {"email", "ops@example.com"},
        {"firstName", "Ada"},
        {"lastName", "Lovelace"},
        {"companyName", "Shop A"},
        {"address",
         {{"street", "1 rue Fake"},
          {"city", "Paris"},
          {"zipCode", "75001"},
          {"country", "France"}}},
        {"plan", json::array({{{"type", "free"}, {"credits", 300}, {"creditsType", "sendLimit"}},
                              {{"type", "sms"}, {"credits", 25}, {"creditsType", "sendLimit"}}})},
        {"relay",
         {{"enabled", true},
          {"data",
           {{"userName", "fake@smtp-brevo.com"},
            {"relay", "smtp-relay.brevo.com"},
            {"port", 587}}}}},
        {"marketingAutomation", {{"enabled", false}}},
        {"organization_id", "64fa0000fake"},
        {"user_id", 5100001},
        {"enterprise", false}};
    if (st.on("brevo_slow")) {
      const std::string body = account.dump();
      res.set_chunked_content_provider("application/json",
                                       [body](size_t offset, httplib::DataSink& sink) {
                                         if (offset >= body.size()) {
                                           sink.done();
                                           return true;
                                         }
                                         std::this_thread::sleep_for(std::chrono::seconds(2));
                                         sink.write(body.data() + offset, 1);
                                         return true;
                                       });
      return;
    }
    res.set_content(account.dump(), "application/json");
  });

  // GET /v3/emailCampaigns?type&status&statistics&limit&offset&startDate&endDate&sort
  s.Get("/v3/emailCampaigns", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (st.first("brevo_429_once")) {
      res.set_header("x-sib-ratelimit-limit", "10");
      res.set_header("x-sib-ratelimit-remaining", "0");
      res.set_header("x-sib-ratelimit-reset", "1");
      brevo_error(res, 429, "too_many_requests", "Too many requests");
      return;
    }
    const std::string key = req.get_header_value("api-key");
    if (key.empty() || !known_key(st, key)) {
      brevo_error(res, 401, "unauthorized", "Key not found");
      return;
    }
    const int64_t limit =
        req.has_param("limit") ? std::atoll(req.get_param_value("limit").c_str()) : 50;
    const int64_t offset =
        req.has_param("offset") ? std::atoll(req.get_param_value("offset").c_str()) : 0;
    if (limit < 0 || limit > 100 || offset < 0) {
      brevo_error(res, 400, "out_of_range", "limit must be between 0 and 100");
      return;
    }
    const std::string status = req.get_param_value("status");
    if (!status.empty() && status != "sent" && status != "draft" && status != "archive" &&
        status != "queued" && status != "suspended" && status != "inProcess") {
      brevo_error(res, 400, "invalid_parameter", "status is not valid");
      return;
    }
    const bool has_start = req.has_param("startDate"), has_end = req.has_param("endDate");
    if (has_start != has_end) {
      brevo_error(res, 400, "missing_parameter", "startDate and endDate go together");
      return;
    }
    int64_t start = 0, end = INT64_MAX;
    if (has_start) {
      start = brevo_parse(req.get_param_value("startDate"));
      end = brevo_parse(req.get_param_value("endDate"));
      if (start < 0 || end < 0 || (!status.empty() && status != "sent")) {
        brevo_error(res, 400, "invalid_parameter",
                    "startDate and endDate are YYYY-MM-DDTHH:mm:ss.SSSZ, for sent campaigns only");
        return;
      }
    }
    const std::string statistics = req.get_param_value("statistics");
    std::vector<Campaign> all;
    for (const Campaign& c : campaigns_of(st)) {
      if (!status.empty() && c.status != status) continue;
      if (has_start && (c.sent_time < start || c.sent_time > end)) continue;
      all.push_back(c);
    }
    std::stable_sort(all.begin(), all.end(), [&req](const Campaign& a, const Campaign& b) {
      return req.get_param_value("sort") == "asc" ? a.id < b.id : a.id > b.id;
    });
    json list = json::array();
    for (int64_t i = offset; i < static_cast<int64_t>(all.size()) && i < offset + limit; ++i) {
      const Campaign& c = all[static_cast<size_t>(i)];
      json item = {{"id", c.id},
                   {"name", c.name},
                   {"subject", c.name + " – this week only"},
                   {"type", "classic"},
                   {"status", c.status},
                   {"testSent", false},
                   {"header", "[DEFAULT_HEADER]"},
                   {"footer", "[DEFAULT_FOOTER]"},
                   {"sender", {{"name", "Shop A"}, {"id", 1}, {"email", "news@example.com"}}},
                   {"createdAt", brevo_time((c.sent_time > 0 ? c.sent_time : st.now()) - 86400)},
                   {"modifiedAt", brevo_time((c.sent_time > 0 ? c.sent_time : st.now()) - 3600)}};
      if (c.sent_time > 0) item["sentDate"] = brevo_time(c.sent_time);
      if (req.get_param_value("excludeHtmlContent") != "true")
        item["htmlContent"] = "<html></html>";
      json stats = json::object();
      if (c.status == "sent" && !c.empty_stats) {
        if (statistics.empty() || statistics == "globalStats")
          stats["globalStats"] = global_stats(c);
        if (statistics.empty()) {
          stats["campaignStats"] = json::array({global_stats(c)});
          stats["mirrorClick"] = 0;
          stats["remaining"] = 0;
          stats["linksStats"] = json::object();
          stats["statsByDomain"] = json::object();
        }
      }
      item["statistics"] = stats;
      list.push_back(item);
    }
    res.set_content(json{{"count", all.size()}, {"campaigns", list}}.dump(), "application/json");
  });

  // The fake's sent campaigns in a range, for tests:
  // GET /_fake/brevo/truth?startDate=YYYY-MM-DD&endDate=YYYY-MM-DD
  s.Get("/_fake/brevo/truth", [&st](const httplib::Request& req, httplib::Response& res) {
    const std::string from = req.get_param_value("startDate"), to = req.get_param_value("endDate");
    json out = json::array();
    for (const Campaign& c : campaigns_of(st)) {
      if (c.status != "sent") continue;
      const std::string day = brevo_time(c.sent_time).substr(0, 10);
      if ((!from.empty() && day < from) || (!to.empty() && day > to)) continue;
      out.push_back({{"id", std::to_string(c.id)},
                     {"name", c.name},
                     {"sent_date", day},
                     {"empty_statistics", c.empty_stats},
                     {"sent", c.empty_stats ? 0 : c.sent},
                     {"delivered", c.empty_stats ? 0 : c.delivered},
                     {"unique_views", c.empty_stats ? 0 : c.unique_views},
                     {"trackable_views", c.empty_stats ? 0 : c.trackable},
                     {"unique_clicks", c.empty_stats ? 0 : c.unique_clicks},
                     {"clickers", c.empty_stats ? 0 : c.clickers},
                     {"hard_bounces", c.empty_stats ? 0 : c.hard},
                     {"soft_bounces", c.empty_stats ? 0 : c.soft},
                     {"unsubscriptions", c.empty_stats ? 0 : c.unsubs}});
    }
    send_json(res, 200, out);
  });
}

}  // namespace fake
