// Sync on demand and its status (/sync/*, as the Metricx seed has them), and
// the seed's data APIs over synced rows: /advertising/* (Google Ads) and
// /meta-ads/* (Meta). Every figure is computed by core from the stored
// daily rows (ratios from sums, per currency), the same engine that
// analyses uploads; an account of another workspace is a 404.
#include <nlohmann/json.hpp>

#include "glint/dates.h"
#include "glint/engine.h"
#include "google/google.h"
#include "meta/meta.h"
#include "http/app.h"
#include "routes/connections.h"
#include "sync/sync.h"

namespace glint::native {

namespace {

namespace up = glint::connectors;

const char* provider_of_platform(const std::string& platform) {
  if (platform == "google_ads" || platform == "ga4" || platform == "google") return "google";
  if (platform == "meta_ads" || platform == "meta" || platform == "facebook") return "meta";
  for (const char* email : {"mailchimp", "brevo", "hubspot"}) {
    if (platform == email) return email;
  }
  throw HttpError{404, "unknown_platform",
                  "no syncable platform '" + platform.substr(0, 40) + "' (google_ads, ga4, meta_ads, mailchimp, brevo, hubspot)"};
}

Credential connection_of(Ctx& c, const Owner& o, const std::string& provider, const std::string& public_id) {
  for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, provider)) {
    if (public_id.empty() || cred.public_id == public_id) return cred;
  }
  throw HttpError{404, "not_found", "no such connection"};
}

json run_json(const SyncRun& r) {
  json out = {{"task_id", r.public_id},
              {"status", r.status},
              {"trigger", r.trigger},
              {"progress", {{"slices_total", r.slices_total}, {"slices_done", r.slices_done}}},
              {"rows_written", r.rows_written},
              {"created_at", iso_of(r.created_at)},
              {"message", r.message}};
  out["started_at"] = r.started_at ? json(iso_of(*r.started_at)) : json(nullptr);
  out["finished_at"] = r.finished_at ? json(iso_of(*r.finished_at)) : json(nullptr);
  const json f = json::parse(r.failures, nullptr, false);
  out["failures"] = f.is_array() ? f : json::array();
  return out;
}

json sync_status(App& app, const Credential& cred) {
  json runs = json::array();
  for (const SyncRun& r : app.store.sync_runs_of(cred.id, 5)) runs.push_back(run_json(r));
  json accounts = json::array();
  for (const SyncedAccount& a : app.store.synced_accounts(cred.id)) accounts.push_back(freshness_json(a, now_unix()));
  return {{"success", true}, {"connection_id", cred.public_id}, {"platform", cred.provider}, {"runs", runs}, {"accounts", accounts},
          {"current", runs.empty() ? json(nullptr) : runs.front()}};
}

// A date parameter, or `fallback`; 422 naming the parameter otherwise.
Day date_param(Ctx& c, const char* name, Day fallback) {
  const std::string v = c.req.get_param_value(name);
  if (v.empty()) return fallback;
  const std::optional<Day> d = parse_iso_date(v);
  if (!d) throw HttpError{422, "invalid_parameter", std::string("'") + name + "' must be a date YYYY-MM-DD"};
  return *d;
}

struct Synced {
  Credential cred;
  SyncedAccount account;
};

Synced synced_account(Ctx& c, const std::string& provider, const std::string& platform, const std::string& account_id) {
  const Owner o = owner_of(c, json::object(), "member");
  for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, provider)) {
    for (const SyncedAccount& a : c.app.store.synced_accounts(cred.id)) {
      if (a.account_id == account_id && a.platform == platform) return {cred, a};
    }
  }
  throw HttpError{404, "not_found", "no synced account " + account_id.substr(0, 40) + " in this workspace"};
}

