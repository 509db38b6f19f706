#include "sync/sync.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "glint/dates.h"
#include "google/google.h"
#include "http/app.h"
#include "brevo/brevo.h"
#include "hubspot/hubspot.h"
#include "mailchimp/mailchimp.h"
#include "meta/meta.h"
#include "vault/credentials.h"

namespace glint::native {

namespace {

using nlohmann::json;
namespace up = glint::connectors;
using Kind = up::UpstreamError::Kind;

int env_int(const char* name, int fallback, int lo, int hi) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  const int n = std::atoi(v);
  return n < lo ? lo : (n > hi ? hi : n);
}

bool zone_name_ok(const std::string& z) {
  if (z.empty() || z.size() > 64 || z.find("..") != std::string::npos || z.front() == '/') return false;
  for (char ch : z) {
    if (std::isalnum(static_cast<unsigned char>(ch)) == 0 && ch != '/' && ch != '_' && ch != '-' && ch != '+') return false;
  }
  return std::filesystem::exists(std::filesystem::path("/usr/share/zoneinfo") / z);
}

int64_t micros_of(double v) { return std::llround(v * 1e6); }

// A unit of work: one account × level × date range.
struct Unit {
  std::string platform, account_id, name, level, login, currency, zone;
  int32_t first = 0, last = 0, provisional_from = 0;
  std::string key() const { return account_id + "|" + level + "|" + std::to_string(first) + "|" + std::to_string(last); }
};

struct Plan {
  std::vector<Unit> units;
  std::vector<SyncedAccount> accounts;
  json failures = json::array();
  std::string message;
};

// The range to read for one account: the initial window the first time,
// else from the day after the newest synced one, reaching back at least the
// restatement window; cut into chunks so a restart resumes near where it stopped.
void add_units(Plan& p, Unit base, const std::vector<std::string>& levels, int32_t today, std::optional<int32_t> newest, int restatement,
               int chunk = 31) {
  const int initial = env_int("GLINT_SYNC_INITIAL_DAYS", 90, 1, 37 * 31);
  int32_t first = today - initial + 1;
  if (newest) first = std::min<int32_t>(*newest + 1, today - restatement + 1);
  first = std::max<int32_t>(first, today - 37 * 30);  // the platforms keep about 37 months
  base.provisional_from = today - restatement + 1;
  for (const std::string& level : levels) {
    for (int32_t a = first; a <= today; a += chunk) {
      Unit u = base;
      u.level = level;
      u.first = a;
      u.last = std::min<int32_t>(today, a + chunk - 1);
      p.units.push_back(u);
    }
  }
}

std::optional<int32_t> newest_of(App& app, int64_t cred_id, const std::string& account) {
  for (const SyncedAccount& a : app.store.synced_accounts(cred_id)) {
    if (a.account_id == account) return a.newest_day;
  }
  return std::nullopt;
}

json failure(const std::string& account, const up::UpstreamError& e) {
  json f = {{"account_id", account}, {"message", e.message}};
  if (!e.upstream_code.empty()) f["code"] = e.upstream_code;
  return f;
}

// A planning call, tried again while the upstream is only busy: a rate
// limit is waited out (bounded), a transient failure or a cut answer gets a
// short pause; anything else is returned at once.
template <class T, class F>
up::Upstream<T> patiently(F call) {
  const int max_wait = env_int("GLINT_SYNC_MAX_WAIT_S", 300, 0, 3600);
  up::Upstream<T> r = call();
  for (int attempt = 0; attempt < 5 && !r.ok(); ++attempt) {
    const up::UpstreamError& e = *r.error;
    if (e.kind != Kind::kRateLimited && e.kind != Kind::kUnavailable) break;
    if (e.retry_after_s > max_wait) break;
    std::this_thread::sleep_for(std::chrono::seconds(std::max(1, e.retry_after_s)));
    r = call();
  }
  return r;
}

Plan plan_google(App& app, const Credential& cred) {
  Plan p;
  const up::google::Config& cfg = app.oauth.settings().google;
  const json details = json::parse(cred.details, nullptr, false);
  const std::string mcc = details.is_object() ? details.value("selected_mcc", "") : "";
  const int64_t now = now_unix();
  for (const PlatformAccount& a : app.store.platform_accounts(cred.id, "google_ads")) {
    if (!a.linked || a.status != "active") continue;
    const json d = json::parse(a.details, nullptr, false);
    if (!d.is_object() || d.value("manager", false)) continue;  // never metrics on a manager
    if (d.value("status", "ENABLED") != "ENABLED") continue;
    std::string login = a.external_id;
    if (d.contains("managers") && d["managers"].is_array() && !d["managers"].empty()) {
      login = d["managers"][0].get<std::string>();
      for (const json& m : d["managers"]) {
        if (m == mcc) login = mcc;  // the manager the user chose, when it reaches this client
      }
    }
    auto info = patiently<up::google::CustomerInfo>([&] {
      return app.oauth.with_token<up::google::CustomerInfo>(app.store, app.vault, cred.id, [&](const std::string& t) {
        return up::google::customer_info(cfg, t, a.external_id, login);
      });
    });
    if (!info.ok()) {
      if (info.error->kind == Kind::kReauthRequired || info.error->kind == Kind::kTokenExpired) {
        p.message = info.error->message;
        return p;
      }
      p.failures.push_back(failure(a.external_id, *info.error));
      continue;
    }
    Unit u{"google_ads", a.external_id, a.name, "", login, info.value->currency, info.value->time_zone};
    const int window = std::clamp(info.value->conversion_window_days, 1, 90);
    const int32_t today = today_in_zone(u.zone, now);
    add_units(p, u, {"campaign", "ad_group", "ad"}, today, newest_of(app, cred.id, a.external_id), window);
    p.accounts.push_back({cred.id, a.external_id, "google_ads", a.name, u.currency, u.zone, "", std::nullopt, today - 1});
  }
  for (const PlatformAccount& a : app.store.platform_accounts(cred.id, "ga4")) {
    if (!a.linked || a.status != "active") continue;
    Unit u{"ga4", a.external_id, a.name, "", "", "", ""};
    // The property's zone and currency come back with its first report.
    const int32_t today = today_in_zone("", now) + 1;  // UTC+14 at most: never lose the newest day
    add_units(p, u, {"traffic", "pages"}, today, newest_of(app, cred.id, a.external_id), 3);
    p.accounts.push_back({cred.id, a.external_id, "ga4", a.name, "", "", "", std::nullopt, today - 1});
  }
  return p;
}

Plan plan_meta(App& app, const Credential& cred) {
  Plan p;
  const int64_t now = now_unix();
  for (const PlatformAccount& a : app.store.platform_accounts(cred.id, "meta_ads")) {
    if (!a.linked || a.status != "active") continue;
    const json d = json::parse(a.details, nullptr, false);
    if (!d.is_object()) continue;
    if (d.value("account_status", 1) != 1) {
      p.failures.push_back({{"account_id", a.external_id}, {"message", "the ad account is not active (status " + std::to_string(d.value("account_status", 0)) + ")"}});
      continue;
    }
    Unit u{"meta_ads", a.external_id, a.name, "", "", d.value("currency", ""), d.value("timezone_name", "")};
    const int32_t today = today_in_zone(u.zone, now);
    // Up to 93 days a unit: more than a month runs as one of Meta's async report jobs, polled to the end.
    add_units(p, u, {"campaign", "adset", "ad"}, today, newest_of(app, cred.id, a.external_id), 28, 93);
    p.accounts.push_back({cred.id, a.external_id, "meta_ads", a.name, u.currency, u.zone, "", std::nullopt, today - 1});
  }
  return p;
}

// Email platforms: one account per connection (the Mailchimp account, the
// Brevo organisation, the HubSpot portal), days in UTC as the platforms date
// sends and closes; campaigns sent in the last 30 days (deals closed) are
// read again on every sync, their figures still moving.
Plan plan_email(App& app, const Credential& cred) {
  Plan p;
  if (cred.account_id.empty()) {
    p.message = "the connection names no account: reconnect it";
    return p;
  }
  const json details = json::parse(cred.details.empty() ? "{}" : cred.details, nullptr, false);
  const std::string currency = details.is_object() ? details.value("currency", "") : "";
  Unit u{cred.provider, cred.account_id, cred.label, "", "", currency, "UTC"};
  const int32_t today = today_in_zone("", now_unix());
  add_units(p, u, {cred.provider == "hubspot" ? "deals" : "email"}, today, newest_of(app, cred.id, cred.account_id), 30);
  p.accounts.push_back({cred.id, cred.account_id, cred.provider, cred.label, currency, "UTC", "", std::nullopt, today - 1});
  return p;
}

SyncedRow email_row(const Unit& u, int32_t day, const std::string& id, const std::string& name, const std::string& kind) {
  SyncedRow r;
  r.platform = u.platform;
  r.kind = kind;
  r.account_id = u.account_id;
  r.level = u.level;
  r.currency = u.currency;
  r.day = day;
  r.dims = json::array({u.account_id, u.name, id, name}).dump();
  return r;
}

up::Upstream<std::vector<SyncedRow>> fetch_email(App& app, const Credential& cred, const Unit& u, const std::string& since,
                                                 const std::string& until) {
  std::vector<SyncedRow> out;
  const std::optional<Day> first = parse_iso_date(since), last = parse_iso_date(until);
  auto inside = [&](const std::string& date) -> std::optional<Day> {
    const std::optional<Day> d = parse_iso_date(date);
    if (!d || *d < *first || *d > *last) return std::nullopt;
    return d;
  };
  // Email slots: sent, delivered, unique opens, unique clicks, bounces, unsubscribes, revenue.
  if (u.platform == "mailchimp") {
    const json details = json::parse(cred.details.empty() ? "{}" : cred.details, nullptr, false);
    up::mailchimp::Metadata md;
    if (details.is_object()) {
      md.dc = details.value("dc", "");
      md.api_endpoint = details.value("api_endpoint", "");
    }
    auto got = app.oauth.with_token<std::vector<up::mailchimp::CampaignReport>>(
        app.store, app.vault, cred.id, [&](const std::string& t) { return up::mailchimp::reports(md, t, since, 1000); });
    if (!got.ok()) return {std::nullopt, got.error};
    for (const up::mailchimp::CampaignReport& c : *got.value) {
      const std::optional<Day> d = inside(c.send_date);
      if (!d) continue;
      SyncedRow r = email_row(u, *d, c.id, c.title, "email");
      const int64_t bounces = c.hard_bounces + c.soft_bounces;
      r.m = {c.emails_sent * 1'000'000, std::max<int64_t>(0, c.emails_sent - bounces) * 1'000'000, c.unique_opens * 1'000'000,
             c.unique_clicks * 1'000'000, bounces * 1'000'000, c.unsubscribed * 1'000'000, micros_of(c.revenue)};
      out.push_back(std::move(r));
    }
  } else if (u.platform == "brevo") {
    Result<std::string> doc = open_credential(app.vault, cred);
    if (!doc.ok()) return {std::nullopt, up::UpstreamError{Kind::kMisconfigured, "the stored Brevo key cannot be opened"}};
    const json secret = json::parse(doc.value(), nullptr, false);
    auto got = patiently<std::vector<up::brevo::CampaignStats>>(
        [&] { return up::brevo::email_campaigns(secret.is_object() ? secret.value("api_key", "") : "", since, until, 100); });
    if (!got.ok()) return {std::nullopt, got.error};
    for (const up::brevo::CampaignStats& c : *got.value) {
      const std::optional<Day> d = inside(c.sent_date);
      if (!d) continue;
      SyncedRow r = email_row(u, *d, c.id, c.name, "email");
      // Brevo's unique_clicks counts clickers (its naming); unique_views include Apple's prefetched opens.
      r.m = {c.sent * 1'000'000, c.delivered * 1'000'000, c.unique_views * 1'000'000, c.unique_clicks * 1'000'000,
             (c.hard_bounces + c.soft_bounces) * 1'000'000, c.unsubscriptions * 1'000'000, 0};
      out.push_back(std::move(r));
    }
  } else if (u.platform == "hubspot") {
    auto got = app.oauth.with_token<std::vector<up::hubspot::Deal>>(app.store, app.vault, cred.id,
                                                                    [&](const std::string& t) { return up::hubspot::won_deals(t, since, until, 200); });
    if (!got.ok()) return {std::nullopt, got.error};
    for (const up::hubspot::Deal& deal : *got.value) {
      const std::optional<Day> d = inside(deal.close_date);
      if (!d || !deal.won) continue;
      SyncedRow r = email_row(u, *d, deal.id, deal.name, "crm");
      r.attrs = json{{"pipeline", deal.pipeline}, {"stage", deal.stage}}.dump();
      r.m = {1'000'000, micros_of(deal.amount), 0, 0, 0, 0, 0};  // deals won, amount
      out.push_back(std::move(r));
    }
  }
  return {out, std::nullopt};
}

SyncedRow ads_row(const std::string& platform, const std::string& level, const std::string& account, const std::string& account_name,
                  const std::string& currency, int32_t day, std::vector<std::string> dims) {
  SyncedRow r;
  r.platform = platform;
  r.kind = "ads";
  r.account_id = account;
  r.level = level;
  r.currency = currency;
  r.day = day;
  dims.insert(dims.begin(), {account, account_name});
  r.dims = json(dims).dump();
  return r;
}

// One canonical conversion per row: Meta reports a purchase under several
// overlapping action types, and summing them would count it two or three times.
double canonical(const std::vector<std::pair<std::string, double>>& actions) {
  for (const char* type : {"omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase"}) {
    for (const auto& [t, v] : actions) {
      if (t == type) return v;
    }
  }
  return 0;
}

// GA4's own warnings (thresholding, sampling, the "(other)" row), kept with
// the rows they qualify; the property's zone and currency come with them.
// Property tokens running out slow the sync before GA4 refuses (a refusal is
// waited out like any 429).
template <class Report>
json ga4_flags(const Report& rep, std::string& zone, std::string& currency) {
  zone = rep.time_zone;
  currency = rep.currency;
  json flags = json::object();
  if (rep.subject_to_thresholding) flags["subject_to_thresholding"] = true;
  if (rep.sampled) flags["sampled"] = true;
  if (rep.data_loss_from_other_row) flags["data_loss_from_other_row"] = true;
  const int64_t left = rep.tokens_per_hour_remaining;
  if (left >= 0 && left < 2000) std::this_thread::sleep_for(std::chrono::milliseconds(left < 200 ? 5000 : 1000));
  return flags;
}

SyncedRow ga4_row(const Unit& u, const std::string& currency, int32_t day) {
  SyncedRow r;
  r.platform = "ga4";
  r.kind = "web";
  r.account_id = u.account_id;
  r.level = u.level;
  r.currency = currency;
  r.day = day;
  return r;
}

up::Upstream<std::vector<SyncedRow>> fetch_once(App& app, const Credential& cred, const Unit& u, int32_t first, int32_t last,
                                                std::string& zone, std::string& currency) {
  const std::string since = iso_date(first), until = iso_date(last);
  std::vector<SyncedRow> out;
  if (u.platform == "google_ads") {
    const up::google::Config& cfg = app.oauth.settings().google;
    auto rows = app.oauth.with_token<std::vector<up::google::AdsRow>>(app.store, app.vault, cred.id, [&](const std::string& t) {
      return up::google::report(cfg, t, u.account_id, u.login, u.level, since, until);
    });
    if (!rows.ok()) return {std::nullopt, rows.error};
    for (const up::google::AdsRow& g : *rows.value) {
      const std::optional<Day> day = parse_iso_date(g.date);
      if (!day) continue;
      SyncedRow r = ads_row("google_ads", u.level, u.account_id, u.name, u.currency, *day,
                            {g.campaign_id, g.campaign_name, g.ad_group_id, g.ad_group_name, g.ad_id, g.ad_name});
      r.m = {g.impressions * 1'000'000, g.clicks * 1'000'000, g.cost_micros, micros_of(g.conversions), micros_of(g.conversions_value), 0, 0};
      if (u.level == "campaign") r.attrs = json{{"type", g.campaign_type}, {"status", g.campaign_status}}.dump();
      out.push_back(std::move(r));
    }
  } else if (u.platform == "meta_ads") {
    const up::meta::Config& cfg = app.oauth.settings().meta;
    up::meta::Usage usage;
    auto rows = app.oauth.with_token<std::vector<up::meta::InsightRow>>(app.store, app.vault, cred.id, [&](const std::string& t) {
      return up::meta::insights(cfg, t, u.account_id, u.level, since, until, &usage);
    });
    if (usage.max_pct >= 95) {
      // Meta asks to pause; the wait is bounded here and the rest is left to the next run.
      const int wait = std::min(env_int("GLINT_SYNC_MAX_WAIT_S", 300, 0, 3600), std::max(1, usage.regain_minutes) * 60);
      std::this_thread::sleep_for(std::chrono::seconds(wait));
    } else if (usage.max_pct >= 75) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    if (!rows.ok()) return {std::nullopt, rows.error};
    for (const up::meta::InsightRow& m : *rows.value) {
      const std::optional<Day> day = parse_iso_date(m.date);
      if (!day) continue;
      SyncedRow r = ads_row("meta_ads", u.level, u.account_id, u.name, u.currency, *day,
                            {m.campaign_id, m.campaign_name, m.adset_id, m.adset_name, m.ad_id, m.ad_name});
      // Reach is not additive across days: it is asked per period, never stored per day.
      r.m = {m.impressions * 1'000'000, m.clicks * 1'000'000, micros_of(m.spend), micros_of(canonical(m.actions)),
             micros_of(canonical(m.action_values)), 0, 0};
      if (u.level == "campaign") r.attrs = json{{"type", m.objective}, {"status", ""}}.dump();
      out.push_back(std::move(r));
    }
  } else if (u.platform == "mailchimp" || u.platform == "brevo" || u.platform == "hubspot") {
    return fetch_email(app, cred, u, since, until);
  } else if (u.platform == "ga4" && u.level == "pages") {
    auto rep = app.oauth.with_token<up::google::Ga4PageReport>(app.store, app.vault, cred.id, [&](const std::string& t) {
      return up::google::ga4_pages_report(t, u.account_id, since, until);
    });
    if (!rep.ok()) return {std::nullopt, rep.error};
    const json flags = ga4_flags(*rep.value, zone, currency);
    for (const up::google::Ga4PageRow& g : rep.value->rows) {
      const std::optional<Day> day = parse_iso_date(g.date);
      if (!day) continue;
      SyncedRow r = ga4_row(u, currency, *day);
      // A page in the landing-page slot (its sessions are the sessions that began there), its title beside it.
      r.dims = json::array({"", "", "", g.page_path, ""}).dump();
      json attrs = {{"title", g.page_title}};
      if (!flags.empty()) attrs["flags"] = flags;
      r.attrs = attrs.dump();
      r.m = {g.sessions * 1'000'000, 0, 0, 0, g.screen_page_views * 1'000'000, micros_of(g.key_events), 0};
      out.push_back(std::move(r));
    }
  } else if (u.platform == "ga4") {
    auto rep = app.oauth.with_token<up::google::Ga4Report>(app.store, app.vault, cred.id, [&](const std::string& t) {
      return up::google::ga4_report(t, u.account_id, since, until);
    });
    if (!rep.ok()) return {std::nullopt, rep.error};
    const json flags = ga4_flags(*rep.value, zone, currency);
    for (const up::google::Ga4Row& g : rep.value->rows) {
      const std::optional<Day> day = parse_iso_date(g.date);
      if (!day) continue;
      SyncedRow r = ga4_row(u, currency, *day);
      r.dims = json::array({g.source, g.medium, "", "", ""}).dump();
      json attrs = {{"channel_group", g.channel_group}};
      if (!flags.empty()) attrs["flags"] = flags;
      r.attrs = attrs.dump();
      // Users are not additive across days or rows: the period's count is asked on its own.
      r.m = {g.sessions * 1'000'000, g.engaged_sessions * 1'000'000, 0, 0, g.screen_page_views * 1'000'000, micros_of(g.key_events),
             micros_of(g.purchase_revenue)};
      out.push_back(std::move(r));
    }
  }
  return {out, std::nullopt};
}

}  // namespace

