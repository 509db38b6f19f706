// HubSpot: OAuth on app.hubspot.com and api.hubapi.com/oauth/{version}/…
// (form bodies only), and GET /account-info/v3/details (platform-apis.md §5).
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fake.h"

namespace fake {

namespace {

constexpr const char* kClientId = "fake-hubspot-client";
constexpr const char* kClientSecret = "fake-hubspot-secret";
constexpr int64_t kAccessLifetime = 1800;

struct Portal {
  int64_t hub_id;
  const char* hub_domain;
  const char* user;
  int64_t user_id;
  const char* time_zone;
  const char* currency;
  const char* utc_offset;
  int64_t utc_offset_ms;
  const char* ui_domain;
  const char* hosting;
};

const Portal kPortals[] = {
    {21000001, "shop-a.hubspot.com", "ada@example.com", 9000001, "Europe/Paris", "EUR", "+01:00",
     3600000, "app-eu1.hubspot.com", "eu1"},
    {21000002, "shop-b.hubspot.com", "bob@example.com", 9000002, "America/New_York", "USD",
     "-05:00", -18000000, "app.hubspot.com", "na1"},
};

struct Code {
  std::string redirect_uri, scope, challenge;
  const Portal* portal;
  bool used = false;
};

struct Grant {
  const Portal* portal;
  std::string scope;
  std::string refresh, previous_refresh;  // previous: the rotation's grace period
  bool alive = true;
};

struct Access {
  std::shared_ptr<Grant> grant;
  int64_t iat, exp;
};

// The tables; `mu` guards all of them.
struct Tables {
  std::mutex mu;
  std::map<std::string, Code> codes;
  std::map<std::string, Access> access;
  std::map<std::string, std::shared_ptr<Grant>> refresh;  // current and previous tokens
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

std::string s256(const std::string& verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : d) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      out.push_back(kAlphabet[(acc >> (bits - 6)) & 63]);
      bits -= 6;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::string correlation(State& st) {
  std::string id = opaque(st, "");
  while (id.size() < 32) id += opaque(st, "");
  return id.substr(0, 8) + "-" + id.substr(8, 4) + "-4" + id.substr(12, 3) + "-8" +
         id.substr(15, 3) + "-" + id.substr(18, 12);
}

void hubspot_error(State& st, httplib::Response& res, int status, const std::string& category,
                   const std::string& message) {
  send_json(res, status,
            {{"status", "error"},
             {"message", message},
             {"correlationId", correlation(st)},
             {"category", category}});
}

// RFC 6749 errors with HubSpot's older keys kept beside them.
void oauth_error(httplib::Response& res, const std::string& error, const std::string& description,
                 const std::string& legacy_status) {
  send_json(res, 400,
            {{"error", error},
             {"error_description", description},
             {"status", legacy_status},
             {"message", description}});
}

std::string query_of(const httplib::Request& req) {
  const size_t q = req.target.find('?');
  return q == std::string::npos ? "" : req.target.substr(q + 1);
}

// The new OAuth endpoints take form bodies only; nothing in the query string.
bool form_only(const httplib::Request& req, httplib::Response& res) {
  if (!query_of(req).empty()) {
    oauth_error(res, "invalid_request", "parameters must be sent in the request body",
                "BAD_REQUEST");
    return false;
  }
  if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
    oauth_error(res, "invalid_request", "the body must be application/x-www-form-urlencoded",
                "BAD_REQUEST");
    return false;
  }
  return true;
}

bool client_ok(const httplib::Request& req, httplib::Response& res) {
  if (req.get_param_value("client_id") == kClientId &&
      req.get_param_value("client_secret") == kClientSecret)
    return true;
  oauth_error(res, "invalid_client", "missing or unknown client id or secret", "BAD_CLIENT_ID");
  return false;
}

std::string access_token(State& st) {
  std::string t = "CJb";
  while (t.size() < 320) t += opaque(st, "");
  return t;
}

json token_answer(State& st, Tables& t, const std::shared_ptr<Grant>& g) {
  const std::string a = access_token(st);
  t.access[a] = {g, st.now(), st.now() + kAccessLifetime};
  return {{"token_type", "bearer"},
          {"access_token", a},
          {"refresh_token", g->refresh},
          {"expires_in", kAccessLifetime}};
}

void kill(Tables& t, std::shared_ptr<Grant> g) {  // a copy: erasing the tables may drop the last other owner
  g->alive = false;
  t.refresh.erase(g->refresh);
  t.refresh.erase(g->previous_refresh);
  for (auto it = t.access.begin(); it != t.access.end();) {
    it = it->second.grant == g ? t.access.erase(it) : std::next(it);
  }
}

// ---- Deals: deterministic, one every few days per portal.

struct DealData {
  std::string id, name, stage, pipeline;
  std::string closedate, createdate;  // "2026-09-03T10:00:00.000Z"
  int64_t amount_cents = -1;          // -1: no amount (null)
  int64_t close_ms = 0;
};

uint64_t deal_mix(int64_t portal, int64_t day) {
  uint64_t h = static_cast<uint64_t>(portal) * 0x9e3779b97f4a7c15ull ^ static_cast<uint64_t>(day);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::string iso_ms(int64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &parts);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

// Epoch ms of an ISO instant ("…Z", with or without .mmm) or of digits; -1 if neither.
int64_t ms_of(const json& v) {
  std::string s = v.is_string()           ? v.get<std::string>()
                  : v.is_number_integer() ? std::to_string(v.get<int64_t>())
                                          : "";
  if (!s.empty() &&
      std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return std::stoll(s);
  tm parts{};
  int ms = 0;
  if (s.size() < 10) return -1;
  if (s.size() == 10) s += "T00:00:00Z";
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &parts.tm_year, &parts.tm_mon,
                  &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &parts.tm_sec) != 6)
    return -1;
  if (s.size() > 20 && s[19] == '.') ms = std::atoi(s.substr(20, 3).c_str());
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&parts)) * 1000 + ms;
}

