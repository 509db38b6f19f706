#include "google/google.h"
#include "http/fields.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace glint::connectors::google {

namespace {

using fields::text;

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr const char* kAuthorizeUrl = "https://accounts.google.com/o/oauth2/v2/auth";
constexpr const char* kTokenUrl = "https://oauth2.googleapis.com/token";
constexpr const char* kRevokeUrl = "https://oauth2.googleapis.com/revoke";
constexpr const char* kUserinfoUrl = "https://openidconnect.googleapis.com/v1/userinfo";
constexpr const char* kAdsBase = "https://googleads.googleapis.com/";
constexpr const char* kAdminUrl = "https://analyticsadmin.googleapis.com/v1beta/accountSummaries";

// A runaway pager (a token that never ends) stops here instead of looping.
constexpr int kMaxPages = 1000;
// Longer advertised delays are not waited for inside one call: the caller
// gets kRateLimited with the delay and decides.
constexpr int kMaxWaitS = 10;

bool flag(const json& o, const char* name) {
  if (!o.is_object()) return false;
  auto it = o.find(name);
  return it != o.end() && it->is_boolean() && it->get<bool>();
}

// proto3 JSON sends int64 as a string; tolerate a bare number too.
int64_t int64_of(const json& o, const char* name) {
  if (!o.is_object()) return 0;
  auto it = o.find(name);
  if (it == o.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) return std::atoll(it->get<std::string>().c_str());
  return 0;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "customers/1234567890" → "1234567890"; "" when it is not that shape.
std::string customer_id_of(const std::string& resource) {
  const std::string prefix = "customers/";
  if (resource.rfind(prefix, 0) != 0) return "";
  std::string id = resource.substr(prefix.size());
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "";
  return id;
}

// "5s", "1.5s" → whole seconds, rounded up; 0 when absent or unreadable.
int seconds_of_duration(const std::string& d) {
  if (d.empty() || d.back() != 's') return 0;
  char* end = nullptr;
  const double v = std::strtod(d.c_str(), &end);
  if (end == d.c_str() || v < 0) return 0;
  return static_cast<int>(std::ceil(v));
}

// An upstream message is shown to people: keep it short and on one line.
std::string tidy(std::string m) {
  for (char& c : m) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (m.size() > 200) m = m.substr(0, 200) + "…";
  return m;
}

UpstreamError no_answer(const Status& s) { return {Kind::kUnavailable, s.message()}; }

UpstreamError malformed(std::string_view what) {
  return {Kind::kMalformed, "Google's answer to " + std::string(what) + " could not be read"};
}

HttpRequest api_request(const std::string& method, const std::string& url,
                        const std::string& access_token) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.headers = {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}};
  req.connect_timeout_ms = 5000;
  req.total_timeout_ms = 30000;
  req.max_response_bytes = 4u << 20;
  // Retries happen in call() below, which knows Google's retryDelay.
  req.max_attempts = 1;
  return req;
}

