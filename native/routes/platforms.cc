// Connection management across providers: /api/platform/{platform}/*,
// /api/accounts/*, platform preferences, the workspace's integrations, and
// the one route that returns secrets (/api/internal/clients/{id}/credentials,
// behind the internal key, audited).
#include <nlohmann/json.hpp>

#include "brevo/brevo.h"
#include "routes/connections.h"
#include "sync/sync.h"
#include "vault/credentials.h"

namespace glint::native {

namespace up = glint::connectors;

namespace {

struct PlatformInfo {
  const char* id;
  const char* name;
  const char* provider;
  const char* kind;  // the account kind it links ("" when the connection is the account)
  const char* auth;
};

constexpr PlatformInfo kPlatforms[] = {
    {"google_ads", "Google Ads", "google", "google_ads", "oauth"},
    {"ga4", "Google Analytics 4", "google", "ga4", "oauth"},
    {"meta_ads", "Meta Ads", "meta", "meta_ads", "oauth"},
    {"facebook", "Facebook Pages", "meta", "facebook_page", "oauth"},
    {"hubspot", "HubSpot", "hubspot", "", "oauth"},
    {"mailchimp", "Mailchimp", "mailchimp", "", "oauth"},
    {"brevo", "Brevo", "brevo", "", "api_key"},
};

const PlatformInfo& platform(const std::string& id) {
  for (const PlatformInfo& p : kPlatforms) {
    if (id == p.id) return p;
  }
  // The providers' own names are accepted too.
  if (id == "google") return kPlatforms[0];
  if (id == "meta") return kPlatforms[2];
  throw HttpError{404, "unknown_platform",
                  "no platform '" + id.substr(0, 40) +
                      "' (google_ads, ga4, meta_ads, facebook, hubspot, mailchimp, brevo)"};
}

json platform_status(App& app, const Owner& o, const PlatformInfo& p) {
  json out = status_json(p.id, o, app.store.credential(o.kind, o.id, p.provider));
  out["provider"] = p.provider;
  out["configured"] =
      std::string(p.provider) == "brevo" || app.oauth.missing_settings(p.provider).empty();
  if (std::optional<Credential> cred = app.store.credential(o.kind, o.id, p.provider);
      cred && *p.kind != '\0') {
    int64_t linked = 0, vanished = 0;
    for (const PlatformAccount& a : app.store.platform_accounts(cred->id, p.kind)) {
      linked += a.linked ? 1 : 0;
      vanished += a.status == "vanished" ? 1 : 0;
    }
    out["linked_accounts"] = linked;
    out["vanished_accounts"] = vanished;
  }
  const std::string_view kind = p.kind;
  const bool synced_kind = kind.empty() || kind == "google_ads" || kind == "ga4" || kind == "meta_ads";  // not Facebook pages
  if (std::optional<Credential> cred = app.store.credential(o.kind, o.id, p.provider); cred && synced_kind && syncs_data(cred->provider)) {
    // Freshness of this platform's synced accounts; stale after 48 hours without a sync.
    const std::string platform = *p.kind != '\0' ? std::string(p.kind) : cred->provider;
    const int64_t linked = *p.kind != '\0' ? out.value("linked_accounts", int64_t{0}) : 1;
    const int64_t now = now_unix();
    json accounts = json::array();
    bool stale = false;
    std::optional<int64_t> last;
    for (const SyncedAccount& a : app.store.synced_accounts(cred->id)) {
      if (a.platform != platform) continue;
      json f = freshness_json(a, now);
      stale = stale || f["stale"].get<bool>();
      if (a.last_success && (!last || *a.last_success > *last)) last = a.last_success;
      accounts.push_back(std::move(f));
    }
    const std::vector<SyncRun> runs = app.store.sync_runs_of(cred->id, 1);
    out["sync"] = {{"accounts", accounts},
                   {"last_success", last ? json(iso_of(*last)) : json(nullptr)},
                   {"stale", linked > 0 && (accounts.empty() || stale)},
                   {"stale_after_hours", kStaleAfter / 3600},
                   {"current", runs.empty() ? json(nullptr) : json{{"task_id", runs.front().public_id}, {"status", runs.front().status}}}};
  }
  return out;
}

std::string account_param(Ctx& c, const json& b) {
  for (const char* n :
       {"account_id", "customer_id", "property_id", "page_id", "hub_id", "mailchimp_id"}) {
    if (auto v = c.param(b, n); v && !v->empty()) return *v;
  }
  throw HttpError{422, "missing_parameter", "'account_id' is required"};
}

Credential connected(App& app, const Owner& o, const PlatformInfo& p) {
  std::optional<Credential> cred = app.store.credential(o.kind, o.id, p.provider);
  if (!cred) throw HttpError{404, "not_connected", std::string(p.name) + " is not connected"};
  return *cred;
}

json refresh_connection(App& app, const Credential& cred) {
  json out = {{"platform", cred.provider}, {"connection_id", cred.public_id}};
  if (cred.provider == "brevo") {
    Result<std::string> doc = open_credential(app.vault, cred);
    if (!doc.ok()) throw HttpError{500, "vault_error", doc.status().message()};
    const json secret = json::parse(doc.value(), nullptr, false);
    const up::Upstream<up::brevo::Account> a = up::brevo::account(secret.value("api_key", ""));
    if (!a.ok()) {
      if (a.error->kind == up::UpstreamError::Kind::kRejected)
        app.store.set_credential_status(cred.id, "reconnect_required", a.error->message);
      upstream_failed(*a.error);
    }
    out["refreshed"] = false;
    out["discovery"] = {
        {"found", {{"brevo_account", 1}}}, {"vanished", 0}, {"failures", json::array()}};
    return out;
  }
  std::string stale;
  if (Result<Secret> s = OAuth::open(app.vault, cred); s.ok()) stale = s.value().access_token;
  bool refreshed = false;
  if (cred.provider != "mailchimp") {
    const int64_t before = app.oauth.refreshes();
    up::Upstream<std::string> t = app.oauth.access_token(app.store, app.vault, cred.id, stale);
    if (!t.ok()) upstream_failed(*t.error);
    refreshed = app.oauth.refreshes() > before;
  }
  const Discovery d = discover_accounts(app, cred);
  if (d.error) upstream_failed(*d.error);
  out["refreshed"] = refreshed;
  out["discovery"] = discovery_json(d);
  return out;
}

json all_accounts(App& app, const Owner& o) {
  json list = json::array();
  for (const Credential& cred : app.store.credentials_of(o.kind, o.id, "")) {
    for (const PlatformAccount& a : app.store.platform_accounts(cred.id, "")) {
      json j = account_json(a);
      for (const PlatformInfo& p : kPlatforms) {
        if (a.kind == p.kind) j["platform"] = p.id;
      }
      j["connection_id"] = cred.public_id;
      list.push_back(j);
    }
    if (cred.provider == "hubspot" || cred.provider == "mailchimp" || cred.provider == "brevo") {
      list.push_back({{"id", cred.account_id},
                      {"name", cred.label},
                      {"kind", cred.provider + "_account"},
                      {"platform", cred.provider},
                      {"linked", true},
                      {"selected", cred.is_primary},
                      {"state", "active"},
                      {"connection_id", cred.public_id}});
    }
  }
  return list;
}

constexpr size_t kMaxPreferencesBytes = 16 * 1024;

json validated_preferences(const json& b) {
  const json& prefs = b.contains("preferences") ? b["preferences"] : b;
  if (!prefs.is_object())
    throw HttpError{422, "invalid_parameter", "'preferences' must be an object keyed by platform"};
  if (prefs.dump().size() > kMaxPreferencesBytes)
    throw HttpError{413, "too_large", "platform preferences are limited to 16 KiB"};
  json out = json::object();
  for (const auto& [key, value] : prefs.items()) {
    if (key == "tenant_id") continue;
    (void)platform(key);  // 404 unknown_platform names it
    if (!value.is_object())
      throw HttpError{422, "invalid_parameter", "preferences['" + key + "'] must be an object"};
    json clean = json::object();
    for (const auto& [field, v] : value.items()) {
      if (field == "enabled" || field == "auto_sync" || field == "notify") {
        if (!v.is_boolean())
          throw HttpError{422, "invalid_parameter",
                          "preferences['" + key + "']['" + field + "'] must be true or false"};
      } else if (field == "default_account_id" || field == "sync_frequency" ||
                 field == "currency" || field == "attribution_window") {
        if (!v.is_string() || v.get<std::string>().size() > 128) {
          throw HttpError{422, "invalid_parameter",
                          "preferences['" + key + "']['" + field + "'] must be a short string"};
        }
        if (field == "sync_frequency" && v != "hourly" && v != "daily" && v != "weekly" &&
            v != "manual") {
          throw HttpError{422, "invalid_parameter",
                          "preferences['" + key +
                              "']['sync_frequency'] must be hourly, daily, weekly or manual"};
        }
      } else {
        throw HttpError{422, "invalid_parameter",
                        "preferences['" + key + "'] has an unknown field '" + field.substr(0, 40) +
                            "' (enabled, auto_sync, notify, default_account_id, sync_frequency, "
                            "currency, attribution_window)"};
      }
      clean[field] = v;
    }
    out[key] = clean;
  }
  return out;
}

}  // namespace

json integrations_json(App& app, const Owner& o) {
  json list = json::array();
  for (const PlatformInfo& p : kPlatforms) {
    json s = platform_status(app, o, p);
    s["id"] = p.id;
    s["name"] = p.name;
    s["auth"] = p.auth;
    list.push_back(s);
  }
  return list;
}

json platform_catalogue(App& app, const std::optional<Owner>& o) {
  json list = json::array();
  for (const PlatformInfo& p : kPlatforms) {
    const std::vector<std::string> missing = std::string(p.provider) == "brevo"
                                                 ? std::vector<std::string>{}
                                                 : app.oauth.missing_settings(p.provider);
    json j = {{"id", p.id},
              {"name", p.name},
              {"auth", p.auth},
              {"provider", p.provider},
              {"configured", missing.empty()},
              {"available", missing.empty()},
              {"missing_settings", missing}};
    if (o) j["connected"] = app.store.credential(o->kind, o->id, p.provider).has_value();
    list.push_back(j);
  }
  return list;
}

void register_platform_routes(Router& r, App&) {
  const std::string plat = "/api/platform/([a-z0-9_]{1,32})";
  r.add("GET", plat + "/status", {}, [](Ctx& c) {
    const PlatformInfo& p = platform(c.capture(1));
    const Owner o = owner_of(c, json::object(), "member");
    c.send(200, platform_status(c.app, o, p));
  });
  r.add("POST", plat + "/refresh", {.max_body = kSmallBody}, [](Ctx& c) {
    const PlatformInfo& p = platform(c.capture(1));
    const Owner o = owner_of(c, c.body(), "admin");
    const Credential cred = connected(c.app, o, p);
    json out = refresh_connection(c.app, cred);
    out["success"] = true;
    if (syncs_data(cred.provider) && c.app.syncer != nullptr) {
      // On demand: the data follows the refreshed connection (a queued or running sync is reused).
      const auto [run, added] = c.app.syncer->request(cred, "manual");
      out["sync"] = {{"task_id", run.public_id}, {"status", run.status}, {"queued", added}};
    }
    out["status"] = platform_status(c.app, o, p);
    c.send(200, out);
  });
  r.add("POST", plat + "/disconnect", {.max_body = kSmallBody}, [](Ctx& c) {
    const PlatformInfo& p = platform(c.capture(1));
    const json b = c.body();
    const Owner o = owner_of(c, b, "admin");
    json results = json::array();
    const std::string which = c.param(b, "account_id").value_or("");
    for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, p.provider)) {
      if (which.empty() || cred.account_id == which)
        results.push_back(disconnect_connection(c.app, cred));
    }
    c.send(200, {{"success", true},
                 {"platform", p.id},
                 {"disconnected", !results.empty()},
                 {"connections", results}});
  });

  r.add("GET", "/api/accounts/available", {}, [](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    const json list = all_accounts(c.app, o);
    c.send(200, {{"success", true}, {"accounts", list}, {"total", list.size()}});
  });
  r.add("POST", "/api/accounts/select", {.max_body = kSmallBody}, [](Ctx& c) {
    const json b = c.body();
    const PlatformInfo& p = platform(c.param(b, "platform").value_or(""));
    const Owner o = owner_of(c, b, "admin");
    const std::string id = account_param(c, b);
    if (*p.kind == '\0') {
      bool found = false;
      for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, p.provider)) {
        if (cred.account_id != id) continue;
        c.app.store.set_primary_credential(cred.id);
        found = true;
      }
      if (!found)
        throw HttpError{404, "unknown_account",
                        "not a connected " + std::string(p.name) + " account: " + id};
    } else if (!c.app.store.select_account(connected(c.app, o, p).id, p.kind, id)) {
      throw HttpError{404, "unknown_account", "not an account of this connection: " + id};
    }
    c.send(200, {{"success", true}, {"platform", p.id}, {"selected", id}});
  });
  auto link_platform = [](Ctx& c, const PlatformInfo& p, const json& b, const char* ids_name) {
    const Owner o = owner_of(c, b, "admin");
    if (*p.kind == '\0')
      throw HttpError{
          422, "invalid_parameter",
          std::string(p.name) + " has no accounts to link: its connection is the account"};
    const Credential cred = connected(c.app, o, p);
    std::vector<std::string> ids;
    const json none = json::array();
    const json& list = b.contains(ids_name) ? b[ids_name] : b.contains("account_ids") ? b["account_ids"] : none;
    if (!list.is_array() || list.empty())
      throw HttpError{422, "missing_parameter",
                      std::string("'") + ids_name + "' must be a non-empty list"};
    if (list.size() > 1000)
      throw HttpError{422, "invalid_parameter",
                      std::string("'") + ids_name + "' lists more than 1000 ids"};
    for (const json& x : list) {
      if (!x.is_string() && !x.is_number_integer())
        throw HttpError{422, "invalid_parameter", std::string("'") + ids_name + "' must list ids"};
      std::string id = x.is_string() ? x.get<std::string>() : std::to_string(x.get<int64_t>());
      if (std::string(p.provider) == "google")
        id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
      ids.push_back(id);
    }
    const std::vector<std::string> unknown =
        c.app.store.link_accounts(cred.id, p.kind, ids, b.value("exclusive", false));
    if (!unknown.empty())
      throw HttpError{404, "unknown_account",
                      "not an account of this connection: " + unknown.front()};
    json linked = json::array();
    for (const PlatformAccount& a : c.app.store.platform_accounts(cred.id, p.kind)) {
      if (a.linked) linked.push_back(account_json(a));
    }
    return json{{"success", true},
                {"platform", p.id},
                {"kind", p.kind},
                {"linked", linked},
                {"total", linked.size()}};
  };
  r.add("POST", "/api/accounts/link-platform", {.max_body = kSmallBody}, [link_platform](Ctx& c) {
    const json b = c.body();
    c.send(200, link_platform(c, platform(c.param(b, "platform").value_or("")), b, "account_ids"));
  });
  r.add("POST", "/api/accounts/link-google", {.max_body = kSmallBody}, [link_platform](Ctx& c) {
    const json b = c.body();
    json out = link_platform(c, platform("google_ads"), b, "customer_ids");
    if (auto mcc = c.param(b, "login_customer_id"); mcc && !mcc->empty()) {
      const Owner o = owner_of(c, b, "admin");
      const Credential cred = connected(c.app, o, platform("google_ads"));
      json d = json::parse(cred.details, nullptr, false);
      std::string id = *mcc;
      id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
      d["selected_mcc"] = id;
      c.app.store.set_credential_details(cred.id, d.dump());
      out["login_customer_id"] = id;
    }
    c.send(200, out);
  });
  r.add("POST", "/api/accounts/sync", {.max_body = kSmallBody}, [](Ctx& c) {
    const Owner o = owner_of(c, c.body(), "admin");
    json results = json::array();
    int64_t vanished = 0;
    for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, "")) {
      json one = {{"platform", cred.provider}, {"connection_id", cred.public_id}};
      if (cred.provider == "brevo") {
        try {
          one.update(refresh_connection(c.app, cred));
          one["status"] = "active";
        } catch (const HttpError& e) {
          one["status"] = e.code == "upstream_rejected" ? "reconnect_required" : "error";
          one["message"] = e.detail;
        }
      } else {
        const Discovery d = discover_accounts(c.app, cred);
        vanished += d.vanished;
        one["discovery"] = discovery_json(d);
        one["status"] = d.error ? "reconnect_required" : "active";
        if (d.error) one["message"] = d.error->message;
      }
      results.push_back(one);
    }
    c.send(200, {{"success", true},
                 {"connections", results},
                 {"vanished", vanished},
                 {"synced_at", now_iso()}});
  });
  r.add("GET", "/api/accounts/sync-status", {}, [](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    json list = json::array();
    for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, "")) {
      const json d = json::parse(cred.details, nullptr, false);
      json gone = json::array();
      for (const PlatformAccount& a : c.app.store.platform_accounts(cred.id, "")) {
        if (a.status == "vanished") gone.push_back(account_json(a));
      }
      json one = {{"platform", cred.provider},
                  {"connection_id", cred.public_id},
                  {"status", cred.status},
                  {"vanished_accounts", gone}};
      one["validated_at"] =
          d.is_object() && d.contains("validated_at") ? d["validated_at"] : json(nullptr);
      if (!cred.status_note.empty()) one["status_note"] = cred.status_note;
      list.push_back(one);
    }
    c.send(200, {{"success", true}, {"connections", list}, {"total", list.size()}});
  });

  r.add("GET", "/api/account/platform-preferences", {}, [](Ctx& c) {
    const std::optional<std::string> stored = c.app.store.platform_preferences(c.me().id);
    json prefs = stored ? json::parse(*stored, nullptr, false) : json::object();
    if (!prefs.is_object()) prefs = json::object();
    c.send(200, {{"success", true}, {"preferences", prefs}});
  });
  r.add("PUT", "/api/account/platform-preferences", {.max_body = 32 * 1024}, [](Ctx& c) {
    const json prefs = validated_preferences(c.body());
    c.app.store.set_platform_preferences(c.me().id, prefs.dump());
    c.send(200, {{"success", true}, {"preferences", prefs}});
  });

  // The one route that hands out secrets: for glint's own workers and
  // trusted back ends, behind the internal key, and every call is audited.
  r.add("GET", "/api/internal/clients/([0-9a-f]{1,64})/credentials", {.auth = false}, [](Ctx& c) {
    require_internal_key(c);
    const std::string uid = c.capture(1);
    std::optional<User> user;
    for (const User& u : c.app.store.users()) {
      if (u.public_id == uid) user = u;
    }
    const std::string address = client_address(c.req, c.app.config.trusted_proxies);
    if (!user) {
      c.app.store.audit("internal-key", "credentials.read", "user:" + uid, "no such client",
                        address);
      throw HttpError{404, "not_found", "no such client"};
    }
    std::vector<std::pair<Owner, Credential>> creds;
    for (const Credential& cred : c.app.store.credentials_of("user", user->id, ""))
      creds.push_back({{"user", user->id, user->public_id}, cred});
    for (const Tenant& t : c.app.store.tenants_of(user->id)) {
      if (!role_at_least(t.role, "admin"))
        continue;  // a member's workspaces' secrets are not theirs
      for (const Credential& cred : c.app.store.credentials_of("tenant", t.id, ""))
        creds.push_back({{"tenant", t.id, t.public_id}, cred});
    }
    json list = json::array();
    std::string ids;
    for (const auto& [o, cred] : creds) {
      Result<std::string> doc = open_credential(c.app.vault, cred);
      json secret = doc.ok() ? json::parse(doc.value(), nullptr, false) : json(nullptr);
      list.push_back(
          {{"platform", cred.provider},
           {"connection_id", cred.public_id},
           {"owner", {{"kind", o.kind == "tenant" ? "workspace" : "user"}, {"id", o.public_id}}},
           {"account_id", cred.account_id},
           {"status", cred.status},
           {"credentials", secret.is_object() ? secret : json(nullptr)}});
      ids += (ids.empty() ? "" : ",") + cred.public_id;
    }
    c.app.store.audit("internal-key", "credentials.read", "user:" + uid,
                      "connections:" + (ids.empty() ? std::string("none") : ids), address);
    c.res.set_header("Cache-Control", "no-store");
    c.send(200, {{"user_id", uid}, {"credentials", list}, {"total", list.size()}});
  });
}

}  // namespace glint::native