std::vector<DealData> deals_of(State& st, const Portal& p) {
  std::vector<DealData> out;
  const int64_t today = st.now() / 86400;
  const char* stages[] = {"closedwon", "closedwon", "closedlost", "appointmentscheduled"};
  const char* products[] = {"Starter plan", "Annual renewal", "Wholesale order", "Consulting"};
  for (int64_t day = today - 730; day <= today; ++day) {
    const uint64_t h = deal_mix(p.hub_id, day);
    if (h % 3 != 0) continue;
    DealData d;
    d.id = std::to_string(51000000000 + (p.hub_id % 10) * 100000000 + day);
    d.stage = stages[(h >> 8) % 4];
    d.pipeline = (h >> 24) % 5 == 0 ? "renewals" : "default";
    d.name = std::string(products[(h >> 12) % 4]) + " #" + d.id.substr(d.id.size() - 5);
    if ((h >> 16) % 17 != 0)
      d.amount_cents = (200 + static_cast<int64_t>((h >> 40) % 4800)) * 100 +
                       static_cast<int64_t>((h >> 52) % 2) * 50;
    // Late evening UTC on some days, so a zone-shifted reader would see another date.
    d.close_ms = (day * 86400 + 8 * 3600 + static_cast<int64_t>((h >> 32) % 960) * 60) * 1000;
    d.closedate = iso_ms(d.close_ms);
    d.createdate = iso_ms(d.close_ms - static_cast<int64_t>(20 + (h >> 36) % 40) * 86400000);
    out.push_back(d);
  }
  return out;
}

