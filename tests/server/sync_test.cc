// The sync (native/sync) through the real server against the fake
// upstreams: Google Ads and Meta connected the way a browser connects them,
// accounts linked, POST /sync/{platform}/{connection_id}, the task polled
// until it ends, then the data APIs (/advertising/*, /meta-ads/*) and the
// stored rows compared with the fakes' own truth endpoints
// (/_fake/google/truth, /_fake/meta/truth). Every expected figure is
// computed here from the fakes' rows, never from glint's answers. The
// helpers (connecting, linking, syncing, the truth) are in sync_support.h.
//
//   SyncFlows       initial sync (exactly once), restatements
//   SyncFailures    rate limits, expiry mid-sync, cut streams, a disabled
//                   client, UTC+14
//   SyncDurability  kill -9 mid-sync and resume, one task per connection,
//                   roles and workspaces
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <latch>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "sync_support.h"

namespace glint::testing {
namespace {

using namespace sync_support;  // NOLINT(google-build-using-namespace): the suites' shared vocabulary

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


// Report streams (FROM campaign, ad_group or ad_group_ad) in the fake's log.
int report_streams(const json& log) {
  const std::regex re("FROM\\s+(campaign|ad_group|ad_group_ad)\\b");
  int n = 0;
  for (const json& r : log) {
    if (r.value("path", "").find("googleAds:searchStream") != std::string::npos && std::regex_search(r.value("body", ""), re)) ++n;
  }
  return n;
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

// The schedule: a connection whose accounts were just linked syncs without
// anyone asking (looking every second here; 60 s by default), and once it has
// synced it is not queued again before GLINT_SYNC_EVERY_HOURS.
TEST(SyncDurability, TheScheduleSyncsANewlyLinkedConnectionAndNotAgainBeforeItsTime) {
  Env e = setup("sync-schedule", {"google"}, {}, {"GLINT_SYNC_SCHEDULE=on", "GLINT_SYNC_SCHEDULE_CHECK_S=1"});
  Reply before = status_of(e, e.google_cid);
  ASSERT_EQ(before.status, 200) << before.text;
  EXPECT_TRUE(before.body["runs"].empty()) << "nothing is linked yet, so nothing is scheduled: " << before.text.substr(0, 500);
  link_google(e, {kShopA});
  Reply st = wait_done(e, e.google_cid, 120);
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_EQ(st.body["current"].value("trigger", ""), "schedule") << st.text.substr(0, 1000);
  const int64_t t = google_today(e, kShopA);
  expect_matches_truth(e, kShopA, t - 29, t, google_currency(e, kShopA));
  // A few more looks of the schedule: still one task.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  Reply after = status_of(e, e.google_cid);
  EXPECT_EQ(after.body["runs"].size(), 1u) << after.text.substr(0, 1500);
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
