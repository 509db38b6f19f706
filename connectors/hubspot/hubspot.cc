#include "hubspot/hubspot.h"
#include "http/fields.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>

namespace glint::connectors::hubspot {

namespace {

using fields::text;
using fields::id_text;
using fields::id_number;

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr const char* kWho = "HubSpot";

// Upstream text shown to a person: short, and with anything shaped like a
// token (a long run of token characters) cut out, in case an answer echoes
// what it was sent.
std::string scrubbed(std::string s) {
  if (s.size() > 300) s.resize(300);
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[j])) != 0 || s[j] == '-' || s[j] == '_' ||
            s[j] == '.' || s[j] == '~' || s[j] == '+' || s[j] == '/' || s[j] == '='))
      ++j;
    if (j - i >= 32) {
      out += "[redacted]";
      i = j;
    } else if (j > i) {
      out.append(s, i, j - i);
      i = j;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

// Seconds until the next UTC midnight: HubSpot's daily limits reset once a day.
int seconds_to_next_day() {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return static_cast<int>(86400 - now % 86400);
}

// The version goes into a path: only what HubSpot names versions with.
bool valid_version(const std::string& v) {
  return !v.empty() && v.size() <= 16 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-';
  });
}

std::string oauth_url(const Config& cfg, const std::string& tail) {
  return upstream_url("https://api.hubapi.com/oauth/" + cfg.oauth_version + "/" + tail);
}

UpstreamError bad_version() {
  return {Kind::kMisconfigured,
          "the HubSpot OAuth version setting (GLINT_HUBSPOT_OAUTH_VERSION) is not a version name"};
}

UpstreamError no_answer(const Status& s) { return {Kind::kUnavailable, s.message()}; }

// POSTs a form to one of the OAuth endpoints. Secrets travel in the body only.
Result<HttpResponse> post_form(const std::string& url, const oauth::Form& form, int attempts) {
  HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = oauth::form_encode(form);
  req.total_timeout_ms = 20000;
  req.max_attempts = attempts;
  req.max_response_bytes = 1u << 20;
  return send(req);
}

Upstream<oauth::Tokens> token_call(const Config& cfg, const oauth::Form& form, int attempts,
                                   std::string_view what) {
  if (!valid_version(cfg.oauth_version)) return {std::nullopt, bad_version()};
  Result<HttpResponse> r = post_form(oauth_url(cfg, "token"), form, attempts);
  if (!r.ok()) return {std::nullopt, no_answer(r.status())};
  if (r.value().status != 200) return {std::nullopt, error_of(r.value(), what)};
  return oauth::parse_token_answer(r.value(), kWho);
}

}  // namespace

std::string authorize_url(const Config& cfg, const std::string& redirect_uri,
                          const std::vector<std::string>& scopes,
                          const std::vector<std::string>& optional_scopes, const std::string& state,
                          const std::string& code_challenge) {
  auto joined = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
  };
  oauth::Form q = {
      {"client_id", cfg.client_id}, {"redirect_uri", redirect_uri}, {"scope", joined(scopes)}};
  if (!optional_scopes.empty()) q.emplace_back("optional_scope", joined(optional_scopes));
  q.emplace_back("state", state);
  if (!code_challenge.empty()) {
    q.emplace_back("code_challenge", code_challenge);
    q.emplace_back("code_challenge_method", "S256");
  }
  return oauth::with_query(upstream_url("https://app.hubspot.com/oauth/authorize"), q);
}

Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code,
                                      const std::string& redirect_uri,
                                      const std::string& code_verifier) {
  oauth::Form form = {{"grant_type", "authorization_code"},
                      {"client_id", cfg.client_id},
                      {"client_secret", cfg.client_secret},
                      {"redirect_uri", redirect_uri},
                      {"code", code}};
  if (!code_verifier.empty()) form.emplace_back("code_verifier", code_verifier);
  // A code is single-use: an exchange is never sent twice.
  return token_call(cfg, form, 1, "code exchange");
}

Upstream<oauth::Tokens> refresh(const Config& cfg, const std::string& refresh_token) {
  const oauth::Form form = {{"grant_type", "refresh_token"},
                            {"client_id", cfg.client_id},
                            {"client_secret", cfg.client_secret},
                            {"refresh_token", refresh_token}};
  Upstream<oauth::Tokens> t = token_call(cfg, form, 2, "token refresh");
  // An answer without a refresh token keeps the one we sent (RFC 6749 §6).
  if (t.ok() && t.value->refresh_token.empty()) t.value->refresh_token = refresh_token;
  return t;
}

Upstream<Portal> introspect(const Config& cfg, const std::string& access_token) {
  if (!valid_version(cfg.oauth_version)) return {std::nullopt, bad_version()};
  const oauth::Form form = {{"client_id", cfg.client_id},
                            {"client_secret", cfg.client_secret},
                            {"token", access_token},
                            {"token_type_hint", "access_token"}};
  Result<HttpResponse> r = post_form(oauth_url(cfg, "token/introspect"), form, 3);
  if (!r.ok()) return {std::nullopt, no_answer(r.status())};
  const HttpResponse& resp = r.value();
  if (resp.status != 200) return {std::nullopt, error_of(resp, "token introspection")};
  const json body = json::parse(resp.body, nullptr, false);
  if (!body.is_object() || !body.contains("active") || !body["active"].is_boolean())
    return {std::nullopt, UpstreamError{Kind::kMalformed,
                                        "HubSpot's token introspection answer could not be read"}};
  Portal p;
  p.active = body["active"].get<bool>();
  if (!p.active) return {p, std::nullopt};
  p.hub_id = id_number(body, "hub_id");
  p.hub_domain = text(body, "hub_domain");
  p.user = text(body, "user");
  p.user_id = id_text(body, "user_id");
  if (auto it = body.find("scopes"); it != body.end() && it->is_array()) {
    for (const json& s : *it)
      if (s.is_string()) p.scopes.push_back(s.get<std::string>());
  } else {
    const std::string all = text(body, "scope");
    size_t i = 0;
    while (i < all.size()) {
      const size_t sp = std::min(all.find(' ', i), all.size());
      if (sp > i) p.scopes.push_back(all.substr(i, sp - i));
      i = sp + 1;
    }
  }
  if (p.hub_id == 0)
    return {std::nullopt, UpstreamError{Kind::kMalformed,
                                        "HubSpot's token introspection answer names no portal"}};
  return {p, std::nullopt};
}

