// Google: OAuth 2.0 (authorize, token, revoke, userinfo), the Google Ads
// REST API (listAccessibleCustomers, googleAds:search) and the GA4 Admin
// API (accountSummaries), per platform-apis.md §1–§3 and its corrections.
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
};
const char* const kAccessible[] = {"5550001111", "6660002222", "9990003333"};

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
  if (st.first("google_ads_429_once")) {
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
          for (const char* id : kAccessible) names.push_back(std::string("customers/") + id);
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
           // Who may read `customer`: the login manager must be accessible and reach it.
           const std::string via = login.empty() ? customer : login;
           bool allowed = accessible(via) && account(customer) != nullptr;
           if (allowed && via != customer) {
             allowed = false;
             for (const auto& [id, level] : tree(st, via, 1000))
               allowed = allowed || id == customer;
           }
           if (!allowed) {
             ads_error(st, res, version, 403, "PERMISSION_DENIED", "authorizationError",
                       "USER_PERMISSION_DENIED",
                       "User doesn't have permission to access customer. Note: If you're accessing "
                       "a client customer, the manager's customer id must be set in the "
                       "'login-customer-id' header.");
             return;
           }
           const Account& a = *account(customer);
           if ((customer == "9990003333" && st.on("google_customer_forbidden")) ||
               std::string(a.status) == "CANCELED") {
             ads_error(st, res, version, 403, "PERMISSION_DENIED", "authorizationError",
                       "CUSTOMER_NOT_ENABLED",
                       "The customer account can't be accessed because it is not yet enabled or "
                       "has been deactivated.");
             return;
           }
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

}  // namespace

void serve_google(httplib::Server& s, State& st) {
  auto tables = std::make_shared<Tables>();
  serve_oauth(s, st, tables);
  serve_ads(s, st, tables);
  serve_admin(s, st, tables);
}

}  // namespace fake
