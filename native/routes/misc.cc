// /api/onboarding/* (per-user state) and /api/internal/* (service-to-service,
// behind X-API-Key = GLINT_INTERNAL_API_KEY, disabled when it is unset),
// which also lists the router's routes for the contract tests.
#include <algorithm>
#include <cmath>

#include "http/app.h"
#include "routes/connections.h"
#include "auth/crypto.h"

namespace glint::native {

namespace {

const std::vector<std::string> kSteps = {"welcome", "workspace", "connect_platforms", "upload_data", "first_insights", "done"};

json onboarding_json(const Onboarding& o) {
  const auto it = std::find(kSteps.begin(), kSteps.end(), o.step);
  const size_t index = it == kSteps.end() ? 0 : static_cast<size_t>(it - kSteps.begin());
  // The seeds' progress view, over the real steps ("done" only marks the end).
  const size_t real = kSteps.size() - 1;
  const size_t done = o.status == "completed" ? real : std::min(index, real);
  const std::vector<std::string> completed(kSteps.begin(), kSteps.begin() + static_cast<std::ptrdiff_t>(done));
  const std::vector<std::string> pending(kSteps.begin() + static_cast<std::ptrdiff_t>(done), kSteps.begin() + static_cast<std::ptrdiff_t>(real));
  const double percent = std::round(1000.0 * static_cast<double>(done) / static_cast<double>(real)) / 10.0;
  return {{"current_step", o.step}, {"step_index", index}, {"steps", kSteps}, {"status", o.status},
          {"completed_steps", completed}, {"pending_steps", pending}, {"progress_percentage", percent},
          {"can_skip", o.status != "completed" && o.status != "skipped"},
          {"completed", o.status == "completed"}, {"skipped", o.status == "skipped"},
          {"data", json::parse(o.data, nullptr, false).is_discarded() ? json::object() : json::parse(o.data)},
          {"updated_at", o.updated_at.empty() ? json(nullptr) : json(o.updated_at)}};
}

}  // namespace

void require_internal_key(Ctx& c) {
  const std::string& key = c.app.config.internal_api_key;
  if (key.empty()) throw HttpError{404, "not_found", "no route for " + c.req.method + " " + c.req.path};
  if (!crypto::constant_time_equal(crypto::sha256_hex(c.req.get_header_value("X-API-Key")), crypto::sha256_hex(key))) {
    throw HttpError{401, "invalid_api_key", "a valid X-API-Key header is required"};
  }
}

void register_onboarding_routes(Router& r, App&) {
  r.add("GET", "/api/onboarding/status", {}, [](Ctx& c) { c.send(200, onboarding_json(c.app.store.onboarding(c.me().id))); });
  r.add("POST", "/api/onboarding/update-step", {}, [](Ctx& c) {
    const json b = c.body();
    Onboarding o = c.app.store.onboarding(c.me().id);
    const auto step = c.param(b, "step");
    if (!step || std::find(kSteps.begin(), kSteps.end(), *step) == kSteps.end()) {
      throw HttpError{422, "invalid_parameter", "'step' must be one of welcome, workspace, connect_platforms, upload_data, first_insights, done"};
    }
    o.step = *step;
    if (b.contains("data")) {
      if (!b["data"].is_object()) throw HttpError{422, "invalid_parameter", "'data' must be an object"};
      json merged = json::parse(o.data, nullptr, false);
      if (!merged.is_object()) merged = json::object();
      merged.update(b["data"]);
      o.data = merged.dump();
    }
    if (o.status != "completed") o.status = o.step == "done" ? "completed" : "in_progress";
    c.app.store.save_onboarding(c.me().id, o);
    c.send(200, onboarding_json(c.app.store.onboarding(c.me().id)));
  });
  r.add("POST", "/api/onboarding/advance", {}, [](Ctx& c) {
    Onboarding o = c.app.store.onboarding(c.me().id);
    auto it = std::find(kSteps.begin(), kSteps.end(), o.step);
    if (it != kSteps.end() && it + 1 != kSteps.end()) o.step = *(it + 1);
    if (o.step == "done") o.status = "completed";
    c.app.store.save_onboarding(c.me().id, o);
    c.send(200, onboarding_json(c.app.store.onboarding(c.me().id)));
  });
  for (const auto& [path, status] : {std::pair{"/api/onboarding/complete", "completed"}, std::pair{"/api/onboarding/skip", "skipped"}}) {
    r.add("POST", path, {}, [status = std::string(status)](Ctx& c) {
      Onboarding o = c.app.store.onboarding(c.me().id);
      o.status = status;
      o.step = "done";
      c.app.store.save_onboarding(c.me().id, o);
      c.send(200, onboarding_json(c.app.store.onboarding(c.me().id)));
    });
  }
  r.add("GET", "/api/onboarding/available-platforms", {}, [](Ctx& c) {
    json list = platform_catalogue(c.app, std::nullopt);
    for (json& p : list) {
      const std::string id = p["id"];
      p["category"] = id == "google_ads" || id == "meta_ads" ? "advertising"
                      : id == "ga4"                          ? "analytics"
                      : id == "facebook"                     ? "social"
                      : id == "hubspot"                      ? "crm"
                                                             : "email";
    }
    list.push_back({{"id", "csv"}, {"name", "CSV upload"}, {"category", "files"}, {"auth", "none"}, {"provider", "csv"},
                    {"configured", true}, {"available", true}, {"missing_settings", json::array()}});
    c.send(200, {{"platforms", list}});
  });
}

void register_internal_routes(Router& r, App& app) {
  // What the router serves, as registered (the contract tests compare it
  // with schemas/openapi.json). The router outlives every request.
  r.add("GET", "/api/internal/routes", {.auth = false}, [&r](Ctx& c) {
    require_internal_key(c);
    json list = json::array();
    for (const auto& [method, pattern] : r.routes()) list.push_back({{"method", method}, {"pattern", pattern}});
    c.send(200, {{"routes", list}, {"total", list.size()}});
  });
  // /openapi.json and /docs (registered here until serve() lists them itself).
  register_contract_routes(r, app);

  r.add("GET", "/api/internal/health", {.auth = false}, [](Ctx& c) {
    require_internal_key(c);
    c.send(200, {{"status", "healthy"}, {"timestamp", now_iso()}, {"database_bytes", c.app.store.database_bytes()}});
  });
  r.add("GET", "/api/internal/clients", {.auth = false}, [](Ctx& c) {
    require_internal_key(c);
    json list = json::array();
    for (const User& u : c.app.store.users()) {
      json tenants = json::array();
      for (const Tenant& t : c.app.store.tenants_of(u.id)) tenants.push_back({{"id", t.public_id}, {"name", t.name}, {"role", t.role}});
      list.push_back({{"user_id", u.public_id}, {"email", u.email}, {"name", u.name}, {"created_at", u.created_at}, {"tenants", tenants}});
    }
    c.send(200, {{"clients", list}, {"total", list.size()}});
  });
  r.add("GET", "/api/internal/clients/ids", {.auth = false}, [](Ctx& c) {
    require_internal_key(c);
    json ids = json::array();
    for (const User& u : c.app.store.users()) ids.push_back(u.public_id);
    c.send(200, {{"client_ids", ids}, {"total", ids.size()}});
  });
  r.add("GET", "/api/internal/clients/([^/]+)/accounts", {.auth = false}, [](Ctx& c) {
    require_internal_key(c);
    const std::string uid = c.capture(1);
    for (const User& u : c.app.store.users()) {
      if (u.public_id != uid) continue;
      json accounts = json::array();
      for (const Tenant& t : c.app.store.tenants_of(u.id)) {
        for (const DatasetMeta& d : c.app.store.datasets(t.id)) {
          accounts.push_back({{"tenant_id", t.public_id}, {"platform", d.platform}, {"source", "csv"}, {"dataset_id", d.public_id},
                              {"name", d.name}});
        }
      }
      json connections = json::array();
      auto add = [&connections](const Credential& cred, const std::string& owner) {
        connections.push_back({{"platform", cred.provider}, {"connection_id", cred.public_id}, {"account_id", cred.account_id},
                               {"label", cred.label}, {"status", cred.status}, {"owner", owner}});
      };
      for (const Credential& cred : c.app.store.credentials_of("user", u.id, "")) add(cred, u.public_id);
      for (const Tenant& t : c.app.store.tenants_of(u.id)) {
        for (const Credential& cred : c.app.store.credentials_of("tenant", t.id, "")) add(cred, t.public_id);
      }
      c.send(200, {{"user_id", uid}, {"accounts", accounts}, {"connections", connections}});
      return;
    }
    throw HttpError{404, "not_found", "no such client"};
  });
}

}  // namespace glint::native
