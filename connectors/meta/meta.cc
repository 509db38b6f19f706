// meta — see meta.h. Every call goes through graph_call(): the user token in
// `Authorization: Bearer`, appsecret_proof beside it, bounded timeouts and
// bodies, and Meta's error object read by error_of(). Lists are read page by
// page from the configured base with `after` = paging.cursors.after; the
// `paging.next` link (which embeds access_token=) is only tested for
// presence.
#include "meta/meta.h"
#include "meta/graph.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

namespace glint::connectors::meta {

namespace detail {

using nlohmann::json;
using Kind = UpstreamError::Kind;

bool valid_version(const std::string& v) {
  if (v.size() < 4 || v[0] != 'v') return false;
  const size_t dot = v.find('.');
  if (dot == std::string::npos || dot < 2 || dot + 1 == v.size()) return false;
  for (size_t i = 1; i < v.size(); ++i) {
    if (i != dot && std::isdigit(static_cast<unsigned char>(v[i])) == 0) return false;
  }
  return true;
}

UpstreamError misconfigured_version() {
  return {Kind::kMisconfigured, "the Meta API version setting is not of the form v25.0"};
}

std::string graph(const Config& cfg, const std::string& path) {
  return upstream_url("https://graph.facebook.com/" + cfg.version + "/" + path);
}

std::string hex_hmac_sha256(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &n);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += {kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return out;
}

std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  return "";
}

std::string field(const json& obj, const char* name) {
  if (!obj.is_object()) return "";
  auto it = obj.find(name);
  return it == obj.end() ? "" : text_of(*it);
}

UpstreamError unreadable(std::string_view what) {
  return {Kind::kMalformed, "Meta's " + std::string(what) + " answer could not be read"};
}

}  // namespace detail

namespace {

using detail::valid_version;
using detail::misconfigured_version;
using detail::graph;
using detail::hex_hmac_sha256;
using detail::text_of;
using detail::field;
using detail::unreadable;

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr int kMaxPages = 100;  // 50 per page: 5 000 accounts or pages is far beyond any user
constexpr size_t kListBytes = 4u << 20;
constexpr size_t kSmallBytes = 256u << 10;

int64_t int_of(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_unsigned()) return static_cast<int64_t>(v.get<uint64_t>());
  if (v.is_number_float()) return static_cast<int64_t>(v.get<double>());
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    return end != s.c_str() && *end == '\0' ? n : 0;
  }
  return 0;
}

int64_t int_field(const json& obj, const char* name) {
  if (!obj.is_object()) return 0;
  auto it = obj.find(name);
  return it == obj.end() ? 0 : int_of(*it);
}

// A message from upstream, cut short, with anything that could be a token or
// a URL's query removed (Meta's messages do not normally hold either).
std::string scrub(std::string m) {
  if (m.size() > 200) m.resize(200);
  std::string out;
  size_t i = 0;
  while (i < m.size()) {
    size_t j = i;
    while (j < m.size() && m[j] != ' ') ++j;
    std::string word = m.substr(i, j - i);
    const bool tokenish =
        (word.rfind("EAA", 0) == 0 && word.size() > 20) || word.find('|') != std::string::npos;
    if (const size_t q = word.find('?'); q != std::string::npos && q + 1 < word.size()) {
      word = word.substr(0, q);
    }
    out += tokenish ? "[redacted]" : word;
    if (j < m.size()) out.push_back(' ');
    i = j + 1;
  }
  return out;
}

// Minutes to wait, from X-Business-Use-Case-Usage (the largest figure of any
// business or account in it); 0 when the header is absent or unreadable.
int regain_minutes(const HttpResponse& r) {
  const json usage = json::parse(r.header("x-business-use-case-usage"), nullptr, false);
  if (!usage.is_object()) return 0;
  int64_t most = 0;
  for (const auto& [id, entries] : usage.items()) {
    if (!entries.is_array()) continue;
    for (const json& e : entries)
      most = std::max(most, int_field(e, "estimated_time_to_regain_access"));
  }
  return static_cast<int>(std::min<int64_t>(most, 24 * 60));
}

UpstreamError transport(const Status& s) { return {Kind::kUnavailable, s.message()}; }

struct Call {
  std::string method = "GET";
  std::string url;  // through graph()
  oauth::Form query;
  std::string token;  // sent as Bearer; appsecret_proof is made from it
  std::string form;   // a form body, when set
  size_t max_bytes = kSmallBytes;
  int attempts = 3;
};

