#include "oauth/service.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "vault/credentials.h"
#include "vault/vault.h"

namespace glint::native {

namespace {

using nlohmann::json;
namespace up = glint::connectors;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text + sep) {
    if (ch == sep || (ch == ' ' && sep == ',')) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  return out;
}

// "https://a.example:8443/x" → "https://a.example:8443"; "" when not http(s).
std::string origin_of(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const std::string s = url.substr(0, scheme);
  if (s != "http" && s != "https") return "";
  const size_t end = url.find_first_of("/?#", scheme + 3);
  std::string origin = url.substr(0, end);
  if (origin.size() == scheme + 3 || origin.find('@') != std::string::npos)
    return "";  // no host, or userinfo
  for (char& ch : origin) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return origin;
}

std::vector<std::string> scopes_or(const char* setting, std::vector<std::string> fallback,
                                   char sep) {
  const std::string v = env(setting);
  return v.empty() ? fallback : split(v, sep);
}

int64_t unix_now() { return now_unix(); }

}  // namespace

std::string OAuthSettings::from_env(OAuthSettings& o) {
  o.public_url = env("GLINT_PUBLIC_URL");
  while (!o.public_url.empty() && o.public_url.back() == '/') o.public_url.pop_back();
  if (!o.public_url.empty() && origin_of(o.public_url).empty())
    return "GLINT_PUBLIC_URL must be an http(s) URL, e.g. https://glint.example.com";
  for (const std::string& origin : split(env("GLINT_FRONTEND_ORIGINS"), ',')) {
    if (origin_of(origin) != origin)
      return "GLINT_FRONTEND_ORIGINS holds '" + origin +
             "', which is not an origin (scheme://host[:port])";
    o.frontend_origins.push_back(origin);
  }
  o.google.client_id = env("GLINT_GOOGLE_CLIENT_ID");
  o.google.client_secret = env("GLINT_GOOGLE_CLIENT_SECRET");
  o.google.developer_token = env("GLINT_GOOGLE_ADS_DEVELOPER_TOKEN");
  if (std::string v = env("GLINT_GOOGLE_ADS_API_VERSION"); !v.empty()) o.google.ads_version = v;
  o.google_scopes =
      scopes_or("GLINT_GOOGLE_SCOPES",
                {"openid", "email", "profile", "https://www.googleapis.com/auth/adwords",
                 "https://www.googleapis.com/auth/analytics.readonly"},
                ' ');
  o.meta.app_id = env("GLINT_META_APP_ID");
  o.meta.app_secret = env("GLINT_META_APP_SECRET");
  if (std::string v = env("GLINT_META_API_VERSION"); !v.empty()) o.meta.version = v;
  o.meta_scopes = scopes_or("GLINT_META_SCOPES",
                            {"ads_read", "business_management", "pages_show_list",
                             "pages_read_engagement", "read_insights"},
                            ',');
  o.hubspot.client_id = env("GLINT_HUBSPOT_CLIENT_ID");
  o.hubspot.client_secret = env("GLINT_HUBSPOT_CLIENT_SECRET");
  if (std::string v = env("GLINT_HUBSPOT_OAUTH_VERSION"); !v.empty()) o.hubspot.oauth_version = v;
  o.hubspot_scopes =
      scopes_or("GLINT_HUBSPOT_SCOPES",
                {"oauth", "crm.objects.deals.read", "crm.objects.contacts.read"}, ' ');
  o.hubspot_optional_scopes = scopes_or("GLINT_HUBSPOT_OPTIONAL_SCOPES", {}, ' ');
  o.mailchimp.client_id = env("GLINT_MAILCHIMP_CLIENT_ID");
  o.mailchimp.client_secret = env("GLINT_MAILCHIMP_CLIENT_SECRET");
  return "";
}

bool is_oauth_provider(const std::string& id) {
  for (const char* p : kOAuthProviders) {
    if (id == p) return true;
  }
  return false;
}

const char* provider_name(const std::string& id) {
  if (id == "google") return "Google";
  if (id == "meta") return "Meta";
  if (id == "hubspot") return "HubSpot";
  if (id == "mailchimp") return "Mailchimp";
  if (id == "brevo") return "Brevo";
  return "the provider";
}