int32_t today_in_zone(const std::string& zone, int64_t now) {
  static std::mutex mu;  // TZ is process-wide: glint never uses local time elsewhere
  std::tm tm{};
  const std::time_t t = static_cast<std::time_t>(now);
  if (!zone_name_ok(zone)) {
    gmtime_r(&t, &tm);
  } else {
    std::lock_guard<std::mutex> lock(mu);
    const char* old = std::getenv("TZ");
    const std::string saved = old == nullptr ? "" : old;
    setenv("TZ", zone.c_str(), 1);
    tzset();
    localtime_r(&t, &tm);
    if (old == nullptr) {
      unsetenv("TZ");
    } else {
      setenv("TZ", saved.c_str(), 1);
    }
    tzset();
  }
  return *day_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string synced_import_doc(const std::vector<SyncedRow>& rows, const std::string& name, uint32_t metrics_present) {
  // Written as text: a two-year account is hundreds of thousands of cells,
  // and a JSON tree of them costs more than the analysis. Dimensions are
  // stored as JSON text already; names go through the JSON writer.
  json entities = json::array();
  std::unordered_map<std::string, size_t> index;
  std::string cells;
  cells.reserve(rows.size() * 64);
  char buf[24];
  auto put = [&](int64_t v) {
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    cells.append(buf, end);
  };
  std::string key;
  for (const SyncedRow& r : rows) {
    key.assign(r.dims).append("|").append(r.currency);
    auto [it, added] = index.try_emplace(key, index.size());
    if (added) {
      json e = {{"platform", r.platform}, {"currency", r.currency}, {"dims", json::parse(r.dims)}};
      if (const json a = json::parse(r.attrs.empty() ? "null" : r.attrs, nullptr, false); a.is_object() && a.contains("type")) {
        e["attrs"] = {{"type", a.value("type", "")}, {"status", a.value("status", "")}, {"bid_strategy", ""}};
      }
      entities.push_back(std::move(e));
    }
    cells += cells.empty() ? "[" : ",[";
    put(static_cast<int64_t>(it->second));
    cells += ',';
    put(r.day);
    cells += ",1";
    for (int64_t v : r.m) {
      cells += ',';
      put(v);
    }
    cells += ']';
  }
  const json head = {{"kind", rows.empty() ? "ads" : rows.front().kind},
                     {"name", name},
                     {"platform", rows.empty() ? "generic" : rows.front().platform},
                     {"metrics_present", metrics_present},
                     {"entities", entities}};
  std::string out = head.dump();
  out.pop_back();  // the closing brace: the cells follow
  out += ",\"cells\":[";
  out += cells;
  out += "]}";
  return out;
}

namespace {

std::string account_digits(const std::string& id) {
  std::string out;
  for (char ch : id) {
    if (ch >= '0' && ch <= '9') out += ch;
  }
  return out;
}

}  // namespace

void SyncedCoverage::add(const SyncedRow& r) {
  if (r.kind == "web") {
    web_.add(r.day);
    return;
  }
  const json dims = json::parse(r.dims, nullptr, false);
  const std::string account = account_digits(r.account_id);
  accounts_[{r.platform, account}].add(r.day);
  if (dims.is_array() && dims.size() > 3 && dims[3].is_string() && !dims[3].get<std::string>().empty()) {
    campaigns_.emplace(std::make_pair(r.platform, dims[3].get<std::string>()), account);
  }
}

json SyncedCoverage::supersede(json& doc) const {
  if (!doc.is_object() || !doc["entities"].is_array() || !doc["cells"].is_array()) return nullptr;
  const bool web = doc.value("kind", "") == "web";
  // The synced span of each entity of the upload (none: the upload stands).
  std::vector<std::optional<Span>> span(doc["entities"].size());
  for (size_t i = 0; i < span.size(); ++i) {
    const json& e = doc["entities"][i];
    const std::string platform = e.value("platform", "");
    if (web) {
      if (platform == "ga4" && web_.first <= web_.last) span[i] = web_;
      continue;
    }
    const json& dims = e["dims"];
    if (!dims.is_array() || dims.size() < 4) continue;
    std::string account = dims[0].is_string() ? account_digits(dims[0].get<std::string>()) : "";
    if (account.empty() && dims[3].is_string()) {
      if (auto c = campaigns_.find({platform, dims[3].get<std::string>()}); c != campaigns_.end()) account = c->second;
    }
    if (auto a = accounts_.find({platform, account}); !account.empty() && a != accounts_.end()) span[i] = a->second;
  }
  json kept = json::array();
  int64_t rows = 0;
  Span days;
  for (json& cell : doc["cells"]) {
    const size_t entity = cell[0].get<size_t>();
    const bool dated = cell[1].is_number_integer();
    if (entity < span.size() && span[entity] && dated) {
      const int32_t d = cell[1].get<int32_t>();
      if (d >= span[entity]->first && d <= span[entity]->last) {
        rows += cell[2].get<int64_t>();
        days.add(d);
        continue;
      }
    }
    kept.push_back(std::move(cell));
  }
  doc["cells"] = std::move(kept);
  if (rows == 0) return nullptr;
  return {{"rows_left_out", rows}, {"first_day", iso_date(days.first)}, {"last_day", iso_date(days.last)}};
}

json freshness_json(const SyncedAccount& a, int64_t now) {
  json out = {{"account_id", a.account_id}, {"platform", a.platform}, {"name", a.name}, {"currency", a.currency}, {"time_zone", a.time_zone}};
  out["last_success"] = a.last_success ? json(iso_of(*a.last_success)) : json(nullptr);
  out["newest_complete_day"] = a.newest_day ? json(iso_date(*a.newest_day)) : json(nullptr);
  out["stale"] = !a.last_success || now - *a.last_success > kStaleAfter;
  if (!a.last_error.empty()) out["last_error"] = a.last_error;
  return out;
}

json data_sources(Store& store, int64_t tenant_id, const json& superseded, int64_t now) {
  json synced = json::array(), notes = json::array();
  for (const SyncedAccount& a : store.tenant_synced_accounts(tenant_id)) {
    json f = freshness_json(a, now);
    if (f["stale"].get<bool>()) {
      const std::string label = a.platform + " account " + a.account_id;
      notes.push_back(a.last_success ? label + " has not synced since " + iso_of(*a.last_success) + ": its figures may be out of date"
                                     : label + " has never synced successfully: its figures may be missing");
    }
    synced.push_back(std::move(f));
  }
  const json sup = superseded.is_array() ? superseded : json::array();
  for (const json& s : sup) {
    notes.push_back("the upload '" + s.value("dataset", "") + "' covers synced accounts on " + s.value("first_day", "") + " to " +
                    s.value("last_day", "") + ": the synced data is used there and " + std::to_string(s.value("rows_left_out", int64_t{0})) +
                    " of its rows are left out, so nothing counts twice (the sync wins)");
  }
  bool stale = false;
  for (const json& f : synced) stale = stale || f["stale"].get<bool>();
  return {{"synced", synced}, {"any_stale", stale}, {"superseded_uploads", sup}, {"notes", notes}};
}

bool syncs_data(const std::string& provider) {
  return provider == "google" || provider == "meta" || provider == "mailchimp" || provider == "brevo" || provider == "hubspot";
}

Syncer::Syncer(App& app) : app_(app) {
  app_.store.requeue_running_syncs();
  const int n = env_int("GLINT_SYNC_WORKERS", 2, 1, 16);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { work(); });
  const char* schedule_setting = std::getenv("GLINT_SYNC_SCHEDULE");
  if (schedule_setting == nullptr || std::string(schedule_setting) != "off") scheduler_ = std::thread([this] { schedule(); });
}