Result<HttpResponse> graph_call(const Config& cfg, Call c) {
  HttpRequest req;
  req.method = c.method;
  if (!c.token.empty() && !cfg.app_secret.empty()) {
    c.query.emplace_back("appsecret_proof", hex_hmac_sha256(cfg.app_secret, c.token));
  }
  req.url = oauth::with_query(c.url, c.query);
  req.headers = {{"Accept", "application/json"}};
  if (!c.token.empty()) req.headers.emplace_back("Authorization", "Bearer " + c.token);
  if (!c.form.empty()) {
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = std::move(c.form);
  }
  req.connect_timeout_ms = 5000;
  req.total_timeout_ms = 30000;
  req.max_attempts = c.attempts;
  req.max_response_bytes = c.max_bytes;
  return send(req);
}

// A 200 whose body is a JSON object, or the error to report.
Upstream<json> object_answer(const Result<HttpResponse>& r, std::string_view what) {
  if (!r.ok()) return {std::nullopt, transport(r.status())};
  const HttpResponse& resp = r.value();
  if (resp.status != 200) return {std::nullopt, error_of(resp, what)};
  json body = json::parse(resp.body, nullptr, false);
  if (!body.is_object() || body.contains("error")) return {std::nullopt, error_of(resp, what)};
  return {std::move(body), std::nullopt};
}

// The token endpoint answers with Meta's error object, not RFC 6749's.
Upstream<oauth::Tokens> token_answer(const Result<HttpResponse>& r, std::string_view what) {
  if (!r.ok()) return {std::nullopt, transport(r.status())};
  const HttpResponse& resp = r.value();
  if (resp.status == 200) {
    Upstream<oauth::Tokens> t = oauth::parse_token_answer(resp, "Meta");
    if (!t.ok()) return {std::nullopt, unreadable(what)};
    if (t.value->token_type.empty()) t.value->token_type = "bearer";
    return t;
  }
  UpstreamError e = error_of(resp, what);
  const json body = json::parse(resp.body, nullptr, false);
  const json err = body.is_object() && body.contains("error") ? body["error"] : json();
  const int64_t code = int_field(err, "code");
  const int64_t sub = int_field(err, "error_subcode");
  const std::string message = field(err, "message");
  if (code == 101 || (code == 1 && message.rfind("Error validating client secret", 0) == 0)) {
    e.kind = Kind::kMisconfigured;
    e.message = "Meta refused glint's app id or secret; check the Meta app settings";
  } else if (code == 100 && (sub == 36007 || sub == 36009)) {
    // The code expired or was used: only a new pass through the dialog helps.
    e.kind = Kind::kReauthRequired;
  }
  return {std::nullopt, e};
}

// Reads every page of a list edge, calling `add` for each item.
Upstream<bool> each_page(const Config& cfg, const std::string& token, const std::string& path,
                         const oauth::Form& query, std::string_view what,
                         const std::function<void(const json&)>& add) {
  std::string after;
  std::set<std::string> seen;
  for (int page = 0; page < kMaxPages; ++page) {
    Call c;
    c.url = graph(cfg, path);
    c.query = query;
    if (!after.empty()) c.query.emplace_back("after", after);
    c.token = token;
    c.max_bytes = kListBytes;
    Upstream<json> body = object_answer(graph_call(cfg, std::move(c)), what);
    if (!body.ok()) return {std::nullopt, body.error};
    const json& b = *body.value;
    if (!b.contains("data") || !b["data"].is_array()) return {std::nullopt, unreadable(what)};
    for (const json& item : b["data"]) {
      if (item.is_object()) add(item);
    }
    const json paging = b.value("paging", json::object());
    if (!paging.is_object() || !paging.contains("next")) return {true, std::nullopt};
    after = paging.contains("cursors") ? field(paging["cursors"], "after") : "";
    if (after.empty() || !seen.insert(after).second) {
      return {std::nullopt, UpstreamError{Kind::kMalformed, "Meta's " + std::string(what) +
                                                                " pages did not advance"}};
    }
  }
  return {std::nullopt,
          UpstreamError{Kind::kMalformed,
                        "Meta's " + std::string(what) + " list has more pages than glint reads"}};
}

}  // namespace