// Sends `req` and reads a JSON object. 429 waits the advertised retryDelay
// (up to kMaxWaitS), 5xx backs off; both up to three attempts. A transport
// failure is tried once more (a stalled body already took its timeout).
Upstream<json> call(const HttpRequest& req, std::string_view what) {
  constexpr int kAttempts = 3;
  int transport_failures = 0;
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> r = send(req);
    if (!r.ok()) {
      if (++transport_failures >= 2 || attempt >= kAttempts)
        return {std::nullopt, no_answer(r.status())};
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      continue;
    }
    const HttpResponse& resp = r.value();
    if (resp.status == 200) {
      json body = json::parse(resp.body, nullptr, false);
      if (!body.is_object()) return {std::nullopt, error_of(resp, what)};
      return {std::move(body), std::nullopt};
    }
    UpstreamError e = error_of(resp, what);
    int wait_ms = 0;
    if (e.kind == Kind::kRateLimited && e.retry_after_s <= kMaxWaitS) {
      wait_ms = std::max(1, e.retry_after_s) * 1000;
    } else if (e.kind == Kind::kUnavailable) {
      wait_ms = 250 << (attempt - 1);
    } else {
      return {std::nullopt, std::move(e)};
    }
    if (attempt >= kAttempts) return {std::nullopt, std::move(e)};
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

HttpRequest ads_request(const Config& cfg, const std::string& method, const std::string& path,
                        const std::string& access_token, const std::string& login_customer_id) {
  HttpRequest req =
      api_request(method, upstream_url(kAdsBase + cfg.ads_version + path), access_token);
  if (!cfg.developer_token.empty())
    req.headers.emplace_back("developer-token", cfg.developer_token);
  if (!login_customer_id.empty()) req.headers.emplace_back("login-customer-id", login_customer_id);
  if (method == "POST") req.headers.emplace_back("Content-Type", "application/json");
  // One search page is at most 10 000 rows.
  req.max_response_bytes = 64u << 20;
  req.total_timeout_ms = 120000;
  return req;
}

// googleAds:search on `customer_id` through `login_customer_id`, every page.
Upstream<std::vector<json>> search_all(const Config& cfg, const std::string& access_token,
                                       const std::string& customer_id,
                                       const std::string& login_customer_id,
                                       const std::string& query) {
  const std::string what = "the Google Ads search on customer " + customer_id;
  std::vector<json> rows;
  std::string page_token;
  std::set<std::string> seen_tokens;
  for (int page = 0; page < kMaxPages; ++page) {
    json body = {{"query", query}};
    if (!page_token.empty()) body["pageToken"] = page_token;
    HttpRequest req = ads_request(cfg, "POST", "/customers/" + customer_id + "/googleAds:search",
                                  access_token, login_customer_id);
    req.body = body.dump();
    Upstream<json> r = call(req, what);
    if (!r.ok()) return {std::nullopt, r.error};
    const json& answer = *r.value;
    if (auto it = answer.find("results"); it != answer.end()) {
      if (!it->is_array()) return {std::nullopt, malformed(what)};
      for (const json& row : *it) rows.push_back(row);
    }
    page_token = text(answer, "nextPageToken");
    if (page_token.empty()) return {std::move(rows), std::nullopt};
    if (!seen_tokens.insert(page_token).second) return {std::nullopt, malformed(what)};
  }
  return {std::nullopt, UpstreamError{Kind::kMalformed, what + " did not end after " +
                                                            std::to_string(kMaxPages) + " pages"}};
}

// Fills a Customer from a `customer` or `customerClient` row object.
Customer customer_of(const json& c) {
  Customer out;
  out.id = text(c, "id");
  out.name = text(c, "descriptiveName");
  out.currency = text(c, "currencyCode");
  out.time_zone = text(c, "timeZone");
  out.status = text(c, "status");
  out.manager = flag(c, "manager");
  out.test_account = flag(c, "testAccount");
  return out;
}

bool fails_everything(const UpstreamError& e) {
  return e.kind == Kind::kTokenExpired || e.kind == Kind::kReauthRequired;
}

constexpr const char* kCustomerQuery =
    "SELECT customer.id, customer.descriptive_name, customer.manager, customer.currency_code, "
    "customer.time_zone, customer.status, customer.test_account FROM customer LIMIT 1";
constexpr const char* kTreeQuery =
    "SELECT customer_client.client_customer, customer_client.id, customer_client.level, "
    "customer_client.manager, customer_client.descriptive_name, customer_client.currency_code, "
    "customer_client.time_zone, customer_client.status, customer_client.test_account "
    "FROM customer_client WHERE customer_client.level <= 1";

}  // namespace