Syncer::~Syncer() { stop(); }

void Syncer::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  if (scheduler_.joinable()) scheduler_.join();
}

std::pair<SyncRun, bool> Syncer::request(const Credential& cred, const std::string& trigger) {
  auto r = app_.store.enqueue_sync(cred.id, trigger);
  cv_.notify_one();
  return r;
}

void Syncer::work() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    std::optional<SyncRun> r;
    try {
      r = app_.store.claim_sync(now_unix());
    } catch (const std::exception&) {
      r.reset();  // the database was busy: try again shortly
    }
    if (!r) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      continue;
    }
    try {
      run(*r);
    } catch (const std::exception& e) {
      app_.store.finish_sync(r->id, "failed", std::string("internal error: ") + e.what(), r->failures, now_unix());
    }
  }
}

void Syncer::schedule() {
  const int64_t every = int64_t{env_int("GLINT_SYNC_EVERY_HOURS", 24, 1, 24 * 30)} * 3600;
  const int check_s = env_int("GLINT_SYNC_SCHEDULE_CHECK_S", 60, 1, 3600);
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, std::chrono::seconds(check_s), [this] { return stopping_; })) return;
    }
    try {
      const int64_t now = now_unix();
      for (const Credential& cred : app_.store.credentials()) {
        if (!syncs_data(cred.provider) || cred.status != "active") continue;
        const std::vector<SyncRun> last = app_.store.sync_runs_of(cred.id, 1);
        const int64_t since = last.empty() ? 0 : last.front().created_at;
        if (!last.empty() && now - since < every) continue;
        // The email platforms are one account a connection: connected is linked.
        bool linked = cred.provider == "mailchimp" || cred.provider == "brevo" || cred.provider == "hubspot";
        for (const PlatformAccount& a : app_.store.platform_accounts(cred.id, "")) linked = linked || a.linked;
        if (linked) request(cred, "schedule");
      }
    } catch (const std::exception&) {
      // a busy database: the next minute tries again
    }
  }
}

