// Google: OAuth 2.0 (authorize, token, revoke, userinfo), the Google Ads
// REST API (listAccessibleCustomers, googleAds:search and :searchStream),
// the GA4 Admin API (accountSummaries) and Data API (runReport,
// runRealtimeReport), per platform-apis.md §1–§3 and its corrections.
// See README.md for the data and the scenario switches.
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "fake.h"
#include "google_data.h"

namespace fake {

namespace {

constexpr const char* kClientId = "fake-google-client.apps.googleusercontent.com";
constexpr const char* kClientSecret = "fake-google-secret";
constexpr int kCodeLifetimeS = 60;
constexpr size_t kAdsPageRows = 2;  // the real page is 10 000 rows

struct Code {
  std::string client_id, redirect_uri, scope, challenge;
  int64_t expires_at = 0;
  bool offline = false;
};

struct Grant {
  std::string client_id, scope, refresh_token;
  bool alive = true;
};

struct Access {
  size_t grant = 0;
  int64_t expires_at = 0;
};

struct AdsPage {
  std::string customer, login, query;
  size_t offset = 0;
};

// Everything below is guarded by `mu`.
struct Tables {
  std::mutex mu;
  std::map<std::string, Code> codes;
  std::vector<Grant> grants;
  std::map<std::string, Access> access;
  std::map<std::string, size_t> refresh;
  std::map<std::string, AdsPage> ads_pages;
  std::map<std::string, size_t> ga4_pages;
  std::map<std::string, int64_t> ga4_tokens;  // Data API quota used, per property and hour/day
};

struct Account {
  const char* id;
  const char* name;
  bool manager;
  const char* currency;
  const char* time_zone;
  const char* status;
};

const Account kAccounts[] = {
    {"5550001111", "Agency MCC", true, "EUR", "Europe/Paris", "ENABLED"},
    {"6660002222", "Second MCC", true, "EUR", "Europe/Paris", "ENABLED"},
    {"9990003333", "Direct account", false, "USD", "America/New_York", "ENABLED"},
    {"1234567890", "Shop A", false, "EUR", "Europe/Paris", "ENABLED"},
    {"2345678901", "Shop B", false, "EUR", "Europe/Paris", "ENABLED"},
    {"3456789012", "Shop C", false, "GBP", "Europe/London", "ENABLED"},
    {"4567890123", "Old Shop", false, "EUR", "Europe/Paris", "CANCELED"},
    // Only with scenario google_sub_manager:
    {"7770004444", "Regional MCC", true, "EUR", "Europe/Paris", "ENABLED"},
    {"8880005555", "Shop D", false, "EUR", "Europe/Paris", "ENABLED"},
    // Directly accessible, but listed only with scenario google_far_east (so
    // the discovery counts other tests rely on stay as they are).
    {"1112223334", "Far East Shop", false, "AUD", "Pacific/Kiritimati", "ENABLED"},
};
const char* const kAccessible[] = {"5550001111", "6660002222", "9990003333", "1112223334"};
constexpr const char* kFarEast = "1112223334";

const Account* account(const std::string& id) {
  for (const Account& a : kAccounts) {
    if (id == a.id) return &a;
  }
  return nullptr;
}

// Direct children of a manager, as the scenarios shape the tree today.
std::vector<std::string> children(State& st, const std::string& id) {
  if (id == "5550001111") {
    if (st.on("google_vanished")) return {"1234567890", "3456789012"};
    return {"1234567890", "2345678901", "3456789012"};
  }
  if (id == "6660002222") {
    if (st.on("google_sub_manager")) return {"3456789012", "4567890123", "7770004444"};
    return {"3456789012", "4567890123"};
  }
  if (id == "7770004444" && st.on("google_sub_manager")) {
    return {"8880005555", "6660002222"};  // a cycle back up, which a client must survive
  }
  return {};
}

// (id, level) for `root` and everything below it, breadth first, each once.
std::vector<std::pair<std::string, int>> tree(State& st, const std::string& root, int max_level) {
  std::vector<std::pair<std::string, int>> out = {{root, 0}};
  std::set<std::string> seen = {root};
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].second >= max_level) continue;
    for (const std::string& c : children(st, out[i].first)) {
      if (seen.insert(c).second) out.emplace_back(c, out[i].second + 1);
    }
  }
  return out;
}

bool accessible(const std::string& id) {
  return std::find(std::begin(kAccessible), std::end(kAccessible), id) != std::end(kAccessible);
}