Upstream<PortalDetails> account_details(const std::string& access_token) {
  HttpRequest req;
  req.url = upstream_url("https://api.hubapi.com/account-info/v3/details");
  req.headers = {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}};
  req.total_timeout_ms = 15000;
  req.max_response_bytes = 1u << 20;
  Result<HttpResponse> r = send(req);
  if (!r.ok()) return {std::nullopt, no_answer(r.status())};
  const HttpResponse& resp = r.value();
  if (resp.status != 200) return {std::nullopt, error_of(resp, "account details")};
  const json body = json::parse(resp.body, nullptr, false);
  PortalDetails d;
  d.portal_id = id_number(body, "portalId");
  if (d.portal_id == 0)
    return {std::nullopt,
            UpstreamError{Kind::kMalformed, "HubSpot's account details could not be read"}};
  d.account_type = text(body, "accountType");
  d.time_zone = text(body, "timeZone");
  d.currency = text(body, "companyCurrency");
  d.ui_domain = text(body, "uiDomain");
  d.data_hosting_location = text(body, "dataHostingLocation");
  return {d, std::nullopt};
}

Upstream<bool> revoke(const Config& cfg, const std::string& refresh_token) {
  if (!valid_version(cfg.oauth_version)) return {std::nullopt, bad_version()};
  const oauth::Form form = {{"client_id", cfg.client_id},
                            {"client_secret", cfg.client_secret},
                            {"token", refresh_token},
                            {"token_type_hint", "refresh_token"}};
  Result<HttpResponse> r = post_form(oauth_url(cfg, "token/revoke"), form, 3);
  if (!r.ok()) return {std::nullopt, no_answer(r.status())};
  // RFC 7009 §2.2: 200 whether or not the token was still alive.
  if (r.value().status != 200 && r.value().status != 204)
    return {std::nullopt, error_of(r.value(), "token revocation")};
  return {true, std::nullopt};
}

UpstreamError error_of(const HttpResponse& r, std::string_view what) {
  const json body = json::parse(r.body, nullptr, false);
  const std::string category = text(body, "category");
  const std::string error = text(body, "error");
  const std::string status = text(body, "status");  // "error", or a legacy code
  std::string detail = text(body, "message");
  if (detail.empty()) detail = text(body, "error_description");
  const std::string context = std::string(kWho) + " " + std::string(what);
  const std::string said = detail.empty() ? "" : ": " + scrubbed(detail);

  UpstreamError e{Kind::kUnavailable, context + " failed (HTTP " + std::to_string(r.status) + ")"};
  e.upstream_code = !category.empty() ? category : error;
  if (e.upstream_code.empty() && status != "error") e.upstream_code = status;  // legacy code
  e.request_id = text(body, "correlationId");
  if (e.request_id.empty()) e.request_id = r.header("x-hubspot-correlation-id");

  if (error == "invalid_grant" || status == "BAD_REFRESH_TOKEN") {
    e.kind = Kind::kReauthRequired;
    e.message =
        context + ": HubSpot no longer accepts this connection" + said + "; connect it again";
  } else if (error == "invalid_client" || error == "unauthorized_client" ||
             status == "BAD_CLIENT_ID") {
    e.kind = Kind::kMisconfigured;
    e.message = context + ": HubSpot refused glint's client id or secret; check the settings";
  } else if (r.status == 401) {
    // Expired or otherwise invalid: one refresh decides which.
    e.kind = Kind::kTokenExpired;
    e.message = context + ": the access token was refused" + said;
  } else if (r.status == 403) {
    e.kind = Kind::kForbidden;
    e.message = context + ": HubSpot refused access" + said +
                (category == "MISSING_SCOPES" ? " (reconnect to grant the missing scopes)" : "");
  } else if (r.status == 429) {
    e.kind = Kind::kRateLimited;
    const std::string policy = text(body, "policyName");
    const int after = std::atoi(r.header("retry-after").c_str());
    if (policy == "DAILY") {
      e.retry_after_s = std::max(after, seconds_to_next_day());
      e.message = context + ": HubSpot's daily API limit is used up until tomorrow";
    } else {
      e.retry_after_s = after > 0 ? after : 10;
      e.message = context + ": HubSpot's rate limit was reached";
    }
  } else if (r.status >= 400 && r.status < 500) {
    e.kind = Kind::kInvalidRequest;
    e.message = context + ": HubSpot refused the request" + said;
  } else if (r.status >= 200 && r.status < 300) {
    e.kind = Kind::kMalformed;
    e.message = context + ": HubSpot's answer could not be read";
  }
  return e;
}

}  // namespace glint::connectors::hubspot
