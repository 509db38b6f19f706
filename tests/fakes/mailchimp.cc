// Mailchimp: OAuth 2 on login.mailchimp.com (authorize, token, metadata with
// `Authorization: OAuth …`) and the Marketing API root GET /3.0/ with Bearer
// (platform-apis.md §6). Errors are RFC 7807 problem documents.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "fake.h"

namespace fake {

namespace {

constexpr const char* kClientId = "fake-mailchimp-client";
constexpr const char* kClientSecret = "fake-mailchimp-secret";
constexpr const char* kProblemType = "https://mailchimp.com/developer/marketing/docs/errors/";

struct User {
  int64_t user_id;
  const char* dc;
  const char* account_name;
  const char* login_name;
  const char* email;
  const char* account_id;
  const char* first_name;
  const char* last_name;
  const char* time_zone;
  int64_t total_subscribers;
};

const User kUsers[] = {
    {81000001, "us19", "Shop A", "ada", "ada@example.com", "8d3a3db4d97663a9074efcc16", "Ada",
     "Lovelace", "Europe/Paris", 1234},
    {81000002, "us7", "Shop B", "bob", "bob@example.com", "3f0c2b9e71a4d5c8e6b1a7d20", "Bob",
     "Marley", "America/New_York", 56},
};

struct Code {
  std::string redirect_uri;
  const User* user;
  bool used = false;
};

// The tables; `mu` guards both.
struct Tables {
  std::mutex mu;
  std::map<std::string, Code> codes;
  std::map<std::string, const User*> tokens;
};

std::string escape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

void problem(State& st, httplib::Response& res, int status, const char* title, const char* detail) {
  send_json(res, status,
            {{"type", kProblemType},
             {"title", title},
             {"status", status},
             {"detail", detail},
             {"instance", opaque(st, "")}},
            "application/problem+json");
}

void invalid_key(State& st, httplib::Response& res) {
  problem(st, res, 401, "API Key Invalid",
          "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
}

// The user behind `token`, or nullptr (unknown, or revoked by the scenario).
const User* user_of(State& st, Tables& t, const std::string& token) {
  if (token.empty() || st.on("mailchimp_revoked")) return nullptr;
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.tokens.find(token);
  return it == t.tokens.end() ? nullptr : it->second;
}

bool malformed(State& st, httplib::Response& res) {
  if (!st.on("mailchimp_malformed")) return false;
  res.set_content("{\"dc\": \"us1", "application/json");
  return true;
}

// ---- Campaign reports: 12 sent campaigns per user over the last two years.

struct Report {
  std::string id, title;
  int64_t send_time = 0;  // unix seconds
  int64_t emails_sent = 0, unique_opens = 0, opens_total = 0, unique_clicks = 0, clicks_total = 0,
          unique_subscriber_clicks = 0, hard_bounces = 0, soft_bounces = 0, unsubscribed = 0,
          revenue_cents = 0, orders = 0;
};

uint64_t report_mix(int64_t user, int64_t k) {
  uint64_t h = static_cast<uint64_t>(user) * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(k);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::string iso_utc(int64_t t) {
  const time_t secs = static_cast<time_t>(t);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &parts);
  return buf;
}

// Unix seconds of "2026-09-01T00:00:00+00:00" / "…Z" / "…-05:00"; -1 if not one.
int64_t parse_iso(const std::string& s) {
  tm parts{};
  if (s.size() < 19 ||
      std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &parts.tm_year, &parts.tm_mon,
                  &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &parts.tm_sec) != 6)
    return -1;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i;
  }
  int offset = 0;
  const std::string zone = s.substr(i);
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    offset = (zone[0] == '+' ? 1 : -1) * (std::atoi(zone.substr(1, 2).c_str()) * 3600 +
                                          std::atoi(zone.substr(4, 2).c_str()) * 60);
  } else if (zone != "Z" && !zone.empty()) {
    return -1;
  }
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&parts)) - offset;
}