std::string Secret::to_json() const {
  json d = {{"access_token", access_token}, {"access_expires_at", access_expires_at}};
  if (!refresh_token.empty()) d["refresh_token"] = refresh_token;
  if (!token_type.empty()) d["token_type"] = token_type;
  if (!scope.empty()) d["scope"] = scope;
  return d.dump();
}

std::optional<Secret> Secret::from_json(const std::string& text) {
  const json d = json::parse(text, nullptr, false);
  if (!d.is_object() || !d.contains("access_token") || !d["access_token"].is_string())
    return std::nullopt;
  Secret s;
  s.access_token = d["access_token"];
  s.refresh_token = d.value("refresh_token", "");
  s.token_type = d.value("token_type", "");
  s.scope = d.value("scope", "");
  s.access_expires_at = d.value("access_expires_at", int64_t{0});
  return s;
}

void OAuth::set_listening(const std::string& host, int port) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string h = host == "0.0.0.0" || host == "::" || host.empty() ? "127.0.0.1" : host;
  listening_url_ = "http://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" +
                   std::to_string(port);
}

std::string OAuth::public_url() const {
  if (!s_.public_url.empty()) return s_.public_url;
  std::lock_guard<std::mutex> lock(mu_);
  return listening_url_;
}

std::string OAuth::redirect_uri(const std::string& provider) const {
  return public_url() + "/api/oauth/" + provider + "/callback";
}

std::vector<std::string> OAuth::missing_settings(const std::string& provider) const {
  std::vector<std::string> out;
  auto need = [&out](const std::string& value, const char* name) {
    if (value.empty()) out.push_back(name);
  };
  if (provider == "google") {
    need(s_.google.client_id, "GLINT_GOOGLE_CLIENT_ID");
    need(s_.google.client_secret, "GLINT_GOOGLE_CLIENT_SECRET");
  } else if (provider == "meta") {
    need(s_.meta.app_id, "GLINT_META_APP_ID");
    need(s_.meta.app_secret, "GLINT_META_APP_SECRET");
  } else if (provider == "hubspot") {
    need(s_.hubspot.client_id, "GLINT_HUBSPOT_CLIENT_ID");
    need(s_.hubspot.client_secret, "GLINT_HUBSPOT_CLIENT_SECRET");
  } else if (provider == "mailchimp") {
    need(s_.mailchimp.client_id, "GLINT_MAILCHIMP_CLIENT_ID");
    need(s_.mailchimp.client_secret, "GLINT_MAILCHIMP_CLIENT_SECRET");
  }
  return out;
}

bool OAuth::may_return_to(const std::string& url) const {
  const std::string origin = origin_of(url);
  if (origin.empty()) return false;
  if (origin == origin_of(public_url())) return true;
  for (const std::string& o : s_.frontend_origins) {
    if (origin == o) return true;
  }
  return false;
}

std::string OAuth::message_origin(const std::string& return_to) const {
  if (!return_to.empty() && may_return_to(return_to)) return origin_of(return_to);
  return origin_of(public_url());
}

std::pair<int64_t, std::string> OAuth::seal(const Vault& vault, const std::string& owner_kind,
                                            int64_t owner_id, const std::string& provider,
                                            const std::string& public_id, const Secret& secret) {
  return {vault.current_key_id(),
          vault.seal(secret.to_json(), credential_aad(owner_kind, owner_id, provider, public_id))};
}

Result<Secret> OAuth::open(const Vault& vault, const Credential& c) {
  Result<std::string> text = open_credential(vault, c);
  if (!text.ok()) return text.status();
  std::optional<Secret> s = Secret::from_json(text.value());
  if (!s) return Status(ErrorCode::kInternal, "the stored connection could not be read");
  return *s;
}

std::shared_ptr<std::mutex> OAuth::lock_for(int64_t credential_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = locks_.begin(); it != locks_.end();)
    it = it->second.expired() ? locks_.erase(it) : std::next(it);
  std::shared_ptr<std::mutex> m = locks_[credential_id].lock();
  if (!m) {
    m = std::make_shared<std::mutex>();
    locks_[credential_id] = m;
  }
  return m;
}