// Core's report over the account's stored rows of `level` in [first, last].
json core_report(const std::vector<SyncedRow>& rows, Day first, Day last, uint32_t metrics_present) {
  Engine engine;
  const CallResult imported = engine.call("ingest.import", synced_import_doc(rows, "synced", metrics_present));
  if (!imported.ok()) throw HttpError{500, "internal", "synced rows could not be loaded"};
  const int64_t handle = json::parse(imported.body)["handle"].get<int64_t>();
  const json req = {{"handles", json::array({handle})}, {"days", std::max(1, last - first + 1)}, {"anchor", iso_date(last)}};
  const CallResult r = engine.call("report.analyze", req.dump());
  if (!r.ok()) throw HttpError{500, "internal", "the synced rows could not be analysed"};
  return json::parse(r.body);
}

json performance(Ctx& c, const std::string& provider, const std::string& platform, const std::string& account_id, const char* level) {
  const Synced s = synced_account(c, provider, platform, account_id);
  // By default up to today in the account's zone (its row is partial and provisional).
  const Day end = date_param(c, "end_date", today_in_zone(s.account.time_zone, now_unix()));
  const Day start = date_param(c, "start_date", end - 29);
  if (start > end) throw HttpError{422, "invalid_parameter", "'start_date' is after 'end_date'"};
  if (end - start > 3 * 366) throw HttpError{422, "invalid_parameter", "the range is limited to three years"};
  std::vector<SyncedRow> rows = c.app.store.synced_rows(s.cred.id, account_id, level, start, end);
  // Core groups ad rows by campaign: for ad groups / ad sets and ads, the
  // entity goes in the campaign's slots, and its campaign is kept beside it.
  const std::string lv = level;
  const size_t slot = lv == "adset" || lv == "ad_group" ? 4 : lv == "ad" ? 6 : 0;
  std::map<std::string, std::pair<json, json>> parent;
  if (slot != 0) {
    for (SyncedRow& r : rows) {
      json d = json::parse(r.dims, nullptr, false);
      if (!d.is_array() || d.size() <= slot + 1) continue;
      parent.emplace(d[slot].get<std::string>(), std::make_pair(d[2], d[3]));
      d[2] = d[slot];
      d[3] = d[slot + 1];
      r.dims = d.dump();
      r.attrs.clear();
    }
  }
  // GA4 rows carry sessions, engaged sessions, views, key events and revenue;
  // users are not additive and are never summed from them.
  const json report = core_report(rows, start, end, platform == "ga4" ? 0b1110011u : 0b11111u);
  const std::optional<int32_t> provisional = c.app.store.first_provisional_day(s.cred.id, account_id, level);
  json daily = json::array();
  for (json d : report.value("by_day", json::array())) {
    const std::optional<Day> day = parse_iso_date(d.value("date", ""));
    d["provisional"] = day && provisional && *day >= *provisional;
    daily.push_back(d);
  }
  json totals = report.value("totals", json::object());
  json by_entity = report.value(platform == "ga4" ? "by_source" : "by_campaign", json::array());
  for (json& e : by_entity) {
    if (auto it = parent.find(e.value("campaign_id", "")); it != parent.end()) {
      e["parent_campaign_id"] = it->second.first;
      e["parent_campaign"] = it->second.second;
    }
  }
  json flags = json::object();  // GA4's thresholding / sampling / "(other)" warnings on any row of the range
  for (const SyncedRow& row : rows) {
    if (row.attrs.find("\"flags\"") == std::string::npos) continue;
    const json a = json::parse(row.attrs, nullptr, false);
    if (a.is_object() && a["flags"].is_object()) flags.update(a["flags"]);
  }
  return {{"success", true},
          {"quality_flags", flags},
          {"platform", platform},
          {"account_id", account_id},
          {"currency", s.account.currency},
          {"time_zone", s.account.time_zone},
          {"start_date", iso_date(start)},
          {"end_date", iso_date(end)},
          {"totals", totals},
          {"daily", daily},
          {"by_entity", by_entity},
          {"provisional_from", provisional ? json(iso_date(*provisional)) : json(nullptr)},
          {"freshness", freshness_json(s.account, now_unix())}};
}