std::vector<Report> reports_of(State& st, const User& u) {
  std::vector<Report> out;
  const int64_t today = st.now() / 86400;
  for (int64_t k = 0; k < 12; ++k) {
    const uint64_t h = report_mix(u.user_id, k);
    Report r;
    char id[24];
    std::snprintf(id, sizeof id, "%010llx", static_cast<unsigned long long>(h % 0xffffffffffull));
    r.id = id;
    r.title = std::string(u.account_name) + " newsletter " + std::to_string(12 - k);
    // Every ~2 months back; the most recent a few days ago.
    r.send_time = (today - 3 - k * 60 - static_cast<int64_t>(h % 7)) * 86400 + 8 * 3600 +
                  static_cast<int64_t>((h >> 8) % 120) * 60;
    r.emails_sent = 1000 + static_cast<int64_t>((h >> 12) % 4000);
    r.hard_bounces = static_cast<int64_t>((h >> 20) % 11);
    r.soft_bounces = static_cast<int64_t>((h >> 24) % 21);
    r.unique_opens = r.emails_sent * (20 + static_cast<int64_t>((h >> 28) % 26)) / 100;
    r.opens_total = r.unique_opens * (120 + static_cast<int64_t>((h >> 34) % 60)) / 100;
    r.unique_clicks = r.unique_opens * (5 + static_cast<int64_t>((h >> 40) % 16)) / 100;
    r.unique_subscriber_clicks = r.unique_clicks * 9 / 10;
    r.clicks_total = r.unique_clicks * (110 + static_cast<int64_t>((h >> 46) % 50)) / 100;
    r.unsubscribed = static_cast<int64_t>((h >> 52) % 16);
    if (k % 3 != 0) {
      r.orders = 1 + static_cast<int64_t>((h >> 56) % 9);
      r.revenue_cents = r.orders * (2500 + static_cast<int64_t>((h >> 4) % 9000));
    }
    out.push_back(r);
  }
  return out;
}

json report_json(const Report& r) {
  const double sent = static_cast<double>(std::max<int64_t>(r.emails_sent, 1));
  return {
      {"id", r.id},
      {"campaign_title", r.title},
      {"type", "regular"},
      {"list_id", "b1c2fake"},
      {"list_is_active", true},
      {"list_name", "Customers"},
      {"subject_line", r.title},
      {"preview_text", ""},
      {"emails_sent", r.emails_sent},
      {"abuse_reports", 0},
      {"unsubscribed", r.unsubscribed},
      {"send_time", iso_utc(r.send_time)},
      {"bounces",
       {{"hard_bounces", r.hard_bounces}, {"soft_bounces", r.soft_bounces}, {"syntax_errors", 0}}},
      {"forwards", {{"forwards_count", 0}, {"forwards_opens", 0}}},
      {"opens",
       {{"opens_total", r.opens_total},
        {"unique_opens", r.unique_opens},
        {"open_rate", static_cast<double>(r.unique_opens) / sent},
        {"last_open", iso_utc(r.send_time + 3 * 86400)}}},
      {"clicks",
       {{"clicks_total", r.clicks_total},
        {"unique_clicks", r.unique_clicks},
        {"unique_subscriber_clicks", r.unique_subscriber_clicks},
        {"click_rate", static_cast<double>(r.unique_subscriber_clicks) / sent},
        {"last_click", iso_utc(r.send_time + 2 * 86400)}}},
      {"ecommerce",
       {{"total_orders", r.orders},
        {"total_spent", static_cast<double>(r.revenue_cents) / 100},
        {"total_revenue", static_cast<double>(r.revenue_cents) / 100},
        {"currency_code", "EUR"}}},
      {"_links", json::array()}};
}

}  // namespace