UpstreamError error_of(const HttpResponse& r, std::string_view what) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_array() && !body.empty()) body = body.front();  // searchStream's array form
  const json err = body.is_object() && body.contains("error") && body["error"].is_object()
                       ? body["error"]
                       : json::object();
  const std::string status = text(err, "status");
  std::string message = text(err, "message");
  std::string code, request_id = r.header("request-id");
  int retry_after_s = 0;
  if (auto d = err.find("details"); d != err.end() && d->is_array()) {
    for (const json& detail : *d) {
      if (!ends_with(text(detail, "@type"), ".errors.GoogleAdsFailure")) continue;
      if (request_id.empty()) request_id = text(detail, "requestId");
      auto errors = detail.find("errors");
      if (errors == detail.end() || !errors->is_array() || errors->empty()) continue;
      const json& first = errors->front();
      if (auto ec = first.find("errorCode");
          ec != first.end() && ec->is_object() && !ec->empty() && ec->begin().value().is_string()) {
        code = ec->begin().value().get<std::string>();
      }
      if (const std::string m = text(first, "message"); !m.empty()) message = m;
      if (auto det = first.find("details"); det != first.end() && det->is_object()) {
        retry_after_s = seconds_of_duration(
            text(det->value("quotaErrorDetails", json::object()), "retryDelay"));
      }
      break;
    }
  }
  if (code.empty()) code = status;
  const std::string w(what);
  const std::string said = message.empty() ? "" : ": " + tidy(message);
  const std::string tag = code.empty() ? "HTTP " + std::to_string(r.status) : code;
  UpstreamError e{Kind::kUnavailable, w + " failed (" + tag + ")" + said};
  if (r.status == 200) {
    e.kind = Kind::kMalformed;
    e.message = "Google's answer to " + w + " could not be read";
  } else if (r.status == 401) {
    e.kind = code == "OAUTH_TOKEN_REVOKED" ? Kind::kReauthRequired : Kind::kTokenExpired;
    e.message = e.kind == Kind::kReauthRequired
                    ? "Google no longer accepts this connection (" + tag + "); connect it again"
                    : "Google refused the access token for " + w + " (" + tag + ")";
  } else if (r.status == 403) {
    e.kind = Kind::kForbidden;
    e.message = "Google refused " + w + " (" + tag + ")" + said;
  } else if (r.status == 429) {
    e.kind = Kind::kRateLimited;
    if (retry_after_s == 0) retry_after_s = std::atoi(r.header("retry-after").c_str());
    e.retry_after_s = std::max(1, retry_after_s);
    e.message = "Google's quota was exhausted for " + w + " (" + tag + "); retry in " +
                std::to_string(e.retry_after_s) + " s";
  } else if (r.status == 404) {
    e.kind = Kind::kInvalidRequest;
    e.message = w + " was not found at Google (HTTP 404; an API version past its sunset?)";
  } else if (r.status >= 400 && r.status < 500) {
    e.kind = Kind::kInvalidRequest;
  } else if (r.status >= 500 || r.status == 0) {
    e.kind = Kind::kUnavailable;
    e.message = "Google is unavailable for " + w + " (" + tag + ")";
  }
  e.retry_after_s = std::max(e.retry_after_s, retry_after_s);
  e.upstream_code = code;
  e.request_id = request_id;
  return e;
}

std::string authorize_url(const Config& cfg, const std::string& redirect_uri,
                          const std::vector<std::string>& scopes, const std::string& state,
                          const std::string& code_challenge) {
  std::string scope;
  for (const std::string& s : scopes) scope += (scope.empty() ? "" : " ") + s;
  return oauth::with_query(upstream_url(kAuthorizeUrl), {{"client_id", cfg.client_id},
                                                         {"redirect_uri", redirect_uri},
                                                         {"response_type", "code"},
                                                         {"scope", scope},
                                                         {"access_type", "offline"},
                                                         {"prompt", "consent"},
                                                         {"include_granted_scopes", "true"},
                                                         {"state", state},
                                                         {"code_challenge", code_challenge},
                                                         {"code_challenge_method", "S256"}});
}

Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code,
                                      const std::string& redirect_uri,
                                      const std::string& code_verifier) {
  return oauth::token_request(upstream_url(kTokenUrl),
                              {{"code", code},
                               {"client_id", cfg.client_id},
                               {"client_secret", cfg.client_secret},
                               {"redirect_uri", redirect_uri},
                               {"grant_type", "authorization_code"},
                               {"code_verifier", code_verifier}},
                              "Google");
}

Upstream<oauth::Tokens> refresh(const Config& cfg, const std::string& refresh_token) {
  // Google does not rotate refresh tokens: the answer normally has none and
  // the caller keeps the one it has.
  return oauth::token_request(upstream_url(kTokenUrl),
                              {{"client_id", cfg.client_id},
                               {"client_secret", cfg.client_secret},
                               {"grant_type", "refresh_token"},
                               {"refresh_token", refresh_token}},
                              "Google");
}