json accounts_list(Ctx& c, const std::string& provider, const std::string& platform) {
  const Owner o = owner_of(c, json::object(), "member");
  json list = json::array();
  for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, provider)) {
    for (const SyncedAccount& a : c.app.store.synced_accounts(cred.id)) {
      if (a.platform != platform) continue;
      json j = freshness_json(a, now_unix());
      j["connection_id"] = cred.public_id;
      list.push_back(j);
    }
  }
  return {{"success", true}, {"platform", platform}, {"accounts", list}, {"total", list.size()}};
}

// The entities of one level with their figures over the range (campaigns,
// ad groups / ad sets, ads).
json entities(Ctx& c, const std::string& provider, const std::string& platform, const std::string& account_id, const char* level,
              const char* key) {
  json p = performance(c, provider, platform, account_id, level);
  json out = {{"success", true}, {"platform", platform}, {"account_id", account_id}, {"currency", p["currency"]},
              {"start_date", p["start_date"]}, {"end_date", p["end_date"]}};
  json list = p["by_entity"];
  if (c.req.get_param_value("include_metrics") == "false") {
    for (json& e : list) {
      json brief = {{"campaign_id", e.value("campaign_id", "")}, {"campaign", e.value("campaign", "")}};
      if (e.contains("parent_campaign_id")) {
        brief["parent_campaign_id"] = e["parent_campaign_id"];
        brief["parent_campaign"] = e["parent_campaign"];
      }
      e = brief;
    }
  }
  out[key] = list;
  out["total"] = list.size();
  return out;
}

// GA4 users over [start, end] as their own aggregate (a report without
// dimensions: a visitor of several days counts once), asked of GA4 at
// request time; unavailable, with the reason, when GA4 cannot answer.
json period_users(Ctx& c, const Synced& s, const json& perf) {
  auto got = c.app.oauth.with_token<up::google::Ga4Totals>(c.app.store, c.app.vault, s.cred.id, [&](const std::string& t) {
    return up::google::ga4_totals(t, s.account.account_id, perf.value("start_date", ""), perf.value("end_date", ""));
  });
  if (!got.ok()) {
    return {{"available", false},
            {"reason", "users are not additive across days, so they are asked of GA4 for the period; GA4 did not answer: " +
                           got.error->message}};
  }
  return {{"available", true}, {"total_users", got.value->total_users}, {"new_users", got.value->new_users},
          {"source", "GA4 runReport over the whole period without dimensions (never a sum of daily users)"}};
}

// Meta reach over the whole range as Meta's own figure (insights without
// time_increment): a person reached on several days counts once. Frequency
// is the period's impressions over that reach, both from the same answer.
json period_reach(Ctx& c, const std::string& account_id, const json& perf) {
  const Synced s = synced_account(c, "meta", "meta_ads", account_id);
  auto got = c.app.oauth.with_token<up::meta::Totals>(c.app.store, c.app.vault, s.cred.id, [&](const std::string& t) {
    return up::meta::reach_total(c.app.oauth.settings().meta, t, account_id, "", perf.value("start_date", ""), perf.value("end_date", ""));
  });
  if (!got.ok()) {
    return {{"available", false},
            {"reason", "reach is not additive across days, so it is asked of Meta for the period; Meta did not answer: " + got.error->message}};
  }
  json out = {{"available", true}, {"reach", got.value->reach},
              {"frequency", got.value->reach > 0 ? json(static_cast<double>(got.value->impressions) / static_cast<double>(got.value->reach))
                                                 : json(nullptr)},
              {"source", "Meta insights over the whole period without time_increment (never a sum of daily reach)"}};
  return out;
}