std::string escape(const std::string& v) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string b64url(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::string s256(const std::string& verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  return b64url(std::string(reinterpret_cast<const char*>(d), sizeof d));
}

bool has_scope(const std::string& scopes, const std::string& want) {
  return (" " + scopes + " ").find(" " + want + " ") != std::string::npos;
}

// The form fields of a POST body (and the query, as Google also reads it).
httplib::Params form_of(const httplib::Request& req) {
  httplib::Params p = req.params;
  if (req.get_header_value("Content-Type").find("application/x-www-form-urlencoded") == 0) {
    httplib::Params body;
    httplib::detail::parse_query_text(req.body, body);
    for (auto& kv : body) {
      if (p.find(kv.first) == p.end()) p.insert(kv);
    }
  }
  return p;
}

std::string field(const httplib::Params& p, const std::string& k) {
  auto it = p.find(k);
  return it == p.end() ? "" : it->second;
}

void oauth_error(httplib::Response& res, int status, const char* error, const char* description) {
  send_json(res, status, {{"error", error}, {"error_description", description}});
}

void auth_page(httplib::Response& res, const std::string& error, const std::string& detail) {
  res.status = 400;
  res.set_content("<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 400 (" + error +
                      ")</title><h1>Access blocked: Authorization Error</h1><p>Error 400: " +
                      error + "</p><p>" + detail + "</p></html>",
                  "text/html; charset=utf-8");
}

void google_error(httplib::Response& res, int code, const char* status, const char* message) {
  send_json(res, code, {{"error", {{"code", code}, {"message", message}, {"status", status}}}});
}

void unauthenticated(httplib::Response& res) {
  res.set_header("WWW-Authenticate",
                 "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
  google_error(res, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
}

// An Ads error: Google's envelope with a GoogleAdsFailure detail.
void ads_error(State& st, httplib::Response& res, const std::string& version, int code,
               const char* status, const char* family, const char* enum_name, const char* message,
               const json& details = nullptr) {
  static const std::map<int, const char*> kTop = {
      {400, "Request contains an invalid argument."},
      {401,
       "Request is missing required authentication credential. Expected OAuth 2 access token, "
       "login cookie or other valid authentication credential."},
      {403, "The caller does not have permission"},
      {429, "Resource has been exhausted (e.g. check quota)."},
      {503, "The service is currently unavailable."}};
  const std::string request_id = opaque(st, "");
  json error = {{"errorCode", {{family, enum_name}}}, {"message", message}};
  if (!details.is_null()) error["details"] = details;
  const json body = {
      {"error",
       {{"code", code},
        {"message", kTop.count(code) != 0 ? kTop.at(code) : "Error"},
        {"status", status},
        {"details", json::array({{{"@type", "type.googleapis.com/google.ads.googleads." + version +
                                                ".errors.GoogleAdsFailure"},
                                  {"errors", json::array({error})},
                                  {"requestId", request_id}}})}}}};
  res.set_header("request-id", request_id);
  if (code == 401)
    res.set_header("WWW-Authenticate",
                   "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
  send_json(res, code, body);
}

// The answer, one byte every 2 s (an upstream stalling mid-body).
void trickle(httplib::Response& res, const std::string& body) {
  res.status = 200;
  res.set_chunked_content_provider("application/json",
                                   [body](size_t offset, httplib::DataSink& sink) {
                                     if (offset >= body.size()) {
                                       sink.done();
                                       return true;
                                     }
                                     std::this_thread::sleep_for(std::chrono::seconds(2));
                                     if (!sink.is_writable()) return false;
                                     sink.write(body.data() + offset, 1);
                                     return true;
                                   });
}

enum class TokenState { kOk, kMissing, kUnknown, kExpired };

TokenState check_access(State& st, Tables& t, const httplib::Request& req, std::string* scope) {
  const std::string token = bearer(req);
  if (token.empty()) return TokenState::kMissing;
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.access.find(token);
  if (it == t.access.end() || !t.grants[it->second.grant].alive) return TokenState::kUnknown;
  if (st.now() >= it->second.expires_at) return TokenState::kExpired;
  if (scope != nullptr) *scope = t.grants[it->second.grant].scope;
  return TokenState::kOk;
}

// A JWT-looking id_token (not signed: glint only reads `sub` from userinfo).
std::string id_token(State& st, int64_t ttl) {
  const json header = {{"alg", "RS256"}, {"kid", "fake-key-1"}, {"typ", "JWT"}};
  const json claims = {{"iss", "https://accounts.google.com"},
                       {"aud", kClientId},
                       {"sub", "110000000000000000001"},
                       {"email", "ada@example.com"},
                       {"email_verified", true},
                       {"iat", st.now()},
                       {"exp", st.now() + ttl}};
  return b64url(header.dump()) + "." + b64url(claims.dump()) + "." + b64url("fake-signature");
}

json token_answer(State& st, Tables& t, size_t grant, bool with_refresh) {
  const int64_t ttl = st.on("google_short_tokens") ? 2 : 3599;
  const std::string access = "ya29." + opaque(st, "a0");
  std::lock_guard<std::mutex> lock(t.mu);
  t.access[access] = {grant, st.now() + ttl};
  const Grant& g = t.grants[grant];
  json out = {
      {"access_token", access}, {"expires_in", ttl}, {"token_type", "Bearer"}, {"scope", g.scope}};
  if (with_refresh && !g.refresh_token.empty()) out["refresh_token"] = g.refresh_token;
  if (has_scope(g.scope, "openid")) out["id_token"] = id_token(st, ttl);
  return out;
}

void serve_oauth(httplib::Server& s, State& st, const std::shared_ptr<Tables>& t) {
  s.Get("/o/oauth2/v2/auth", [&st, t](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const std::string client = req.get_param_value("client_id");
    const std::string redirect = req.get_param_value("redirect_uri");
    if (client.empty())
      return auth_page(res, "invalid_request", "Missing required parameter: client_id");
    if (client != kClientId)
      return auth_page(res, "invalid_client", "The OAuth client was not found.");
    if (redirect.rfind("http://", 0) != 0 && redirect.rfind("https://", 0) != 0)
      return auth_page(res, "redirect_uri_mismatch", "Missing or invalid redirect_uri.");
    if (req.get_param_value("response_type") != "code")
      return auth_page(res, "unsupported_response_type", "Only response_type=code is served here.");
    const std::string scope = req.get_param_value("scope");
    if (scope.empty())
      return auth_page(res, "invalid_request", "Missing required parameter: scope");
    const std::string state = req.get_param_value("state");
    if (state.empty())
      return auth_page(res, "invalid_request", "Missing required parameter: state");
    const std::string challenge = req.get_param_value("code_challenge");
    if (challenge.empty() || req.get_param_value("code_challenge_method") != "S256")
      return auth_page(res, "invalid_request", "PKCE with code_challenge_method=S256 is required.");
    const std::string back = redirect + (redirect.find('?') == std::string::npos ? "?" : "&");
    res.status = 302;
    if (st.on("google_denied")) {
      res.set_header("Location", back + "error=access_denied&state=" + escape(state));
      return;
    }
    const std::string code = "4/0A" + opaque(st, "");
    {
      std::lock_guard<std::mutex> lock(t->mu);
      t->codes[code] = {client,
                        redirect,
                        scope,
                        challenge,
                        st.now() + kCodeLifetimeS,
                        req.get_param_value("access_type") == "offline"};
    }
    res.set_header("Location", back + "state=" + escape(state) + "&code=" + escape(code) +
                                   "&scope=" + escape(scope) + "&authuser=0&prompt=consent");
  });

  s.Post("/token", [&st, t](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (st.on("google_slow_token")) std::this_thread::sleep_for(std::chrono::seconds(4));
    if (st.first("google_token_5xx_once"))
      return oauth_error(res, 503, "temporarily_unavailable", "Backend Error");
    const httplib::Params f = form_of(req);
    if (field(f, "client_id") != kClientId)
      return oauth_error(res, 401, "invalid_client", "The OAuth client was not found.");
    if (field(f, "client_secret") != kClientSecret)
      return oauth_error(res, 401, "invalid_client", "Unauthorized");
    const std::string grant_type = field(f, "grant_type");
    if (grant_type == "authorization_code") {
      std::optional<Code> code;
      {
        std::lock_guard<std::mutex> lock(t->mu);
        auto it = t->codes.find(field(f, "code"));
        if (it != t->codes.end()) {
          code = it->second;
          t->codes.erase(it);  // one use, even a failed one
        }
      }
      if (!code || st.now() >= code->expires_at || code->client_id != kClientId)
        return oauth_error(res, 400, "invalid_grant", "Malformed auth code.");
      if (field(f, "redirect_uri") != code->redirect_uri)
        return oauth_error(res, 400, "invalid_grant", "Bad Request");
      const std::string verifier = field(f, "code_verifier");
      if (verifier.empty()) return oauth_error(res, 400, "invalid_grant", "Missing code verifier.");
      if (s256(verifier) != code->challenge)
        return oauth_error(res, 400, "invalid_grant", "Invalid code verifier.");
      size_t grant = 0;
      {
        std::lock_guard<std::mutex> lock(t->mu);
        grant = t->grants.size();
        Grant g{kClientId, code->scope, code->offline ? "1//0g" + opaque(st, "") : "", true};
        if (!g.refresh_token.empty()) t->refresh[g.refresh_token] = grant;
        t->grants.push_back(std::move(g));
      }
      return send_json(res, 200, token_answer(st, *t, grant, true));
    }
    if (grant_type == "refresh_token") {
      if (st.on("google_invalid_grant"))
        return oauth_error(res, 400, "invalid_grant", "Token has been expired or revoked.");
      std::optional<size_t> grant;
      {
        std::lock_guard<std::mutex> lock(t->mu);
        auto it = t->refresh.find(field(f, "refresh_token"));
        if (it != t->refresh.end() && t->grants[it->second].alive) grant = it->second;
      }
      if (!grant)
        return oauth_error(res, 400, "invalid_grant", "Token has been expired or revoked.");
      return send_json(res, 200, token_answer(st, *t, *grant, false));
    }
    if (grant_type.empty()) return oauth_error(res, 400, "invalid_request", "Missing grant_type");
    oauth_error(res, 400, "unsupported_grant_type", ("Invalid grant_type: " + grant_type).c_str());
  });

  s.Post("/revoke", [&st, t](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const std::string token = field(form_of(req), "token");
    std::lock_guard<std::mutex> lock(t->mu);
    std::optional<size_t> grant;
    if (auto a = t->access.find(token); a != t->access.end() && st.now() < a->second.expires_at)
      grant = a->second.grant;
    if (auto r = t->refresh.find(token); r != t->refresh.end()) grant = r->second;
    if (!grant || !t->grants[*grant].alive) {
      res.status = 400;
      res.set_content(
          json{{"error", "invalid_token"}, {"error_description", "Token expired or revoked"}}
              .dump(),
          "application/json; charset=utf-8");
      return;
    }
    t->grants[*grant].alive = false;  // the whole grant: its access and refresh tokens
    res.status = 200;
    res.set_content("", "application/json; charset=utf-8");
  });

  s.Get("/v1/userinfo", [&st, t](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (check_access(st, *t, req, nullptr) != TokenState::kOk) return unauthenticated(res);
    send_json(res, 200,
              {{"sub", "110000000000000000001"},
               {"email", "ada@example.com"},
               {"email_verified", true},
               {"name", "Ada Lovelace"},
               {"given_name", "Ada"},
               {"family_name", "Lovelace"},
               {"picture", "https://lh3.googleusercontent.com/a/fake-ada"},
               {"hd", "example.com"}});
  });
}

// The word after FROM in a GAQL query, lower-cased ("" when there is none).
std::string from_resource(const std::string& query) {
  std::string q = query;
  for (char& c : q) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char& c : q) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (q.find("select ") == std::string::npos) return "";
  const size_t from = q.find(" from ");
  if (from == std::string::npos) return "";
  size_t i = from + 6;
  while (i < q.size() && q[i] == ' ') ++i;
  size_t j = i;
  while (j < q.size() && (std::isalnum(static_cast<unsigned char>(q[j])) != 0 || q[j] == '_')) ++j;
  return q.substr(i, j - i);
}

// "customer_client.level <= N" → N; a large bound when absent.
int level_bound(const std::string& query) {
  std::string q = query;
  for (char& c : q) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t where = q.find(" where ");
  if (where == std::string::npos) return 1000;
  const size_t at = q.find("customer_client.level", where);
  if (at == std::string::npos) return 1000;
  const size_t le = q.find("<=", at);
  if (le == std::string::npos || le > at + 30) return 1000;
  return std::atoi(q.c_str() + le + 2);
}

json customer_row(const Account& a) {
  return {{"customer",
           {{"resourceName", std::string("customers/") + a.id},
            {"id", a.id},
            {"descriptiveName", a.name},
            {"manager", a.manager},
            {"currencyCode", a.currency},
            {"timeZone", a.time_zone},
            {"status", a.status},
            {"testAccount", false}}}};
}

json client_row(const std::string& root, const Account& a, int level) {
  return {{"customerClient",
           {{"resourceName", "customers/" + root + "/customerClients/" + a.id},
            {"clientCustomer", std::string("customers/") + a.id},
            {"id", a.id},
            {"level", std::to_string(level)},
            {"manager", a.manager},
            {"descriptiveName", a.name},
            {"currencyCode", a.currency},
            {"timeZone", a.time_zone},
            {"status", a.status},
            {"testAccount", false}}}};
}

// The shared gate of every Ads call; false when it already answered.
bool ads_gate(State& st, Tables& t, const httplib::Request& req, httplib::Response& res,
              std::string* version) {
  record(st, req);
  *version = "v" + req.matches[1].str();
  if (std::atoi(req.matches[1].str().c_str()) < 23) {
    google_error(res, 404, "NOT_FOUND", "Method not found.");  // a sunset version
    return false;
  }
  if (st.first("google_ads_5xx_once")) {
    ads_error(st, res, *version, 503, "UNAVAILABLE", "internalError", "TRANSIENT_ERROR",
              "The service is temporarily unavailable.");
    return false;
  }
  if (st.first("google_ads_429_once") || st.first("google_ads_429_storm", 5)) {
    ads_error(
        st, res, *version, 429, "RESOURCE_EXHAUSTED", "quotaError",
        "RESOURCE_TEMPORARILY_EXHAUSTED", "Too many requests in a short amount of time.",
        {{"quotaErrorDetails",
          {{"rateScope", "ACCOUNT"}, {"rateName", "Requests per account"}, {"retryDelay", "1s"}}}});
    return false;
  }
  std::string scope;
  TokenState ts =
      st.first("google_ads_expired_once") ? TokenState::kExpired : check_access(st, t, req, &scope);
  if (ts == TokenState::kMissing) {
    google_error(res, 401, "UNAUTHENTICATED",
                 "Request is missing required authentication credential. Expected OAuth 2 access "
                 "token, login cookie or other valid authentication credential.");
    return false;
  }
  if (ts != TokenState::kOk) {
    const bool expired = ts == TokenState::kExpired;
    ads_error(st, res, *version, 401, "UNAUTHENTICATED", "authenticationError",
              expired ? "OAUTH_TOKEN_EXPIRED" : "OAUTH_TOKEN_INVALID",
              expired ? "The OAuth token in the header has expired."
                      : "The OAuth token in the header is not valid.");
    return false;
  }
  if (!has_scope(scope, "https://www.googleapis.com/auth/adwords")) {
    google_error(res, 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
    return false;
  }
  if (st.on("google_ads_malformed")) {
    res.set_content("{\"results\": [{\"customer\": {\"id\": \"12", "application/json");
    return false;
  }
  return true;
}

// Who may read `customer`: the login manager (absent = the customer itself)
// must be accessible and reach it, and the customer must be enabled. False
// when it already answered.
bool may_read(State& st, httplib::Response& res, const std::string& version,
              const std::string& customer, const std::string& login) {
  const std::string via = login.empty() ? customer : login;
  bool allowed = accessible(via) && account(customer) != nullptr;
  if (allowed && via != customer) {
    allowed = false;
    for (const auto& [id, level] : tree(st, via, 1000)) allowed = allowed || id == customer;
  }
  if (!allowed) {
    ads_error(st, res, version, 403, "PERMISSION_DENIED", "authorizationError",
              "USER_PERMISSION_DENIED",
              "User doesn't have permission to access customer. Note: If you're accessing "
              "a client customer, the manager's customer id must be set in the "
              "'login-customer-id' header.");
    return false;
  }
  const Account& a = *account(customer);
  if ((customer == "9990003333" && st.on("google_customer_forbidden")) ||
      std::string(a.status) == "CANCELED") {
    ads_error(st, res, version, 403, "PERMISSION_DENIED", "authorizationError",
              "CUSTOMER_NOT_ENABLED",
              "The customer account can't be accessed because it is not yet enabled or "
              "has been deactivated.");
    return false;
  }
  return true;
}

void answer_ads(State& st, httplib::Response& res, const json& body) {
  if (st.on("google_slow_body")) return trickle(res, body.dump());
  send_json(res, 200, body);
}

void serve_ads(httplib::Server& s, State& st, const std::shared_ptr<Tables>& t) {
  s.Get(R"(/v(\d+)/customers:listAccessibleCustomers)",
        [&st, t](const httplib::Request& req, httplib::Response& res) {
          std::string version;
          if (!ads_gate(st, *t, req, res, &version)) return;
          json names = json::array();
          for (const char* id : kAccessible) {
            if (id != std::string(kFarEast) || st.on("google_far_east"))
              names.push_back(std::string("customers/") + id);
          }
          answer_ads(st, res, {{"resourceNames", names}});
        });

  s.Post(R"(/v(\d+)/customers/(\d+)/googleAds:search)",
         [&st, t](const httplib::Request& req, httplib::Response& res) {
           std::string version;
           if (!ads_gate(st, *t, req, res, &version)) return;
           const std::string customer = req.matches[2].str();
           const std::string login = req.get_header_value("login-customer-id");
           const json body = json::parse(req.body, nullptr, false);
           if (!body.is_object() || !body.contains("query") || !body["query"].is_string()) {
             google_error(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
             return;
           }
           if (body.contains("pageSize")) {
             ads_error(st, res, version, 400, "INVALID_ARGUMENT", "requestError",
                       "PAGE_SIZE_NOT_SUPPORTED", "Setting the page size is not supported.");
             return;
           }
           if (!may_read(st, res, version, customer, login)) return;
           const Account& a = *account(customer);
           const std::string query = body["query"];
           const std::string from = from_resource(query);
           std::vector<json> rows;
           if (from == "customer") {
             rows.push_back(customer_row(a));
           } else if (from == "customer_client") {
             for (const auto& [id, level] : tree(st, customer, level_bound(query)))
               rows.push_back(client_row(customer, *account(id), level));
           } else {
             ads_error(st, res, version, 400, "INVALID_ARGUMENT", "queryError",
                       from.empty() ? "EXPECTED_FROM" : "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
                       "Error in query: the fake serves FROM customer and FROM customer_client.");
             return;
           }
           size_t offset = 0;
           if (body.contains("pageToken")) {
             const std::string token =
                 body["pageToken"].is_string() ? body["pageToken"].get<std::string>() : "";
             std::lock_guard<std::mutex> lock(t->mu);
             auto it = t->ads_pages.find(token);
             if (it == t->ads_pages.end() || it->second.customer != customer ||
                 it->second.login != login || it->second.query != query) {
               ads_error(st, res, version, 400, "INVALID_ARGUMENT", "requestError",
                         "INVALID_PAGE_TOKEN", "Page token is invalid.");
               return;
             }
             offset = it->second.offset;
             t->ads_pages.erase(it);
           }
           const size_t page = from == "customer_client" ? kAdsPageRows : rows.size();
           json results = json::array();
           for (size_t i = offset; i < rows.size() && i < offset + page; ++i)
             results.push_back(rows[i]);
           const std::string request_id = opaque(st, "");
           json answer = {{"results", results},
                          {"fieldMask", from == "customer"
                                            ? "customer.id,customer.descriptiveName,customer."
                                              "manager,customer.currencyCode,customer.timeZone,"
                                              "customer.status,customer.testAccount"
                                            : "customerClient.clientCustomer,customerClient.id,"
                                              "customerClient.level,customerClient.manager,"
                                              "customerClient.descriptiveName,customerClient."
                                              "currencyCode,customerClient.timeZone,"
                                              "customerClient.status,customerClient.testAccount"},
                          {"requestId", request_id},
                          {"queryResourceConsumption", "20"}};
           if (offset + page < rows.size()) {
             const std::string next = opaque(st, "CL");
             std::lock_guard<std::mutex> lock(t->mu);
             t->ads_pages[next] = {customer, login, query, offset + page};
             answer["nextPageToken"] = next;
           }
           res.set_header("request-id", request_id);
           answer_ads(st, res, answer);
         });
}

void serve_admin(httplib::Server& s, State& st, const std::shared_ptr<Tables>& t) {
  s.Get("/v1beta/accountSummaries", [&st, t](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    std::string scope;
    if (check_access(st, *t, req, &scope) != TokenState::kOk) return unauthenticated(res);
    if (!has_scope(scope, "https://www.googleapis.com/auth/analytics.readonly") &&
        !has_scope(scope, "https://www.googleapis.com/auth/analytics"))
      return google_error(res, 403, "PERMISSION_DENIED",
                          "Request had insufficient authentication scopes.");
    auto property = [](const char* id, const char* name, const char* parent) {
      return json{{"property", std::string("properties/") + id},
                  {"displayName", name},
                  {"propertyType", "PROPERTY_TYPE_ORDINARY"},
                  {"parent", parent}};
    };
    const json summaries =
        json::array({{{"name", "accountSummaries/1000"},
                      {"account", "accounts/1000"},
                      {"displayName", "Shop A"},
                      {"propertySummaries",
                       json::array({property("250000001", "shop-a.com", "accounts/1000"),
                                    property("250000002", "Shop A app", "accounts/1000")})}},
                     {{"name", "accountSummaries/2000"},
                      {"account", "accounts/2000"},
                      {"displayName", "Shop B"},
                      {"propertySummaries",
                       json::array({property("250000003", "shop-b.com", "accounts/2000")})}}});
    long size = req.has_param("pageSize") ? std::atol(req.get_param_value("pageSize").c_str()) : 50;
    if (size <= 0) size = 50;
    size = std::min(size, 200L);
    if (st.on("ga4_paged")) size = 1;
    size_t offset = 0;
    if (req.has_param("pageToken")) {
      std::lock_guard<std::mutex> lock(t->mu);
      auto it = t->ga4_pages.find(req.get_param_value("pageToken"));
      if (it == t->ga4_pages.end())
        return google_error(res, 400, "INVALID_ARGUMENT", "Invalid page token.");
      offset = it->second;
      t->ga4_pages.erase(it);
    }
    json page = json::object();
    json items = json::array();
    for (size_t i = offset; i < summaries.size() && i < offset + static_cast<size_t>(size); ++i)
      items.push_back(summaries[i]);
    if (!items.empty()) page["accountSummaries"] = items;
    // Like the real API, a full page carries a token even when nothing is
    // left, so the last page can be empty.
    if (items.size() == static_cast<size_t>(size)) {
      const std::string next = opaque(st, "AM");
      std::lock_guard<std::mutex> lock(t->mu);
      t->ga4_pages[next] = offset + items.size();
      page["nextPageToken"] = next;
    }
    send_json(res, 200, page);
  });
}

// ---- Reports: googleAds:searchStream, the GA4 Data API, truth endpoints ----

constexpr size_t kStreamBatchRows = 100;  // the real batch is 10 000 rows
constexpr size_t kGa4PageCap = 100;       // rows per runReport page whatever `limit` says

std::string lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return s;
}

std::string trim(const std::string& s) {
  size_t i = 0, j = s.size();
  while (i < j && s[i] == ' ') ++i;
  while (j > i && s[j - 1] == ' ') --j;
  return s.substr(i, j - i);
}

// The SELECT list of a GAQL query, lower-cased.
std::vector<std::string> selected(const std::string& query) {
  const std::string q = lower(query);
  std::vector<std::string> out;
  const size_t start = q.find("select ");
  const size_t from = q.find(" from ");
  if (start == std::string::npos || from == std::string::npos || from < start) return out;
  std::string list = q.substr(start + 7, from - start - 7);
  size_t at = 0;
  while (at <= list.size()) {
    const size_t comma = std::min(list.find(',', at), list.size());
    const std::string f = trim(list.substr(at, comma - at));
    if (!f.empty()) out.push_back(f);
    at = comma + 1;
  }
  return out;
}

// `segments.date BETWEEN 'a' AND 'b'` → (a, b) as days; false when absent.
bool date_range(const std::string& query, int64_t* first, int64_t* last) {
  const std::string q = lower(query);
  const size_t at = q.find("segments.date between '");
  if (at == std::string::npos) return false;
  const size_t a = at + 23;
  const size_t and_at = q.find("' and '", a);
  if (and_at == std::string::npos) return false;
  const size_t b = and_at + 7;
  const size_t close = q.find('\'', b);
  if (close == std::string::npos) return false;
  *first = data::day_of(q.substr(a, and_at - a));
  *last = data::day_of(q.substr(b, close - b));
  return *first >= 0 && *last >= 0;
}

// "ad_group_ad.ad.id" → {"adGroupAd", "ad", "id"}.
std::vector<std::string> camel_path(const std::string& field) {
  std::vector<std::string> out(1);
  bool up = false;
  for (char c : field) {
    if (c == '.') {
      out.emplace_back();
      up = false;
    } else if (c == '_') {
      up = true;
    } else {
      out.back().push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      up = false;
    }
  }
  return out;
}

std::string joined_path(const std::vector<std::string>& p) {
  std::string out;
  for (const std::string& s : p) out += (out.empty() ? "" : ".") + s;
  return out;
}

// The fields each FROM resource serves (snake_case, as GAQL spells them).
const std::set<std::string>& selectable(const std::string& from) {
  static const std::set<std::string> kCampaign = {
      "campaign.id",         "campaign.name",
      "campaign.status",     "campaign.advertising_channel_type",
      "segments.date",       "metrics.impressions",
      "metrics.clicks",      "metrics.cost_micros",
      "metrics.conversions", "metrics.conversions_value"};
  static const std::set<std::string> kAdGroup = [] {
    std::set<std::string> s = kCampaign;
    s.insert({"ad_group.id", "ad_group.name", "ad_group.status"});
    return s;
  }();
  static const std::set<std::string> kAd = [] {
    std::set<std::string> s = kAdGroup;
    s.insert({"ad_group_ad.ad.id", "ad_group_ad.ad.name", "ad_group_ad.status"});
    return s;
  }();
  static const std::set<std::string> kCustomer = {
      "customer.id",          "customer.descriptive_name",
      "customer.manager",     "customer.currency_code",
      "customer.time_zone",   "customer.status",
      "customer.test_account"};
  static const std::set<std::string> kConversion = {
      "conversion_action.id", "conversion_action.name", "conversion_action.status",
      "conversion_action.click_through_lookback_window_days"};
  static const std::set<std::string> kClient = {"customer_client.client_customer",
                                                "customer_client.id",
                                                "customer_client.level",
                                                "customer_client.manager",
                                                "customer_client.descriptive_name",
                                                "customer_client.currency_code",
                                                "customer_client.time_zone",
                                                "customer_client.status",
                                                "customer_client.test_account"};
  static const std::set<std::string> kNone;
  if (from == "campaign") return kCampaign;
  if (from == "ad_group") return kAdGroup;
  if (from == "ad_group_ad") return kAd;
  if (from == "customer") return kCustomer;
  if (from == "conversion_action") return kConversion;
  if (from == "customer_client") return kClient;
  return kNone;
}

bool reporting(const std::string& from) {
  return from == "campaign" || from == "ad_group" || from == "ad_group_ad";
}

std::string level_of(const std::string& from) { return from == "ad_group_ad" ? "ad" : from; }

double centi(int64_t v) { return static_cast<double>(v) / 100.0; }

// A whole report row in the API's JSON shape; zero metrics omitted, as
// proto3 does.
json wire_row(const std::string& customer, const data::AdsFact& f) {
  const int client = data::ads_index(customer);
  const std::string base = "customers/" + customer;
  const std::string campaign = std::to_string(data::campaign_id(client, f.c));
  json row = {{"campaign",
               {{"resourceName", base + "/campaigns/" + campaign},
                {"id", campaign},
                {"name", data::kCampaignNames[f.c]},
                {"status", data::kCampaignStatus[f.c]},
                {"advertisingChannelType", data::kCampaignType[f.c]}}},
              {"segments", {{"date", data::iso(f.day)}}}};
  if (f.g >= 0) {
    const std::string group = std::to_string(data::ad_group_id(client, f.c, f.g));
    row["adGroup"] = {{"resourceName", base + "/adGroups/" + group},
                      {"id", group},
                      {"name", data::ad_group_name(f.c, f.g)},
                      {"status", "ENABLED"}};
    if (f.a >= 0) {
      const std::string ad = std::to_string(data::ad_id(client, f.c, f.g, f.a));
      json ad_json = {{"resourceName", base + "/ads/" + ad}, {"id", ad}};
      if (const std::string name = data::ad_name(f.c, f.g, f.a); !name.empty())
        ad_json["name"] = name;
      row["adGroupAd"] = {{"resourceName", base + "/adGroupAds/" + group + "~" + ad},
                          {"status", "ENABLED"},
                          {"ad", ad_json}};
    }
  }
  json m = json::object();
  if (f.m.impressions != 0) m["impressions"] = std::to_string(f.m.impressions);
  if (f.m.clicks != 0) m["clicks"] = std::to_string(f.m.clicks);
  if (f.m.cost_micros != 0) m["costMicros"] = std::to_string(f.m.cost_micros);
  if (f.m.conv_centi != 0) m["conversions"] = centi(f.m.conv_centi);
  if (f.m.value_cents != 0) m["conversionsValue"] = centi(f.m.value_cents);
  row["metrics"] = m;
  return row;
}

// Only what the SELECT list asked for (plus each resource's resourceName).
json project(const json& full, const std::vector<std::string>& fields) {
  json out = json::object();
  for (const std::string& f : fields) {
    const std::vector<std::string> path = camel_path(f);
    const json* at = &full;
    for (const std::string& p : path) {
      at = at->is_object() && at->contains(p) ? &(*at)[p] : nullptr;
      if (at == nullptr) break;
    }
    if (at == nullptr) continue;  // a zero metric or an unset field
    json* dst = &out;
    const json* src = &full;
    for (size_t i = 0; i < path.size(); ++i) {
      src = &(*src)[path[i]];
      if (i + 1 < path.size()) {
        dst = &(*dst)[path[i]];
        if (src->contains("resourceName")) (*dst)["resourceName"] = (*src)["resourceName"];
      } else {
        (*dst)[path[i]] = *src;
      }
    }
  }
  return out;
}

int bump(State& st, const std::string& key) {
  std::lock_guard<std::mutex> lock(st.mu);
  if (st.scenarios.count(key) == 0) return 0;
  return ++st.counters[key];
}

// searchStream errors come in the array form `[{"error": …}]`.
void as_array(httplib::Response& res) { res.body = "[" + res.body + "]"; }

data::AdsView ads_view(State& st, const Account& a) {
  return {st.on("google_restate"), data::today_in(a.time_zone, st.now())};
}

// The answer body, written in several pieces; `cut` stops halfway through
// and drops the connection (no closing chunk).
void stream_out(httplib::Response& res, std::vector<std::string> pieces, bool cut) {
  if (cut) {
    std::string whole;
    for (const std::string& p : pieces) whole += p;
    const size_t half = whole.size() / 2;
    pieces = {whole.substr(0, half / 2), whole.substr(half / 2, half - half / 2)};
  }
  auto parts = std::make_shared<std::vector<std::string>>(std::move(pieces));
  auto next = std::make_shared<size_t>(0);
  res.status = 200;
  res.set_chunked_content_provider("application/json; charset=utf-8",
                                   [parts, next, cut](size_t, httplib::DataSink& sink) {
                                     if (*next >= parts->size()) {
                                       if (cut) return false;  // the connection is lost
                                       sink.done();
                                       return true;
                                     }
                                     const std::string& p = (*parts)[(*next)++];
                                     if (!sink.is_writable()) return false;
                                     sink.write(p.data(), p.size());
                                     return true;
                                   });
}

void serve_stream(httplib::Server& s, State& st, const std::shared_ptr<Tables>& t) {
  s.Post(R"(/v(\d+)/customers/(\d+)/googleAds:searchStream)", [&st, t](const httplib::Request& req,
                                                                       httplib::Response& res) {
    std::string version;
    if (!ads_gate(st, *t, req, res, &version)) return;
    const std::string customer = req.matches[2].str();
    const std::string login = req.get_header_value("login-customer-id");
    const json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("query") || !body["query"].is_string()) {
      google_error(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
      return as_array(res);
    }
    if (body.contains("pageSize") || body.contains("pageToken")) {
      ads_error(st, res, version, 400, "INVALID_ARGUMENT", "requestError",
                "PAGE_SIZE_NOT_SUPPORTED", "searchStream takes no paging fields.");
      return as_array(res);
    }
    if (!may_read(st, res, version, customer, login)) return as_array(res);
    const Account& a = *account(customer);
    const std::string query = body["query"];
    const std::string from = from_resource(query);
    const std::vector<std::string> fields = selected(query);
    const bool metrics = std::any_of(fields.begin(), fields.end(), [](const std::string& f) {
      return f.rfind("metrics.", 0) == 0;
    });
    if (metrics && a.manager) {
      ads_error(st, res, version, 400, "INVALID_ARGUMENT", "queryError",
                "REQUESTED_METRICS_FOR_MANAGER",
                "Metrics cannot be requested for a manager account. To retrieve metrics, "
                "issue separate requests against each client account under the manager "
                "account.");
      return as_array(res);
    }
    const std::set<std::string>& known = selectable(from);
    if (known.empty()) {
      ads_error(st, res, version, 400, "INVALID_ARGUMENT", "queryError",
                from.empty() ? "EXPECTED_FROM" : "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
                "Error in query: the fake serves FROM campaign, ad_group, ad_group_ad, "
                "customer, customer_client and conversion_action.");
      return as_array(res);
    }
    for (const std::string& f : fields) {
      if (known.count(f) == 0) {
        ads_error(st, res, version, 400, "INVALID_ARGUMENT", "queryError", "UNRECOGNIZED_FIELD",
                  ("Unrecognized field in the query: '" + f + "'.").c_str());
        return as_array(res);
      }
    }
    if (fields.empty()) {
      ads_error(st, res, version, 400, "INVALID_ARGUMENT", "queryError", "EXPECTED_SELECT",
                "Error in query: expected SELECT.");
      return as_array(res);
    }
    int64_t first = 0, last = 0;
    const bool dated = date_range(query, &first, &last);
    if (reporting(from) &&
        (!dated || std::find(fields.begin(), fields.end(), "segments.date") == fields.end())) {
      ads_error(st, res, version, 400, "INVALID_ARGUMENT", "queryError",
                "PROHIBITED_FIELD_COMBINATION_IN_SELECT_CLAUSE",
                "fake: a report selects segments.date and filters it with BETWEEN.");
      return as_array(res);
    }
    if (customer == "2345678901" && st.on("google_disabled_client")) {
      ads_error(st, res, version, 403, "PERMISSION_DENIED", "authorizationError",
                "CUSTOMER_NOT_ENABLED",
                "The customer account can't be accessed because it is not yet enabled or "
                "has been deactivated.");
      return as_array(res);
    }
    if (reporting(from) && bump(st, "google_expire_mid") == 4) {
      ads_error(st, res, version, 401, "UNAUTHENTICATED", "authenticationError",
                "OAUTH_TOKEN_EXPIRED", "The OAuth token in the header has expired.");
      return as_array(res);
    }
    std::vector<json> rows;
    if (reporting(from)) {
      for (const data::AdsFact& f :
           data::ads_facts(customer, level_of(from), first, last, ads_view(st, a)))
        rows.push_back(project(wire_row(customer, f), fields));
    } else if (from == "customer") {
      rows.push_back(project(customer_row(a), fields));
    } else if (from == "customer_client") {
      for (const auto& [id, level] : tree(st, customer, level_bound(query)))
        rows.push_back(project(client_row(customer, *account(id), level), fields));
    } else {
      const bool enabled_only =
          lower(query).find("conversion_action.status = 'enabled'") != std::string::npos;
      int n = 0;
      for (const data::ConversionAction& c : data::conversion_actions(customer)) {
        const std::string id = std::to_string(900000 + data::ads_index(customer) * 10 + ++n);
        if (enabled_only && std::string(c.status) != "ENABLED") continue;
        const json full = {{"conversionAction",
                            {{"resourceName", "customers/" + customer + "/conversionActions/" + id},
                             {"id", id},
                             {"name", c.name},
                             {"status", c.status},
                             {"clickThroughLookbackWindowDays", std::to_string(c.lookback_days)}}}};
        rows.push_back(project(full, fields));
      }
    }
    std::string mask;
    for (const std::string& f : fields)
      mask += (mask.empty() ? "" : ",") + joined_path(camel_path(f));
    const std::string request_id = opaque(st, "");
    std::vector<std::string> pieces = {"["};
    for (size_t at = 0; at < rows.size() || at == 0; at += kStreamBatchRows) {
      json batch = {{"fieldMask", mask}, {"requestId", request_id}};
      json results = json::array();
      for (size_t i = at; i < rows.size() && i < at + kStreamBatchRows; ++i)
        results.push_back(rows[i]);
      if (!results.empty()) batch["results"] = results;
      if (at + kStreamBatchRows >= rows.size())
        batch["queryResourceConsumption"] = std::to_string(10 + rows.size() / 10);
      pieces.push_back((at == 0 ? "" : ",") + batch.dump());
    }
    pieces.push_back("]");
    res.set_header("request-id", request_id);
    stream_out(res, std::move(pieces), st.first("google_stream_cut"));
  });

  // The fake's own rows (not recorded in the request log).
  s.Get("/_fake/google/truth", [&st](const httplib::Request& req, httplib::Response& res) {
    const std::string customer = req.get_param_value("customer");
    const std::string level = req.has_param("level") ? req.get_param_value("level") : "campaign";
    const Account* a = account(customer);
    const int64_t first = data::day_of(req.get_param_value("start"));
    const int64_t last = data::day_of(req.get_param_value("end"));
    if (a == nullptr || data::ads_index(customer) == 0 || first < 0 || last < 0 ||
        (level != "campaign" && level != "ad_group" && level != "ad"))
      return send_json(res, 400, {{"error", "customer (a reporting client), level, start, end"}});
    const int client = data::ads_index(customer);
    const data::AdsView view = ads_view(st, *a);
    json rows = json::array();
    data::AdsMetrics total;
    for (const data::AdsFact& f : data::ads_facts(customer, level, first, last, view)) {
      total.add(f.m);
      json r = {{"date", data::iso(f.day)},
                {"level", level},
                {"customer_id", customer},
                {"campaign_id", std::to_string(data::campaign_id(client, f.c))},
                {"campaign_name", data::kCampaignNames[f.c]},
                {"campaign_status", data::kCampaignStatus[f.c]},
                {"campaign_type", data::kCampaignType[f.c]},
                {"ad_group_id", f.g < 0 ? "" : std::to_string(data::ad_group_id(client, f.c, f.g))},
                {"ad_group_name", f.g < 0 ? "" : data::ad_group_name(f.c, f.g)},
                {"ad_id", f.a < 0 ? "" : std::to_string(data::ad_id(client, f.c, f.g, f.a))},
                {"ad_name", f.a < 0 ? "" : data::ad_name(f.c, f.g, f.a)},
                {"impressions", f.m.impressions},
                {"clicks", f.m.clicks},
                {"cost_micros", f.m.cost_micros},
                {"conversions", centi(f.m.conv_centi)},
                {"conversions_value", centi(f.m.value_cents)}};
      rows.push_back(r);
    }
    send_json(res, 200,
              {{"customer", customer},
               {"currency", a->currency},
               {"time_zone", a->time_zone},
               {"today", data::iso(view.today)},
               {"rows", rows},
               {"totals",
                {{"impressions", total.impressions},
                 {"clicks", total.clicks},
                 {"cost_micros", total.cost_micros},
                 {"conversions", centi(total.conv_centi)},
                 {"conversions_value", centi(total.value_cents)}}}});
  });
}

// ---- GA4 Data API ----

const char* const kGa4Dims[] = {"date",          "sessionSource",
                                "sessionMedium", "sessionDefaultChannelGroup",
                                "pagePath",      "pageTitle"};
struct Ga4MetricInfo {
  const char* name;
  const char* type;
};
const Ga4MetricInfo kGa4Mets[] = {
    {"sessions", "TYPE_INTEGER"},        {"engagedSessions", "TYPE_INTEGER"},
    {"totalUsers", "TYPE_INTEGER"},      {"newUsers", "TYPE_INTEGER"},
    {"screenPageViews", "TYPE_INTEGER"}, {"keyEvents", "TYPE_FLOAT"},
    {"purchaseRevenue", "TYPE_CURRENCY"}};

// One output row: the dimension values in the order asked and its metrics.
struct Ga4Group {
  data::Ga4Metrics sum;
  std::map<int64_t, int64_t> users_by_day;  // for the non-additive users
};

// The rows of a report by `dims` (names from kGa4Dims) over [first, last]:
// additive metrics summed; users summed within a day and deduplicated over
// days when the date is not a dimension. With pagePath or pageTitle each
// source/medium day is split over the site (data::ga4_page_metrics).
std::vector<std::pair<std::vector<std::string>, data::Ga4Metrics>> ga4_rows(
    const data::Ga4Property& p, const std::vector<std::string>& dims, int64_t first, int64_t last,
    int64_t today) {
  std::map<std::vector<std::string>, Ga4Group> groups;
  first = std::max(first, today - data::kHistoryDays + 1);
  last = std::min(last, today);
  const bool by_page = std::any_of(dims.begin(), dims.end(), [](const std::string& d) {
    return d == "pagePath" || d == "pageTitle";
  });
  auto add = [&](int64_t day, int c, int page, const data::Ga4Metrics& m) {
    std::vector<std::string> key;
    for (const std::string& d : dims) {
      if (d == "date") key.push_back(data::compact(data::iso(day)));
      if (d == "sessionSource") key.push_back(data::kGa4Combos[c].source);
      if (d == "sessionMedium") key.push_back(data::kGa4Combos[c].medium);
      if (d == "sessionDefaultChannelGroup") key.push_back(data::kGa4Combos[c].channel);
      if (d == "pagePath") key.push_back(data::kGa4Pages[page].path);
      if (d == "pageTitle") key.push_back(data::kGa4Pages[page].title);
    }
    Ga4Group& g = groups[key];
    g.sum.add(m);
    g.users_by_day[day] += m.users;
  };
  for (int64_t day = first; day <= last; ++day) {
    for (int c = 0; c < p.combos; ++c) {
      const data::Ga4Metrics m = data::ga4_metrics(p, c, day, today);
      if (m.sessions == 0) continue;
      if (!by_page) {
        add(day, c, -1, m);
        continue;
      }
      const std::vector<data::Ga4Metrics> pages = data::ga4_page_metrics(p, c, day, m);
      for (int page = 0; page < data::kGa4PageCount; ++page) {
        if (pages[page].views != 0) add(day, c, page, pages[page]);
      }
    }
  }
  const bool by_date = std::find(dims.begin(), dims.end(), "date") != dims.end();
  std::vector<std::pair<std::vector<std::string>, data::Ga4Metrics>> out;
  for (auto& [key, g] : groups) {
    data::Ga4Metrics m = g.sum;
    if (!by_date) {
      int64_t busiest = 0;
      for (const auto& [day, users] : g.users_by_day) busiest = std::max(busiest, users);
      m.users = data::users_over_period(g.sum.users, busiest);
      m.new_users = std::min(m.new_users, m.users);
    }
    out.emplace_back(key, m);
  }
  return out;
}

std::string money(int64_t cents) {
  std::string out = std::to_string(cents / 100);
  const int64_t rest = cents % 100;
  if (rest != 0) {
    out += "." + std::string(rest < 10 ? "0" : "") + std::to_string(rest);
    if (out.back() == '0') out.pop_back();
  }
  return out;
}

std::string ga4_value(const data::Ga4Metrics& m, const std::string& name) {
  if (name == "sessions") return std::to_string(m.sessions);
  if (name == "engagedSessions") return std::to_string(m.engaged);
  if (name == "totalUsers") return std::to_string(m.users);
  if (name == "newUsers") return std::to_string(m.new_users);
  if (name == "screenPageViews") return std::to_string(m.views);
  if (name == "keyEvents") return std::to_string(m.key_events);
  return money(m.revenue_cents);
}

// "2026-09-01", "today", "yesterday", "30daysAgo" → a day; -1 otherwise.
int64_t ga4_day(const json& v, int64_t today) {
  if (!v.is_string()) return -1;
  const std::string s = v.get<std::string>();
  if (s == "today") return today;
  if (s == "yesterday") return today - 1;
  if (s.size() > 7 && s.substr(s.size() - 7) == "daysAgo") {
    const std::string n = s.substr(0, s.size() - 7);
    if (!n.empty() && std::all_of(n.begin(), n.end(), ::isdigit))
      return today - std::atoll(n.c_str());
    return -1;
  }
  return data::day_of(s);
}

int64_t int_field(const json& body, const char* name, int64_t fallback) {
  auto it = body.find(name);
  if (it == body.end()) return fallback;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) return std::atoll(it->get<std::string>().c_str());
  return -1;
}

// propertyQuota after a request that consumed `tokens`.
json property_quota(Tables& t, State& st, const std::string& property, int64_t tokens) {
  std::lock_guard<std::mutex> lock(t.mu);
  const int64_t hour = st.now() / 3600, day = st.now() / 86400;
  int64_t& used_hour = t.ga4_tokens[property + "/h/" + std::to_string(hour)];
  int64_t& used_day = t.ga4_tokens[property + "/d/" + std::to_string(day)];
  used_hour += tokens;
  used_day += tokens;
  auto bucket = [](int64_t consumed, int64_t remaining) {
    return json{{"consumed", consumed}, {"remaining", std::max<int64_t>(0, remaining)}};
  };
  return {{"tokensPerDay", bucket(tokens, 200000 - used_day)},
          {"tokensPerHour", bucket(tokens, 40000 - used_hour)},
          {"concurrentRequests", bucket(0, 10)},
          {"serverErrorsPerProjectPerHour", bucket(0, 10)},
          {"potentiallyThresholdedRequestsPerHour", bucket(0, 120)},
          {"tokensPerProjectPerHour", bucket(tokens, 14000 - used_hour)}};
}

// The gate of every Data API call; nullptr when it already answered.
const data::Ga4Property* ga4_gate(State& st, Tables& t, const httplib::Request& req,
                                  httplib::Response& res, json* body) {
  record(st, req);
  std::string scope;
  if (check_access(st, t, req, &scope) != TokenState::kOk) {
    unauthenticated(res);
    return nullptr;
  }
  if (!has_scope(scope, "https://www.googleapis.com/auth/analytics.readonly") &&
      !has_scope(scope, "https://www.googleapis.com/auth/analytics")) {
    google_error(res, 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
    return nullptr;
  }
  const std::string id = req.matches[1].str();
  const data::Ga4Property* p = data::ga4_property(id);
  if (p == nullptr || (id == "250000003" && st.on("ga4_forbidden"))) {
    google_error(res, 403, "PERMISSION_DENIED",
                 "User does not have sufficient permissions for this property. To learn more "
                 "about Property ID, see https://developers.google.com/analytics/devguides/"
                 "reporting/data/v1/property-id.");
    return nullptr;
  }
  if (st.first("ga4_429_once") || st.first("ga4_429_storm", 5)) {
    google_error(res, 429, "RESOURCE_EXHAUSTED",
                 "Exhausted property tokens per hour for a project per property. These quota "
                 "tokens will return in under an hour.");
    return nullptr;
  }
  *body = json::parse(req.body, nullptr, false);
  if (!body->is_object()) {
    google_error(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    return nullptr;
  }
  return p;
}

void bad_field(httplib::Response& res, const std::string& name, const char* kind) {
  google_error(res, 400, "INVALID_ARGUMENT",
               ("Field " + name + " is not a valid " + kind +
                ". For a list of valid dimensions and metrics, see "
                "https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema")
                   .c_str());
}

void serve_ga4(httplib::Server& s, State& st, const std::shared_ptr<Tables>& t) {
  s.Post(R"(/v1beta/properties/(\d+):runReport)",
         [&st, t](const httplib::Request& req, httplib::Response& res) {
           json body;
           const data::Ga4Property* p = ga4_gate(st, *t, req, res, &body);
           if (p == nullptr) return;
           const int64_t today = data::today_in(p->time_zone, st.now());
           const json ranges = body.value("dateRanges", json::array());
           if (!ranges.is_array() || ranges.size() != 1 || !ranges[0].is_object())
             return google_error(res, 400, "INVALID_ARGUMENT",
                                 "fake: exactly one dateRanges entry is served.");
           const int64_t first = ga4_day(ranges[0].value("startDate", json()), today);
           const int64_t last = ga4_day(ranges[0].value("endDate", json()), today);
           if (first < 0 || last < 0 || last < first)
             return google_error(res, 400, "INVALID_ARGUMENT",
                                 "Invalid date range: startDate must be on or before endDate.");
           std::vector<std::string> dims, mets;
           for (const json& d : body.value("dimensions", json::array())) {
             const std::string n = d.is_object() ? d.value("name", "") : "";
             if (std::find(std::begin(kGa4Dims), std::end(kGa4Dims), n) == std::end(kGa4Dims))
               return bad_field(res, n, "dimension");
             dims.push_back(n);
           }
           for (const json& m : body.value("metrics", json::array())) {
             const std::string n = m.is_object() ? m.value("name", "") : "";
             if (std::none_of(std::begin(kGa4Mets), std::end(kGa4Mets),
                              [&](const Ga4MetricInfo& i) { return n == i.name; }))
               return bad_field(res, n, "metric");
             mets.push_back(n);
           }
           if (mets.empty())
             return google_error(res, 400, "INVALID_ARGUMENT", "fake: at least one metric.");
           const int64_t limit = int_field(body, "limit", 10000);
           const int64_t offset = int_field(body, "offset", 0);
           if (limit <= 0 || limit > 250000 || offset < 0)
             return google_error(res, 400, "INVALID_ARGUMENT",
                                 "limit must be positive and at most 250000; offset not negative.");
           const auto rows = ga4_rows(*p, dims, first, last, today);
           json answer = {{"kind", "analyticsData#runReport"}};
           json dh = json::array(), mh = json::array();
           for (const std::string& d : dims) dh.push_back({{"name", d}});
           for (const std::string& m : mets) {
             for (const Ga4MetricInfo& i : kGa4Mets) {
               if (m == i.name) mh.push_back({{"name", m}, {"type", i.type}});
             }
           }
           if (!dh.empty()) answer["dimensionHeaders"] = dh;
           answer["metricHeaders"] = mh;
           const size_t page = std::min<size_t>(static_cast<size_t>(limit), kGa4PageCap);
           json out = json::array();
           for (size_t i = static_cast<size_t>(offset); i < rows.size() && out.size() < page; ++i) {
             json dv = json::array(), mv = json::array();
             for (const std::string& v : rows[i].first) dv.push_back({{"value", v}});
             for (const std::string& m : mets)
               mv.push_back({{"value", ga4_value(rows[i].second, m)}});
             json r = {{"metricValues", mv}};
             if (!dv.empty()) r["dimensionValues"] = dv;
             out.push_back(r);
           }
           if (!out.empty()) answer["rows"] = out;
           if (!rows.empty()) answer["rowCount"] = rows.size();
           json md = {{"currencyCode", p->currency}, {"timeZone", p->time_zone}};
           if (p->subject_to_thresholding) md["subjectToThresholding"] = true;
           if (rows.empty()) md["emptyReason"] = "No data for the requested date range.";
           answer["metadata"] = md;
           if (body.value("returnPropertyQuota", false))
             answer["propertyQuota"] =
                 property_quota(*t, st, p->id, 5 + static_cast<int64_t>(out.size() / 20));
           send_json(res, 200, answer);
         });

  s.Post(R"(/v1beta/properties/(\d+):runRealtimeReport)", [&st, t](const httplib::Request& req,
                                                                   httplib::Response& res) {
    json body;
    const data::Ga4Property* p = ga4_gate(st, *t, req, res, &body);
    if (p == nullptr) return;
    if (body.contains("dateRanges") || body.contains("offset"))
      return google_error(res, 400, "INVALID_ARGUMENT",
                          "Realtime reports take minuteRanges and no offset.");
    std::vector<std::string> dims;
    for (const json& d : body.value("dimensions", json::array())) {
      const std::string n = d.is_object() ? d.value("name", "") : "";
      if (n != "unifiedScreenName" && n != "country") return bad_field(res, n, "dimension");
      dims.push_back(n);
    }
    for (const json& m : body.value("metrics", json::array())) {
      const std::string n = m.is_object() ? m.value("name", "") : "";
      if (n != "activeUsers") return bad_field(res, n, "metric");
    }
    // Who is on the site this minute, by screen; a visitor moving
    // between screens is counted on each, once in the total.
    static const char* const kScreens[] = {"Home", "Product page", "Checkout"};
    const int64_t minute = st.now() / 60;
    std::map<std::string, int64_t> by;
    int64_t sum = 0, busiest = 0;
    for (int i = 0; i < 3; ++i) {
      const int64_t n =
          1 + static_cast<int64_t>(
                  data::roll(data::key_of(p->id), static_cast<uint64_t>(i), minute) % 25);
      sum += n;
      busiest = std::max(busiest, n);
      const std::string key = dims.empty()           ? ""
                              : dims[0] == "country" ? (i == 0   ? "France"
                                                        : i == 1 ? "Germany"
                                                                 : "United States")
                                                     : kScreens[i];
      by[key] += n;
    }
    json answer = {
        {"kind", "analyticsData#runRealtimeReport"},
        {"metricHeaders", json::array({{{"name", "activeUsers"}, {"type", "TYPE_INTEGER"}}})}};
    json rows = json::array();
    if (dims.empty()) {
      rows.push_back(
          {{"metricValues",
            json::array({{{"value", std::to_string(data::users_over_period(sum, busiest))}}})}});
    } else {
      answer["dimensionHeaders"] = json::array({{{"name", dims[0]}}});
      for (const auto& [k, n] : by)
        rows.push_back({{"dimensionValues", json::array({{{"value", k}}})},
                        {"metricValues", json::array({{{"value", std::to_string(n)}}})}});
    }
    answer["rows"] = rows;
    answer["rowCount"] = rows.size();
    if (body.value("returnPropertyQuota", false))
      answer["propertyQuota"] = property_quota(*t, st, p->id, 1);
    send_json(res, 200, answer);
  });

  s.Get("/_fake/ga4/truth", [&st](const httplib::Request& req, httplib::Response& res) {
    const data::Ga4Property* p = data::ga4_property(req.get_param_value("property"));
    const int64_t first = data::day_of(req.get_param_value("start"));
    const int64_t last = data::day_of(req.get_param_value("end"));
    if (p == nullptr || first < 0 || last < 0)
      return send_json(res, 400, {{"error", "property, start, end (YYYY-MM-DD)"}});
    const int64_t today = data::today_in(p->time_zone, st.now());
    json rows = json::array();
    for (const auto& [key, m] :
         ga4_rows(*p, {"date", "sessionSource", "sessionMedium", "sessionDefaultChannelGroup"},
                  first, last, today)) {
      const std::string& d = key[0];
      rows.push_back({{"date", d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2)},
                      {"source", key[1]},
                      {"medium", key[2]},
                      {"channel_group", key[3]},
                      {"sessions", m.sessions},
                      {"engaged_sessions", m.engaged},
                      {"total_users", m.users},
                      {"new_users", m.new_users},
                      {"screen_page_views", m.views},
                      {"key_events", m.key_events},
                      {"purchase_revenue", centi(m.revenue_cents)}});
    }
    json totals = {{"sessions", 0},
                   {"total_users", 0},
                   {"new_users", 0},
                   {"key_events", 0},
                   {"purchase_revenue", 0}};
    for (const auto& [key, m] : ga4_rows(*p, {}, first, last, today)) {
      totals = {{"sessions", m.sessions},
                {"total_users", m.users},
                {"new_users", m.new_users},
                {"key_events", m.key_events},
                {"purchase_revenue", centi(m.revenue_cents)}};
    }
    send_json(res, 200,
              {{"property", p->id},
               {"currency", p->currency},
               {"time_zone", p->time_zone},
               {"today", data::iso(today)},
               {"subject_to_thresholding", p->subject_to_thresholding},
               {"rows", rows},
               {"totals", totals}});
  });

  // Day × page straight from the model (not through ga4_rows): what a
  // report by date and pagePath must add up to. Users are each day's
  // visitors of the page (not additive across pages or days).
  s.Get("/_fake/ga4/pages/truth", [&st](const httplib::Request& req, httplib::Response& res) {
    const data::Ga4Property* p = data::ga4_property(req.get_param_value("property"));
    int64_t first = data::day_of(req.get_param_value("start"));
    int64_t last = data::day_of(req.get_param_value("end"));
    if (p == nullptr || first < 0 || last < 0)
      return send_json(res, 400, {{"error", "property, start, end (YYYY-MM-DD)"}});
    const int64_t today = data::today_in(p->time_zone, st.now());
    first = std::max(first, today - data::kHistoryDays + 1);
    last = std::min(last, today);
    json rows = json::array();
    for (int64_t day = first; day <= last; ++day) {
      std::vector<data::Ga4Metrics> site(data::kGa4PageCount);
      for (int c = 0; c < p->combos; ++c) {
        const std::vector<data::Ga4Metrics> pages =
            data::ga4_page_metrics(*p, c, day, data::ga4_metrics(*p, c, day, today));
        for (int page = 0; page < data::kGa4PageCount; ++page) site[page].add(pages[page]);
      }
      for (int page = 0; page < data::kGa4PageCount; ++page) {
        const data::Ga4Metrics& m = site[page];
        if (m.views == 0) continue;
        rows.push_back({{"date", data::iso(day)},
                        {"page_path", data::kGa4Pages[page].path},
                        {"page_title", data::kGa4Pages[page].title},
                        {"screen_page_views", m.views},
                        {"sessions", m.sessions},
                        {"engaged_sessions", m.engaged},
                        {"key_events", m.key_events},
                        {"purchase_revenue", centi(m.revenue_cents)},
                        {"total_users", m.users},
                        {"new_users", m.new_users}});
      }
    }
    send_json(res, 200,
              {{"property", p->id},
               {"currency", p->currency},
               {"time_zone", p->time_zone},
               {"today", data::iso(today)},
               {"subject_to_thresholding", p->subject_to_thresholding},
               {"rows", rows}});
  });
}

}  // namespace

void serve_google(httplib::Server& s, State& st) {
  auto tables = std::make_shared<Tables>();
  serve_oauth(s, st, tables);
  serve_ads(s, st, tables);
  serve_admin(s, st, tables);
  serve_stream(s, st, tables);
  serve_ga4(s, st, tables);
}

}  // namespace fake
