// What a connection reaches, read from the provider and recorded: Google Ads
// customers (managers and clients) and GA4 properties, Meta ad accounts and
// pages, a HubSpot portal's details, a Mailchimp account. Used when a
// connection is made, by the refresh and sync routes, and later by sync.
#include <nlohmann/json.hpp>

#include "routes/connections.h"

namespace glint::native {

namespace up = glint::connectors;
using Kind = up::UpstreamError::Kind;

namespace {

json failure_json(const std::string& what, const up::UpstreamError& e) {
  json f = {{"account", what}, {"message", e.message}};
  if (!e.upstream_code.empty()) f["code"] = e.upstream_code;
  return f;
}

bool fatal(const up::UpstreamError& e) {
  return e.kind == Kind::kReauthRequired || e.kind == Kind::kTokenExpired;
}

bool granted(const json& details, const char* flag) {
  return !details.is_object() || details.value(flag, true);
}

}  // namespace

Discovery discover_accounts(App& app, const Credential& cred) {
  Discovery out;
  const json details = json::parse(cred.details, nullptr, false);
  auto record = [&](const char* kind, const std::vector<FoundAccount>& found) {
    out.vanished += app.store.record_accounts(cred.id, {kind}, found);
    out.found[kind] = static_cast<int64_t>(found.size());
  };
  auto failed = [&](const std::string& what, const up::UpstreamError& e) {
    if (fatal(e)) out.error = e;
    out.failures.push_back(failure_json(what, e));
  };
  if (cred.provider == "google") {
    const up::google::Config& cfg = app.oauth.settings().google;
    if (granted(details, "ads")) {
      auto h = app.oauth.with_token<up::google::Hierarchy>(
          app.store, app.vault, cred.id,
          [&](const std::string& t) { return up::google::discover(cfg, t); });
      if (h.ok()) {
        std::vector<FoundAccount> found;
        auto add = [&found](const up::google::Customer& cu) {
          json d = {{"currency_code", cu.currency}, {"time_zone", cu.time_zone},
                    {"status", cu.status},          {"manager", cu.manager},
                    {"managers", cu.managers},      {"test_account", cu.test_account}};
          found.push_back({"google_ads", cu.id, cu.name, d.dump()});
        };
        for (const auto& m : h.value->managers) add(m);
        for (const auto& cl : h.value->clients) add(cl);
        record("google_ads", found);
        for (const auto& f : h.value->failures)
          out.failures.push_back(failure_json(f.customer_id, f.error));
      } else {
        failed("google_ads", *h.error);
      }
    }
    if (!out.error && granted(details, "ga4")) {
      auto props = app.oauth.with_token<std::vector<up::google::Ga4Property>>(
          app.store, app.vault, cred.id,
          [](const std::string& t) { return up::google::ga4_properties(t); });
      if (props.ok()) {
        std::vector<FoundAccount> found;
        for (const auto& p : *props.value) {
          json d = {{"property_type", p.property_type},
                    {"account_id", p.account_id},
                    {"account_name", p.account_name}};
          found.push_back({"ga4", p.property_id, p.display_name, d.dump()});
        }
        record("ga4", found);
      } else {
        failed("ga4", *props.error);
      }
    }
  } else if (cred.provider == "meta") {
    const up::meta::Config& cfg = app.oauth.settings().meta;
    auto acts = app.oauth.with_token<std::vector<up::meta::AdAccount>>(
        app.store, app.vault, cred.id,
        [&](const std::string& t) { return up::meta::ad_accounts(cfg, t); });
    if (acts.ok()) {
      std::vector<FoundAccount> found;
      for (const auto& a : *acts.value) {
        json d = {{"account_id", a.account_id},
                  {"currency", a.currency},
                  {"timezone_name", a.timezone_name},
                  {"account_status", a.account_status},
                  {"business_name", a.business_name}};
        found.push_back({"meta_ads", a.id, a.name, d.dump()});
      }
      record("meta_ads", found);
    } else {
      failed("meta_ads", *acts.error);
    }
    if (!out.error) {
      auto pages = app.oauth.with_token<std::vector<up::meta::Page>>(
          app.store, app.vault, cred.id,
          [&](const std::string& t) { return up::meta::pages(cfg, t); });
      if (pages.ok()) {
        std::vector<FoundAccount> found;
        for (const auto& p : *pages.value)
          found.push_back({"facebook_page", p.id, p.name,
                           json{{"category", p.category}, {"tasks", p.tasks}}.dump()});
        record("facebook_page", found);
      } else {
        failed("facebook_page", *pages.error);
      }
    }
  } else if (cred.provider == "hubspot") {
    auto d = app.oauth.with_token<up::hubspot::PortalDetails>(
        app.store, app.vault, cred.id,
        [](const std::string& t) { return up::hubspot::account_details(t); });
    if (d.ok()) {
      json next = details.is_object() ? details : json::object();
      next["time_zone"] = d.value->time_zone;
      next["currency"] = d.value->currency;
      next["account_type"] = d.value->account_type;
      next["ui_domain"] = d.value->ui_domain;
      next["data_hosting_location"] = d.value->data_hosting_location;
      app.store.set_credential_details(cred.id, next.dump());
      out.found["hubspot_portal"] = 1;
    } else {
      failed("hubspot_portal", *d.error);
    }
  } else if (cred.provider == "mailchimp") {
    up::mailchimp::Metadata md;
    if (details.is_object()) {
      md.dc = details.value("dc", "");
      md.api_endpoint = details.value("api_endpoint", "");
    }
    auto a = app.oauth.with_token<up::mailchimp::Account>(
        app.store, app.vault, cred.id,
        [&md](const std::string& t) { return up::mailchimp::account(md, t); });
    if (a.ok()) {
      json next = details.is_object() ? details : json::object();
      next["total_subscribers"] = a.value->total_subscribers;
      next["account_name"] = a.value->account_name;
      app.store.set_credential_details(cred.id, next.dump());
      out.found["mailchimp_account"] = 1;
    } else {
      failed("mailchimp_account", *a.error);
    }
  }
  json next =
      json::parse(app.store.credential_by_id(cred.id).value_or(cred).details, nullptr, false);
  if (!next.is_object()) next = json::object();
  next["validated_at"] = iso_of(now_unix());
  next["vanished_accounts"] = out.vanished;
  next["discovery_failures"] = static_cast<int64_t>(out.failures.size());
  app.store.set_credential_details(cred.id, next.dump());
  return out;
}

json discovery_json(const Discovery& d) {
  json out = {{"found", d.found}, {"vanished", d.vanished}, {"failures", d.failures}};
  return out;
}

json account_json(const PlatformAccount& a) {
  json d = json::parse(a.details, nullptr, false);
  if (!d.is_object()) d = json::object();
  json out = d;
  out["id"] = a.external_id;
  out["name"] = a.name;
  out["kind"] = a.kind;
  out["linked"] = a.linked;
  out["selected"] = a.selected;
  out["state"] = a.status;
  return out;
}

}  // namespace glint::native
