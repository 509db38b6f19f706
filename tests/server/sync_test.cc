// The sync (native/sync) through the real server against the fake
// upstreams: Google Ads and Meta connected the way a browser connects them,
// accounts linked, POST /sync/{platform}/{connection_id}, the task polled
// until it ends, then the data APIs (/advertising/*, /meta-ads/*) and the
// stored rows compared with the fakes' own truth endpoints
// (/_fake/google/truth, /_fake/meta/truth). Every expected figure is
// computed here from the fakes' rows, never from glint's answers.
//
//   SyncFlows       initial sync (exactly once), restatements
//   SyncFailures    rate limits, expiry mid-sync, cut streams, a disabled
//                   client, UTC+14
//   SyncDurability  kill -9 mid-sync and resume, one task per connection,
//                   roles and workspaces
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <latch>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "api_client.h"
#include "connectors/fake_process.h"
#include "raw_client.h"

namespace glint::testing {
namespace {

const std::vector<std::string> kClientSettings = {
    "GLINT_GOOGLE_CLIENT_ID=fake-google-client.apps.googleusercontent.com", "GLINT_GOOGLE_CLIENT_SECRET=fake-google-secret",
    "GLINT_META_APP_ID=1000000000000001", "GLINT_META_APP_SECRET=fake-meta-secret"};

// The fakes' documented data (tests/fakes/README.md).
const std::string kShopA = "1234567890", kShopB = "2345678901", kShopC = "3456789012", kDirect = "9990003333",
                  kFarEast = "1112223334";
const std::string kMetaA = "act_1234567890", kMetaB = "act_2345678901";

std::vector<std::string> fake_args(const std::vector<std::string>& scenarios) {
  std::vector<std::string> out;
  for (const std::string& s : scenarios) {
    out.push_back("--scenario");
    out.push_back(s);
  }
  return out;
}

std::string id_of(const Reply& r) {
  if (r.body.is_object() && r.body.contains("tenant") && r.body["tenant"].is_object()) return r.body["tenant"].value("id", "");
  return r.body.is_object() ? r.body.value("id", "") : "";
}

std::string workspace(const Server& s, const std::string& session, const std::string& name) {
  Reply r = s.post("/api/tenants", {{"name", name}}, session);
  EXPECT_EQ(r.status, 201) << r.text;
  return id_of(r);
}

// Invites `email` into `tid` with `role`, registers them and accepts; their session.
std::string join(const Server& s, const std::string& owner, const std::string& tid, const std::string& email, const std::string& role) {
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

std::optional<Url> parse_url(const std::string& u) {
  static const std::regex re(R"(^https?://([^/:?#]+)(?::([0-9]+))?([^#]*))");
  std::smatch m;
  if (!std::regex_search(u, m, re)) return std::nullopt;
  Url out{m[1].str(), m[2].matched ? std::stoi(m[2].str()) : 80, m[3].str()};
  if (out.target.empty()) out.target = "/";
  return out;
}

// A connection made as a browser makes it (the approach of oauth_test.cc's
// run_flow): auth-url → the provider's page → glint's callback. The callback's answer.
Reply connect(const Server& s, const std::string& provider, const std::string& session, const std::string& tid) {
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

int64_t day_of(const std::string& iso) {
  std::tm tm{};
  if (strptime(iso.c_str(), "%Y-%m-%d", &tm) == nullptr) return -1;
  return static_cast<int64_t>(timegm(&tm)) / 86400;
}

std::string iso(int64_t day) {
  const std::time_t t = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The fake Meta's today in an account's zone (standard offsets, no summer time).
int64_t meta_today(const std::string& account) {
  const int offset_h = account == kMetaB ? -5 : 1;  // act_2345678901 New York, act_1234567890 Paris
  return (static_cast<int64_t>(std::time(nullptr)) + offset_h * 3600) / 86400;
}

// ---- the fakes' truth ----

json fake_get(const FakeUpstreams& fake, const std::string& path) {
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
json google_truth(const FakeUpstreams& fake, const std::string& customer, const std::string& level, int64_t first, int64_t last) {
  return fake_get(fake, "/_fake/google/truth?customer=" + customer + "&level=" + level + "&start=" + iso(first) + "&end=" + iso(last));
}

// An array of daily rows.
json meta_truth(const FakeUpstreams& fake, const std::string& account, const std::string& level, int64_t first, int64_t last) {
  return fake_get(fake, "/_fake/meta/truth?account=" + account + "&level=" + level + "&since=" + iso(first) + "&until=" + iso(last));
}

// Sums in glint's units: counts, money and conversions in micros.
struct Sums {
  int64_t impressions = 0, clicks = 0, spend = 0, conversions = 0, value = 0;
  bool operator==(const Sums&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Sums& s) {
  return os << "{impr " << s.impressions << ", clicks " << s.clicks << ", spend µ" << s.spend << ", conv µ" << s.conversions
            << ", value µ" << s.value << "}";
}

int64_t micros(double v) { return std::llround(v * 1e6); }

Sums google_row(const json& r) {
  return {r.value("impressions", int64_t{0}), r.value("clicks", int64_t{0}), r.value("cost_micros", int64_t{0}),
          micros(r.value("conversions", 0.0)), micros(r.value("conversions_value", 0.0))};
}

Sums meta_row(const json& r) {
  const char* purchase = "offsite_conversion.fb_pixel_purchase";
  const json a = r.value("actions", json::object()), v = r.value("action_values", json::object());
  return {r.value("impressions", int64_t{0}), r.value("clicks", int64_t{0}), r.value("spend_cents", int64_t{0}) * 10000,
          a.value(purchase, int64_t{0}) * 1'000'000, v.value(purchase, int64_t{0}) * 10000};
}

void add(Sums& a, const Sums& b) {
  a.impressions += b.impressions;
  a.clicks += b.clicks;
  a.spend += b.spend;
  a.conversions += b.conversions;
  a.value += b.value;
}

// glint's figures (numbers in major units) as micros.
Sums of_reply(const json& m) {
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

std::vector<TruthRow> rows_of(const json& truth, bool google, const std::string& level) {
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
Env setup(const std::string& tag, const std::vector<std::string>& providers, const std::vector<std::string>& scenarios = {},
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

void link_google(const Env& e, const std::vector<std::string>& ids) {
  Reply r = e.server->post("/api/google/accounts/link", {{"tenant_id", e.tid}, {"customer_ids", ids}}, e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
}

void link_meta(const Env& e, const std::vector<std::string>& ids) {
  Reply r = e.server->post("/api/oauth/meta/accounts/link", {{"tenant_id", e.tid}, {"account_ids", ids}}, e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
}

Reply status_of(const Env& e, const std::string& cid, const std::string& session = "") {
  return e.server->get("/sync/status/" + cid + "?tenant_id=" + e.tid, session.empty() ? e.owner : session);
}

// Polls the connection's sync status until the current task is done or
// failed (bounded); the last status answer.
Reply wait_done(const Env& e, const std::string& cid, int seconds = 240) {
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
Reply sync_and_wait(const Env& e, const std::string& platform, const std::string& cid, int seconds = 240) {
  Reply p = e.server->post("/sync/" + platform + "/" + cid, {{"tenant_id", e.tid}}, e.owner);
  EXPECT_EQ(p.status, 202) << p.text;
  EXPECT_EQ(p.body.value("queued", false), true) << p.text;
  Reply st = wait_done(e, cid, seconds);
  if (p.body.is_object() && st.body["current"].is_object()) {
    EXPECT_EQ(st.body["current"].value("task_id", "?"), p.body.value("task_id", "!")) << st.text.substr(0, 1000);
  }
  return st;
}

std::string current_status(const Reply& st) {
  return st.body.is_object() && st.body["current"].is_object() ? st.body["current"].value("status", "") : "";
}

// The data API's base for an account.
std::string base_of(const std::string& account) {
  return account.rfind("act_", 0) == 0 ? "/meta-ads/accounts/" + account : "/advertising/accounts/" + account;
}

// Compares /…/performance and /…/campaigns over [first, last] with the truth rows (campaign level).
void expect_matches_truth(const Env& e, const std::string& account, int64_t first, int64_t last, const std::string& currency) {
  const bool google = account.rfind("act_", 0) != 0;
  const json truth = google ? google_truth(*e.fake, account, "campaign", first, last) : meta_truth(*e.fake, account, "campaign", first, last);
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

int64_t rows_stored(const Env& e, const std::string& where = "1") {
  return sql_int(e.server->db(), "SELECT COUNT(*) FROM synced_rows WHERE " + where);
}

// Rows stored more than once for one (account, level, day, entity).
int64_t duplicates(const Env& e) {
  return sql_int(e.server->db(),
                 "SELECT COUNT(*) FROM (SELECT 1 FROM synced_rows GROUP BY credential_id, account_id, level, day, dims, currency "
                 "HAVING COUNT(*) > 1)");
}

// Stored rows of one account and level per day, against the truth's.
void expect_rows_per_day(const Env& e, const std::string& account, const std::string& level, int64_t first, int64_t last) {
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
    if (w != g && ++wrong <= 5) ADD_FAILURE() << account << " " << level << " " << iso(d) << ": " << g << " rows stored, the fake has " << w;
  }
  EXPECT_EQ(wrong, 0) << account << " " << level << ": days whose stored row count differs from the fake's";
}

int64_t google_today(const Env& e, const std::string& customer) {
  const json t = fake_get(*e.fake, "/_fake/google/truth?customer=" + customer + "&level=campaign&start=2020-01-01&end=2020-01-01");
  return day_of(t.value("today", ""));
}

std::string google_currency(const Env& e, const std::string& customer) {
  return fake_get(*e.fake, "/_fake/google/truth?customer=" + customer + "&level=campaign&start=2020-01-01&end=2020-01-01").value("currency", "");
}

json failures_of(const Reply& st) {
  return st.body.is_object() && st.body["current"].is_object() ? st.body["current"].value("failures", json::array()) : json::array();
}

// ---------------------------------------------------------------------------
// SyncFlows

TEST(SyncFlows, InitialNinetyDaysOfThreeGoogleClientsAndTwoMetaAccountsEqualTheTruthExactlyOnce) {
  Env e = setup("sync-initial", {"google", "meta"});
  ASSERT_FALSE(e.google_cid.empty());
  ASSERT_FALSE(e.meta_cid.empty());
  link_google(e, {kShopA, kShopC, kDirect});  // Shop C is under both managers
  link_meta(e, {kMetaA, kMetaB});

  Reply g = sync_and_wait(e, "google_ads", e.google_cid);
  EXPECT_EQ(current_status(g), "done") << g.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(g).empty()) << g.text.substr(0, 2000);
  Reply m = sync_and_wait(e, "meta_ads", e.meta_cid);
  EXPECT_EQ(current_status(m), "done") << m.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(m).empty()) << m.text.substr(0, 2000);

  // Shop C, reached through two managers, is one account synced once.
  Reply list = e.server->get("/advertising/accounts?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(list.status, 200) << list.text;
  std::multiset<std::string> ids;
  for (const json& a : list.body.value("accounts", json::array())) ids.insert(a.value("account_id", ""));
  EXPECT_EQ(ids, (std::multiset<std::string>{kShopA, kShopC, kDirect})) << list.text;
  Reply mlist = e.server->get("/meta-ads/accounts?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(mlist.status, 200) << mlist.text;
  std::multiset<std::string> mids;
  for (const json& a : mlist.body.value("accounts", json::array())) mids.insert(a.value("account_id", ""));
  EXPECT_EQ(mids, (std::multiset<std::string>{kMetaA, kMetaB})) << mlist.text;
  EXPECT_EQ(duplicates(e), 0);

  struct Acc {
    std::string id, currency;
    int64_t today;
  };
  std::vector<Acc> accounts;
  for (const std::string& c : {kShopA, kShopC, kDirect}) accounts.push_back({c, google_currency(e, c), google_today(e, c)});
  accounts.push_back({kMetaA, "EUR", meta_today(kMetaA)});
  accounts.push_back({kMetaB, "USD", meta_today(kMetaB)});
  EXPECT_EQ(accounts[0].currency, "EUR");
  EXPECT_EQ(accounts[1].currency, "GBP");
  EXPECT_EQ(accounts[2].currency, "USD");
  for (const Acc& a : accounts) {
    SCOPED_TRACE(a.id);
    const int64_t t = a.today;
    expect_matches_truth(e, a.id, t - 89, t, a.currency);       // the whole window
    expect_matches_truth(e, a.id, t - 7, t - 1, a.currency);    // last week
    expect_matches_truth(e, a.id, t - 60, t - 31, a.currency);  // a month inside
    expect_matches_truth(e, a.id, t - 10, t - 10, a.currency);  // one day
    for (const char* level : {"campaign"}) expect_rows_per_day(e, a.id, level, t - 89, t);
  }
  expect_rows_per_day(e, kShopC, "ad_group", accounts[1].today - 89, accounts[1].today);
  expect_rows_per_day(e, kShopC, "ad", accounts[1].today - 89, accounts[1].today);
  expect_rows_per_day(e, kMetaA, "adset", accounts[3].today - 89, accounts[3].today);
  expect_rows_per_day(e, kMetaA, "ad", accounts[3].today - 89, accounts[3].today);

  // Nothing outside the window.
  for (const Acc& a : accounts) {
    EXPECT_EQ(rows_stored(e, "account_id = '" + a.id + "' AND (day < " + std::to_string(a.today - 89) + " OR day > " +
                                 std::to_string(a.today) + ")"),
              0)
        << a.id;
  }

  // A re-sync with the upstream unchanged changes nothing.
  const int64_t before = rows_stored(e);
  ASSERT_GT(before, 0);
  Reply g2 = sync_and_wait(e, "google_ads", e.google_cid);
  EXPECT_EQ(current_status(g2), "done") << g2.text.substr(0, 2000);
  Reply m2 = sync_and_wait(e, "meta_ads", e.meta_cid);
  EXPECT_EQ(current_status(m2), "done") << m2.text.substr(0, 2000);
  EXPECT_EQ(rows_stored(e), before);
  EXPECT_EQ(duplicates(e), 0);
  for (const Acc& a : accounts) expect_matches_truth(e, a.id, a.today - 89, a.today, a.currency);
}

// Finds the (day, entity) rows the old truth has and the new one lacks.
std::set<std::pair<int64_t, std::string>> vanished(const std::vector<TruthRow>& old_rows, const std::vector<TruthRow>& new_rows) {
  std::set<std::pair<int64_t, std::string>> now, out;
  for (const TruthRow& r : new_rows) now.insert({r.day, r.entity_id});
  for (const TruthRow& r : old_rows) {
    if (now.count({r.day, r.entity_id}) == 0) out.insert({r.day, r.entity_id});
  }
  return out;
}

TEST(SyncFlows, AGoogleRestatementIsStoredExactlyAndTheRowThatFellToZeroIsGone) {
  Env e = setup("sync-g-restate", {"google"});
  link_google(e, {kShopA, kDirect});
  Reply first = sync_and_wait(e, "google_ads", e.google_cid);
  ASSERT_EQ(current_status(first), "done") << first.text.substr(0, 2000);
  const int64_t t = google_today(e, kShopA);
  const std::vector<TruthRow> old_rows = rows_of(google_truth(*e.fake, kShopA, "campaign", t - 89, t), true, "campaign");
  const std::vector<TruthRow> old_ads = rows_of(google_truth(*e.fake, kShopA, "ad", t - 89, t), true, "ad");

  e.fake->scenario("google_restate");
  const std::vector<TruthRow> new_rows = rows_of(google_truth(*e.fake, kShopA, "campaign", t - 89, t), true, "campaign");
  const std::set<std::pair<int64_t, std::string>> gone = vanished(old_rows, new_rows);
  ASSERT_EQ(gone.size(), 1u) << "the fake's google_restate drops the Brand campaign's row on day -3";
  const auto [gone_day, gone_campaign] = *gone.begin();
  EXPECT_EQ(gone_day, t - 3);
  const std::string match = "account_id = '" + kShopA + "' AND level = 'campaign' AND day = " + std::to_string(gone_day) +
                            " AND dims LIKE '%\"" + gone_campaign + "\"%'";
  EXPECT_EQ(rows_stored(e, match), 1) << "before the re-sync the row is there";
  Sums day5_old, day5_new;
  for (const TruthRow& r : old_rows) if (r.day == t - 5) add(day5_old, r.m);
  for (const TruthRow& r : new_rows) if (r.day == t - 5) add(day5_new, r.m);
  ASSERT_NE(day5_old, day5_new) << "the fake's restatement changes day -5";

  Reply again = sync_and_wait(e, "google_ads", e.google_cid);
  EXPECT_EQ(current_status(again), "done") << again.text.substr(0, 2000);
  EXPECT_EQ(rows_stored(e, match), 0) << "the row that fell to zero is still stored";
  const std::set<std::pair<int64_t, std::string>> ads_gone =
      vanished(old_ads, rows_of(google_truth(*e.fake, kShopA, "ad", t - 89, t), true, "ad"));
  EXPECT_FALSE(ads_gone.empty());
  for (const auto& [day, ad] : ads_gone) {
    EXPECT_EQ(rows_stored(e, "account_id = '" + kShopA + "' AND level = 'ad' AND day = " + std::to_string(day) + " AND dims LIKE '%\"" +
                                 ad + "\"%'"),
              0)
        << "ad " << ad << " on " << iso(day);
  }
  expect_matches_truth(e, kShopA, t - 89, t, "EUR");
  expect_matches_truth(e, kShopA, t - 5, t - 5, "EUR");
  expect_matches_truth(e, kShopA, t - 3, t - 3, "EUR");
  expect_rows_per_day(e, kShopA, "campaign", t - 89, t);
  expect_rows_per_day(e, kShopA, "ad", t - 89, t);
  const int64_t td = google_today(e, kDirect);
  expect_matches_truth(e, kDirect, td - 89, td, "USD");
  EXPECT_EQ(duplicates(e), 0);
}

TEST(SyncFlows, AMetaRestatementIsStoredExactlyAndTheAdDayThatVanishedIsGone) {
  Env e = setup("sync-m-restate", {"meta"});
  link_meta(e, {kMetaA, kMetaB});
  Reply first = sync_and_wait(e, "meta_ads", e.meta_cid);
  ASSERT_EQ(current_status(first), "done") << first.text.substr(0, 2000);
  const int64_t t = meta_today(kMetaA);
  const std::vector<TruthRow> old_ads = rows_of(meta_truth(*e.fake, kMetaA, "ad", t - 89, t), false, "ad");
  const std::vector<TruthRow> old_campaigns = rows_of(meta_truth(*e.fake, kMetaA, "campaign", t - 89, t), false, "campaign");

  e.fake->scenario("meta_restate");
  const std::vector<TruthRow> new_ads = rows_of(meta_truth(*e.fake, kMetaA, "ad", t - 89, t), false, "ad");
  const std::set<std::pair<int64_t, std::string>> gone = vanished(old_ads, new_ads);
  ASSERT_EQ(gone.size(), 1u) << "meta_restate drops ad …111's row on day -3";
  const auto [gone_day, gone_ad] = *gone.begin();
  EXPECT_EQ(gone_day, t - 3);
  const std::string match = "account_id = '" + kMetaA + "' AND level = 'ad' AND day = " + std::to_string(gone_day) + " AND dims LIKE '%\"" +
                            gone_ad + "\"%'";
  EXPECT_EQ(rows_stored(e, match), 1) << "before the re-sync the ad-day is there";
  Sums day5_old, day5_new;
  for (const TruthRow& r : old_campaigns) if (r.day == t - 5) add(day5_old, r.m);
  for (const TruthRow& r : rows_of(meta_truth(*e.fake, kMetaA, "campaign", t - 89, t), false, "campaign"))
    if (r.day == t - 5) add(day5_new, r.m);
  ASSERT_NE(day5_old, day5_new) << "meta_restate changes day -5";

  Reply again = sync_and_wait(e, "meta_ads", e.meta_cid);
  EXPECT_EQ(current_status(again), "done") << again.text.substr(0, 2000);
  EXPECT_EQ(rows_stored(e, match), 0) << "the ad-day that vanished upstream is still stored";
  expect_matches_truth(e, kMetaA, t - 89, t, "EUR");
  expect_matches_truth(e, kMetaA, t - 5, t - 5, "EUR");
  expect_matches_truth(e, kMetaA, t - 3, t - 3, "EUR");
  expect_rows_per_day(e, kMetaA, "ad", t - 89, t);
  expect_rows_per_day(e, kMetaA, "campaign", t - 89, t);
  const int64_t tb = meta_today(kMetaB);
  expect_matches_truth(e, kMetaB, tb - 89, tb, "USD");
  EXPECT_EQ(duplicates(e), 0);
}

// ---------------------------------------------------------------------------
// SyncFailures

int count_requests(const json& log, const std::string& method, const std::string& path_re, const std::string& body_has = "") {
  const std::regex re(path_re);
  int n = 0;
  for (const json& r : log) {
    if (r.value("method", "") != method || !std::regex_search(r.value("path", ""), re)) continue;
    if (!body_has.empty() && r.value("body", "").find(body_has) == std::string::npos) continue;
    ++n;
  }
  return n;
}

// Report streams (FROM campaign, ad_group or ad_group_ad) in the fake's log.
int report_streams(const json& log) {
  const std::regex re("FROM\\s+(campaign|ad_group|ad_group_ad)\\b");
  int n = 0;
  for (const json& r : log) {
    if (r.value("path", "").find("googleAds:searchStream") != std::string::npos && std::regex_search(r.value("body", ""), re)) ++n;
  }
  return n;
}

int64_t unix_of(const json& v) {
  if (!v.is_string()) return 0;
  std::tm tm{};
  if (strptime(v.get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

TEST(SyncFailures, ARateLimitStormIsWaitedOutAndTheSyncCompletes) {
  Env e = setup("sync-429", {"google"});
  link_google(e, {kShopA});
  e.fake->reset_log();
  e.fake->scenario("google_ads_429_storm");
  Reply st = sync_and_wait(e, "google_ads", e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  const json log = e.fake->requests();
  EXPECT_GE(count_requests(log, "POST", "googleAds:search"), 6) << "the storm's five 429s, then answers";
  if (st.body["current"].is_object()) {
    const int64_t took = unix_of(st.body["current"]["finished_at"]) - unix_of(st.body["current"]["started_at"]);
    EXPECT_GE(took, 4) << "five 429s with retryDelay 1s were not waited out: " << st.body["current"].dump();
  }
  const int64_t t = google_today(e, kShopA);
  expect_matches_truth(e, kShopA, t - 89, t, "EUR");
  expect_rows_per_day(e, kShopA, "ad", t - 89, t);
}

TEST(SyncFailures, ATokenThatExpiresMidSyncIsRefreshedAndTheSyncCompletes) {
  Env e = setup("sync-expire", {"google"});
  link_google(e, {kShopA, kDirect});
  e.fake->reset_log();
  e.fake->scenario("google_expire_mid");
  Reply st = sync_and_wait(e, "google_ads", e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  const json log = e.fake->requests();
  EXPECT_GE(count_requests(log, "POST", "^/token$", "grant_type=refresh_token"), 1) << "no refresh was asked";
  for (const std::string& c : {kShopA, kDirect}) {
    const int64_t t = google_today(e, c);
    expect_matches_truth(e, c, t - 89, t, google_currency(e, c));
    expect_rows_per_day(e, c, "ad_group", t - 89, t);
  }
  EXPECT_EQ(e.server->get("/api/oauth/google/status?tenant_id=" + e.tid, e.owner).body.value("status", ""), "active");
}

TEST(SyncFailures, ACutStreamIsReadAgainAndTheTotalsEqualTheTruth) {
  const int kDays = 400;
  Env e = setup("sync-cut", {"google"}, {}, {"GLINT_SYNC_INITIAL_DAYS=" + std::to_string(kDays), "GLINT_SYNC_WORKERS=1"});
  link_google(e, {kShopA, kShopC});
  e.fake->reset_log();
  // The next searchStream is cut: the first one the sync makes reads the
  // account's settings; once slices are done, it is cut again so a report
  // stream is cut too.
  e.fake->scenario("google_stream_cut");
  Reply p = e.server->post("/sync/google_ads/" + e.google_cid, {{"tenant_id", e.tid}}, e.owner);
  ASSERT_EQ(p.status, 202) << p.text;
  bool again = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!again && std::chrono::steady_clock::now() < until) {
    Reply cur = status_of(e, e.google_cid);
    ASSERT_EQ(cur.status, 200) << cur.text;
    ASSERT_NE(current_status(cur), "done") << "the sync ended before the second cut could be set";
    ASSERT_NE(current_status(cur), "failed") << cur.text.substr(0, 2000);
    if (current_status(cur) == "running" && cur.body["current"]["progress"].value("slices_done", 0) > 0) {
      e.fake->scenario("google_stream_cut");
      again = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(again);
  Reply st = wait_done(e, e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  // The cut stream was read again in halves: a report over a range shorter
  // than any planned one (31-day chunks; 400 days = 12 × 31 + 28).
  const std::regex report_re("FROM\\s+(campaign|ad_group|ad_group_ad)\\b[\\s\\S]*BETWEEN\\s*'([0-9-]{10})'\\s+AND\\s+'([0-9-]{10})'");
  int reports = 0, halves = 0;
  std::string streams;  // what was asked, for the failure message
  for (const json& r : e.fake->requests()) {
    if (r.value("path", "").find("googleAds:searchStream") == std::string::npos) continue;
    std::string body = r.value("body", "");
    const json b = json::parse(body, nullptr, false);
    if (b.is_object() && b.contains("query")) body = b.value("query", "");
    streams += "\n  " + r.value("path", "") + " " + std::regex_replace(body, std::regex("SELECT .* FROM"), "FROM");
    std::smatch m;
    if (!std::regex_search(body, m, report_re)) continue;
    ++reports;
    if (day_of(m[3].str()) - day_of(m[2].str()) + 1 < 28) ++halves;
  }
  EXPECT_GT(reports, 0) << "no report stream in the fake's log";
  EXPECT_GE(halves, 2) << "the cut stream was not retried in halves (" << reports << " report streams):" << streams;
  for (const std::string& c : {kShopA, kShopC}) {
    const int64_t t = google_today(e, c);
    expect_matches_truth(e, c, t - kDays + 1, t, google_currency(e, c));
    expect_matches_truth(e, c, t - 89, t, google_currency(e, c));
    for (const char* level : {"campaign", "ad_group", "ad"}) expect_rows_per_day(e, c, level, t - kDays + 1, t);
  }
  EXPECT_EQ(duplicates(e), 0);
}

TEST(SyncFailures, ADisabledClientFailsAloneAndTheOthersAreSynced) {
  Env e = setup("sync-disabled", {"google"});
  link_google(e, {kShopA, kShopB, kDirect});
  e.fake->scenario("google_disabled_client");
  Reply st = sync_and_wait(e, "google_ads", e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  const json failures = failures_of(st);
  ASSERT_EQ(failures.size(), 1u) << st.text.substr(0, 2000);
  EXPECT_EQ(failures[0].value("account_id", ""), kShopB) << failures.dump();
  EXPECT_FALSE(failures[0].value("message", "").empty()) << failures.dump();
  EXPECT_EQ(rows_stored(e, "account_id = '" + kShopB + "'"), 0);
  for (const std::string& c : {kShopA, kDirect}) {
    const int64_t t = google_today(e, c);
    expect_matches_truth(e, c, t - 89, t, google_currency(e, c));
    expect_rows_per_day(e, c, "ad", t - 89, t);
  }
  // The failing account says so; its data API has nothing to show as fresh.
  Reply list = e.server->get("/advertising/accounts?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(list.status, 200) << list.text;
  for (const json& a : list.body.value("accounts", json::array())) {
    if (a.value("account_id", "") == kShopB) {
      EXPECT_FALSE(a.value("last_error", "").empty()) << a.dump();
      EXPECT_TRUE(a["last_success"].is_null()) << a.dump();
    } else {
      EXPECT_FALSE(a["last_success"].is_null()) << a.dump();
    }
  }
}

TEST(SyncFailures, ADisabledMetaAccountFailsAloneAndTheOtherIsSynced) {
  const std::string kMetaD = "act_4567890123";  // Shop D, GBP, Europe/London
  Env e = setup("sync-meta-disabled", {"meta"});
  link_meta(e, {kMetaA, kMetaD});
  e.fake->scenario("meta_disabled_account");
  Reply st = sync_and_wait(e, "meta_ads", e.meta_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  const json failures = failures_of(st);
  ASSERT_EQ(failures.size(), 1u) << st.text.substr(0, 2000);
  EXPECT_EQ(failures[0].value("account_id", ""), kMetaD) << failures.dump();
  EXPECT_EQ(rows_stored(e, "account_id = '" + kMetaD + "'"), 0);
  const int64_t t = meta_today(kMetaA);
  expect_matches_truth(e, kMetaA, t - 89, t, "EUR");
  expect_rows_per_day(e, kMetaA, "ad", t - 89, t);
}

// Meta's 190/463 (an expired session) on a data call mid-sync: Meta tokens
// cannot be refreshed, so the task fails naming the reconnect; nothing is
// stored twice, and after the connection is made again a sync completes
// with the truth.
TEST(SyncFailures, AMetaTokenRefusedMidSyncFailsTheTaskAndAReconnectCompletesIt) {
  Env e = setup("sync-meta-expire", {"meta"});
  link_meta(e, {kMetaA, kMetaB});
  e.fake->scenario("meta_expire_mid");
  Reply st = sync_and_wait(e, "meta_ads", e.meta_cid);
  const std::string status = current_status(st);
  ASSERT_TRUE(status == "done" || status == "failed") << st.text.substr(0, 2000);
  EXPECT_EQ(duplicates(e), 0);
  if (status == "failed") {
    EXPECT_NE(st.body["current"].value("message", "").find("connect"), std::string::npos) << st.body["current"].dump();
    Reply c = connect(*e.server, "meta", e.owner, e.tid);
    ASSERT_EQ(c.status, 200) << c.text;
    Reply ms = e.server->get("/api/oauth/meta/status?tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(ms.body.value("status", ""), "active") << ms.text;
    e.meta_cid = ms.body.value("connection_id", e.meta_cid);
    link_meta(e, {kMetaA, kMetaB});
  }
  Reply again = sync_and_wait(e, "meta_ads", e.meta_cid);
  EXPECT_EQ(current_status(again), "done") << again.text.substr(0, 2000);
  for (const std::string& a : {kMetaA, kMetaB}) {
    const int64_t t = meta_today(a);
    expect_matches_truth(e, a, t - 89, t, a == kMetaA ? "EUR" : "USD");
    expect_rows_per_day(e, a, "ad", t - 89, t);
  }
  EXPECT_EQ(duplicates(e), 0);
}

TEST(SyncFailures, TodayInKiritimatiIsSyncedForTheFarEastClient) {
  Env e = setup("sync-far-east", {"google"}, {"google_far_east"});
  link_google(e, {kFarEast, kDirect});
  Reply st = sync_and_wait(e, "google_ads", e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  const json truth = google_truth(*e.fake, kFarEast, "campaign", 0, 0);
  EXPECT_EQ(truth.value("time_zone", ""), "Pacific/Kiritimati");
  const int64_t t = day_of(truth.value("today", ""));
  ASSERT_GT(t, 0);
  EXPECT_EQ(rows_of(google_truth(*e.fake, kFarEast, "campaign", t, t), true, "campaign").empty(), false)
      << "the Brand campaign runs every day: the fake has a row today";
  EXPECT_EQ(sql_int(e.server->db(), "SELECT MAX(day) FROM synced_rows WHERE account_id = '" + kFarEast + "' AND level = 'campaign'"), t)
      << "the newest synced day is not the fake's today in Pacific/Kiritimati (" << iso(t) << ")";
  expect_matches_truth(e, kFarEast, t, t, "AUD");
  expect_matches_truth(e, kFarEast, t - 89, t, "AUD");
  // New York is 19 hours behind: its today is another day.
  const int64_t td = google_today(e, kDirect);
  EXPECT_EQ(sql_int(e.server->db(), "SELECT MAX(day) FROM synced_rows WHERE account_id = '" + kDirect + "'"), td);
  expect_matches_truth(e, kDirect, td - 89, td, "USD");
}

// ---------------------------------------------------------------------------
// SyncDurability

TEST(SyncDurability, AKilledServerResumesTheSyncWithoutDuplicates) {
  const int kDays = 700;
  Env e = setup("sync-kill", {"google"}, {}, {"GLINT_SYNC_INITIAL_DAYS=" + std::to_string(kDays), "GLINT_SYNC_WORKERS=1"});
  link_google(e, {kShopA, kShopC, kDirect});
  Reply p = e.server->post("/sync/google_ads/" + e.google_cid, {{"tenant_id", e.tid}}, e.owner);
  ASSERT_EQ(p.status, 202) << p.text;
  const std::string task = p.body.value("task_id", "");
  // Kill -9 while it runs with some slices done.
  bool killed = false;
  int64_t done_at_kill = 0, total_at_kill = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < until) {
    Reply st = status_of(e, e.google_cid);
    ASSERT_EQ(st.status, 200) << st.text;
    const json cur = st.body["current"];
    ASSERT_TRUE(cur.is_object()) << st.text;
    ASSERT_NE(cur.value("status", ""), "done") << "the sync ended before it could be killed: slow it down; " << st.text.substr(0, 800);
    ASSERT_NE(cur.value("status", ""), "failed") << st.text.substr(0, 2000);
    done_at_kill = cur["progress"].value("slices_done", int64_t{0});
    total_at_kill = cur["progress"].value("slices_total", int64_t{0});
    if (cur.value("status", "") == "running" && done_at_kill > 0) {
      e.server->stop(SIGKILL);
      killed = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(killed) << "no progress within 120 s";
  ASSERT_LT(done_at_kill, total_at_kill) << "killed too late to test a resume";
  EXPECT_EQ(sql_text(e.server->db(), "SELECT status FROM sync_runs WHERE public_id = '" + task + "'"), "running");
  const int64_t rows_at_kill = rows_stored(e);
  e.fake->reset_log();

  e.server->restart_with({});
  Reply st = wait_done(e, e.google_cid, 300);
  ASSERT_TRUE(st.body["current"].is_object()) << st.text;
  EXPECT_EQ(st.body["current"].value("task_id", ""), task) << "the same task resumed (no new POST)";
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_EQ(st.body.value("runs", json::array()).size(), 1u) << "one task only: " << st.text.substr(0, 2000);
  EXPECT_GE(rows_stored(e), rows_at_kill);
  // Resumed after the units done, not from the start: 3 accounts × 3 levels × 23 chunks of 31 days.
  const int after = report_streams(e.fake->requests());
  EXPECT_GT(after, 0);
  EXPECT_LT(after, 3 * 3 * 23) << "the resumed task read every unit again";
  EXPECT_EQ(duplicates(e), 0) << "a row stored twice for one entity and day";
  EXPECT_EQ(sql_text(e.server->db(), "PRAGMA integrity_check"), "ok");
  for (const std::string& c : {kShopA, kShopC, kDirect}) {
    SCOPED_TRACE(c);
    const int64_t t = google_today(e, c);
    for (const char* level : {"campaign", "ad_group", "ad"}) expect_rows_per_day(e, c, level, t - kDays + 1, t);
    expect_matches_truth(e, c, t - kDays + 1, t, google_currency(e, c));
  }
}

TEST(SyncDurability, TwoRequestsAtOnceMakeOneTaskAndRolesAndWorkspacesAreHonoured) {
  Env e = setup("sync-access", {"google", "meta"});
  link_google(e, {kShopA});
  link_meta(e, {kMetaA});
  // Two POSTs at once: one task.
  Reply r[2];
  std::latch go(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      r[i] = e.server->post("/sync/google_ads/" + e.google_cid, {{"tenant_id", e.tid}}, e.owner);
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(r[0].status, 202) << r[0].text;
  ASSERT_EQ(r[1].status, 202) << r[1].text;
  EXPECT_EQ(r[0].body.value("task_id", "a"), r[1].body.value("task_id", "b"));
  EXPECT_EQ(r[0].body.value("queued", false) + r[1].body.value("queued", false), 1) << r[0].text << "\n" << r[1].text;
  Reply st = wait_done(e, e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_EQ(st.body.value("runs", json::array()).size(), 1u) << st.text.substr(0, 2000);
  EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs"), 1);
  Reply ms = sync_and_wait(e, "meta_ads", e.meta_cid);
  EXPECT_EQ(current_status(ms), "done") << ms.text.substr(0, 2000);

  const int64_t t = google_today(e, kShopA);
  const std::string range = "start_date=" + iso(t - 29) + "&end_date=" + iso(t) + "&tenant_id=" + e.tid;

  // A member reads status and data, and may not start a sync.
  const std::string member = join(*e.server, e.owner, e.tid, "sync-member@example.com", "member");
  EXPECT_EQ(status_of(e, e.google_cid, member).status, 200);
  EXPECT_EQ(e.server->get("/advertising/accounts?tenant_id=" + e.tid, member).status, 200);
  EXPECT_EQ(e.server->get("/advertising/health?tenant_id=" + e.tid, member).status, 200);
  Reply mp = e.server->get("/advertising/accounts/" + kShopA + "/performance?" + range, member);
  EXPECT_EQ(mp.status, 200) << mp.text.substr(0, 500);
  Reply owner_view = e.server->get("/advertising/accounts/" + kShopA + "/performance?" + range, e.owner);
  EXPECT_EQ(mp.body["totals"], owner_view.body["totals"]);
  EXPECT_EQ(e.server->get("/advertising/accounts/" + kShopA + "/campaigns?" + range, member).status, 200);
  EXPECT_EQ(e.server->get("/meta-ads/accounts?tenant_id=" + e.tid, member).status, 200);
  for (const char* what : {"performance", "campaigns", "adsets", "ads"}) {
    EXPECT_EQ(e.server->get("/meta-ads/accounts/" + kMetaA + "/" + what + "?tenant_id=" + e.tid, member).status, 200) << what;
  }
  Reply mpost = e.server->post("/sync/google_ads/" + e.google_cid, {{"tenant_id", e.tid}}, member);
  EXPECT_EQ(mpost.status, 403) << mpost.text;
  EXPECT_EQ(e.server->post("/sync/meta_ads/" + e.meta_cid, {{"tenant_id", e.tid}}, member).status, 403);
  EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs WHERE status IN ('queued', 'running')"), 0);

  // An outsider: 404 everywhere, with or without the workspace's id.
  const std::string outsider = e.server->account("sync-outsider@example.com");
  (void)workspace(*e.server, outsider, "Outsider Co");
  for (const std::string& q : {std::string("?tenant_id=") + e.tid, std::string()}) {
    EXPECT_EQ(e.server->get("/sync/status/" + e.google_cid + q, outsider).status, 404) << q;
    EXPECT_EQ(e.server->post("/sync/google_ads/" + e.google_cid, q.empty() ? json::object() : json{{"tenant_id", e.tid}}, outsider).status,
              404)
        << q;
    Reply op = e.server->get("/advertising/accounts/" + kShopA + "/performance" + q, outsider);
    EXPECT_EQ(op.status, 404) << q << " " << op.text.substr(0, 300);
    EXPECT_EQ(e.server->get("/meta-ads/accounts/" + kMetaA + "/campaigns" + q, outsider).status, 404) << q;
  }
  Reply olist = e.server->get("/advertising/accounts", outsider);
  EXPECT_EQ(olist.text.find(kShopA), std::string::npos) << olist.text;

  // The owner's other workspace: the account of the first is a 404 there.
  const std::string other = workspace(*e.server, e.owner, "Other Co");
  Reply cross = e.server->get("/advertising/accounts/" + kShopA + "/performance?tenant_id=" + other, e.owner);
  EXPECT_EQ(cross.status, 404) << cross.text.substr(0, 300);
  EXPECT_EQ(e.server->get("/meta-ads/accounts/" + kMetaA + "/performance?tenant_id=" + other, e.owner).status, 404);
  EXPECT_EQ(e.server->get("/sync/status/" + e.google_cid + "?tenant_id=" + other, e.owner).status, 404);
  EXPECT_EQ(e.server->post("/sync/google_ads/" + e.google_cid, {{"tenant_id", other}}, e.owner).status, 404);
  Reply olist2 = e.server->get("/advertising/accounts?tenant_id=" + other, e.owner);
  EXPECT_EQ(olist2.status, 200);
  EXPECT_EQ(olist2.body.value("total", -1), 0) << olist2.text;
}

}  // namespace
}  // namespace glint::testing
