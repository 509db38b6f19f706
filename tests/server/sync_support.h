// Shared helpers of the sync suites (sync_test.cc, sync_data_test.cc): a
// glint server and the fake upstreams in one Env, connections made the way a
// browser makes them, accounts linked, syncs started and polled (bounded),
// and the fakes' own truth (/_fake/google/truth, /_fake/meta/truth,
// /_fake/ga4/truth) in glint's units, so tests compute every expected
// figure from the fakes' rows and never from glint's answers.
//
// Everything here is inline in glint::testing::sync_support (a test file says
// `using namespace sync_support;`). Helpers report problems as gtest
// failures of the calling test (ADD_FAILURE / EXPECT), never by throwing; a
// fetch that fails returns an empty or null value beside its failure.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_client.h"
#include "connectors/fake_process.h"
#include "raw_client.h"

namespace glint::testing::sync_support {

inline const std::vector<std::string> kClientSettings = {
    "GLINT_GOOGLE_CLIENT_ID=fake-google-client.apps.googleusercontent.com", "GLINT_GOOGLE_CLIENT_SECRET=fake-google-secret",
    "GLINT_META_APP_ID=1000000000000001", "GLINT_META_APP_SECRET=fake-meta-secret"};

// The fakes' documented data (tests/fakes/README.md).
inline const std::string kShopA = "1234567890", kShopB = "2345678901", kShopC = "3456789012", kDirect = "9990003333",
                         kFarEast = "1112223334";
inline const std::string kMetaA = "act_1234567890", kMetaB = "act_2345678901";

inline std::vector<std::string> fake_args(const std::vector<std::string>& scenarios) {
  std::vector<std::string> out;
  for (const std::string& s : scenarios) {
    out.push_back("--scenario");
    out.push_back(s);
  }
  return out;
}

inline std::string id_of(const Reply& r) {
  if (r.body.is_object() && r.body.contains("tenant") && r.body["tenant"].is_object()) return r.body["tenant"].value("id", "");
  return r.body.is_object() ? r.body.value("id", "") : "";
}

inline std::string workspace(const Server& s, const std::string& session, const std::string& name) {
  Reply r = s.post("/api/tenants", {{"name", name}}, session);
  EXPECT_EQ(r.status, 201) << r.text;
  return id_of(r);
}

// Invites `email` into `tid` with `role`, registers them and accepts; their session.
inline std::string join(const Server& s, const std::string& owner, const std::string& tid, const std::string& email,
                        const std::string& role) {
  Reply inv = s.post("/api/tenants/" + tid + "/invites", {{"email", email}, {"role", role}}, owner);
  EXPECT_EQ(inv.status, 201) << inv.text;
  const std::string session = s.account(email);
  Reply acc = s.post("/api/invites/" + inv.body.value("token", "") + "/accept", json::object(), session);
  EXPECT_EQ(acc.status, 200) << acc.text;
  return session;
}

struct Url {
  std::string host;
  int port = 0;
  std::string target;
};

inline std::optional<Url> parse_url(const std::string& u) {
  static const std::regex re(R"(^https?://([^/:?#]+)(?::([0-9]+))?([^#]*))");
  std::smatch m;
  if (!std::regex_search(u, m, re)) return std::nullopt;
  Url out{m[1].str(), m[2].matched ? std::stoi(m[2].str()) : 80, m[3].str()};
  if (out.target.empty()) out.target = "/";
  return out;
}

// A connection made as a browser makes it (the approach of oauth_test.cc's
// run_flow): auth-url → the provider's page → glint's callback. The callback's answer.
inline Reply connect(const Server& s, const std::string& provider, const std::string& session, const std::string& tid) {
  const std::string base = "/api/oauth/" + provider;
  Reply begin = s.get(base + "/auth-url?tenant_id=" + tid, session);
  if (begin.status != 200) {
    ADD_FAILURE() << base << "/auth-url: " << begin.status << " " << begin.text;
    return begin;
  }
  const std::optional<Url> dialog = parse_url(begin.body.value("auth_url", ""));
  if (!dialog) {
    ADD_FAILURE() << "auth_url is not a URL: " << begin.text;
    return {};
  }
  httplib::Client c(dialog->host, dialog->port);
  c.set_follow_location(false);
  auto r = c.Get(dialog->target);
  const std::optional<Url> back = parse_url(r ? r->get_header_value("Location") : "");
  if (!r || r->status != 302 || !back) {
    ADD_FAILURE() << "the provider did not redirect: " << (r ? r->status : 0) << " " << (r ? r->body : "");
    return {};
  }
  return s.request("GET", back->target, nullptr, "", {{"Accept", "application/json"}});
}

// ---- days ----

inline int64_t day_of(const std::string& iso) {
  std::tm tm{};
  if (strptime(iso.c_str(), "%Y-%m-%d", &tm) == nullptr) return -1;
  return static_cast<int64_t>(timegm(&tm)) / 86400;
}

inline std::string iso(int64_t day) {
  const std::time_t t = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The fake Meta's today in an account's zone (standard offsets, no summer time).
inline int64_t meta_today(const std::string& account) {
  const int offset_h = account == kMetaB ? -5 : 1;  // act_2345678901 New York, act_1234567890 Paris
  return (static_cast<int64_t>(std::time(nullptr)) + offset_h * 3600) / 86400;
}

// ---- the fakes' truth ----

inline json fake_get(const FakeUpstreams& fake, const std::string& path) {
  httplib::Client c("127.0.0.1", fake.port());
  c.set_read_timeout(60);
  auto r = c.Get(path);
  if (!r || r->status != 200) {
    ADD_FAILURE() << "fake " << path << ": " << (r ? r->status : 0) << " " << (r ? r->body : "");
    return json();
  }
  return json::parse(r->body, nullptr, false);
}

// {"rows": [...], "today", "currency", "time_zone", "totals"}
inline json google_truth(const FakeUpstreams& fake, const std::string& customer, const std::string& level, int64_t first, int64_t last) {
  return fake_get(fake, "/_fake/google/truth?customer=" + customer + "&level=" + level + "&start=" + iso(first) + "&end=" + iso(last));
}

// An array of daily rows.
inline json meta_truth(const FakeUpstreams& fake, const std::string& account, const std::string& level, int64_t first, int64_t last) {
  return fake_get(fake, "/_fake/meta/truth?account=" + account + "&level=" + level + "&since=" + iso(first) + "&until=" + iso(last));
}

// Sums in glint's units: counts, money and conversions in micros.
struct Sums {
  int64_t impressions = 0, clicks = 0, spend = 0, conversions = 0, value = 0;
  bool operator==(const Sums&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Sums& s) {
  return os << "{impr " << s.impressions << ", clicks " << s.clicks << ", spend µ" << s.spend << ", conv µ" << s.conversions
            << ", value µ" << s.value << "}";
}

inline int64_t micros(double v) { return std::llround(v * 1e6); }

inline Sums google_row(const json& r) {
  return {r.value("impressions", int64_t{0}), r.value("clicks", int64_t{0}), r.value("cost_micros", int64_t{0}),
          micros(r.value("conversions", 0.0)), micros(r.value("conversions_value", 0.0))};
}

inline Sums meta_row(const json& r) {
  const char* purchase = "offsite_conversion.fb_pixel_purchase";
  const json a = r.value("actions", json::object()), v = r.value("action_values", json::object());
  return {r.value("impressions", int64_t{0}), r.value("clicks", int64_t{0}), r.value("spend_cents", int64_t{0}) * 10000,
          a.value(purchase, int64_t{0}) * 1'000'000, v.value(purchase, int64_t{0}) * 10000};
}

inline void add(Sums& a, const Sums& b) {
  a.impressions += b.impressions;
  a.clicks += b.clicks;
  a.spend += b.spend;
  a.conversions += b.conversions;
  a.value += b.value;
}

// glint's figures (numbers in major units) as micros.
inline Sums of_reply(const json& m) {
  auto num = [&](const char* k, int64_t scale) -> int64_t {
    if (!m.is_object() || !m.contains(k) || !m[k].is_number()) return -1;
    return scale == 1 ? m[k].get<int64_t>() : std::llround(m[k].get<double>() * 1e6);
  };
  return {num("impressions", 1), num("clicks", 1), num("spend", 0), num("conversions", 0), num("conversion_value", 0)};
}

// Truth rows of one platform, in a common form.
struct TruthRow {
  int64_t day;
  std::string campaign_id, entity_id;
  Sums m;
};

inline std::vector<TruthRow> rows_of(const json& truth, bool google, const std::string& level) {
  std::vector<TruthRow> out;
  const json& rows = google ? truth["rows"] : truth;
  if (!rows.is_array()) {
    ADD_FAILURE() << "truth without rows: " << truth.dump().substr(0, 300);
    return out;
  }
  for (const json& r : rows) {
    TruthRow t;
    t.day = day_of(r.value("date", ""));
    t.campaign_id = r.value("campaign_id", "");
    if (google) {
      t.entity_id = level == "campaign" ? t.campaign_id : level == "ad_group" ? r.value("ad_group_id", "") : r.value("ad_id", "");
    } else {
      t.entity_id = r.value("entity_id", "");
    }
    t.m = google ? google_row(r) : meta_row(r);
    out.push_back(t);
  }
  return out;
}

// ---- the server side ----

struct Env {
  std::unique_ptr<FakeUpstreams> fake;
  std::unique_ptr<Server> server;
  std::string owner, tid, google_cid, meta_cid;
};

// A server with a workspace whose owner connected `providers`, with the
// fake's `scenarios` in force from the start.
inline Env setup(const std::string& tag, const std::vector<std::string>& providers, const std::vector<std::string>& scenarios = {},
          const std::vector<std::string>& extra_env = {}) {
  Env e;
  e.fake = std::make_unique<FakeUpstreams>(fake_args(scenarios));
  std::vector<std::string> env = e.fake->env();
  env.insert(env.end(), kClientSettings.begin(), kClientSettings.end());
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  e.server = std::make_unique<Server>(env, std::vector<std::string>{}, "sync");
  e.owner = e.server->account(tag + "@example.com");
  e.tid = workspace(*e.server, e.owner, tag + " Co");
  for (const std::string& p : providers) {
    Reply r = connect(*e.server, p, e.owner, e.tid);
    EXPECT_EQ(r.status, 200) << p << ": " << r.text;
    Reply st = e.server->get("/api/oauth/" + p + "/status?tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(st.status, 200) << st.text;
    (p == "google" ? e.google_cid : e.meta_cid) = st.body.value("connection_id", "");
  }
  return e;
}

inline void link_google(const Env& e, const std::vector<std::string>& ids) {
  Reply r = e.server->post("/api/google/accounts/link", {{"tenant_id", e.tid}, {"customer_ids", ids}}, e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
}

inline void link_meta(const Env& e, const std::vector<std::string>& ids) {
  Reply r = e.server->post("/api/oauth/meta/accounts/link", {{"tenant_id", e.tid}, {"account_ids", ids}}, e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
}

inline Reply status_of(const Env& e, const std::string& cid, const std::string& session = "") {
  return e.server->get("/sync/status/" + cid + "?tenant_id=" + e.tid, session.empty() ? e.owner : session);
}

// Polls the connection's sync status until the current task is done or
// failed (bounded); the last status answer.
inline Reply wait_done(const Env& e, const std::string& cid, int seconds = 240) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  Reply st;
  while (std::chrono::steady_clock::now() < until) {
    st = status_of(e, cid);
    if (st.status != 200) break;
    const std::string s = st.body["current"].is_object() ? st.body["current"].value("status", "") : "";
    if (s == "done" || s == "failed") return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "the sync of " << cid << " did not end within " << seconds << " s: " << st.status << " " << st.text.substr(0, 2000);
  return st;
}

// POST /sync/{platform}/{cid}, then waits for it; the final status.
inline Reply sync_and_wait(const Env& e, const std::string& platform, const std::string& cid, int seconds = 240) {
  Reply p = e.server->post("/sync/" + platform + "/" + cid, {{"tenant_id", e.tid}}, e.owner);
  EXPECT_EQ(p.status, 202) << p.text;
  EXPECT_EQ(p.body.value("queued", false), true) << p.text;
  Reply st = wait_done(e, cid, seconds);
  if (p.body.is_object() && st.body["current"].is_object()) {
    EXPECT_EQ(st.body["current"].value("task_id", "?"), p.body.value("task_id", "!")) << st.text.substr(0, 1000);
  }
  return st;
}

inline std::string current_status(const Reply& st) {
  return st.body.is_object() && st.body["current"].is_object() ? st.body["current"].value("status", "") : "";
}

// The data API's base for an account.
inline std::string base_of(const std::string& account) {
  return account.rfind("act_", 0) == 0 ? "/meta-ads/accounts/" + account : "/advertising/accounts/" + account;
}

// Compares /…/performance and /…/campaigns over [first, last] with the truth rows (campaign level).
inline void expect_matches_truth(const Env& e, const std::string& account, int64_t first, int64_t last, const std::string& currency) {
  const bool google = account.rfind("act_", 0) != 0;
  const json truth =
      google ? google_truth(*e.fake, account, "campaign", first, last) : meta_truth(*e.fake, account, "campaign", first, last);
  const std::vector<TruthRow> rows = rows_of(truth, google, "campaign");
  ASSERT_FALSE(rows.empty()) << account << ": the fake has no rows in " << iso(first) << ".." << iso(last);
  Sums total;
  std::map<int64_t, Sums> daily;
  std::map<std::string, Sums> campaigns;
  for (const TruthRow& r : rows) {
    add(total, r.m);
    add(daily[r.day], r.m);
    add(campaigns[r.campaign_id], r.m);
  }
  const std::string range = "start_date=" + iso(first) + "&end_date=" + iso(last) + "&tenant_id=" + e.tid;
  const std::string what = account + " " + iso(first) + ".." + iso(last);
  Reply p = e.server->get(base_of(account) + "/performance?" + range, e.owner);
  ASSERT_EQ(p.status, 200) << what << ": " << p.text.substr(0, 1000);
  EXPECT_EQ(p.body.value("currency", ""), currency) << what;
  EXPECT_EQ(p.body.value("start_date", ""), iso(first)) << what;
  EXPECT_EQ(p.body.value("end_date", ""), iso(last)) << what;
  EXPECT_EQ(of_reply(p.body["totals"]), total) << what << " totals: " << p.body["totals"].dump();
  std::map<int64_t, Sums> got_daily;
  for (const json& d : p.body.value("daily", json::array())) {
    const int64_t day = day_of(d.value("date", ""));
    EXPECT_EQ(got_daily.count(day), 0u) << what << ": two daily entries for " << d.value("date", "");
    EXPECT_EQ(d.value("currency", ""), currency) << what << " " << d.dump();
    got_daily[day] = of_reply(d);
  }
  EXPECT_EQ(got_daily.size(), daily.size()) << what << ": days with data";
  for (const auto& [day, s] : daily) {
    auto it = got_daily.find(day);
    if (it == got_daily.end()) {
      ADD_FAILURE() << what << ": no daily entry for " << iso(day);
      continue;
    }
    EXPECT_EQ(it->second, s) << what << " on " << iso(day);
  }
  Reply c = e.server->get(base_of(account) + "/campaigns?" + range, e.owner);
  ASSERT_EQ(c.status, 200) << what << ": " << c.text.substr(0, 1000);
  std::map<std::string, Sums> got_campaigns;
  for (const json& x : c.body.value("campaigns", json::array())) got_campaigns[x.value("campaign_id", "")] = of_reply(x);
  std::set<std::string> want_ids, got_ids;
  for (const auto& [id, s] : campaigns) want_ids.insert(id);
  for (const auto& [id, s] : got_campaigns) got_ids.insert(id);
  EXPECT_EQ(got_ids, want_ids) << what << ": campaigns " << c.text.substr(0, 1500);
  for (const auto& [id, s] : campaigns) {
    if (got_campaigns.count(id) != 0) {
      EXPECT_EQ(got_campaigns[id], s) << what << " campaign " << id;
    }
  }
}

inline int64_t rows_stored(const Env& e, const std::string& where = "1") {
  return sql_int(e.server->db(), "SELECT COUNT(*) FROM synced_rows WHERE " + where);
}

// Rows stored more than once for one (account, level, day, entity).
inline int64_t duplicates(const Env& e) {
  return sql_int(e.server->db(),
                 "SELECT COUNT(*) FROM (SELECT 1 FROM synced_rows GROUP BY credential_id, account_id, level, day, dims, currency "
                 "HAVING COUNT(*) > 1)");
}

// Stored rows of one account and level per day, against the truth's.
inline void expect_rows_per_day(const Env& e, const std::string& account, const std::string& level, int64_t first, int64_t last) {
  const bool google = account.rfind("act_", 0) != 0;
  const json truth = google ? google_truth(*e.fake, account, level, first, last) : meta_truth(*e.fake, account, level, first, last);
  std::map<int64_t, int64_t> want;
  std::map<std::pair<int64_t, std::string>, int> entity_days;
  for (const TruthRow& r : rows_of(truth, google, level)) {
    ++want[r.day];
    ++entity_days[{r.day, r.entity_id}];
  }
  for (const auto& [k, n] : entity_days) ASSERT_EQ(n, 1) << "the fake lists an entity twice on a day";
  std::map<int64_t, int64_t> got;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(e.server->db().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  const std::string sql = "SELECT day, COUNT(*) FROM synced_rows WHERE account_id = ? AND level = ? AND day BETWEEN ? AND ? GROUP BY day";
  ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  sqlite3_bind_text(st, 1, account.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, level.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, first);
  sqlite3_bind_int64(st, 4, last);
  while (sqlite3_step(st) == SQLITE_ROW) got[sqlite3_column_int64(st, 0)] = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
  int wrong = 0;
  for (int64_t d = first; d <= last; ++d) {
    const int64_t w = want.count(d) ? want[d] : 0, g = got.count(d) ? got[d] : 0;
    if (w != g && ++wrong <= 5) {
      ADD_FAILURE() << account << " " << level << " " << iso(d) << ": " << g << " rows stored, the fake has " << w;
    }
  }
  EXPECT_EQ(wrong, 0) << account << " " << level << ": days whose stored row count differs from the fake's";
}

inline int64_t google_today(const Env& e, const std::string& customer) {
  const json t = fake_get(*e.fake, "/_fake/google/truth?customer=" + customer + "&level=campaign&start=2020-01-01&end=2020-01-01");
  return day_of(t.value("today", ""));
}

inline std::string google_currency(const Env& e, const std::string& customer) {
  return fake_get(*e.fake, "/_fake/google/truth?customer=" + customer + "&level=campaign&start=2020-01-01&end=2020-01-01")
      .value("currency", "");
}

inline json failures_of(const Reply& st) {
  return st.body.is_object() && st.body["current"].is_object() ? st.body["current"].value("failures", json::array()) : json::array();
}

inline int count_requests(const json& log, const std::string& method, const std::string& path_re, const std::string& body_has = "") {
  const std::regex re(path_re);
  int n = 0;
  for (const json& r : log) {
    if (r.value("method", "") != method || !std::regex_search(r.value("path", ""), re)) continue;
    if (!body_has.empty() && r.value("body", "").find(body_has) == std::string::npos) continue;
    ++n;
  }
  return n;
}

inline int64_t unix_of(const json& v) {
  if (!v.is_string()) return 0;
  std::tm tm{};
  if (strptime(v.get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm));
}


// Runs one statement on the server's database, read-write while the server
// runs (WAL; a busy writer is waited for); false, with a failure, otherwise.
inline bool sql_exec(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return false;
  }
  sqlite3_busy_timeout(db, 10000);
  char* err = nullptr;
  const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK;
  if (!ok) ADD_FAILURE() << sql << ": " << (err != nullptr ? err : "failed");
  sqlite3_free(err);
  sqlite3_close(db);
  return ok;
}

// ---- GA4 ----

// The fake's GA4 properties (tests/fakes/README.md): shop-a.com (EUR, Paris,
// 5 source/medium combos), the Shop A app (EUR, Paris, 3 combos, thresholded),
// shop-b.com (USD, New York, 4 combos).
inline const std::string kGa4ShopA = "250000001", kGa4App = "250000002", kGa4ShopB = "250000003";

inline void link_ga4(const Env& e, const std::vector<std::string>& properties) {
  Reply r = e.server->post("/api/accounts/link-platform", {{"tenant_id", e.tid}, {"platform", "ga4"}, {"account_ids", properties}},
                           e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
}

// {property, currency, time_zone, today, subject_to_thresholding, rows[]
// (daily by source/medium/channel), totals (no dimension: users once)}.
inline json ga4_truth(const FakeUpstreams& fake, const std::string& property, int64_t first, int64_t last) {
  return fake_get(fake, "/_fake/ga4/truth?property=" + property + "&start=" + iso(first) + "&end=" + iso(last));
}

inline int64_t ga4_today(const FakeUpstreams& fake, const std::string& property) {
  return day_of(fake_get(fake, "/_fake/ga4/truth?property=" + property + "&start=2020-01-01&end=2020-01-01").value("today", ""));
}

// GA4's additive figures: counts as they are, key events and revenue in micros.
struct WebSums {
  int64_t sessions = 0, engaged_sessions = 0, views = 0, key_events = 0, revenue = 0;
  bool operator==(const WebSums&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const WebSums& s) {
  return os << "{sessions " << s.sessions << ", engaged " << s.engaged_sessions << ", views " << s.views << ", key events µ"
            << s.key_events << ", revenue µ" << s.revenue << "}";
}

// A row of /_fake/ga4/truth.
inline WebSums ga4_row(const json& r) {
  return {r.value("sessions", int64_t{0}), r.value("engaged_sessions", int64_t{0}), r.value("screen_page_views", int64_t{0}),
          micros(r.value("key_events", 0.0)), micros(r.value("purchase_revenue", 0.0))};
}

inline void add(WebSums& a, const WebSums& b) {
  a.sessions += b.sessions;
  a.engaged_sessions += b.engaged_sessions;
  a.views += b.views;
  a.key_events += b.key_events;
  a.revenue += b.revenue;
}

// glint's web figures (numbers; -1 when missing). Pass `with_views` false for
// answers that do not carry engaged sessions and views (/conversions).
inline WebSums web_of_reply(const json& m, bool with_views = true) {
  auto num = [&](const char* k, double scale) -> int64_t {
    if (!m.is_object() || !m.contains(k) || !m[k].is_number()) return -1;
    return std::llround(m[k].get<double>() * scale);
  };
  return {num("sessions", 1), with_views ? num("engaged_sessions", 1) : 0, with_views ? num("views", 1) : 0, num("key_events", 1e6),
          num("revenue", 1e6)};
}

}  // namespace glint::testing::sync_support