bool deal_matches(const DealData& d, const json& f) {
  if (!f.is_object()) return false;
  const std::string prop = f.value("propertyName", ""), op = f.value("operator", "");
  if (prop == "closedate") {
    const int64_t v = f.contains("value") ? ms_of(f["value"]) : -1;
    const int64_t hi = f.contains("highValue") ? ms_of(f["highValue"]) : -1;
    if (op == "GTE") return d.close_ms >= v;
    if (op == "GT") return d.close_ms > v;
    if (op == "LTE") return d.close_ms <= v;
    if (op == "LT") return d.close_ms < v;
    if (op == "EQ") return d.close_ms == v;
    if (op == "BETWEEN") return v >= 0 && hi >= 0 && d.close_ms >= v && d.close_ms <= hi;
    return false;
  }
  std::string have;
  if (prop == "dealstage")
    have = d.stage;
  else if (prop == "pipeline")
    have = d.pipeline;
  else
    return false;
  const std::string want =
      f.contains("value") && f["value"].is_string() ? f["value"].get<std::string>() : "";
  if (op == "EQ") return have == want;
  if (op == "NEQ") return have != want;
  return false;
}

std::string amount_text(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buf;
}

// A search result: the properties asked (null when empty) plus the three
// HubSpot always adds.
json deal_json(const DealData& d, const json& asked) {
  json all = {{"dealname", d.name},
              {"amount", d.amount_cents < 0 ? json() : json(amount_text(d.amount_cents))},
              {"closedate", d.closedate},
              {"dealstage", d.stage},
              {"pipeline", d.pipeline},
              {"hs_is_closed_won", d.stage == "closedwon" ? "true" : "false"}};
  json props = {
      {"hs_object_id", d.id}, {"createdate", d.createdate}, {"hs_lastmodifieddate", d.closedate}};
  for (const json& a : asked.is_array() ? asked : json::array()) {
    if (a.is_string())
      props[a.get<std::string>()] =
          all.contains(a.get<std::string>()) ? all[a.get<std::string>()] : json();
  }
  return {{"id", d.id},
          {"properties", props},
          {"createdAt", d.createdate},
          {"updatedAt", d.closedate},
          {"archived", false}};
}

}  // namespace

