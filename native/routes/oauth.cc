// OAuth connections: Google (Ads + GA4), Meta, HubSpot, Mailchimp.
//
// auth-url → the provider → callback: the callback consumes the one-time
// state (bound to the session, owner, provider and redirect URI when it was
// made), exchanges the code server-side (PKCE verifier from the state row),
// reads who connected, stores the tokens sealed, discovers what the
// connection reaches, and answers with a page that tells the opener and
// closes (or returns to an allowed front-end origin). A front end that
// prefers to carry the code itself posts it to exchange-token/complete with
// its session, and the state must then be that session's. Owners and admins
// connect, link and disconnect; any member reads.
#include <nlohmann/json.hpp>

#include "auth/crypto.h"
#include "routes/connections.h"
#include "vault/credentials.h"

namespace glint::native {

namespace {

namespace up = glint::connectors;
using Kind = up::UpstreamError::Kind;

constexpr int64_t kStateTtl = 600;

std::string state_aad(const std::string& state_hash) { return "glint-oauth-state|" + state_hash; }

bool uses_pkce(const std::string& provider) {
  return provider == "google" || provider == "hubspot";
}

// "meta" for the seed's Meta family too; the provider of a route prefix.
void require_configured(App& app, const std::string& provider) {
  const std::vector<std::string> missing = app.oauth.missing_settings(provider);
  if (missing.empty()) return;
  std::string list;
  for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
  throw HttpError{503, "provider_not_configured",
                  std::string(provider_name(provider)) + " is not configured on this server: set " +
                      list + " (see the README, Connections)"};
}

json request_body(Ctx& c) {
  return c.req.method == "GET" || c.req.method == "DELETE" ? json::object() : c.body();
}

json begin(Ctx& c, const std::string& provider) {
  const json b = request_body(c);
  const Owner o = owner_of(c, b, "admin");
  require_configured(c.app, provider);
  // Each start stores a state: a caller may start 30 sign-ins a minute.
  if (const RateLimiter::Decision d = c.app.limiter.take("oauth-start:" + c.me().public_id, 30); !d.allowed) {
    throw HttpError{429, "rate_limited", "too many sign-ins started; try again in " + std::to_string(d.reset_s) + " s",
                    {{"Retry-After", std::to_string(d.reset_s)}}};
  }
  std::string return_to = c.param(b, "return_to").value_or("");
  if (return_to.size() > 2048)
    throw HttpError{422, "invalid_parameter", "'return_to' is longer than 2048 characters"};
  if (!return_to.empty() && !c.app.oauth.may_return_to(return_to)) {
    throw HttpError{
        422, "invalid_parameter",
        "'return_to' must be on this server's public URL or one of GLINT_FRONTEND_ORIGINS"};
  }
  const std::string state = up::oauth::random_token();
  const std::string state_hash = crypto::sha256_hex(state);
  const std::string verifier = uses_pkce(provider) ? up::oauth::pkce_verifier() : "";
  OAuthState s;
  s.provider = provider;
  s.user_id = c.me().id;
  s.session_hash = c.session_hash;
  s.owner_kind = o.kind;
  s.owner_id = o.id;
  s.redirect_uri = c.app.oauth.redirect_uri(provider);
  s.return_to = return_to;
  s.verifier_sealed = verifier.empty() ? "" : c.app.vault.seal(verifier, state_aad(state_hash));
  s.created_at = now_unix();
  s.expires_at = s.created_at + kStateTtl;
  c.app.store.purge_oauth_states(s.created_at);
  c.app.store.save_oauth_state(state_hash, s);
  const OAuthSettings& cfg = c.app.oauth.settings();
  std::string url;
  if (provider == "google") {
    url = up::google::authorize_url(cfg.google, s.redirect_uri, cfg.google_scopes, state,
                                    up::oauth::pkce_challenge_s256(verifier));
  } else if (provider == "meta") {
    url = up::meta::dialog_url(cfg.meta, s.redirect_uri, cfg.meta_scopes, state);
  } else if (provider == "hubspot") {
    url = up::hubspot::authorize_url(cfg.hubspot, s.redirect_uri, cfg.hubspot_scopes,
                                     cfg.hubspot_optional_scopes, state,
                                     up::oauth::pkce_challenge_s256(verifier));
  } else {
    url = up::mailchimp::authorize_url(cfg.mailchimp, s.redirect_uri, state);
  }
  return {{"success", true},
          {"provider", provider},
          {"auth_url", url},
          {"authorization_url", url},
          {"state", state},
          {"redirect_uri", s.redirect_uri},
          {"expires_in", kStateTtl},
          {"owner", {{"kind", o.kind == "tenant" ? "workspace" : "user"}, {"id", o.public_id}}}};
}

struct Finished {
  Credential cred;
  Owner owner;
  Discovery discovery;
  std::string return_to;
};

// The state, checked: unknown, used, expired, another provider's or (with a
// session) another session's states are refused — and consumed regardless.
OAuthState take_state(App& app, const std::string& provider, const std::string& state,
                      const std::string* session_hash) {
  if (state.empty() || state.size() > 256)
    throw HttpError{400, "invalid_state", "the sign-in carried no valid state; start again"};
  std::optional<OAuthState> s =
      app.store.consume_oauth_state(crypto::sha256_hex(state), now_unix());
  if (!s)
    throw HttpError{400, "invalid_state",
                    "this sign-in was not started here (unknown state); start again"};
  if (s->consumed_at)
    throw HttpError{400, "state_already_used", "this sign-in link was already used; start again"};
  if (s->provider != provider) {
    throw HttpError{400, "state_provider_mismatch",
                    std::string("this sign-in was started for ") + provider_name(s->provider) +
                        ", not " + provider_name(provider) + "; start again"};
  }
  if (s->expires_at < now_unix())
    throw HttpError{400, "state_expired", "this sign-in took longer than 10 minutes; start again"};
  if (session_hash != nullptr && !crypto::constant_time_equal(*session_hash, s->session_hash)) {
    throw HttpError{403, "state_foreign", "this sign-in was started by another session"};
  }
  if (s->redirect_uri != app.oauth.redirect_uri(provider)) {
    throw HttpError{400, "invalid_state",
                    "the server's redirect URI changed during the sign-in; start again"};
  }
  return *s;
}

Owner owner_of_state(App& app, const OAuthState& s) {
  std::optional<User> u = app.store.user_by_id(s.user_id);
  if (!u) throw HttpError{400, "invalid_state", "the account that started this sign-in is gone"};
  if (s.owner_kind == "user") return {"user", u->id, u->public_id};
  std::optional<Tenant> t = app.store.tenant_by_id_for(s.owner_id, u->id);
  if (!t) throw HttpError{404, "not_found", "no such workspace"};
  if (!role_at_least(t->role, "admin"))
    throw HttpError{403, "forbidden", "this needs the admin role in the workspace"};
  return {"tenant", t->id, t->public_id};
}

[[noreturn]] void exchange_failed(const up::UpstreamError& e) {
  if (e.kind == Kind::kReauthRequired || e.kind == Kind::kInvalidRequest) {
    throw HttpError{400, "code_rejected", e.message + "; start the sign-in again"};
  }
  upstream_failed(e);
}

template <class T>
const T& must(const up::Upstream<T>& r) {
  if (!r.ok()) exchange_failed(*r.error);
  return *r.value;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s + " ") {
    if (ch == ' ' || ch == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  return out;
}

Credential store_connection(App& app, const Owner& o, int64_t user_id, const std::string& provider,
                            const std::string& account_id, const std::string& label,
                            const json& details, const Secret& secret,
                            std::optional<int64_t> expires_at, bool only_one) {
  return app.store.upsert_credential(
      o.kind, o.id, provider, account_id, label, details.dump(), user_id, expires_at, only_one,
      [&](const std::string& public_id) {
        return OAuth::seal(app.vault, o.kind, o.id, provider, public_id, secret);
      });
}

Finished finish(App& app, const std::string& provider, const std::string& state,
                const std::string& code, const std::string* session_hash) {
  const OAuthState s = take_state(app, provider, state, session_hash);
  const Owner o = owner_of_state(app, s);
  if (code.empty() || code.size() > 4096)
    throw HttpError{400, "missing_code", "the provider sent no authorization code"};
  std::string verifier;
  if (!s.verifier_sealed.empty()) {
    Result<std::string> v = app.vault.open(s.verifier_sealed, state_aad(crypto::sha256_hex(state)));
    if (!v.ok())
      throw HttpError{400, "invalid_state", "this sign-in's state could not be read; start again"};
    verifier = v.value();
  }
  const OAuthSettings& cfg = app.oauth.settings();
  const int64_t now = now_unix();
  Credential cred;
  if (provider == "google") {
    up::oauth::Tokens t =
        must(up::google::exchange_code(cfg.google, code, s.redirect_uri, verifier));
    const up::google::UserInfo who = must(up::google::userinfo(t.access_token));
    if (t.refresh_token.empty()) {
      // A second consent without prompt=consent gives none: keep the one stored.
      for (const Credential& old : app.store.credentials_of(o.kind, o.id, "google")) {
        if (old.account_id != who.sub) continue;
        if (Result<Secret> prev = OAuth::open(app.vault, old); prev.ok())
          t.refresh_token = prev.value().refresh_token;
      }
      if (t.refresh_token.empty())
        throw HttpError{400, "no_offline_access",
                        "Google granted no offline access; connect again and accept"};
    }
    const std::vector<std::string> scopes = words(t.scope);
    auto has = [&scopes](const char* want) {
      return std::find(scopes.begin(), scopes.end(), want) != scopes.end();
    };
    const json details = {{"email", who.email},
                          {"name", who.name},
                          {"sub", who.sub},
                          {"picture", who.picture},
                          {"scopes", scopes},
                          {"ads", has("https://www.googleapis.com/auth/adwords")},
                          {"ga4", has("https://www.googleapis.com/auth/analytics.readonly")},
                          {"selected_mcc", ""}};
    Secret sec{t.access_token, t.refresh_token, t.token_type, t.scope,
               t.expires_in > 0 ? now + t.expires_in : 0};
    const std::optional<int64_t> until =
        t.refresh_token_expires_in > 0 ? std::optional<int64_t>(now + t.refresh_token_expires_in)
                                       : std::nullopt;
    cred = store_connection(app, o, s.user_id, "google", who.sub, who.email, details, sec, until,
                            true);
  } else if (provider == "meta") {
    const up::oauth::Tokens short_lived =
        must(up::meta::exchange_code(cfg.meta, code, s.redirect_uri));
    const up::oauth::Tokens t = must(up::meta::exchange_long_lived(
        cfg.meta, short_lived.access_token));  // at once: the short one lasts hours
    const up::meta::User who = must(up::meta::me(cfg.meta, t.access_token));
    int64_t expires_at = t.expires_in > 0 ? now + t.expires_in : 0;
    int64_t data_access = 0;
    json scopes = json::array();
    if (auto info = up::meta::debug_token(cfg.meta, t.access_token); info.ok()) {
      if (info.value->expires_at > 0) expires_at = info.value->expires_at;
      data_access = info.value->data_access_expires_at;
      scopes = info.value->scopes;
    }
    json details = {
        {"user_id", who.id}, {"name", who.name}, {"email", who.email}, {"scopes", scopes}};
    if (data_access > 0) details["data_access_expires_at"] = iso_of(data_access);
    Secret sec{t.access_token, "", t.token_type, "", expires_at};
    cred =
        store_connection(app, o, s.user_id, "meta", who.id, who.name, details, sec,
                         expires_at > 0 ? std::optional<int64_t>(expires_at) : std::nullopt, true);
  } else if (provider == "hubspot") {
    const up::oauth::Tokens t =
        must(up::hubspot::exchange_code(cfg.hubspot, code, s.redirect_uri, verifier));
    const up::hubspot::Portal p = must(up::hubspot::introspect(cfg.hubspot, t.access_token));
    if (p.hub_id == 0)
      throw HttpError{502, "upstream_malformed", "HubSpot did not say which portal was connected"};
    const json details = {{"hub_id", p.hub_id},
                          {"hub_domain", p.hub_domain},
                          {"user", p.user},
                          {"user_id", p.user_id},
                          {"scopes", p.scopes}};
    Secret sec{t.access_token, t.refresh_token, t.token_type, "",
               t.expires_in > 0 ? now + t.expires_in : 0};
    cred = store_connection(app, o, s.user_id, "hubspot", std::to_string(p.hub_id), p.hub_domain,
                            details, sec, std::nullopt, false);
  } else {
    const up::oauth::Tokens t =
        must(up::mailchimp::exchange_code(cfg.mailchimp, code, s.redirect_uri));
    const up::mailchimp::Metadata md = must(up::mailchimp::metadata(t.access_token));
    const up::mailchimp::Account a = must(up::mailchimp::account(md, t.access_token));
    const json details = {
        {"dc", md.dc},
        {"api_endpoint", md.api_endpoint},
        {"account_name", a.account_name.empty() ? md.account_name : a.account_name},
        {"login_email", md.login_email},
        {"login_name", md.login_name},
        {"role", md.role},
        {"user_id", md.user_id},
        {"total_subscribers", a.total_subscribers}};
    Secret sec{t.access_token, "", t.token_type, "", 0};
    const std::string id = a.account_id.empty() ? std::to_string(md.user_id) : a.account_id;
    cred = store_connection(app, o, s.user_id, "mailchimp", id, details["account_name"], details,
                            sec, std::nullopt, false);
  }
  Finished f{cred, o, discover_accounts(app, cred), s.return_to};
  f.cred = app.store.credential_by_id(cred.id).value_or(cred);
  return f;
}

json finished_json(const std::string& provider, const Finished& f) {
  json out = status_json(provider, f.owner, f.cred);
  out["discovery"] = discovery_json(f.discovery);
  out["message"] = std::string(provider_name(provider)) + " connected as " + f.cred.label;
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

// A JSON value safe inside <script> (no "</script>", no U+2028 surprises).
std::string script_json(const json& v) {
  std::string s = v.dump(-1, ' ', true);
  std::string out;
  for (char ch : s) {
    if (ch == '<') {
      out += "\\u003c";
    } else if (ch == '>') {
      out += "\\u003e";
    } else if (ch == '&') {
      out += "\\u0026";
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

// The page the provider's redirect lands on. It carries no code or token:
// only whether it worked, posted to the opener at one exact origin.
void callback_page(Ctx& c, const std::string& provider, bool ok, const std::string& code,
                   const std::string& message, const std::string& return_to) {
  const std::string nonce = crypto::random_hex(16);
  const std::string origin = c.app.oauth.message_origin(return_to);
  const json msg = {{"source", "glint-oauth"},
                    {"provider", provider},
                    {"success", ok},
                    {"code", code},
                    {"message", message}};
  std::string back;
  if (!return_to.empty() && c.app.oauth.may_return_to(return_to)) {
    back = return_to + (return_to.find('?') == std::string::npos ? "?" : "&") +
           "glint_oauth=" + provider + "&status=" + (ok ? "connected" : "failed");
  }
  std::string page =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>glint · " +
      html_escape(provider_name(provider)) + "</title><style nonce=\"" + nonce +
      "\">body{font:16px system-ui,sans-serif;margin:3rem "
      "auto;max-width:32rem;color:#222}</style></head><body><h1>" +
      (ok ? std::string("Connected") : std::string("Not connected")) + "</h1><p>" +
      html_escape(message) + "</p><p>You can close this window.</p><script nonce=\"" + nonce +
      "\">(function(){var m=" + script_json(msg) + ",o=" + script_json(origin) +
      ",b=" + script_json(back) +
      ";if(window.opener&&!window.opener.closed){try{window.opener.postMessage(m,o);}catch(e){}"
      "window.close();}"
      "else if(b){window.location.replace(b);}})();</script></body></html>";
  c.res.status = ok ? 200 : 400;
  c.res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" +
                       nonce + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  c.res.set_header("Cache-Control", "no-store");
  c.res.set_header("Referrer-Policy", "no-referrer");  // the URL holds the code: never pass it on
  c.res.set_content(page, "text/html; charset=utf-8");
}

bool wants_json(const Ctx& c) {
  return c.req.get_header_value("Accept").find("application/json") != std::string::npos;
}

void callback(Ctx& c, const std::string& provider) {
  const std::string state = c.req.get_param_value("state");
  std::string return_to;
  try {
    if (c.req.has_param("error")) {
      // Denied at the provider: the state is still consumed, so it cannot be reused.
      const OAuthState s = take_state(c.app, provider, state, nullptr);
      return_to = s.return_to;
      const std::string err = c.req.get_param_value("error").substr(0, 64);
      throw HttpError{400, err == "access_denied" ? "access_denied" : "provider_error",
                      err == "access_denied"
                          ? std::string(provider_name(provider)) + " access was not granted"
                          : std::string(provider_name(provider)) + " refused the sign-in (" +
                                html_escape(err) + ")"};
    }
    if (c.req.has_param("iss") && provider == "google" && c.req.get_param_value("iss") != "https://accounts.google.com") {
      // RFC 9207: an authorization response that names another issuer is a mix-up.
      (void)take_state(c.app, provider, state, nullptr);
      throw HttpError{400, "issuer_mismatch", "the sign-in answer came from another authorization server; start again"};
    }
    const Finished f = finish(c.app, provider, state, c.req.get_param_value("code"), nullptr);
    if (wants_json(c)) return c.send(200, finished_json(provider, f));
    callback_page(c, provider, true, "connected",
                  std::string(provider_name(provider)) + " is connected as " + f.cred.label + ".",
                  f.return_to);
  } catch (const HttpError& e) {
    if (wants_json(c)) throw;
    callback_page(c, provider, false, e.code, e.detail, return_to);
  }
}

void exchange(Ctx& c, const std::string& provider) {
  const json b = c.body();
  const std::string state = c.param(b, "state").value_or("");
  const std::string code = c.param(b, "code").value_or("");
  c.send(200, finished_json(provider, finish(c.app, provider, state, code, &c.session_hash)));
}

std::optional<Credential> primary(App& app, const Owner& o, const std::string& provider) {
  return app.store.credential(o.kind, o.id, provider);
}

Credential connected(App& app, const Owner& o, const std::string& provider) {
  std::optional<Credential> cred = primary(app, o, provider);
  if (!cred)
    throw HttpError{404, "not_connected",
                    std::string(provider_name(provider)) + " is not connected"};
  return *cred;
}

json status_of(App& app, const Owner& o, const std::string& provider) {
  json out = status_json(provider, o, primary(app, o, provider));
  out["configured"] = app.oauth.missing_settings(provider).empty();
  return out;
}

}  // namespace

json disconnect_connection(App& app, const Credential& cred) {
  const OAuthSettings& cfg = app.oauth.settings();
  std::string revoked = "not_supported";
  if (Result<Secret> s = OAuth::open(app.vault, cred); s.ok()) {
    up::Upstream<bool> r{std::nullopt, up::UpstreamError(Kind::kUnavailable, "")};
    if (cred.provider == "google") {
      r = up::google::revoke(s.value().refresh_token.empty() ? s.value().access_token
                                                             : s.value().refresh_token);
    } else if (cred.provider == "meta") {
      r = up::meta::revoke(cfg.meta, s.value().access_token);
    } else if (cred.provider == "hubspot") {
      r = up::hubspot::revoke(cfg.hubspot, s.value().refresh_token);
    }
    if (cred.provider != "mailchimp") revoked = r.ok() ? "revoked" : "failed";
  }
  app.store.delete_credential_by_id(cred.id);
  json out = {{"success", true},
              {"platform", cred.provider},
              {"disconnected", true},
              {"revoked", revoked},
              {"connection_id", cred.public_id}};
  if (revoked == "failed")
    out["message"] = std::string(provider_name(cred.provider)) +
                     " could not be told; remove glint's access in its settings";
  if (revoked == "not_supported") {
    out["message"] = std::string(provider_name(cred.provider)) +
                     " has no revoke call; remove glint's access in its settings if you wish";
  }
  return out;
}

namespace {

void logout(Ctx& c, const std::string& provider) {
  const json b = request_body(c);
  const Owner o = owner_of(c, b, "admin");
  std::vector<Credential> all = c.app.store.credentials_of(o.kind, o.id, provider);
  const std::string which =
      c.param(b, "account_id")
          .value_or(c.param(b, "hub_id").value_or(c.param(b, "mailchimp_id").value_or("")));
  json results = json::array();
  for (const Credential& cred : all) {
    if (!which.empty() && cred.account_id != which) continue;
    results.push_back(disconnect_connection(c.app, cred));
  }
  if (!which.empty() && results.empty())
    throw HttpError{404, "not_found", "no such connected account"};
  c.send(200, {{"success", true},
               {"platform", provider},
               {"disconnected", !results.empty()},
               {"connections", results}});
}

void user_info(Ctx& c, const std::string& provider) {
  const Owner o = owner_of(c, json::object(), "member");
  const Credential cred = connected(c.app, o, provider);
  const OAuthSettings& cfg = c.app.oauth.settings();
  json user = json::parse(cred.details, nullptr, false);
  if (!user.is_object()) user = json::object();
  if (provider == "google") {
    auto who = c.app.oauth.with_token<up::google::UserInfo>(
        c.app.store, c.app.vault, cred.id,
        [](const std::string& t) { return up::google::userinfo(t); });
    if (!who.ok()) upstream_failed(*who.error);
    user = {{"id", who.value->sub},
            {"email", who.value->email},
            {"name", who.value->name},
            {"picture", who.value->picture},
            {"email_verified", who.value->email_verified}};
  } else if (provider == "meta") {
    auto who = c.app.oauth.with_token<up::meta::User>(
        c.app.store, c.app.vault, cred.id,
        [&cfg](const std::string& t) { return up::meta::me(cfg.meta, t); });
    if (!who.ok()) upstream_failed(*who.error);
    user = {{"id", who.value->id}, {"name", who.value->name}, {"email", who.value->email}};
  } else if (provider == "hubspot") {
    auto p = c.app.oauth.with_token<up::hubspot::Portal>(
        c.app.store, c.app.vault, cred.id,
        [&cfg](const std::string& t) { return up::hubspot::introspect(cfg.hubspot, t); });
    if (!p.ok()) upstream_failed(*p.error);
    user = {{"id", p.value->user_id},
            {"email", p.value->user},
            {"hub_id", p.value->hub_id},
            {"hub_domain", p.value->hub_domain}};
  } else {
    auto md = c.app.oauth.with_token<up::mailchimp::Metadata>(
        c.app.store, c.app.vault, cred.id,
        [](const std::string& t) { return up::mailchimp::metadata(t); });
    if (!md.ok()) upstream_failed(*md.error);
    user = {{"id", md.value->user_id},
            {"email", md.value->login_email},
            {"name", md.value->login_name},
            {"account_name", md.value->account_name},
            {"dc", md.value->dc}};
  }
  c.send(200, {{"success", true},
               {"platform", provider},
               {"user", user},
               {"connection_id", cred.public_id}});
}

json accounts_json(App& app, const Credential& cred, const std::string& kind) {
  json list = json::array();
  for (const PlatformAccount& a : app.store.platform_accounts(cred.id, kind))
    list.push_back(account_json(a));
  return list;
}

std::vector<std::string> id_list(Ctx& c, const json& b, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (!b.contains(name)) {
      if (auto one = c.param(b, name); one && !one->empty()) return {*one};
      continue;
    }
    const json& v = b[name];
    std::vector<std::string> out;
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array())
      throw HttpError{422, "invalid_parameter",
                      std::string("'") + name + "' must be a list of ids"};
    if (v.size() > 1000)
      throw HttpError{422, "invalid_parameter",
                      std::string("'") + name + "' lists more than 1000 ids"};
    for (const json& x : v) {
      if (x.is_string()) {
        out.push_back(x);
      } else if (x.is_number_integer()) {
        out.push_back(std::to_string(x.get<int64_t>()));
      } else if (x.is_object() && x.contains("id") && x["id"].is_string()) {
        out.push_back(x["id"]);
      } else {
        throw HttpError{422, "invalid_parameter",
                        std::string("'") + name + "' must be a list of ids"};
      }
    }
    return out;
  }
  std::string list;
  for (const char* name : names) list += (list.empty() ? "'" : ", '") + std::string(name) + "'";
  throw HttpError{422, "missing_parameter", list + " is required"};
}

std::string digits_only(std::string id) {
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  return id;
}

json link(Ctx& c, const std::string& provider, const std::string& kind,
          std::initializer_list<const char*> names, bool exclusive, bool normalise_digits = false) {
  const json b = c.body();
  const Owner o = owner_of(c, b, "admin");
  const Credential cred = connected(c.app, o, provider);
  std::vector<std::string> ids = id_list(c, b, names);
  if (normalise_digits) {
    for (std::string& id : ids) id = digits_only(id);
  }
  const std::vector<std::string> unknown = c.app.store.link_accounts(cred.id, kind, ids, exclusive);
  if (!unknown.empty()) {
    throw HttpError{404, "unknown_account",
                    "not an account of this connection: " + unknown.front() +
                        (unknown.size() > 1 ? " (and others)" : "")};
  }
  json linked = json::array();
  for (const PlatformAccount& a : c.app.store.platform_accounts(cred.id, kind)) {
    if (a.linked) linked.push_back(account_json(a));
  }
  return {{"success", true},
          {"platform", provider},
          {"kind", kind},
          {"linked", linked},
          {"total", linked.size()}};
}

void add_family(Router& r, const std::string& base, const std::string& provider) {
  r.add("GET", base + "/auth-url", {}, [provider](Ctx& c) { c.send(200, begin(c, provider)); });
  r.add("POST", base + "/auth-url", {.max_body = kSmallBody},
        [provider](Ctx& c) { c.send(200, begin(c, provider)); });
  r.add("GET", base + "/callback", {.auth = false}, [provider](Ctx& c) { callback(c, provider); });
  r.add("GET", base + "/status", {}, [provider](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    c.send(200, status_of(c.app, o, provider));
  });
  r.add("GET", base + "/user-info", {}, [provider](Ctx& c) { user_info(c, provider); });
}

void add_exchange(Router& r, const std::string& base, const std::string& provider) {
  r.add("POST", base + "/exchange-token", {.max_body = kSmallBody},
        [provider](Ctx& c) { exchange(c, provider); });
  r.add("POST", base + "/complete", {.max_body = kSmallBody}, [provider](Ctx& c) {
    const json b = c.body();
    if (c.param(b, "code")) return exchange(c, provider);
    const Owner o = owner_of(c, b, "member");  // after the callback page: where things stand
    c.send(200, status_of(c.app, o, provider));
  });
}

void google_routes(Router& r) {
  const std::string base = "/api/oauth/google";
  add_family(r, base, "google");
  add_exchange(r, base, "google");
  // A browser navigation to the provider (the session comes as session_id).
  r.add("GET", base + "/login", {}, [](Ctx& c) {
    const json out = begin(c, "google");
    c.res.status = 302;
    c.res.set_header("Location", out["auth_url"].get<std::string>());
    c.res.set_header("Cache-Control", "no-store");
    c.res.set_header("Referrer-Policy", "no-referrer");
  });
  r.add("POST", base + "/logout", {}, [](Ctx& c) { logout(c, "google"); });
  r.add("GET", base + "/ad-accounts", {}, [](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    Credential cred = connected(c.app, o, "google");
    json discovery;
    if (c.req.get_param_value("refresh") == "true" ||
        c.app.store.platform_accounts(cred.id, "google_ads").empty()) {
      if (c.req.get_param_value("refresh") == "true") (void)owner_of(c, json::object(), "admin");
      Discovery d = discover_accounts(c.app, cred);
      if (d.error) upstream_failed(*d.error);
      discovery = discovery_json(d);
    }
    json mcc = json::array(), regular = json::array();
    for (const PlatformAccount& a : c.app.store.platform_accounts(cred.id, "google_ads")) {
      json j = account_json(a);
      j["customer_id"] = a.external_id;
      j["descriptive_name"] = a.name;
      (j.value("manager", false) ? mcc : regular).push_back(j);
    }
    const json d =
        json::parse(c.app.store.credential_by_id(cred.id).value_or(cred).details, nullptr, false);
    json out = {{"success", true},
                {"platform", "google_ads"},
                {"mcc_accounts", mcc},
                {"regular_accounts", regular},
                {"total", mcc.size() + regular.size()},
                {"selected_mcc", d.is_object() ? d.value("selected_mcc", "") : ""}};
    if (!discovery.is_null()) out["discovery"] = discovery;
    c.send(200, out);
  });
  r.add("POST", "/api/session/select-mcc", {.max_body = kSmallBody}, [](Ctx& c) {
    const json b = c.body();
    const Owner o = owner_of(c, b, "admin");
    const Credential cred = connected(c.app, o, "google");
    std::string id = digits_only(
        c.param(b, "mcc_id")
            .value_or(
                c.param(b, "login_customer_id").value_or(c.param(b, "customer_id").value_or(""))));
    if (id.empty()) throw HttpError{422, "missing_parameter", "'mcc_id' is required"};
    bool manager = false;
    for (const PlatformAccount& a : c.app.store.platform_accounts(cred.id, "google_ads")) {
      if (a.external_id == id)
        manager = json::parse(a.details, nullptr, false).value("manager", false);
    }
    if (!manager)
      throw HttpError{404, "unknown_account", "not a manager account of this connection: " + id};
    json d = json::parse(cred.details, nullptr, false);
    if (!d.is_object()) d = json::object();
    d["selected_mcc"] = id;
    c.app.store.set_credential_details(cred.id, d.dump());
    c.send(200, {{"success", true}, {"selected_mcc", id}, {"login_customer_id", id}});
  });
  r.add("GET", "/api/google/accounts/discovered", {}, [](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    const Credential cred = connected(c.app, o, "google");
    const json list = accounts_json(c.app, cred, "google_ads");
    c.send(200, {{"success", true},
                 {"platform", "google_ads"},
                 {"accounts", list},
                 {"total", list.size()}});
  });
  r.add("POST", "/api/google/accounts/link", {.max_body = kSmallBody}, [](Ctx& c) {
    c.send(200, link(c, "google", "google_ads",
                     {"customer_ids", "account_ids", "customer_id", "account_id"}, false, true));
  });
  r.add("POST", "/api/ga4/refresh", {.max_body = kSmallBody}, [](Ctx& c) {
    const Owner o = owner_of(c, c.body(), "admin");
    const Credential cred = connected(c.app, o, "google");
    Discovery d = discover_accounts(c.app, cred);
    if (d.error) upstream_failed(*d.error);
    const json list = accounts_json(c.app, cred, "ga4");
    c.send(200, {{"success", true},
                 {"platform", "ga4"},
                 {"properties", list},
                 {"total", list.size()},
                 {"discovery", discovery_json(d)}});
  });
}

void meta_routes(Router& r) {
  for (const std::string base : {"/api/oauth/meta", "/meta-oauth"}) {
    add_family(r, base, "meta");
    add_exchange(r, base, "meta");
    r.add("POST", base + "/logout", {}, [](Ctx& c) { logout(c, "meta"); });
    r.add("GET", base + "/credentials-status", {}, [](Ctx& c) {
      const Owner o = owner_of(c, json::object(), "member");
      json out = status_of(c.app, o, "meta");
      out["has_credentials"] = out["connected"];
      c.send(200, out);
    });
    r.add("GET", base + "/accounts/available", {}, [](Ctx& c) {
      const Owner o = owner_of(c, json::object(), "member");
      const Credential cred = connected(c.app, o, "meta");
      const json list = accounts_json(c.app, cred, "meta_ads");
      c.send(200, {{"success", true},
                   {"platform", "meta_ads"},
                   {"accounts", list},
                   {"total", list.size()}});
    });
    r.add("POST", base + "/accounts/link", {.max_body = kSmallBody}, [](Ctx& c) {
      c.send(200,
             link(c, "meta", "meta_ads", {"account_ids", "ad_account_ids", "account_id"}, false));
    });
    r.add("GET", base + "/organic/facebook-pages", {}, [](Ctx& c) {
      const Owner o = owner_of(c, json::object(), "member");
      const Credential cred = connected(c.app, o, "meta");
      const json list = accounts_json(c.app, cred, "facebook_page");
      c.send(
          200,
          {{"success", true}, {"platform", "facebook"}, {"pages", list}, {"total", list.size()}});
    });
    r.add("POST", base + "/organic/link-page", {.max_body = kSmallBody}, [](Ctx& c) {
      const json b = c.body();
      const Owner o = owner_of(c, b, "admin");
      const Credential cred = connected(c.app, o, "meta");
      const std::string id = c.param(b, "page_id").value_or("");
      if (id.empty()) throw HttpError{422, "missing_parameter", "'page_id' is required"};
      if (!c.app.store.select_account(cred.id, "facebook_page", id))
        throw HttpError{404, "unknown_account", "not a page of this connection: " + id};
      c.send(200, {{"success", true}, {"platform", "facebook"}, {"page_id", id}, {"linked", true}});
    });
  }
}

json provider_accounts(App& app, const Owner& o, const std::string& provider) {
  json list = json::array();
  for (const Credential& cred : app.store.credentials_of(o.kind, o.id, provider)) {
    json d = json::parse(cred.details, nullptr, false);
    if (!d.is_object()) d = json::object();
    d["id"] = cred.account_id;
    d["label"] = cred.label;
    d["selected"] = cred.is_primary;
    d["is_primary"] = cred.is_primary;
    d["status"] = cred.status;
    d["connection_id"] = cred.public_id;
    list.push_back(d);
  }
  return list;
}

Credential account_of(App& app, const Owner& o, const std::string& provider,
                      const std::string& id) {
  for (const Credential& cred : app.store.credentials_of(o.kind, o.id, provider)) {
    if (cred.account_id == id) return cred;
  }
  throw HttpError{404, "not_found",
                  std::string("no connected ") + provider_name(provider) + " account " + id};
}

void make_primary(Ctx& c, const std::string& provider, std::initializer_list<const char*> names) {
  const json b = c.body();
  const Owner o = owner_of(c, b, "admin");
  std::string id;
  for (const char* n : names) {
    if (auto v = c.param(b, n); v && !v->empty()) {
      id = *v;
      break;
    }
  }
  if (id.empty())
    throw HttpError{422, "missing_parameter", std::string("'") + *names.begin() + "' is required"};
  const Credential cred = account_of(c.app, o, provider, id);
  c.app.store.set_primary_credential(cred.id);
  c.send(200, {{"success", true},
               {"platform", provider},
               {"selected", id},
               {"accounts", provider_accounts(c.app, o, provider)}});
}

void list_accounts(Ctx& c, const std::string& provider) {
  const Owner o = owner_of(c, json::object(), "member");
  const json list = provider_accounts(c.app, o, provider);
  c.send(200,
         {{"success", true}, {"platform", provider}, {"accounts", list}, {"total", list.size()}});
}

void hubspot_routes(Router& r) {
  const std::string base = "/api/oauth/hubspot";
  add_family(r, base, "hubspot");
  add_exchange(r, base, "hubspot");
  r.add("GET", base + "/accounts", {}, [](Ctx& c) { list_accounts(c, "hubspot"); });
  for (const char* path : {"/link-portal", "/select-account"}) {
    r.add("POST", base + path, {.max_body = kSmallBody}, [](Ctx& c) {
      make_primary(c, "hubspot", {"hub_id", "portal_id", "account_id"});
    });
  }
  r.add("POST", base + "/disconnect", {}, [](Ctx& c) { logout(c, "hubspot"); });
  r.add("DELETE", base + "/disconnect", {}, [](Ctx& c) { logout(c, "hubspot"); });
}

void mailchimp_routes(Router& r) {
  const std::string base = "/api/oauth/mailchimp";
  add_family(r, base, "mailchimp");
  add_exchange(r, base, "mailchimp");
  r.add("GET", base + "/accounts", {}, [](Ctx& c) { list_accounts(c, "mailchimp"); });
  r.add("POST", base + "/set-primary", {.max_body = kSmallBody}, [](Ctx& c) {
    make_primary(c, "mailchimp", {"mailchimp_id", "account_id"});
  });
  r.add("POST", base + "/disconnect", {}, [](Ctx& c) { logout(c, "mailchimp"); });
  r.add("DELETE", base + "/disconnect", {}, [](Ctx& c) { logout(c, "mailchimp"); });
  r.add("GET", base + "/accounts/([A-Za-z0-9_-]{1,64})", {}, [](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    const Credential cred = account_of(c.app, o, "mailchimp", c.capture(1));
    json out = status_json("mailchimp", o, cred);
    out["account"]["id"] = cred.account_id;
    c.send(200, out);
  });
}

}  // namespace

void register_oauth_routes(Router& r, App&) {
  google_routes(r);
  meta_routes(r);
  hubspot_routes(r);
  mailchimp_routes(r);
}

}  // namespace glint::native