std::string dialog_url(const Config& cfg, const std::string& redirect_uri,
                       const std::vector<std::string>& scopes, const std::string& state) {
  std::string scope;
  for (const std::string& s : scopes) scope += (scope.empty() ? "" : ",") + s;
  return oauth::with_query(
      upstream_url("https://www.facebook.com/" + cfg.version + "/dialog/oauth"),
      {{"client_id", cfg.app_id},
       {"redirect_uri", redirect_uri},
       {"state", state},
       {"response_type", "code"},
       {"scope", scope}});
}

Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code,
                                      const std::string& redirect_uri) {
  if (!valid_version(cfg.version)) return {std::nullopt, misconfigured_version()};
  // Meta documents GET with these as query parameters; the endpoint takes
  // them as a POST form just as well, and a secret, a code or a token in a
  // URL is what RFC 9700 forbids (URLs end up in proxy and server logs).
  Call c;
  c.method = "POST";
  c.url = graph(cfg, "oauth/access_token");
  c.form = oauth::form_encode({{"client_id", cfg.app_id},
                               {"client_secret", cfg.app_secret},
                               {"redirect_uri", redirect_uri},
                               {"code", code}});
  c.attempts = 1;  // a code is one-time: a retry after a lost answer only says "used"
  return token_answer(graph_call(cfg, std::move(c)), "code exchange");
}

Upstream<oauth::Tokens> exchange_long_lived(const Config& cfg, const std::string& short_token) {
  if (!valid_version(cfg.version)) return {std::nullopt, misconfigured_version()};
  Call c;
  c.method = "POST";
  c.url = graph(cfg, "oauth/access_token");
  c.form = oauth::form_encode({{"grant_type", "fb_exchange_token"},
                               {"client_id", cfg.app_id},
                               {"client_secret", cfg.app_secret},
                               {"fb_exchange_token", short_token}});
  return token_answer(graph_call(cfg, std::move(c)), "long-lived token exchange");
}

Upstream<TokenInfo> debug_token(const Config& cfg, const std::string& token) {
  if (!valid_version(cfg.version)) return {std::nullopt, misconfigured_version()};
  Call c;
  c.method = "POST";
  c.url = graph(cfg, "debug_token");
  c.token = cfg.app_id + "|" + cfg.app_secret;
  c.form = oauth::form_encode({{"input_token", token}});
  Upstream<json> body = object_answer(graph_call(cfg, std::move(c)), "token check");
  if (!body.ok()) {
    // Here the Bearer token is the app's own: a refusal of it is a settings problem.
    if (body.error->kind == Kind::kReauthRequired) {
      body.error->kind = Kind::kMisconfigured;
      body.error->message = "Meta refused glint's app token; check the Meta app id and secret";
    }
    return {std::nullopt, body.error};
  }
  const json& data = (*body.value)["data"];
  if (!data.is_object() || !data.contains("is_valid"))
    return {std::nullopt, unreadable("token check")};
  TokenInfo info;
  info.is_valid =
      data["is_valid"].is_boolean() ? data["is_valid"].get<bool>() : int_of(data["is_valid"]) != 0;
  info.expires_at = int_field(data, "expires_at");
  info.data_access_expires_at = int_field(data, "data_access_expires_at");
  info.user_id = field(data, "user_id");
  if (data.contains("scopes") && data["scopes"].is_array()) {
    for (const json& s : data["scopes"]) {
      if (s.is_string()) info.scopes.push_back(s.get<std::string>());
    }
  }
  return {info, std::nullopt};
}

Upstream<User> me(const Config& cfg, const std::string& token) {
  if (!valid_version(cfg.version)) return {std::nullopt, misconfigured_version()};
  Call c;
  c.url = graph(cfg, "me");
  c.query = {{"fields", "id,name,email"}};
  c.token = token;
  Upstream<json> body = object_answer(graph_call(cfg, std::move(c)), "profile");
  if (!body.ok()) return {std::nullopt, body.error};
  User u{field(*body.value, "id"), field(*body.value, "name"), field(*body.value, "email")};
  if (u.id.empty()) return {std::nullopt, unreadable("profile")};
  return {u, std::nullopt};
}

Upstream<std::vector<AdAccount>> ad_accounts(const Config& cfg, const std::string& token) {
  if (!valid_version(cfg.version)) return {std::nullopt, misconfigured_version()};
  std::vector<AdAccount> out;
  std::set<std::string> ids;
  Upstream<bool> done = each_page(
      cfg, token, "me/adaccounts",
      {{"fields", "id,account_id,name,currency,timezone_name,account_status,business_name"},
       {"limit", "50"}},
      "ad accounts", [&](const json& item) {
        AdAccount a;
        a.id = field(item, "id");
        a.account_id = field(item, "account_id");
        if (a.id.empty() && !a.account_id.empty()) a.id = "act_" + a.account_id;
        if (a.account_id.empty() && a.id.rfind("act_", 0) == 0) a.account_id = a.id.substr(4);
        if (a.id.empty() || !ids.insert(a.id).second) return;
        a.name = field(item, "name");
        a.currency = field(item, "currency");
        a.timezone_name = field(item, "timezone_name");
        a.business_name = field(item, "business_name");
        a.account_status = static_cast<int>(int_field(item, "account_status"));
        out.push_back(std::move(a));
      });
  if (!done.ok()) return {std::nullopt, done.error};
  return {std::move(out), std::nullopt};
}