void serve_hubspot(httplib::Server& s, State& st) {
  static Tables t;

  s.Get("/oauth/authorize", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const std::string redirect = req.get_param_value("redirect_uri");
    const std::string state = req.get_param_value("state");
    if (req.get_param_value("client_id") != kClientId || redirect.empty() ||
        !req.has_param("scope") || state.empty()) {
      res.status = 400;
      res.set_content("<html><body>Authorization failed: invalid request</body></html>",
                      "text/html");
      return;
    }
    const std::string back = redirect + (redirect.find('?') == std::string::npos ? "?" : "&");
    const std::string challenge = req.get_param_value("code_challenge");
    if (!challenge.empty() && req.get_param_value("code_challenge_method") != "S256") {
      res.set_redirect(back + "error=invalid_request&error_description=" +
                       escape("code_challenge_method must be S256") + "&state=" + escape(state));
      return;
    }
    if (st.on("hubspot_denied")) {
      res.set_redirect(back + "error=access_denied&error_description=" +
                       escape("The user denied the request") + "&state=" + escape(state));
      return;
    }
    std::string scope = req.get_param_value("scope");
    if (const std::string opt = req.get_param_value("optional_scope"); !opt.empty())
      scope += " " + opt;
    const Portal* portal = st.first("hubspot_second_portal") ? &kPortals[1] : &kPortals[0];
    const std::string code = opaque(st, "hs-code-");
    {
      std::lock_guard<std::mutex> lock(t.mu);
      t.codes[code] = {redirect, scope, challenge, portal};
    }
    res.set_redirect(back + "code=" + escape(code) + "&state=" + escape(state));
  });

  s.Post(R"(/oauth/(v1|v3|20\d\d-\d\d)/token)",
         [&st](const httplib::Request& req, httplib::Response& res) {
           record(st, req);
           if (st.on("hubspot_slow_token")) std::this_thread::sleep_for(std::chrono::seconds(4));
           if (!form_only(req, res) || !client_ok(req, res)) return;
           const std::string grant = req.get_param_value("grant_type");
           std::lock_guard<std::mutex> lock(t.mu);
           if (grant == "authorization_code") {
             auto it = t.codes.find(req.get_param_value("code"));
             if (it == t.codes.end() || it->second.used ||
                 it->second.redirect_uri != req.get_param_value("redirect_uri")) {
               oauth_error(res, "invalid_grant", "code is invalid, expired or already used",
                           "BAD_AUTH_CODE");
               return;
             }
             it->second.used = true;
             if (!it->second.challenge.empty() &&
                 s256(req.get_param_value("code_verifier")) != it->second.challenge) {
               oauth_error(res, "invalid_grant", "code_verifier does not match the code_challenge",
                           "BAD_AUTH_CODE");
               return;
             }
             auto g = std::make_shared<Grant>();
             g->portal = it->second.portal;
             g->scope = it->second.scope;
             g->refresh = "na1-" + opaque(st, "") + "-" + opaque(st, "");
             t.refresh[g->refresh] = g;
             send_json(res, 200, token_answer(st, t, g));
             return;
           }
           if (grant == "refresh_token") {
             const std::string given = req.get_param_value("refresh_token");
             auto it = t.refresh.find(given);
             if (st.on("hubspot_invalid_grant") || it == t.refresh.end() || !it->second->alive) {
               oauth_error(res, "invalid_grant", "refresh token is invalid, expired or revoked",
                           "BAD_REFRESH_TOKEN");
               return;
             }
             std::shared_ptr<Grant> g = it->second;
             if (given == g->refresh) {
               // The new token's first use ends the previous one's grace period.
               if (!g->previous_refresh.empty()) t.refresh.erase(g->previous_refresh);
               g->previous_refresh.clear();
               if (st.on("hubspot_rotate")) {
                 g->previous_refresh = g->refresh;
                 g->refresh = "na1-" + opaque(st, "") + "-" + opaque(st, "");
                 t.refresh[g->refresh] = g;
               }
             }
             send_json(res, 200, token_answer(st, t, g));
             return;
           }
           oauth_error(res, "unsupported_grant_type",
                       "grant_type must be authorization_code or "
                       "refresh_token",
                       "BAD_GRANT_TYPE");
         });

  s.Post(R"(/oauth/(v3|20\d\d-\d\d)/token/introspect)",
         [&st](const httplib::Request& req, httplib::Response& res) {
           record(st, req);
           if (!form_only(req, res) || !client_ok(req, res)) return;
           const std::string token = req.get_param_value("token");
           std::lock_guard<std::mutex> lock(t.mu);
           if (auto it = t.access.find(token); it != t.access.end() && it->second.exp > st.now()) {
             const Portal& p = *it->second.grant->portal;
             send_json(res, 200,
                       {{"active", true},
                        {"client_id", kClientId},
                        {"token_type", "access_token"},
                        {"exp", it->second.exp},
                        {"iat", it->second.iat},
                        {"scope", it->second.grant->scope},
                        {"hub_id", p.hub_id},
                        {"hub_domain", p.hub_domain},
                        {"user", p.user},
                        {"user_id", p.user_id}});
             return;
           }
           if (auto it = t.refresh.find(token); it != t.refresh.end()) {
             const Portal& p = *it->second->portal;
             send_json(res, 200,
                       {{"active", true},
                        {"client_id", kClientId},
                        {"token_type", "refresh_token"},
                        {"scope", it->second->scope},
                        {"hub_id", p.hub_id},
                        {"hub_domain", p.hub_domain},
                        {"user", p.user},
                        {"user_id", p.user_id}});
             return;
           }
           send_json(res, 200, {{"active", false}});
         });

  s.Post(R"(/oauth/(v3|20\d\d-\d\d)/token/revoke)",
         [&st](const httplib::Request& req, httplib::Response& res) {
           record(st, req);
           if (!form_only(req, res) || !client_ok(req, res)) return;
           const std::string token = req.get_param_value("token");
           std::lock_guard<std::mutex> lock(t.mu);
           if (auto it = t.refresh.find(token); it != t.refresh.end()) {
             kill(t, it->second);
           } else if (auto a = t.access.find(token); a != t.access.end()) {
             kill(t, a->second.grant);
           }
           res.status = 200;  // RFC 7009: also for a token that was already dead
         });

  s.Get("/account-info/v3/details", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const std::string token = bearer(req);
    if (token.empty()) {
      hubspot_error(st, res, 401, "INVALID_AUTHENTICATION",
                    "Authentication credentials not found. This API supports OAuth 2.0 "
                    "authentication.");
      return;
    }
    const Portal* portal = nullptr;
    int64_t expired_for = 0;
    {
      std::lock_guard<std::mutex> lock(t.mu);
      if (auto it = t.access.find(token); it != t.access.end()) {
        portal = it->second.grant->portal;
        expired_for = st.now() - it->second.exp;
      }
    }
    if (portal == nullptr) {
      hubspot_error(st, res, 401, "INVALID_AUTHENTICATION",
                    "The OAuth token used to make this call is not valid.");
      return;
    }
    if (expired_for >= 0 || st.first("hubspot_expired_once")) {
      hubspot_error(st, res, 401, "EXPIRED_AUTHENTICATION",
                    "The OAuth token used to make this call expired " +
                        std::to_string(std::max<int64_t>(expired_for, 1)) + " second(s) ago.");
      return;
    }
    if (st.first("hubspot_429_once")) {
      res.set_header("Retry-After", "1");
      res.set_header("X-HubSpot-RateLimit-Max", "110");
      res.set_header("X-HubSpot-RateLimit-Remaining", "0");
      res.set_header("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
      send_json(res, 429,
                {{"status", "error"},
                 {"message", "You have reached your ten_secondly_rolling limit."},
                 {"errorType", "RATE_LIMIT"},
                 {"correlationId", correlation(st)},
                 {"policyName", "TEN_SECONDLY_ROLLING"},
                 {"category", "RATE_LIMITS"}});
      return;
    }
    if (st.first("hubspot_5xx_once")) {
      send_json(
          res, 502,
          {{"status", "error"}, {"message", "Bad Gateway"}, {"correlationId", correlation(st)}});
      return;
    }
    const Portal& p = *portal;
    send_json(res, 200,
              {{"portalId", p.hub_id},
               {"accountType", "STANDARD"},
               {"timeZone", p.time_zone},
               {"companyCurrency", p.currency},
               {"additionalCurrencies", json::array()},
               {"utcOffset", p.utc_offset},
               {"utcOffsetMilliseconds", p.utc_offset_ms},
               {"uiDomain", p.ui_domain},
               {"dataHostingLocation", p.hosting}});
  });

  // ---- CRM deal search (platform-apis.md §5.3): deals over two years back
  // from the fake's today (UTC), in several stages; filters ANDed within a
  // group and groups ORed, sorted, paged with opaque `after` cursors.
  struct DealSearch {
    std::mutex mu;
    std::map<std::string, std::pair<std::string, size_t>> cursors;  // after → (query, offset)
  };
  static DealSearch search;

  s.Post(R"(/crm/(objects/20\d\d-\d\d|v3/objects)/deals/search)", [&st](const httplib::Request& req,
                                                                        httplib::Response& res) {
    record(st, req);
    const std::string token = bearer(req);
    const Portal* portal = nullptr;
    int64_t expired_for = 0;
    {
      std::lock_guard<std::mutex> lock(t.mu);
      if (auto it = t.access.find(token); it != t.access.end()) {
        portal = it->second.grant->portal;
        expired_for = st.now() - it->second.exp;
      }
    }
    if (portal == nullptr) {
      hubspot_error(st, res, 401, "INVALID_AUTHENTICATION",
                    "The OAuth token used to make this call is not valid.");
      return;
    }
    if (expired_for >= 0) {
      hubspot_error(st, res, 401, "EXPIRED_AUTHENTICATION",
                    "The OAuth token used to make this call expired " +
                        std::to_string(std::max<int64_t>(expired_for, 1)) + " second(s) ago.");
      return;
    }
    const json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
      hubspot_error(st, res, 400, "VALIDATION_ERROR", "Invalid input JSON on line 1");
      return;
    }
    const int64_t limit = body.contains("limit") && body["limit"].is_number_integer()
                              ? body["limit"].get<int64_t>()
                              : 10;
    if (limit < 1 || limit > 200) {
      hubspot_error(st, res, 400, "VALIDATION_ERROR",
                    "limit must be between 1 and 200 (was " + std::to_string(limit) + ")");
      return;
    }
    std::vector<json> matched;
    const json groups = body.value("filterGroups", json::array());
    for (const DealData& d : deals_of(st, *portal)) {
      bool any = !groups.is_array() || groups.empty();
      for (const json& g : groups.is_array() ? groups : json::array()) {
        bool all = true;
        for (const json& f : g.value("filters", json::array())) all = all && deal_matches(d, f);
        any = any || all;
      }
      if (any) matched.push_back(deal_json(d, body.value("properties", json::array())));
    }
    const json sorts = body.value("sorts", json::array());
    if (sorts.is_array() && !sorts.empty() && sorts[0].is_object() &&
        sorts[0].value("propertyName", "") == "closedate") {
      const bool desc = sorts[0].value("direction", "") == "DESCENDING";
      std::stable_sort(matched.begin(), matched.end(), [desc](const json& a, const json& b) {
        const std::string x = a["properties"]["closedate"], y = b["properties"]["closedate"];
        return desc ? x > y : x < y;
      });
    }
    json key = body;
    key.erase("after");
    key.erase("limit");
    const std::string bound = std::to_string(portal->hub_id) + "|" + key.dump();
    size_t offset = 0;
    if (body.contains("after")) {
      const std::string after = body["after"].is_string() ? body["after"].get<std::string>() : "";
      std::lock_guard<std::mutex> lock(search.mu);
      auto it = search.cursors.find(after);
      if (it == search.cursors.end() || it->second.first != bound) {
        hubspot_error(st, res, 400, "VALIDATION_ERROR", "after is not a valid paging cursor");
        return;
      }
      offset = it->second.second;
    }
    if (offset + static_cast<size_t>(limit) > 10000 && offset < matched.size()) {
      hubspot_error(st, res, 400, "VALIDATION_ERROR",
                    "Search results are limited to 10000; narrow the filters");
      return;
    }
    json results = json::array();
    for (size_t i = offset; i < matched.size() && i < offset + static_cast<size_t>(limit); ++i)
      results.push_back(matched[i]);
    json answer = {{"total", matched.size()}, {"results", results}};
    const size_t end = offset + results.size();
    if (end < matched.size()) {
      const std::string after = opaque(st, "");
      {
        std::lock_guard<std::mutex> lock(search.mu);
        search.cursors[after] = {bound, end};
      }
      answer["paging"] = {{"next", {{"after", after}, {"link", "?after=" + after}}}};
    }
    send_json(res, 200, answer);
  });

  // The fake's won deals of a portal, for tests:
  // GET /_fake/hubspot/truth?portal=21000001&since=YYYY-MM-DD&until=YYYY-MM-DD
  s.Get("/_fake/hubspot/truth", [&st](const httplib::Request& req, httplib::Response& res) {
    const Portal* portal = nullptr;
    for (const Portal& p : kPortals) {
      if (req.get_param_value("portal") == std::to_string(p.hub_id)) portal = &p;
    }
    if (portal == nullptr) {
      send_json(res, 400, {{"error", "portal is needed"}});
      return;
    }
    const std::string since = req.get_param_value("since"), until = req.get_param_value("until");
    json out = json::array();
    for (const DealData& d : deals_of(st, *portal)) {
      const std::string day = d.closedate.substr(0, 10);
      if (d.stage != "closedwon" || (!since.empty() && day < since) ||
          (!until.empty() && day > until))
        continue;
      out.push_back({{"id", d.id},
                     {"name", d.name},
                     {"stage", d.stage},
                     {"pipeline", d.pipeline},
                     {"close_date", day},
                     {"amount_cents", d.amount_cents < 0 ? 0 : d.amount_cents},
                     {"won", true}});
    }
    std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
      return a["close_date"].get<std::string>() < b["close_date"].get<std::string>();
    });
    send_json(res, 200, out);
  });
}

}  // namespace fake