void Syncer::run(SyncRun r) {
  const std::optional<Credential> cred = app_.store.credential_by_id(r.credential_id);
  if (!cred) return;  // the connection went (its tasks went with it)
  Plan plan = cred->provider == "google" ? plan_google(app_, *cred) : cred->provider == "meta" ? plan_meta(app_, *cred) : plan_email(app_, *cred);
  json failures = plan.failures;
  if (!plan.message.empty()) {
    app_.store.finish_sync(r.id, "failed", plan.message, failures.dump(), now_unix());
    return;
  }
  if (plan.units.empty()) {
    app_.store.finish_sync(r.id, failures.empty() ? "done" : "failed",
                           failures.empty() ? "nothing to sync: link accounts first" : "no linked account could be read", failures.dump(),
                           now_unix());
    return;
  }
  std::set<std::string> done;
  const json prior = json::parse(r.done_units, nullptr, false);
  if (prior.is_array()) {
    for (const json& k : prior) {
      if (k.is_string()) done.insert(k.get<std::string>());
    }
  }
  r.slices_total = 0;
  for (const Unit& u : plan.units) r.slices_total += u.last - u.first + 1;
  r.slices_done = 0;
  std::set<std::string> failed_accounts;
  std::map<std::string, std::pair<std::string, std::string>> seen_zone;  // account → (zone, currency) from reports
  const int max_wait = env_int("GLINT_SYNC_MAX_WAIT_S", 300, 0, 3600);
  for (const Unit& u : plan.units) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;  // left running: the next start queues it again and it resumes here
    }
    if (done.count(u.key()) != 0) {
      r.slices_done += u.last - u.first + 1;
      continue;
    }
    if (failed_accounts.count(u.account_id) != 0) continue;
    // Fetch [a, b]; a cut stream is retried with each half, down to one day.
    std::vector<std::pair<int32_t, int32_t>> ranges = {{u.first, u.last}};
    std::vector<SyncedRow> rows;
    std::optional<up::UpstreamError> error;
    int waits = 0;
    while (!ranges.empty() && !error) {
      const auto [a, b] = ranges.back();
      ranges.pop_back();
      std::string zone, currency;
      auto got = fetch_once(app_, *cred, u, a, b, zone, currency);
      if (got.ok()) {
        rows.insert(rows.end(), got.value->begin(), got.value->end());
        if (!zone.empty()) seen_zone[u.account_id] = {zone, currency};
        continue;
      }
      const up::UpstreamError& e = *got.error;
      const bool halve = e.upstream_code == "STREAM_CUT" || e.upstream_code == "ASYNC_FAILED" || e.upstream_code == "ASYNC_TIMEOUT";
      if (halve && b > a) {
        const int32_t mid = a + (b - a) / 2;
        ranges.push_back({mid + 1, b});
        ranges.push_back({a, mid});
      } else if ((e.kind == Kind::kRateLimited || e.kind == Kind::kUnavailable) && waits < 5 && e.retry_after_s <= max_wait) {
        ++waits;
        std::this_thread::sleep_for(std::chrono::seconds(std::max(1, e.retry_after_s)));
        ranges.push_back({a, b});
      } else {
        error = e;
      }
    }
    if (error) {
      // A refused API key (Brevo) is the whole connection's, like a grant that is gone.
      const bool key_refused = error->kind == Kind::kRejected && cred->provider == "brevo";
      if (error->kind == Kind::kReauthRequired || error->kind == Kind::kTokenExpired || error->kind == Kind::kMisconfigured || key_refused) {
        if (key_refused) app_.store.set_credential_status(cred->id, "reconnect_required", error->message);
        // The accounts stay known (what was stored stays readable), with the reason.
        for (SyncedAccount a : plan.accounts) {
          a.newest_day.reset();
          a.last_error = error->message;
          app_.store.save_synced_account(a);
        }
        app_.store.finish_sync(r.id, "failed", error->message, failures.dump(), now_unix());
        return;
      }
      failures.push_back(failure(u.account_id, *error));
      failed_accounts.insert(u.account_id);
      r.failures = failures.dump();
      app_.store.save_sync_progress(r);
      continue;
    }
    r.rows_written += app_.store.replace_slices(cred->id, u.account_id, u.level, u.first, u.last, rows, u.provisional_from, now_unix());
    done.insert(u.key());
    r.slices_done += u.last - u.first + 1;
    r.done_units = json(std::vector<std::string>(done.begin(), done.end())).dump();
    r.failures = failures.dump();
    app_.store.save_sync_progress(r);
  }
  const int64_t now = now_unix();
  for (SyncedAccount a : plan.accounts) {
    if (auto z = seen_zone.find(a.account_id); z != seen_zone.end()) {
      a.time_zone = z->second.first;
      a.currency = z->second.second;
    }
    if (failed_accounts.count(a.account_id) != 0) {
      a.newest_day.reset();
      a.last_error = "the last sync of this account failed";
    } else {
      a.last_success = now;
    }
    app_.store.save_synced_account(a);
  }
  const bool all_failed = !plan.accounts.empty() && failed_accounts.size() == plan.accounts.size();
  app_.store.finish_sync(r.id, all_failed ? "failed" : "done",
                         failures.empty() ? "synced" : std::to_string(failures.size()) + " account(s) could not be synced", failures.dump(), now);
}

}  // namespace glint::native