Upstream<bool> revoke(const std::string& token) {
  HttpRequest req;
  req.method = "POST";
  req.url = upstream_url(kRevokeUrl);
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = oauth::form_encode({{"token", token}});  // in the body: never in a URL
  req.total_timeout_ms = 20000;
  req.max_response_bytes = 64u << 10;
  Result<HttpResponse> r = send(req);
  if (!r.ok()) return {std::nullopt, no_answer(r.status())};
  const HttpResponse& resp = r.value();
  if (resp.status == 200) return {true, std::nullopt};
  // Google answers 400 invalid_token for a token that is already dead: the
  // outcome the caller wanted, though this call revoked nothing.
  const json body = json::parse(resp.body, nullptr, false);
  if (resp.status == 400 && text(body, "error") == "invalid_token") return {false, std::nullopt};
  UpstreamError e = oauth::token_error(resp, "Google");
  if (resp.status >= 500) e.message = "Google's revocation endpoint is unavailable";
  return {std::nullopt, std::move(e)};
}

Upstream<UserInfo> userinfo(const std::string& access_token) {
  HttpRequest req = api_request("GET", upstream_url(kUserinfoUrl), access_token);
  req.max_response_bytes = 256u << 10;
  Upstream<json> r = call(req, "the Google user info");
  if (!r.ok()) return {std::nullopt, r.error};
  const json& b = *r.value;
  UserInfo u;
  u.sub = text(b, "sub");
  if (u.sub.empty()) return {std::nullopt, malformed("the Google user info")};
  u.email = text(b, "email");
  u.name = text(b, "name");
  u.picture = text(b, "picture");
  u.email_verified = flag(b, "email_verified");
  return {u, std::nullopt};
}