Upstream<std::vector<Page>> pages(const Config& cfg, const std::string& token) {
  if (!valid_version(cfg.version)) return {std::nullopt, misconfigured_version()};
  std::vector<Page> out;
  std::set<std::string> ids;
  Upstream<bool> done =
      each_page(cfg, token, "me/accounts", {{"fields", "id,name,category,tasks"}}, "pages",
                [&](const json& item) {
                  // Only these fields are read: a page access_token, sent or not, is never kept.
                  Page p{field(item, "id"), field(item, "name"), field(item, "category"), {}};
                  if (p.id.empty() || !ids.insert(p.id).second) return;
                  if (item.contains("tasks") && item["tasks"].is_array()) {
                    for (const json& t : item["tasks"]) {
                      if (t.is_string()) p.tasks.push_back(t.get<std::string>());
                    }
                  }
                  out.push_back(std::move(p));
                });
  if (!done.ok()) return {std::nullopt, done.error};
  return {std::move(out), std::nullopt};
}

Upstream<bool> revoke(const Config& cfg, const std::string& token) {
  if (!valid_version(cfg.version)) return {std::nullopt, misconfigured_version()};
  Call c;
  c.method = "DELETE";
  c.url = graph(cfg, "me/permissions");
  c.token = token;
  Upstream<json> body = object_answer(graph_call(cfg, std::move(c)), "revocation");
  if (!body.ok()) return {std::nullopt, body.error};
  const json& success = (*body.value)["success"];
  if (!success.is_boolean()) return {std::nullopt, unreadable("revocation")};
  return {success.get<bool>(), std::nullopt};
}

UpstreamError error_of(const HttpResponse& r, std::string_view what) {
  const std::string subject = "Meta's " + std::string(what);
  const json body = json::parse(r.body, nullptr, false);
  const json err = body.is_object() && body.contains("error") && body["error"].is_object()
                       ? body["error"]
                       : json();
  UpstreamError e{Kind::kUnavailable, subject + " answered HTTP " + std::to_string(r.status)};
  e.request_id = field(err, "fbtrace_id");
  if (e.request_id.empty()) e.request_id = r.header("x-fb-trace-id");
  if (err.is_null()) {
    if (r.status >= 200 && r.status < 300) {
      e.kind = Kind::kMalformed;
      e.message = subject + " answer could not be read";
    } else if (r.status == 429) {
      e.kind = Kind::kRateLimited;
      e.retry_after_s = std::max(60, std::atoi(r.header("retry-after").c_str()));
    } else if (r.status == 401 || r.status == 403) {
      e.kind = Kind::kRejected;
    } else if (r.status >= 400 && r.status < 500) {
      e.kind = Kind::kInvalidRequest;
    }
    return e;
  }
  const int64_t code = int_field(err, "code");
  const int64_t sub = int_field(err, "error_subcode");
  e.upstream_code = std::to_string(code) + (sub != 0 ? "/" + std::to_string(sub) : "");
  const std::string said = scrub(field(err, "message"));
  const std::string detail = " (" + e.upstream_code + (said.empty() ? "" : ": " + said) + ")";
  if (code == 190 || code == 102) {
    e.kind = Kind::kReauthRequired;
    e.message = "Meta no longer accepts this connection's token" + detail + "; connect it again";
  } else if (code == 4 || code == 17 || code == 32 || code == 613 ||
             (code >= 80000 && code <= 80014)) {
    e.kind = Kind::kRateLimited;
    e.retry_after_s = 60 * std::max(1, regain_minutes(r));
    e.message = subject + " call is throttled by Meta" + detail;
  } else if (code == 10 || (code >= 200 && code <= 299)) {
    e.kind = Kind::kForbidden;
    e.message = "Meta refused access to " + std::string(what) + detail;
  } else if (code == 100) {
    e.kind = Kind::kInvalidRequest;
    e.message = "Meta refused the " + std::string(what) + " request" + detail;
  } else if (code == 2635) {
    // The configured API version is no longer served.
    e.kind = Kind::kMisconfigured;
    e.message = "Meta no longer serves the configured API version" + detail;
  } else if (code == 1 || code == 2 || r.status >= 500 ||
             err.value("is_transient", json(false)) == json(true)) {
    e.kind = Kind::kUnavailable;
    e.message = subject + " call failed on Meta's side" + detail;
  } else {
    e.kind = Kind::kInvalidRequest;
    e.message = "Meta refused the " + std::string(what) + " request" + detail;
  }
  return e;
}

}  // namespace glint::connectors::meta