up::Upstream<up::oauth::Tokens> OAuth::refresh_upstream(const Credential& c, const Secret& s) {
  using Kind = up::UpstreamError::Kind;
  if (c.provider == "google") {
    if (s.refresh_token.empty())
      return {std::nullopt, up::UpstreamError(Kind::kReauthRequired,
                                              "Google gave no refresh token; connect again")};
    return up::google::refresh(s_.google, s.refresh_token);
  }
  if (c.provider == "hubspot") {
    if (s.refresh_token.empty())
      return {std::nullopt, up::UpstreamError(Kind::kReauthRequired,
                                              "HubSpot gave no refresh token; connect again")};
    return up::hubspot::refresh(s_.hubspot, s.refresh_token);
  }
  if (c.provider == "meta") {
    // No refresh token exists: a still-valid long-lived token is exchanged
    // for a fresh one; an expired one needs the user again.
    if (s.access_expires_at != 0 && s.access_expires_at <= unix_now()) {
      return {std::nullopt, up::UpstreamError(Kind::kReauthRequired,
                                              "the Meta sign-in expired; connect Meta again")};
    }
    return up::meta::exchange_long_lived(s_.meta, s.access_token);
  }
  // Mailchimp tokens do not expire and cannot be refreshed.
  return {std::nullopt, up::UpstreamError(Kind::kReauthRequired,
                                          std::string(provider_name(c.provider)) +
                                              " refused the connection; connect it again")};
}

up::Upstream<std::string> OAuth::access_token(Store& store, const Vault& vault,
                                              int64_t credential_id, const std::string& stale) {
  using Kind = up::UpstreamError::Kind;
  const std::shared_ptr<std::mutex> m = lock_for(credential_id);
  std::lock_guard<std::mutex> lock(
      *m);  // single flight: a second caller waits here, then finds the fresh token
  std::optional<Credential> c = store.credential_by_id(credential_id);
  if (!c)
    return {std::nullopt, up::UpstreamError(Kind::kReauthRequired, "the connection was removed")};
  Result<Secret> opened = open(vault, *c);
  if (!opened.ok())
    return {std::nullopt, up::UpstreamError(Kind::kMisconfigured, opened.status().message())};
  Secret s = opened.value();
  const int64_t now = unix_now();
  const bool expired = s.access_expires_at != 0 && s.access_expires_at <= now + 60;
  const bool refused = !stale.empty() && stale == s.access_token;
  if (c->status == "reconnect_required" && !refused) {
    return {std::nullopt,
            up::UpstreamError(Kind::kReauthRequired, c->status_note.empty()
                                                         ? std::string(provider_name(c->provider)) +
                                                               " needs to be connected again"
                                                         : c->status_note)};
  }
  if (!expired && !refused) return {s.access_token, std::nullopt};
  if (c->provider == "mailchimp" && refused) {
    store.set_credential_status(c->id, "reconnect_required",
                                "Mailchimp refused the connection (revoked?); connect it again");
    return {std::nullopt, up::UpstreamError(Kind::kReauthRequired,
                                            "Mailchimp refused the connection; connect it again")};
  }
  ++refreshes_;
  up::Upstream<up::oauth::Tokens> t = refresh_upstream(*c, s);
  if (!t.ok()) {
    if (t.error->kind == Kind::kReauthRequired)
      store.set_credential_status(c->id, "reconnect_required", t.error->message);
    return {std::nullopt, t.error};
  }
  Secret next = s;
  next.access_token = t.value->access_token;
  if (!t.value->refresh_token.empty())
    next.refresh_token = t.value->refresh_token;  // rotated: keep the new one
  next.access_expires_at = t.value->expires_in > 0 ? now + t.value->expires_in : 0;
  if (!t.value->scope.empty()) next.scope = t.value->scope;
  const std::optional<int64_t> conn_expiry = c->provider == "meta" && next.access_expires_at != 0
                                                 ? std::optional<int64_t>(next.access_expires_at)
                                                 : std::nullopt;
  // Stored before it is used. Only `glint rotate-key` can have changed the
  // row meanwhile (refreshes are serialised above): then seal again onto
  // what it wrote, so neither the new key nor the new tokens are lost.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto [key_id, sealed] =
        seal(vault, c->owner_kind, c->owner_id, c->provider, c->public_id, next);
    if (store.replace_credential_secret(c->id, c->sealed, key_id, sealed, conn_expiry))
      return {next.access_token, std::nullopt};
    c = store.credential_by_id(credential_id);
    if (!c)
      return {std::nullopt, up::UpstreamError(Kind::kReauthRequired, "the connection was removed")};
  }
  return {std::nullopt,
          up::UpstreamError(Kind::kUnavailable,
                            "the refreshed connection could not be stored; try again")};
}

}  // namespace glint::native