Upstream<std::vector<std::string>> list_accessible_customers(const Config& cfg,
                                                             const std::string& access_token) {
  const char* what = "the Google Ads accessible customers";
  HttpRequest req = ads_request(cfg, "GET", "/customers:listAccessibleCustomers", access_token, "");
  req.max_response_bytes = 4u << 20;
  Upstream<json> r = call(req, what);
  if (!r.ok()) return {std::nullopt, r.error};
  std::vector<std::string> ids;
  auto it = r.value->find("resourceNames");
  if (it == r.value->end()) return {ids, std::nullopt};  // none: proto3 omits the empty list
  if (!it->is_array()) return {std::nullopt, malformed(what)};
  for (const json& name : *it) {
    const std::string id = name.is_string() ? customer_id_of(name.get<std::string>()) : "";
    if (id.empty()) return {std::nullopt, malformed(what)};
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return {ids, std::nullopt};
}

Upstream<Hierarchy> discover(const Config& cfg, const std::string& access_token) {
  Upstream<std::vector<std::string>> ids = list_accessible_customers(cfg, access_token);
  if (!ids.ok()) return {std::nullopt, ids.error};
  Hierarchy h;
  std::map<std::string, size_t> client_at;  // id → index in h.clients
  auto add_client = [&](Customer c, const std::string& via) {
    auto [it, fresh] = client_at.emplace(c.id, h.clients.size());
    if (fresh) h.clients.push_back(std::move(c));
    Customer& kept = h.clients[it->second];
    if (!via.empty() &&
        std::find(kept.managers.begin(), kept.managers.end(), via) == kept.managers.end())
      kept.managers.push_back(via);
  };
  for (const std::string& id : *ids.value) {
    Upstream<std::vector<json>> rows = search_all(cfg, access_token, id, id, kCustomerQuery);
    if (!rows.ok()) {
      if (fails_everything(*rows.error)) return {std::nullopt, rows.error};
      h.failures.push_back({id, *rows.error});
      continue;
    }
    if (rows.value->empty() || !rows.value->front().contains("customer")) {
      h.failures.push_back({id, malformed("the Google Ads customer " + id)});
      continue;
    }
    Customer c = customer_of(rows.value->front()["customer"]);
    if (c.id.empty()) c.id = id;
    if (c.manager) {
      h.managers.push_back(std::move(c));
    } else {
      add_client(std::move(c), "");
    }
  }
  // Each manager's tree, level by level, always through the top manager it
  // was reached from (the one the user can log in as).
  for (size_t m = 0; m < h.managers.size(); ++m) {
    const std::string top = h.managers[m].id;
    std::set<std::string> visited = {top};
    std::deque<std::string> queue = {top};
    while (!queue.empty()) {
      const std::string at = queue.front();
      queue.pop_front();
      Upstream<std::vector<json>> rows = search_all(cfg, access_token, at, top, kTreeQuery);
      if (!rows.ok()) {
        if (fails_everything(*rows.error)) return {std::nullopt, rows.error};
        h.failures.push_back({at, *rows.error});
        continue;
      }
      for (const json& row : *rows.value) {
        const json cc = row.value("customerClient", json::object());
        Customer c = customer_of(cc);
        if (c.id.empty()) c.id = customer_id_of(text(cc, "clientCustomer"));
        if (c.id.empty() || int64_of(cc, "level") == 0 || c.id == at) continue;  // itself
        if (c.manager) {
          // A sub-manager: its own children come from its own tree. A
          // cancelled one has none that can be read.
          if (c.status != "CANCELED" && c.status != "CLOSED" && visited.insert(c.id).second)
            queue.push_back(c.id);
          continue;
        }
        add_client(std::move(c), top);
      }
    }
  }
  return {std::move(h), std::nullopt};
}

Upstream<std::vector<Ga4Property>> ga4_properties(const std::string& access_token) {
  const char* what = "the Google Analytics account summaries";
  std::vector<Ga4Property> out;
  std::string page_token;
  std::set<std::string> seen_tokens;
  for (int page = 0; page < kMaxPages; ++page) {
    oauth::Form query = {{"pageSize", "200"}};
    if (!page_token.empty()) query.emplace_back("pageToken", page_token);
    HttpRequest req =
        api_request("GET", oauth::with_query(upstream_url(kAdminUrl), query), access_token);
    req.max_response_bytes = 16u << 20;
    Upstream<json> r = call(req, what);
    if (!r.ok()) return {std::nullopt, r.error};
    const json& b = *r.value;
    if (auto it = b.find("accountSummaries"); it != b.end()) {
      if (!it->is_array()) return {std::nullopt, malformed(what)};
      for (const json& account : *it) {
        std::string account_id = text(account, "account");
        if (account_id.rfind("accounts/", 0) == 0) account_id = account_id.substr(9);
        const std::string account_name = text(account, "displayName");
        auto props = account.find("propertySummaries");
        if (props == account.end()) continue;  // an account without properties
        if (!props->is_array()) return {std::nullopt, malformed(what)};
        for (const json& p : *props) {
          Ga4Property g;
          const std::string name = text(p, "property");
          if (name.rfind("properties/", 0) != 0 || name.size() == 11)
            return {std::nullopt, malformed(what)};
          g.property_id = name.substr(11);
          g.display_name = text(p, "displayName");
          g.property_type = text(p, "propertyType");
          g.account_id = account_id;
          g.account_name = account_name;
          out.push_back(std::move(g));
        }
      }
    }
    page_token = text(b, "nextPageToken");
    if (page_token.empty()) return {std::move(out), std::nullopt};
    if (!seen_tokens.insert(page_token).second) return {std::nullopt, malformed(what)};
  }
  return {std::nullopt, UpstreamError{Kind::kMalformed, std::string(what) + " did not end after " +
                                                            std::to_string(kMaxPages) + " pages"}};
}

namespace detail {

HttpRequest api_request(const std::string& method, const std::string& url,
                        const std::string& access_token) {
  return google::api_request(method, url, access_token);
}

HttpRequest ads_request(const Config& cfg, const std::string& method, const std::string& path,
                        const std::string& access_token, const std::string& login_customer_id) {
  return google::ads_request(cfg, method, path, access_token, login_customer_id);
}

}  // namespace detail

}  // namespace glint::connectors::google