void serve_mailchimp(httplib::Server& s, State& st) {
  static Tables t;

  s.Get("/oauth2/authorize", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const std::string redirect = req.get_param_value("redirect_uri");
    if (req.get_param_value("response_type") != "code" ||
        req.get_param_value("client_id") != kClientId || redirect.empty()) {
      res.status = 400;
      res.set_content("<html><body>Invalid OAuth request</body></html>", "text/html");
      return;
    }
    const std::string back = redirect + (redirect.find('?') == std::string::npos ? "?" : "&");
    const std::string state = req.get_param_value("state");
    if (st.on("mailchimp_denied")) {
      res.set_redirect(back + "error=access_denied&state=" + escape(state));
      return;
    }
    const User* user = st.first("mailchimp_second_user") ? &kUsers[1] : &kUsers[0];
    const std::string code = opaque(st, "mc");
    {
      std::lock_guard<std::mutex> lock(t.mu);
      t.codes[code] = {redirect, user};
    }
    res.set_redirect(back + "code=" + escape(code) + "&state=" + escape(state));
  });

  s.Post("/oauth2/token", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (req.get_param_value("grant_type") != "authorization_code") {
      send_json(res, 400,
                {{"error", "unsupported_grant_type"},
                 {"error_description", "grant_type must be authorization_code"}});
      return;
    }
    std::lock_guard<std::mutex> lock(t.mu);
    auto it = t.codes.find(req.get_param_value("code"));
    // Mailchimp answers invalid_grant for a wrong secret as for a wrong code.
    if (req.get_param_value("client_id") != kClientId ||
        req.get_param_value("client_secret") != kClientSecret || it == t.codes.end() ||
        it->second.used || it->second.redirect_uri != req.get_param_value("redirect_uri")) {
      send_json(res, 400,
                {{"error", "invalid_grant"}, {"error_description", "Invalid authorization code"}});
      return;
    }
    it->second.used = true;
    std::string token = opaque(st, "");
    while (token.size() < 32) token += opaque(st, "");
    t.tokens[token] = it->second.user;
    send_json(res, 200, {{"access_token", token}, {"expires_in", 0}, {"scope", nullptr}});
  });

  s.Get("/oauth2/metadata", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const User* user = user_of(st, t, bearer(req, "OAuth"));
    if (user == nullptr) {
      invalid_key(st, res);
      return;
    }
    if (malformed(st, res)) return;
    const std::string endpoint =
        st.on("mailchimp_bad_endpoint") ? "https://evil.example.net" : st.base_url;
    send_json(res, 200,
              {{"dc", user->dc},
               {"role", "owner"},
               {"accountname", user->account_name},
               {"user_id", user->user_id},
               {"login",
                {{"email", user->email},
                 {"avatar", nullptr},
                 {"login_id", user->user_id},
                 {"login_name", user->login_name},
                 {"login_email", user->email}}},
               {"login_url", st.base_url},
               {"api_endpoint", endpoint}});
  });

  auto root = [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (st.first("mailchimp_429_once")) {
      // Mailchimp limits concurrency and sends no rate-limit headers.
      problem(st, res, 429, "Too Many Requests",
              "You have exceeded the limit of 10 simultaneous connections.");
      return;
    }
    if (st.first("mailchimp_5xx_once")) {
      problem(st, res, 500, "Internal Server Error",
              "An unexpected internal error has occurred. Please contact Support for more "
              "information.");
      return;
    }
    const User* user = user_of(st, t, bearer(req));
    if (user == nullptr) {
      invalid_key(st, res);
      return;
    }
    if (malformed(st, res)) return;
    send_json(res, 200,
              {{"account_id", user->account_id},
               {"login_id", std::to_string(user->user_id)},
               {"account_name", user->account_name},
               {"email", user->email},
               {"first_name", user->first_name},
               {"last_name", user->last_name},
               {"username", user->login_name},
               {"avatar_url", ""},
               {"role", "owner"},
               {"member_since", "2020-01-01T00:00:00+00:00"},
               {"pricing_plan_type", "monthly"},
               {"first_payment", "2020-02-01T00:00:00+00:00"},
               {"account_timezone", user->time_zone},
               {"account_industry", "Retail"},
               {"contact",
                {{"company", user->account_name},
                 {"addr1", "1 rue Fake"},
                 {"addr2", ""},
                 {"city", "Paris"},
                 {"state", ""},
                 {"zip", "75001"},
                 {"country", "FR"}}},
               {"pro_enabled", false},
               {"last_login", "2026-09-01T08:00:00+00:00"},
               {"total_subscribers", user->total_subscribers},
               {"industry_stats",
                {{"open_rate", 0.2134}, {"bounce_rate", 0.0071}, {"click_rate", 0.0242}}},
               {"_links", json::array()}});
  };
  s.Get("/3.0/", root);
  s.Get("/3.0", root);

  // GET /3.0/reports?count&offset&since_send_time (Bearer): newest first,
  // count/offset paging with total_items; rates are fractions.
  s.Get("/3.0/reports", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const User* user = user_of(st, t, bearer(req));
    if (user == nullptr) {
      invalid_key(st, res);
      return;
    }
    if (st.first("mailchimp_429_once")) {
      problem(st, res, 429, "Too Many Requests",
              "You have exceeded the limit of 10 simultaneous connections.");
      return;
    }
    const int64_t count =
        req.has_param("count") ? std::atoll(req.get_param_value("count").c_str()) : 10;
    const int64_t offset =
        req.has_param("offset") ? std::atoll(req.get_param_value("offset").c_str()) : 0;
    if (count < 1 || count > 1000 || offset < 0) {
      problem(st, res, 400, "Invalid Resource",
              "count must be between 1 and 1000 and offset not negative.");
      return;
    }
    int64_t since = 0;
    if (req.has_param("since_send_time")) {
      since = parse_iso(req.get_param_value("since_send_time"));
      if (since < 0) {
        problem(st, res, 400, "Invalid Resource",
                "since_send_time must be an ISO 8601 time (2026-09-01T00:00:00+00:00).");
        return;
      }
    }
    std::vector<Report> all;
    for (const Report& r : reports_of(st, *user)) {
      if (r.send_time >= since) all.push_back(r);
    }
    json list = json::array();
    for (int64_t i = offset; i < static_cast<int64_t>(all.size()) && i < offset + count; ++i)
      list.push_back(report_json(all[static_cast<size_t>(i)]));
    send_json(res, 200,
              {{"reports", list}, {"total_items", all.size()}, {"_links", json::array()}});
  });

  // The fake's reports of a user, for tests (typed: revenue in cents):
  // GET /_fake/mailchimp/truth?user=81000001[&since_send_time=ISO]
  s.Get("/_fake/mailchimp/truth", [&st](const httplib::Request& req, httplib::Response& res) {
    const User* user = nullptr;
    for (const User& u : kUsers) {
      if (req.get_param_value("user") == std::to_string(u.user_id)) user = &u;
    }
    if (user == nullptr) {
      send_json(res, 400, {{"error", "user is needed"}});
      return;
    }
    const int64_t since =
        req.has_param("since_send_time") ? parse_iso(req.get_param_value("since_send_time")) : 0;
    json out = json::array();
    for (const Report& r : reports_of(st, *user)) {
      if (r.send_time < since) continue;
      out.push_back({{"id", r.id},
                     {"title", r.title},
                     {"send_date", iso_utc(r.send_time).substr(0, 10)},
                     {"emails_sent", r.emails_sent},
                     {"unique_opens", r.unique_opens},
                     {"opens_total", r.opens_total},
                     {"unique_clicks", r.unique_clicks},
                     {"clicks_total", r.clicks_total},
                     {"hard_bounces", r.hard_bounces},
                     {"soft_bounces", r.soft_bounces},
                     {"unsubscribed", r.unsubscribed},
                     {"revenue_cents", r.revenue_cents}});
    }
    send_json(res, 200, out);
  });
}

}  // namespace fake