json analytics_metrics(Ctx& c, const std::string& property) {
  json p = performance(c, "google", "ga4", property, "traffic");
  const Synced s = synced_account(c, "google", "ga4", property);
  json out = {{"success", true}, {"property_id", property}};
  for (const char* k : {"currency", "time_zone", "start_date", "end_date", "totals", "daily", "provisional_from", "quality_flags", "freshness"}) {
    out[k] = p[k];
  }
  out["users"] = period_users(c, s, p);
  return out;
}

// ---- Email and CRM (Mailchimp, Brevo; HubSpot deals): exact integer sums of
// the synced rows, rates only from those sums (core has no email kind yet).

std::optional<double> ratio(int64_t num, int64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

json opt(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

struct EmailSums {
  std::array<int64_t, 7> m{};
  void add(const SyncedRow& r) {
    for (size_t i = 0; i < m.size(); ++i) m[i] += r.m[i];
  }
  json to_json(bool crm) const {
    auto units = [](int64_t micros) { return micros / 1'000'000; };
    if (crm) return {{"deals_won", units(m[0])}, {"amount", static_cast<double>(m[1]) / 1e6}};
    return {{"sent", units(m[0])},
            {"delivered", units(m[1])},
            {"unique_opens", units(m[2])},
            {"unique_clicks", units(m[3])},
            {"bounces", units(m[4])},
            {"unsubscribes", units(m[5])},
            {"revenue", static_cast<double>(m[6]) / 1e6},
            {"open_rate", opt(ratio(m[2], m[1]))},
            {"click_rate", opt(ratio(m[3], m[1]))},
            {"click_to_open_rate", opt(ratio(m[3], m[2]))},
            {"bounce_rate", opt(ratio(m[4], m[0]))},
            {"unsubscribe_rate", opt(ratio(m[5], m[1]))}};
  }
};

json email_report(Ctx& c, const std::string& provider, const char* level) {
  const Owner o = owner_of(c, json::object(), "member");
  const std::optional<Credential> cred = c.app.store.credential(o.kind, o.id, provider);
  if (!cred) throw HttpError{404, "not_connected", provider + " is not connected in this workspace"};
  std::optional<SyncedAccount> account;
  for (const SyncedAccount& a : c.app.store.synced_accounts(cred->id)) {
    if (a.platform == provider) account = a;
  }
  if (!account) throw HttpError{404, "not_synced", provider + " has not synced yet: POST /sync/" + provider + "/" + cred->public_id};
  const Day end = date_param(c, "end_date", today_in_zone("", now_unix()));
  const Day start = date_param(c, "start_date", end - 29);
  if (start > end) throw HttpError{422, "invalid_parameter", "'start_date' is after 'end_date'"};
  if (end - start > 3 * 366) throw HttpError{422, "invalid_parameter", "the range is limited to three years"};
  const bool crm = std::string(level) == "deals";
  const std::vector<SyncedRow> rows = c.app.store.synced_rows(cred->id, account->account_id, level, start, end);
  const std::optional<int32_t> provisional = c.app.store.first_provisional_day(cred->id, account->account_id, level);
  EmailSums total;
  std::map<int32_t, EmailSums> daily;
  json items = json::array();
  for (const SyncedRow& r : rows) {
    total.add(r);
    daily[r.day].add(r);
    EmailSums one;
    one.add(r);
    const json dims = json::parse(r.dims, nullptr, false);
    json item = one.to_json(crm);
    item[crm ? "deal_id" : "campaign_id"] = dims.is_array() && dims.size() > 2 ? dims[2] : json("");
    item[crm ? "deal" : "campaign"] = dims.is_array() && dims.size() > 3 ? dims[3] : json("");
    item[crm ? "close_date" : "send_date"] = iso_date(r.day);
    item["provisional"] = provisional && r.day >= *provisional;
    if (crm) {
      const json a = json::parse(r.attrs.empty() ? "{}" : r.attrs, nullptr, false);
      item["pipeline"] = a.is_object() ? a.value("pipeline", "") : "";
    }
    items.push_back(std::move(item));
  }
  json days = json::array();
  for (const auto& [day, sums] : daily) {
    json d = sums.to_json(crm);
    d["date"] = iso_date(day);
    d["provisional"] = provisional && day >= *provisional;
    days.push_back(std::move(d));
  }
  json out = {{"success", true},
              {"platform", provider},
              {"account_id", account->account_id},
              {"currency", account->currency},
              {"start_date", iso_date(start)},
              {"end_date", iso_date(end)},
              {"totals", total.to_json(crm)},
              {"daily", days},
              {crm ? "deals" : "campaigns", items},
              {"total", items.size()},
              {"provisional_from", provisional ? json(iso_date(*provisional)) : json(nullptr)},
              {"freshness", freshness_json(*account, now_unix())}};
  if (!crm) {
    out["note"] = "rates are from the sums (opens / delivered, clicks / delivered, clicks / opens, bounces / sent); opens include "
                  "Apple Mail Privacy Protection's automatic opens, so open rates are an upper bound; days are send days in UTC";
  } else {
    out["note"] = "deals won by close date (UTC), amounts in the portal's currency";
  }
  return out;
}

}  // namespace

void register_sync_routes(Router& r, App&) {
  r.add("POST", "/sync/([a-z0-9_]{1,32})/([0-9a-f]{1,64})", {.max_body = kSmallBody}, [](Ctx& c) {
    const Owner o = owner_of(c, c.body(), "admin");
    const Credential cred = connection_of(c, o, provider_of_platform(c.capture(1)), c.capture(2));
    if (c.app.syncer == nullptr) throw HttpError{503, "sync_unavailable", "this server does not sync"};
    const auto [run, added] = c.app.syncer->request(cred, "manual");
    json out = run_json(run);
    out["success"] = true;
    out["connection_id"] = cred.public_id;
    out["queued"] = added;
    if (!added) out["note"] = "a sync of this connection is already " + run.status + "; it is returned instead of starting another";
    c.send(202, out);
  });
  r.add("GET", "/sync/status/([0-9a-f]{1,64})", {}, [](Ctx& c) {
    const Owner o = owner_of(c, json::object(), "member");
    for (const Credential& cred : c.app.store.credentials_of(o.kind, o.id, "")) {
      if (cred.public_id == c.capture(1) && syncs_data(cred.provider)) return c.send(200, sync_status(c.app, cred));
    }
    throw HttpError{404, "not_found", "no such connection"};
  });

  r.add("GET", "/advertising/accounts", {}, [](Ctx& c) { c.send(200, accounts_list(c, "google", "google_ads")); });
  r.add("GET", "/advertising/accounts/([0-9]{1,20})/performance", {},
        [](Ctx& c) { c.send(200, performance(c, "google", "google_ads", c.capture(1), "campaign")); });
  r.add("GET", "/advertising/accounts/([0-9]{1,20})/campaigns", {},
        [](Ctx& c) { c.send(200, entities(c, "google", "google_ads", c.capture(1), "campaign", "campaigns")); });
  r.add("GET", "/advertising/health", {}, [](Ctx& c) {
    json a = accounts_list(c, "google", "google_ads");
    bool stale = false;
    for (const json& x : a["accounts"]) stale = stale || x.value("stale", true);
    c.send(200, {{"success", true}, {"platform", "google_ads"}, {"status", a["accounts"].empty() ? "not_synced" : stale ? "stale" : "healthy"},
                 {"accounts", a["accounts"]}});
  });
  // GA4 (/analytics/*): sessions, engagement, views, key events and revenue
  // from the synced rows through core; users asked of GA4 for the period.
  r.add("GET", "/analytics/properties", {}, [](Ctx& c) {
    json a = accounts_list(c, "google", "ga4");
    c.send(200, {{"success", true}, {"platform", "ga4"}, {"properties", a["accounts"]}, {"total", a["total"]}});
  });
  const std::string prop = "/analytics/properties/([0-9]{1,20})";
  r.add("GET", prop + "/metrics", {}, [](Ctx& c) { c.send(200, analytics_metrics(c, c.capture(1))); });
  r.add("GET", prop + "/traffic-sources", {}, [](Ctx& c) {
    json p = performance(c, "google", "ga4", c.capture(1), "traffic");
    json sources = json::array();
    for (json g : p["by_entity"]) {
      g.erase("platform");
      sources.push_back(std::move(g));
    }
    c.send(200, {{"success", true}, {"property_id", c.capture(1)}, {"start_date", p["start_date"]}, {"end_date", p["end_date"]},
                 {"currency", p["currency"]}, {"sources", sources}, {"total", sources.size()}, {"quality_flags", p["quality_flags"]},
                 {"freshness", p["freshness"]}});
  });
  r.add("GET", prop + "/conversions", {}, [](Ctx& c) {
    json p = performance(c, "google", "ga4", c.capture(1), "traffic");
    auto pick = [](const json& m) {
      json o = json::object();
      for (const char* k : {"source", "medium", "date", "currency", "sessions", "key_events", "revenue", "key_event_rate"}) {
        if (m.contains(k)) o[k] = m[k];
      }
      return o;
    };
    json by_source = json::array(), daily = json::array();
    for (const json& g : p["by_entity"]) by_source.push_back(pick(g));
    for (const json& d : p["daily"]) {
      json o = pick(d);
      o["provisional"] = d.value("provisional", false);
      daily.push_back(std::move(o));
    }
    c.send(200, {{"success", true}, {"property_id", c.capture(1)}, {"start_date", p["start_date"]}, {"end_date", p["end_date"]},
                 {"currency", p["currency"]}, {"totals", pick(p["totals"])}, {"by_source", by_source}, {"daily", daily},
                 {"note", "key events (GA4's conversions since 2024); revenue is purchaseRevenue in the property's currency"},
                 {"quality_flags", p["quality_flags"]}, {"freshness", p["freshness"]}});
  });
  r.add("GET", prop + "/top-pages", {}, [](Ctx& c) {
    const std::string property = c.capture(1);
    const Synced s = synced_account(c, "google", "ga4", property);
    const Day end = date_param(c, "end_date", today_in_zone(s.account.time_zone, now_unix()));
    const Day start = date_param(c, "start_date", end - 29);
    if (start > end) throw HttpError{422, "invalid_parameter", "'start_date' is after 'end_date'"};
    if (end - start > 3 * 366) throw HttpError{422, "invalid_parameter", "the range is limited to three years"};
    int64_t limit = 10;
    if (const std::string l = c.req.get_param_value("limit"); !l.empty()) {
      char* tail = nullptr;
      limit = std::strtol(l.c_str(), &tail, 10);
      if (*tail != '\0' || limit < 1 || limit > 500) throw HttpError{422, "invalid_parameter", "'limit' must be from 1 to 500"};
    }
    // Core groups web rows by source: each page goes in as its own source, so
    // its views, sessions and key events are summed and its rates come from the sums.
    std::vector<SyncedRow> rows = c.app.store.synced_rows(s.cred.id, property, "pages", start, end);
    std::map<std::string, std::string> titles;
    json flags = json::object();
    for (SyncedRow& row : rows) {
      const json dims = json::parse(row.dims, nullptr, false);
      const std::string path = dims.is_array() && dims.size() > 3 && dims[3].is_string() ? dims[3].get<std::string>() : "";
      const json a = json::parse(row.attrs.empty() ? "{}" : row.attrs, nullptr, false);
      if (a.is_object()) {
        if (a.contains("title") && a["title"].is_string()) titles.emplace(path, a["title"].get<std::string>());
        if (a.contains("flags") && a["flags"].is_object()) flags.update(a["flags"]);
      }
      row.dims = json::array({path, "", "", "", ""}).dump();
      row.attrs.clear();
    }
    const json report = core_report(rows, start, end, 0b0110001u);
    json pages = json::array();
    for (const json& g : report.value("by_source", json::array())) {
      const std::string path = g.value("source", "");
      json one = {{"page_path", path}, {"page_title", titles.count(path) != 0 ? titles[path] : ""}};
      for (const char* k : {"views", "sessions", "key_events", "key_event_rate", "rows"}) one[k] = g.contains(k) ? g[k] : json(nullptr);
      pages.push_back(std::move(one));
    }
    std::stable_sort(pages.begin(), pages.end(), [](const json& a, const json& b) {
      const double va = a["views"].is_number() ? a["views"].get<double>() : 0, vb = b["views"].is_number() ? b["views"].get<double>() : 0;
      return va != vb ? va > vb : a["page_path"].get<std::string>() < b["page_path"].get<std::string>();
    });
    const size_t all = pages.size();
    if (pages.size() > static_cast<size_t>(limit)) pages.erase(pages.begin() + limit, pages.end());
    c.send(200, {{"success", true}, {"property_id", property}, {"start_date", iso_date(start)}, {"end_date", iso_date(end)},
                 {"currency", s.account.currency}, {"pages", pages}, {"total", all}, {"quality_flags", flags},
                 {"freshness", freshness_json(s.account, now_unix())}});
  });
  r.add("GET", prop + "/realtime", {.rate_group = "insights"}, [](Ctx& c) {
    // The last 30 minutes, passed through from runRealtimeReport; never stored.
    const Synced s = synced_account(c, "google", "ga4", c.capture(1));
    auto got = c.app.oauth.with_token<up::google::Ga4Report>(c.app.store, c.app.vault, s.cred.id, [&](const std::string& t) {
      return up::google::ga4_realtime(t, s.account.account_id);
    });
    if (!got.ok()) upstream_failed(*got.error, "upstream_rejected");
    const int64_t active = got.value->rows.empty() ? 0 : got.value->rows.front().total_users;
    c.send(200, {{"success", true}, {"property_id", c.capture(1)}, {"active_users", active}, {"window_minutes", 30},
                 {"as_of", iso_of(now_unix())}, {"stored", false}});
  });

  r.add("GET", "/email/(mailchimp|brevo)/campaigns", {}, [](Ctx& c) { c.send(200, email_report(c, c.capture(1), "email")); });
  r.add("GET", "/crm/hubspot/deals", {}, [](Ctx& c) { c.send(200, email_report(c, "hubspot", "deals")); });

  r.add("GET", "/meta-ads/accounts", {}, [](Ctx& c) { c.send(200, accounts_list(c, "meta", "meta_ads")); });
  r.add("GET", "/meta-ads/accounts/(act_[0-9]{1,20})/performance", {}, [](Ctx& c) {
    json p = performance(c, "meta", "meta_ads", c.capture(1), "campaign");
    p["reach"] = period_reach(c, c.capture(1), p);
    c.send(200, p);
  });
  r.add("GET", "/meta-ads/accounts/(act_[0-9]{1,20})/campaigns", {},
        [](Ctx& c) { c.send(200, entities(c, "meta", "meta_ads", c.capture(1), "campaign", "campaigns")); });
  r.add("GET", "/meta-ads/accounts/(act_[0-9]{1,20})/adsets", {},
        [](Ctx& c) { c.send(200, entities(c, "meta", "meta_ads", c.capture(1), "adset", "adsets")); });
  r.add("GET", "/meta-ads/accounts/(act_[0-9]{1,20})/ads", {},
        [](Ctx& c) { c.send(200, entities(c, "meta", "meta_ads", c.capture(1), "ad", "ads")); });
}

}  // namespace glint::native
