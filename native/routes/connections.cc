// Platform connections: API-key providers (Brevo) today; the OAuth providers
// join them here. A connection belongs to the workspace named by `tenant_id`
// (or the session's current one) and to the user when they have none; owners
// and admins connect and disconnect, any member sees the status, outsiders get
// 404. Secrets are sealed by the vault and never leave in a response.
#include "routes/connections.h"

#include <ctime>

#include "brevo/brevo.h"
#include "http/app.h"
#include "oauth/service.h"
#include "vault/credentials.h"

namespace glint::native {

namespace up = glint::connectors;

// The connection's owner for this request; `min_role` for a workspace.
Owner owner_of(Ctx& c, const json& body, const char* min_role) {
  if (auto tid = c.param(body, "tenant_id"); tid && !tid->empty()) {
    auto t = c.app.store.tenant_for(*tid, c.me().id);
    if (!t) throw HttpError{404, "not_found", "no such workspace"};
    if (!role_at_least(t->role, min_role)) {
      throw HttpError{403, "forbidden",
                      std::string("this needs the ") + min_role + " role in the workspace"};
    }
    return {"tenant", t->id, t->public_id};
  }
  try {
    const Tenant t = c.current_tenant(min_role);
    return {"tenant", t.id, t.public_id};
  } catch (const HttpError& e) {
    if (e.code != "no_workspace") throw;
  }
  return {"user", c.me().id, c.me().public_id};
}

json status_json(const std::string& platform, const Owner& o,
                 const std::optional<Credential>& cred) {
  json out = {
      {"success", true},
      {"platform", platform},
      {"connected", cred.has_value()},
      {"owner", {{"kind", o.kind == "tenant" ? "workspace" : "user"}, {"id", o.public_id}}}};
  if (!cred) {
    out["status"] = "not_connected";
    return out;
  }
  const json details = json::parse(cred->details, nullptr, false);
  out["status"] = cred->status;
  out["account"] = details.is_object() ? details : json::object();
  out["connected_at"] = cred->created_at;
  out["connection_id"] = cred->public_id;
  out["is_primary"] = cred->is_primary;
  if (!cred->status_note.empty()) out["status_note"] = cred->status_note;
  if (cred->expires_at) {
    // The connection itself ends then (Meta's long-lived token, a Google
    // grant limited in time): reconnecting a week before keeps data flowing.
    out["expires_at"] = iso_of(*cred->expires_at);
    out["reconnect_before"] = iso_of(*cred->expires_at - 7 * 86400);
    out["expires_in_days"] = (*cred->expires_at - now_unix()) / 86400;
  }
  return out;
}

void upstream_failed(const up::UpstreamError& e, const char* rejected_code) {
  switch (e.kind) {
    case up::UpstreamError::Kind::kRejected:
      throw HttpError{422, rejected_code, e.message};
    case up::UpstreamError::Kind::kRateLimited:
      throw HttpError{503,
                      "upstream_rate_limited",
                      e.message + "; try again later",
                      {{"Retry-After", std::to_string(e.retry_after_s)}}};
    case up::UpstreamError::Kind::kMalformed:
      throw HttpError{502, "upstream_malformed", e.message};
    case up::UpstreamError::Kind::kTokenExpired:
    case up::UpstreamError::Kind::kReauthRequired:
      throw HttpError{409, "reconnect_required", e.message};
    case up::UpstreamError::Kind::kForbidden:
      throw HttpError{422, "upstream_forbidden", e.message};
    case up::UpstreamError::Kind::kInvalidRequest:
      throw HttpError{502, "upstream_refused", e.message};
    case up::UpstreamError::Kind::kMisconfigured:
      throw HttpError{503, "provider_misconfigured", e.message};
    case up::UpstreamError::Kind::kUnavailable:
      break;
  }
  throw HttpError{502, "upstream_unavailable", e.message};
}

namespace {

// An API key as a header value: printable ASCII, no spaces or line breaks.
std::string api_key_param(Ctx& c, const json& b) {
  auto key = c.param(b, "api_key");
  if (!key || key->empty()) throw HttpError{422, "missing_parameter", "'api_key' is required"};
  if (key->size() > 512)
    throw HttpError{422, "invalid_parameter", "'api_key' is longer than 512 characters"};
  for (char ch : *key) {
    if (ch <= ' ' || ch > '~')
      throw HttpError{422, "invalid_parameter",
                      "'api_key' holds characters an API key cannot have"};
  }
  return *key;
}

void brevo_connect(Ctx& c) {
  const json b = c.body();
  const Owner o = owner_of(c, b, "admin");
  const std::string key = api_key_param(c, b);
  const up::Upstream<up::brevo::Account> acct =
      up::brevo::account(key);  // the key is tried before it is kept
  if (!acct.ok()) upstream_failed(*acct.error, "invalid_api_key");
  const up::brevo::Account& a = *acct.value;
  const json details = {{"email", a.email},
                        {"company_name", a.company_name},
                        {"organization_id", a.organization_id},
                        {"user_id", a.user_id},
                        {"plans", a.plans}};
  const json secret = {{"api_key", key}};
  const Credential cred = c.app.store.save_credential(
      o.kind, o.id, "brevo", a.organization_id.empty() ? a.email : a.organization_id, a.email,
      details.dump(), c.me().id, std::nullopt, [&](const std::string& public_id) {
        return std::make_pair(
            static_cast<int64_t>(c.app.vault.current_key_id()),
            c.app.vault.seal(secret.dump(), credential_aad(o.kind, o.id, "brevo", public_id)));
      });
  json out = status_json("brevo", o, cred);
  out["message"] = "Brevo connected as " + a.email;
  c.send(200, out);
}

void brevo_status(Ctx& c) {
  const json b = c.req.method == "GET" ? json::object() : c.body();
  const Owner o = owner_of(c, b, "member");
  c.send(200, status_json("brevo", o, c.app.store.credential(o.kind, o.id, "brevo")));
}

void brevo_disconnect(Ctx& c) {
  const json b = c.req.method == "DELETE" ? json::object() : c.body();
  const Owner o = owner_of(c, b, "admin");
  // Brevo keys have no revoke endpoint: the key is forgotten here and the
  // user is told to delete it in Brevo if it is no longer needed.
  const bool had = c.app.store.delete_credential(o.kind, o.id, "brevo");
  c.send(
      200,
      {{"success", true},
       {"platform", "brevo"},
       {"disconnected", had},
       {"message",
        had ? "Brevo disconnected; delete the API key in Brevo (SMTP & API) if nothing else uses it"
            : "Brevo was not connected"}});
}

}  // namespace

void register_connection_routes(Router& r, App&) {
  for (const char* path : {"/api/oauth/brevo/save-api-key", "/api/brevo/connect"})
    r.add("POST", path, {.max_body = kSmallBody}, brevo_connect);
  for (const char* path : {"/api/oauth/brevo/status", "/api/brevo/status"})
    r.add("GET", path, {}, brevo_status);
  for (const char* path : {"/api/oauth/brevo/disconnect", "/api/brevo/disconnect"})
    r.add("POST", path, {}, brevo_disconnect);
  r.add("DELETE", "/api/oauth/brevo/disconnect", {}, brevo_disconnect);
  r.add("POST", "/api/oauth/brevo/select-account", {.max_body = kSmallBody}, [](Ctx& c) {
    const json b = c.body();
    const Owner o = owner_of(c, b, "admin");
    const std::string id = c.param(b, "account_id").value_or("");
    if (id.empty()) throw HttpError{422, "missing_parameter", "'account_id' is required"};
    std::optional<Credential> chosen;
    for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, "brevo")) {
      if (cred.account_id == id) chosen = cred;
    }
    if (!chosen) throw HttpError{404, "unknown_account", "no connected Brevo account " + id};
    c.app.store.set_primary_credential(chosen->id);
    json out = status_json("brevo", o, c.app.store.credential_by_id(chosen->id));
    out["message"] = "Brevo account " + chosen->label + " selected";
    c.send(200, out);
  });
  r.add("GET", "/api/oauth/brevo/accounts", {}, [](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    json list = json::array();
    if (auto cred = c.app.store.credential(o.kind, o.id, "brevo")) {
      json d = json::parse(cred->details, nullptr, false);
      if (!d.is_object()) d = json::object();
      d["id"] = cred->account_id;
      d["selected"] = true;
      list.push_back(d);
    }
    c.send(200,
           {{"success", true}, {"platform", "brevo"}, {"accounts", list}, {"total", list.size()}});
  });
}

}  // namespace glint::native
