// `glint serve --demo`: a demo account and workspace with 90 days of
// generated Google Ads, Meta and GA4 exports (200 campaigns), ingested through
// core like any upload, with a few things worth noticing planted in them.
#include <cmath>
#include <cstdio>

#include "http/app.h"
#include "auth/crypto.h"
#include "glint/dates.h"

namespace glint::native {

namespace {

struct Rng {
  uint64_t s;
  double next() {  // splitmix64 → [0, 1)
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
  }
};

std::string money(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string google_csv(Day first, int days, Rng& rng) {
  std::string csv = "Campaign report\nLast 90 days\nDay,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n";
  for (int d = 0; d < days; ++d) {
    const std::string date = iso_date(first + d);
    const double season = weekday(first + d) >= 5 ? 0.8 : 1.05;
    for (int c = 0; c < 100; ++c) {
      const double size = 400 + 90 * (c % 17);
      const double imp = std::round(size * 20 * season * (0.9 + 0.2 * rng.next()));
      const double ctr = 0.02 + 0.002 * (c % 7);
      double clicks = std::round(imp * ctr * (0.9 + 0.2 * rng.next()));
      double cost = clicks * (0.6 + 0.05 * (c % 9)) * (0.9 + 0.2 * rng.next());
      double conv = std::round(clicks * (0.02 + 0.004 * (c % 5)) * (0.8 + 0.4 * rng.next()));
      if (c == 7) conv = 0;                          // spends, never converts
      if (c == 3 && d >= days - 3) conv = 0;          // tracking breaks at the end
      if (c == 11 && d == days - 1) cost *= 4;        // a runaway day
      const double value = conv * (40 + 3 * (c % 11)) * (0.9 + 0.2 * rng.next());
      csv += date + ",Search " + std::to_string(c) + (c % 2 ? " - Generic" : " - Brand") + "," + std::to_string(910000 + c) +
             ",USD," + std::to_string(static_cast<int64_t>(imp)) + "," + std::to_string(static_cast<int64_t>(clicks)) + "," +
             money(cost) + "," + std::to_string(static_cast<int64_t>(conv)) + "," + money(value) + "\n";
    }
  }
  return csv;
}

std::string meta_csv(Day first, int days, Rng& rng) {
  std::string csv =
      "Reporting starts,Reporting ends,Campaign name,Campaign ID,Impressions,Reach,Amount spent (USD),Link clicks,Purchases,"
      "Purchases conversion value\n";
  for (int d = 0; d < days; ++d) {
    const std::string date = iso_date(first + d);
    for (int c = 0; c < 100; ++c) {
      const double imp = std::round((3000 + 150 * (c % 13)) * (0.9 + 0.2 * rng.next()));
      double fatigue = c == 5 && d >= days - 30 ? 1.0 + (d - (days - 30)) / 30.0 : 1.0;  // frequency creeps up
      const double reach = std::round(imp / (1.6 * fatigue));
      const double clicks = std::round(imp * 0.012 / fatigue * (0.9 + 0.2 * rng.next()));
      const double cost = imp / 1000.0 * (7 + (c % 5)) * (0.9 + 0.2 * rng.next());
      const double conv = std::round(clicks * 0.03 * (0.7 + 0.6 * rng.next()));
      const double value = conv * (55 + (c % 7) * 4) * (0.9 + 0.2 * rng.next());
      csv += date + "," + date + ",Prospecting " + std::to_string(c) + "," + std::to_string(238000000000000000LL + c) + "," +
             std::to_string(static_cast<int64_t>(imp)) + "," + std::to_string(static_cast<int64_t>(reach)) + "," + money(cost) +
             "," + std::to_string(static_cast<int64_t>(clicks)) + "," + std::to_string(static_cast<int64_t>(conv)) + "," +
             money(value) + "\n";
    }
  }
  return csv;
}

std::string ga4_csv(Day first, int days, Rng& rng) {
  std::string csv = "# ----------------------------------------\n# Traffic acquisition\n# ----------------------------------------\n"
                    "Date,Session source / medium,Sessions,Engaged sessions,Total users,New users,Views,Key events,Total revenue\n";
  const char* sources[] = {"google / cpc", "facebook / paid_social", "google / organic", "(direct) / (none)", "newsletter / email",
                           "bing / organic", "instagram / paid_social", "partner.example / referral"};
  for (int d = 0; d < days; ++d) {
    char date[32];
    const Civil cv = civil_from_day(first + d);
    std::snprintf(date, sizeof date, "%04d%02d%02d", cv.year, cv.month, cv.day);
    for (int s = 0; s < 8; ++s) {
      const double sessions = std::round((2000.0 / (s + 1)) * (0.9 + 0.2 * rng.next()));
      const double engaged = std::round(sessions * (0.45 + 0.05 * (s % 4)) * (0.95 + 0.1 * rng.next()));
      const double key = std::round(engaged * (0.03 + 0.01 * (s % 3)) * (0.8 + 0.4 * rng.next()));
      csv += std::string(date) + "," + sources[s] + "," + std::to_string(static_cast<int64_t>(sessions)) + "," +
             std::to_string(static_cast<int64_t>(engaged)) + "," + std::to_string(static_cast<int64_t>(sessions * 0.8)) + "," +
             std::to_string(static_cast<int64_t>(sessions * 0.3)) + "," + std::to_string(static_cast<int64_t>(sessions * 2.4)) +
             "," + std::to_string(static_cast<int64_t>(key)) + "," + money(key * 62.5) + "\n";
    }
  }
  return csv;
}

}  // namespace

std::pair<std::string, std::string> seed_demo(App& app) {
  const std::string email = "demo@glint.local";
  const std::string password = crypto::random_hex(6);
  const std::string hash = crypto::hash_password(password, app.config.pbkdf2_iterations);
  int64_t user_id = 0;
  if (auto existing = app.store.user_by_email(email)) {
    user_id = existing->first.id;
    app.store.set_password(user_id, hash);
  } else {
    Result<User> u = app.store.create_user(email, "Demo Marketer", hash);
    if (!u.ok()) throw std::runtime_error(u.status().message());
    user_id = u.value().id;
  }
  app.store.mark_email_verified(user_id);  // the operator made it
  for (const Tenant& t : app.store.tenants_of(user_id)) {
    if (t.name == "Demo Agency") app.store.delete_tenant(t.id);  // fresh data each start
  }
  const Tenant t = app.store.create_tenant(user_id, "Demo Agency");
  const int days = 90;
  const int64_t today = now_unix() / 86400;
  const Day first = static_cast<Day>(today - days);  // the 90 days up to yesterday
  Rng rng{20261123};
  const std::pair<const char*, std::string> files[] = {{"google_ads_campaigns.csv", google_csv(first, days, rng)},
                                                       {"meta_ads_campaigns.csv", meta_csv(first, days, rng)},
                                                       {"ga4_traffic_acquisition.csv", ga4_csv(first, days, rng)}};
  Engine engine;
  for (const auto& [name, csv] : files) {
    const CallResult opened = engine.call("ingest.open", json{{"name", name}}.dump());
    const int64_t h = json::parse(opened.body)["handle"].get<int64_t>();
    engine.call("ingest.feed", json{{"handle", h}}.dump(), std::as_bytes(std::span<const char>(csv.data(), csv.size())));
    const CallResult closed = engine.call("ingest.close", json{{"handle", h}}.dump());
    if (!closed.ok()) throw std::runtime_error("demo data did not ingest: " + closed.body);
    const json in = json::parse(closed.body)["input"];
    const CallResult exported = engine.call("ingest.export", json{{"handle", h}}.dump());
    DatasetMeta meta;
    meta.name = name;
    meta.platform = in["platform"].get<std::string>();
    meta.kind = in["kind"].get<std::string>();
    meta.bytes = in["bytes"].get<int64_t>();
    meta.rows = in["rows"].get<int64_t>();
    if (in["date_min"].is_string()) meta.date_min = in["date_min"].get<std::string>();
    if (in["date_max"].is_string()) meta.date_max = in["date_max"].get<std::string>();
    meta.report = in.dump();
    if (!app.store.insert_datasets(t.id, user_id, true, {{meta, exported.body}}).ok()) throw std::runtime_error("demo data not stored");
  }
  return {email, password};
}

}  // namespace glint::native
