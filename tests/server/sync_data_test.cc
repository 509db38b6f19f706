// What a sync brings, through the real server and the fake upstreams: GA4's
// data APIs (/analytics/properties/*) against the fake's own rows
// (/_fake/ga4/truth); the sync winning over an uploaded export of the same
// accounts and days (/ad-performance-analysis, /api/bronze/highlight and
// their data_sources); the 48-hour staleness of a synced account
// (/api/platform/{platform}/status, data_sources). Every expected figure is
// computed here from the fakes' rows and the CSV the test writes, never from
// glint's answers. Helpers shared with sync_test.cc are in sync_support.h.
//
//   SyncData       GA4 metrics, traffic sources and conversions equal the
//                  truth; users are GA4's period aggregate, or unavailable
//                  with the reason; realtime passes through; workspaces and
//                  ranges
//   SyncWins       an upload of synced accounts and days is left out there
//                  (and said so); other accounts and platforms are not
//   SyncFreshness  stale after 48 hours without a successful sync
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sync_support.h"

namespace glint::testing {
namespace {

using namespace sync_support;  // NOLINT(google-build-using-namespace): the suites' shared vocabulary

// The insights routes are rate limited per user (10 a minute by default).
const std::vector<std::string> kUnthrottled = {"GLINT_RATE_INSIGHTS_PER_MIN=100000"};

std::string range_of(const Env& e, int64_t first, int64_t last) {
  return "start_date=" + iso(first) + "&end_date=" + iso(last) + "&tenant_id=" + e.tid;
}

// ---------------------------------------------------------------------------
// SyncData

// A workspace whose Google connection has GA4 `properties` linked and synced once.
Env synced_ga4(const std::string& tag, const std::vector<std::string>& properties) {
  Env e = setup(tag, {"google"}, {}, kUnthrottled);
  link_ga4(e, properties);
  Reply st = sync_and_wait(e, "ga4", e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  return e;
}

using SourceKey = std::pair<std::string, std::string>;  // session source, medium

// What the fake's rows of a property add up to over [first, last].
struct Ga4Expected {
  json truth;
  WebSums total;
  std::map<int64_t, WebSums> daily;
  std::map<SourceKey, WebSums> sources;
  int64_t sum_of_daily_users = 0;  // what summing users over days would (wrongly) give
};

Ga4Expected ga4_expected(const Env& e, const std::string& property, int64_t first, int64_t last) {
  Ga4Expected x;
  x.truth = ga4_truth(*e.fake, property, first, last);
  for (const json& r : x.truth.value("rows", json::array())) {
    const WebSums m = ga4_row(r);
    add(x.total, m);
    add(x.daily[day_of(r.value("date", ""))], m);
    add(x.sources[{r.value("source", ""), r.value("medium", "")}], m);
    x.sum_of_daily_users += r.value("total_users", int64_t{0});
  }
  return x;
}

// The figures /conversions carries (no engaged sessions, no views).
WebSums conversions_of(const WebSums& s) { return {s.sessions, 0, 0, s.key_events, s.revenue}; }

template <class K>
void expect_same(const std::map<K, WebSums>& got, const std::map<K, WebSums>& want, const std::string& what,
                 WebSums (*view)(const WebSums&) = nullptr) {
  std::set<K> got_keys, want_keys;
  for (const auto& [k, v] : got) got_keys.insert(k);
  for (const auto& [k, v] : want) want_keys.insert(k);
  EXPECT_EQ(got_keys.size(), want_keys.size()) << what << ": how many";
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      ADD_FAILURE() << what << ": one the truth has is missing";
      continue;
    }
    EXPECT_EQ(it->second, view ? view(v) : v) << what;
  }
}

// /metrics, /traffic-sources and /conversions of `property` over [first, last] against the truth.
void expect_ga4_matches_truth(const Env& e, const std::string& property, int64_t first, int64_t last) {
  const std::string what = property + " " + iso(first) + ".." + iso(last);
  SCOPED_TRACE(what);
  const Ga4Expected x = ga4_expected(e, property, first, last);
  ASSERT_FALSE(x.daily.empty()) << "the fake has no GA4 rows in the range";
  const std::string base = "/analytics/properties/" + property, q = "?" + range_of(e, first, last);

  Reply m = e.server->get(base + "/metrics" + q, e.owner);
  ASSERT_EQ(m.status, 200) << m.text.substr(0, 1000);
  EXPECT_EQ(m.body.value("property_id", ""), property);
  EXPECT_EQ(m.body.value("start_date", ""), iso(first));
  EXPECT_EQ(m.body.value("end_date", ""), iso(last));
  EXPECT_EQ(m.body.value("currency", ""), x.truth.value("currency", "?"));
  EXPECT_EQ(m.body.value("time_zone", ""), x.truth.value("time_zone", "?"));
  EXPECT_EQ(web_of_reply(m.body["totals"]), x.total) << "totals " << m.body["totals"].dump();
  std::map<int64_t, WebSums> daily;
  for (const json& d : m.body.value("daily", json::array())) {
    const int64_t day = day_of(d.value("date", ""));
    EXPECT_EQ(daily.count(day), 0u) << "two daily entries for " << d.value("date", "");
    daily[day] = web_of_reply(d);
    for (const char* k : {"users", "new_users"}) EXPECT_TRUE(!d.contains(k) || d[k].is_null()) << "users of a day summed: " << d.dump();
  }
  expect_same(daily, x.daily, "daily");
  // Users are not additive: never a sum of the rows, but GA4's own aggregate of the period.
  for (const char* k : {"users", "new_users"}) {
    EXPECT_TRUE(!m.body["totals"].contains(k) || m.body["totals"][k].is_null()) << k << " summed: " << m.body["totals"].dump();
  }
  const json users = m.body.value("users", json::object());
  EXPECT_EQ(users.value("available", false), true) << users.dump();
  const json period = x.truth.value("totals", json::object());
  const int64_t period_users = period.value("total_users", int64_t{-1});
  EXPECT_EQ(users.value("total_users", int64_t{-2}), period_users) << users.dump();
  EXPECT_EQ(users.value("new_users", int64_t{-2}), period.value("new_users", int64_t{-1})) << users.dump();
  if (x.daily.size() > 1) {
    ASSERT_LT(period_users, x.sum_of_daily_users) << "the fake counts a visitor of several days once";
    EXPECT_NE(users.value("total_users", int64_t{-2}), x.sum_of_daily_users) << "users summed over days: " << users.dump();
  }
  // GA4's own warnings travel with the rows: the app property is thresholded.
  const json flags = x.truth.value("subject_to_thresholding", false) ? json{{"subject_to_thresholding", true}} : json::object();
  EXPECT_EQ(m.body["quality_flags"], flags);

  Reply t = e.server->get(base + "/traffic-sources" + q, e.owner);
  ASSERT_EQ(t.status, 200) << t.text.substr(0, 1000);
  std::map<SourceKey, WebSums> sources;
  for (const json& s : t.body.value("sources", json::array())) {
    const SourceKey k{s.value("source", ""), s.value("medium", "")};
    EXPECT_EQ(sources.count(k), 0u) << k.first << " / " << k.second << " listed twice";
    sources[k] = web_of_reply(s);
  }
  expect_same(sources, x.sources, "traffic sources");
  EXPECT_EQ(t.body.value("total", int64_t{-1}), static_cast<int64_t>(x.sources.size()));
  EXPECT_EQ(t.body["quality_flags"], flags);

  Reply c = e.server->get(base + "/conversions" + q, e.owner);
  ASSERT_EQ(c.status, 200) << c.text.substr(0, 1000);
  EXPECT_EQ(web_of_reply(c.body["totals"], false), conversions_of(x.total)) << "totals " << c.body["totals"].dump();
  ASSERT_GT(x.total.sessions, 0);
  EXPECT_NEAR(c.body["totals"].value("key_event_rate", -1.0), static_cast<double>(x.total.key_events) / 1e6 / x.total.sessions, 1e-6)
      << "a ratio of the sums";
  std::map<SourceKey, WebSums> conv_sources;
  for (const json& s : c.body.value("by_source", json::array())) {
    conv_sources[{s.value("source", ""), s.value("medium", "")}] = web_of_reply(s, false);
  }
  expect_same(conv_sources, x.sources, "conversions by source", conversions_of);
  std::map<int64_t, WebSums> conv_daily;
  for (const json& d : c.body.value("daily", json::array())) conv_daily[day_of(d.value("date", ""))] = web_of_reply(d, false);
  expect_same(conv_daily, x.daily, "conversions by day", conversions_of);
}

TEST(SyncData, Ga4FiguresEqualTheTruthAndUsersAreGa4sOwnAggregateOfThePeriod) {
  Env e = synced_ga4("ga4-figures", {kGa4ShopA, kGa4App});
  Reply list = e.server->get("/analytics/properties?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(list.status, 200) << list.text;
  std::set<std::string> ids;
  for (const json& p : list.body.value("properties", json::array())) {
    const std::string id = p.value("account_id", "");
    ids.insert(id);
    const json truth = ga4_truth(*e.fake, id, day_of("2020-01-01"), day_of("2020-01-01"));
    EXPECT_EQ(p.value("platform", ""), "ga4") << p.dump();
    EXPECT_EQ(p.value("currency", ""), truth.value("currency", "?")) << p.dump();
    EXPECT_EQ(p.value("time_zone", ""), truth.value("time_zone", "?")) << p.dump();
    EXPECT_EQ(p.value("connection_id", ""), e.google_cid) << p.dump();
    EXPECT_EQ(p.value("stale", true), false) << p.dump();
  }
  EXPECT_EQ(ids, (std::set<std::string>{kGa4ShopA, kGa4App})) << list.text;
  EXPECT_EQ(list.body.value("total", -1), 2);
  for (const std::string& p : {kGa4ShopA, kGa4App}) {
    const int64_t t = ga4_today(*e.fake, p);
    ASSERT_GT(t, 0);
    expect_ga4_matches_truth(e, p, t - 59, t);      // two months up to today
    expect_ga4_matches_truth(e, p, t - 6, t - 1);   // last week
    expect_ga4_matches_truth(e, p, t - 20, t - 20); // one day
  }
}

TEST(SyncData, UsersAreUnavailableWithTheReasonWhenGa4RefusesAndTheStoredFiguresStand) {
  Env e = synced_ga4("ga4-refused", {kGa4ShopA, kGa4ShopB});
  const int64_t ta = ga4_today(*e.fake, kGa4ShopA), tb = ga4_today(*e.fake, kGa4ShopB);
  auto metrics = [&](const std::string& p, int64_t t) {
    Reply r = e.server->get("/analytics/properties/" + p + "/metrics?" + range_of(e, t - 29, t - 1), e.owner);
    EXPECT_EQ(r.status, 200) << p << ": " << r.text.substr(0, 1000);
    return r;
  };
  auto period_users = [&](const std::string& p, int64_t t) {
    return ga4_truth(*e.fake, p, t - 29, t - 1).value("totals", json::object()).value("total_users", int64_t{-2});
  };
  auto expect_unavailable = [&](const Reply& r, const std::string& p, int64_t t) {
    const json users = r.body.value("users", json::object());
    EXPECT_EQ(users.value("available", true), false) << users.dump();
    EXPECT_FALSE(users.value("reason", "").empty()) << users.dump();
    EXPECT_FALSE(users.contains("total_users")) << users.dump();
    // The synced figures do not need GA4: they are there, and right.
    EXPECT_EQ(web_of_reply(r.body["totals"]), ga4_expected(e, p, t - 29, t - 1).total);
  };

  // shop-b.com's permission removed: its users cannot be asked; shop-a.com's can.
  e.fake->scenario("ga4_forbidden");
  expect_unavailable(metrics(kGa4ShopB, tb), kGa4ShopB, tb);
  Reply a = metrics(kGa4ShopA, ta);
  EXPECT_EQ(a.body["users"].value("available", false), true) << a.body["users"].dump();
  EXPECT_EQ(a.body["users"].value("total_users", int64_t{-1}), period_users(kGa4ShopA, ta));
  e.fake->scenario("ga4_forbidden", false);

  // Five 429s in a row: more than one request's retries; then GA4 answers again.
  e.fake->scenario("ga4_429_storm");
  expect_unavailable(metrics(kGa4ShopA, ta), kGa4ShopA, ta);
  bool back = false;
  for (int i = 0; i < 6 && !back; ++i) {
    Reply r = metrics(kGa4ShopA, ta);
    if (!r.body["users"].value("available", false)) continue;
    back = true;
    EXPECT_EQ(r.body["users"].value("total_users", int64_t{-1}), period_users(kGa4ShopA, ta));
  }
  EXPECT_TRUE(back) << "users never came back after the storm";
}

TEST(SyncData, RealtimeIsPassedThroughToGa4AndNothingIsStored) {
  Env e = synced_ga4("ga4-realtime", {kGa4ShopA});
  const int64_t rows_before = rows_stored(e);
  ASSERT_GT(rows_before, 0);
  const int64_t runs_before = sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs");
  const int64_t max_rowid_before = sql_int(e.server->db(), "SELECT MAX(rowid) FROM synced_rows");
  e.fake->reset_log();
  for (int i = 0; i < 2; ++i) {
    Reply r = e.server->get("/analytics/properties/" + kGa4ShopA + "/realtime?tenant_id=" + e.tid, e.owner);
    ASSERT_EQ(r.status, 200) << r.text.substr(0, 1000);
    EXPECT_EQ(r.body.value("property_id", ""), kGa4ShopA);
    EXPECT_GT(r.body.value("active_users", int64_t{0}), 0) << r.text;
    EXPECT_LE(r.body.value("active_users", int64_t{0}), 75) << "the fake has 1 to 25 visitors on each of three screens";
    EXPECT_EQ(r.body.value("stored", true), false);
    EXPECT_EQ(r.body.value("window_minutes", 0), 30);
  }
  // Each answer came from runRealtimeReport, asked then; no report was run, nothing was written.
  const json log = e.fake->requests();
  EXPECT_EQ(count_requests(log, "POST", kGa4ShopA + ":runRealtimeReport$"), 2) << log.dump().substr(0, 2000);
  EXPECT_EQ(count_requests(log, "POST", ":runReport$"), 0) << log.dump().substr(0, 2000);
  EXPECT_EQ(rows_stored(e), rows_before);
  EXPECT_EQ(sql_int(e.server->db(), "SELECT MAX(rowid) FROM synced_rows"), max_rowid_before);
  EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs"), runs_before);
}

// Top pages: each page's views, sessions and key events over the range are the
// fake's page rows summed here, most viewed first (ties by path), cut at limit.
TEST(SyncData, TopPagesAreTheFakesPageRowsSummedMostViewedFirst) {
  Env e = synced_ga4("sync-pages", {"250000001"});
  const std::string property = "250000001";
  const int64_t t = ga4_today(*e.fake, property);
  struct Page {
    std::string title;
    int64_t views = 0, sessions = 0;
    double key_events = 0;
  };
  for (const auto& [first, last] : std::vector<std::pair<int64_t, int64_t>>{{t - 29, t - 1}, {t - 6, t - 6}, {t - 60, t}}) {
    SCOPED_TRACE(iso(first) + ".." + iso(last));
    const json truth = fake_get(*e.fake, "/_fake/ga4/pages/truth?property=" + property + "&start=" + iso(first) + "&end=" + iso(last));
    ASSERT_TRUE(truth["rows"].is_array()) << truth.dump().substr(0, 300);
    std::map<std::string, Page> want;
    for (const json& r : truth["rows"]) {
      Page& p = want[r.value("page_path", "")];
      p.title = r.value("page_title", "");
      p.views += r.value("screen_page_views", int64_t{0});
      p.sessions += r.value("sessions", int64_t{0});
      p.key_events += r.value("key_events", 0.0);
    }
    ASSERT_GE(want.size(), 3u);
    std::vector<std::pair<std::string, Page>> order(want.begin(), want.end());
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.second.views != b.second.views ? a.second.views > b.second.views : a.first < b.first;
    });
    Reply all = e.server->get("/analytics/properties/" + property + "/top-pages?limit=500&" + range_of(e, first, last), e.owner);
    ASSERT_EQ(all.status, 200) << all.text.substr(0, 1000);
    EXPECT_EQ(all.body.value("total", int64_t{-1}), static_cast<int64_t>(want.size()));
    const json& pages = all.body["pages"];
    ASSERT_EQ(pages.size(), order.size()) << all.text.substr(0, 2000);
    for (size_t i = 0; i < order.size(); ++i) {
      const auto& [path, w] = order[i];
      const json& g = pages[i];
      EXPECT_EQ(g.value("page_path", ""), path) << "place " << i;
      EXPECT_EQ(g.value("page_title", ""), w.title) << path;
      EXPECT_EQ(g.value("views", -1.0), static_cast<double>(w.views)) << path;
      EXPECT_EQ(g.value("sessions", -1.0), static_cast<double>(w.sessions)) << path;
      EXPECT_NEAR(g.value("key_events", -1.0), w.key_events, 1e-6) << path;
      if (w.sessions > 0) {
        EXPECT_NEAR(g.value("key_event_rate", -1.0), w.key_events / static_cast<double>(w.sessions), 1e-12) << path;
      }
    }
    Reply top = e.server->get("/analytics/properties/" + property + "/top-pages?limit=3&" + range_of(e, first, last), e.owner);
    ASSERT_EQ(top.status, 200) << top.text.substr(0, 1000);
    ASSERT_EQ(top.body["pages"].size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(top.body["pages"][i].value("page_path", ""), order[i].first);
    EXPECT_EQ(top.body.value("total", int64_t{-1}), static_cast<int64_t>(want.size())) << "total counts every page, not the shown ones";
  }
  for (const char* bad : {"limit=0", "limit=501", "limit=ten"}) {
    Reply r = e.server->get("/analytics/properties/" + property + "/top-pages?" + bad + "&tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(r.status, 422) << bad << ": " << r.text;
  }
}

// Meta reach over a period is Meta's own figure for the period: fewer people
// than the days' reach added up, and frequency is impressions over it.
TEST(SyncData, MetaReachIsMetasFigureForThePeriodNeverASumOfDays) {
  Env e = setup("sync-reach", {"meta"});
  link_meta(e, {"act_1234567890"});
  Reply st = sync_and_wait(e, "meta_ads", e.meta_cid);
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  const std::string account = "act_1234567890";
  const int64_t t = meta_today(account);
  for (const auto& [first, last] : std::vector<std::pair<int64_t, int64_t>>{{t - 29, t - 1}, {t - 6, t - 1}}) {
    SCOPED_TRACE(iso(first) + ".." + iso(last));
    const std::string q = "since=" + iso(first) + "&until=" + iso(last);
    const json period = fake_get(*e.fake, "/_fake/meta/truth?account=" + account + "&level=account&period=1&" + q);
    const json daily = fake_get(*e.fake, "/_fake/meta/truth?account=" + account + "&level=account&" + q);
    ASSERT_TRUE(period.is_array() && period.size() == 1) << period.dump().substr(0, 300);
    int64_t summed = 0;
    for (const json& d : daily) summed += d.value("reach", int64_t{0});
    const int64_t reach = period[0].value("reach", int64_t{0}), impressions = period[0].value("impressions", int64_t{0});
    ASSERT_GT(reach, 0);
    ASSERT_LT(reach, summed) << "the fake's people reached on several days";
    Reply p = e.server->get("/meta-ads/accounts/" + account + "/performance?" + range_of(e, first, last), e.owner);
    ASSERT_EQ(p.status, 200) << p.text.substr(0, 1000);
    const json& r = p.body["reach"];
    ASSERT_TRUE(r.value("available", false)) << p.body["reach"].dump();
    EXPECT_EQ(r.value("reach", int64_t{-1}), reach);
    EXPECT_NEAR(r.value("frequency", -1.0), static_cast<double>(impressions) / static_cast<double>(reach), 1e-12);
    EXPECT_TRUE(p.body["totals"]["reach"].is_null()) << "daily rows never sum reach";
    for (const json& d : p.body["daily"]) EXPECT_TRUE(d["reach"].is_null()) << d.dump();
  }
}

// Ad sets and ads: one item per ad set (ad), its figures the fake's rows of
// that entity summed, with the campaign it belongs to.
TEST(SyncData, MetaAdSetsAndAdsAreEachEntitysRowsSummedWithItsCampaign) {
  Env e = setup("sync-adsets", {"meta"});
  link_meta(e, {"act_1234567890"});
  Reply st = sync_and_wait(e, "meta_ads", e.meta_cid);
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  const std::string account = "act_1234567890";
  const int64_t t = meta_today(account);
  for (const auto& [level, route, key] : std::vector<std::tuple<std::string, std::string, std::string>>{{"adset", "adsets", "adsets"},
                                                                                                      {"ad", "ads", "ads"}}) {
    SCOPED_TRACE(level);
    const std::vector<TruthRow> rows = rows_of(meta_truth(*e.fake, account, level, t - 29, t - 1), false, level);
    std::map<std::string, Sums> want;
    std::map<std::string, std::string> campaign_of;
    for (const TruthRow& r : rows) {
      add(want[r.entity_id], r.m);
      campaign_of[r.entity_id] = r.campaign_id;
    }
    ASSERT_GT(want.size(), 2u);
    Reply r = e.server->get("/meta-ads/accounts/" + account + "/" + route + "?" + range_of(e, t - 29, t - 1), e.owner);
    ASSERT_EQ(r.status, 200) << r.text.substr(0, 1000);
    std::set<std::string> got_ids, want_ids;
    for (const auto& [id, m] : want) want_ids.insert(id);
    for (const json& item : r.body[key]) {
      const std::string id = item.value("campaign_id", "");
      EXPECT_TRUE(got_ids.insert(id).second) << id << " listed twice";
      if (want.count(id) == 0) continue;
      EXPECT_EQ(of_reply(item), want[id]) << level << " " << id;
      EXPECT_EQ(item.value("parent_campaign_id", ""), campaign_of[id]) << level << " " << id;
    }
    EXPECT_EQ(got_ids, want_ids) << r.text.substr(0, 1500);
    Reply brief = e.server->get("/meta-ads/accounts/" + account + "/" + route + "?include_metrics=false&" + range_of(e, t - 29, t - 1), e.owner);
    ASSERT_EQ(brief.status, 200) << brief.text.substr(0, 500);
    ASSERT_FALSE(brief.body[key].empty());
    EXPECT_FALSE(brief.body[key][0].contains("impressions"));
    EXPECT_TRUE(brief.body[key][0].contains("parent_campaign_id"));
  }
}

TEST(SyncData, APropertyOfAnotherWorkspaceIsNotFoundAndBadRangesAreRefused) {
  Env e = synced_ga4("ga4-scope", {kGa4ShopA});
  const int64_t t = ga4_today(*e.fake, kGa4ShopA);
  const std::string base = "/analytics/properties/" + kGa4ShopA + "/";
  const std::vector<std::string> routes = {"metrics", "traffic-sources", "conversions", "realtime"};
  for (const std::string& r : routes) EXPECT_EQ(e.server->get(base + r + "?tenant_id=" + e.tid, e.owner).status, 200) << r;

  // The owner's other workspace: the property is not there.
  const std::string other = workspace(*e.server, e.owner, "Other GA4 Co");
  for (const std::string& r : routes) {
    Reply x = e.server->get(base + r + "?tenant_id=" + other, e.owner);
    EXPECT_EQ(x.status, 404) << r << ": " << x.text.substr(0, 300);
    EXPECT_EQ(x.body.value("code", ""), "not_found") << r;
  }
  Reply olist = e.server->get("/analytics/properties?tenant_id=" + other, e.owner);
  ASSERT_EQ(olist.status, 200) << olist.text;
  EXPECT_EQ(olist.body.value("total", -1), 0) << olist.text;
  // Someone else, with a workspace of their own, naming this one or not.
  const std::string outsider = e.server->account("ga4-outsider@example.com");
  (void)workspace(*e.server, outsider, "Outsider GA4 Co");
  for (const std::string& q : {"?tenant_id=" + e.tid, std::string()}) {
    for (const std::string& r : routes) EXPECT_EQ(e.server->get(base + r + q, outsider).status, 404) << r << q;
  }
  // A property of the connection that is not linked (so never synced).
  EXPECT_EQ(e.server->get("/analytics/properties/" + kGa4App + "/metrics?tenant_id=" + e.tid, e.owner).status, 404);

  for (const char* r : {"metrics", "traffic-sources", "conversions"}) {
    SCOPED_TRACE(r);
    auto ask = [&](int64_t first, int64_t last) { return e.server->get(base + r + "?" + range_of(e, first, last), e.owner); };
    Reply reversed = ask(t - 1, t - 10);
    EXPECT_EQ(reversed.status, 422) << reversed.text.substr(0, 300);
    EXPECT_EQ(reversed.body.value("code", ""), "invalid_parameter");
    Reply too_long = ask(t - 1200, t);
    EXPECT_EQ(too_long.status, 422) << too_long.text.substr(0, 300);
    EXPECT_EQ(too_long.body.value("code", ""), "invalid_parameter");
    EXPECT_EQ(ask(t - 3 * 365, t).status, 200) << "three years are allowed";
    Reply not_a_date = e.server->get(base + r + "?start_date=yesterday&tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(not_a_date.status, 422) << not_a_date.text.substr(0, 300);
  }
}

// ---------------------------------------------------------------------------
// SyncWins

// Shop A (Google Ads) synced in a fresh workspace, and what the fake says was synced.
struct SyncedShop {
  Env e;
  int64_t first = 0, last = 0;  // the synced days (campaign level)
  std::vector<std::pair<std::string, std::string>> campaigns;  // (id, name)
  Sums total;
  int64_t rows = 0;
};

// Shop A connected (not linked yet) and what the fake will sync of it: the
// 90 days up to its today.
SyncedShop shop_a(const std::string& tag) {
  SyncedShop s;
  s.e = setup(tag, {"google"}, {}, kUnthrottled);
  const int64_t t = google_today(s.e, kShopA);
  const json truth = google_truth(*s.e.fake, kShopA, "campaign", t - 89, t);
  std::map<std::string, std::string> names;
  s.first = t;
  s.last = t - 89;
  for (const json& r : truth.value("rows", json::array())) {
    const int64_t day = day_of(r.value("date", ""));
    s.first = std::min(s.first, day);
    s.last = std::max(s.last, day);
    names[r.value("campaign_id", "")] = r.value("campaign_name", "");
    add(s.total, google_row(r));
    ++s.rows;
  }
  for (const auto& [id, name] : names) s.campaigns.emplace_back(id, name);
  EXPECT_EQ(s.campaigns.size(), 3u) << "the fake's clients have three campaigns";
  EXPECT_EQ(s.first, t - 89) << "Brand – Search runs every day";
  EXPECT_EQ(s.last, t);
  return s;
}

// Links and syncs Shop A; what glint stored spans the truth's days.
void link_and_sync(SyncedShop& s) {
  link_google(s.e, {kShopA});
  Reply st = sync_and_wait(s.e, "google_ads", s.e.google_cid);
  EXPECT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  const std::string where = " FROM synced_rows WHERE account_id = '" + kShopA + "' AND level = 'campaign'";
  EXPECT_EQ(sql_int(s.e.server->db(), "SELECT MIN(day)" + where), s.first);
  EXPECT_EQ(sql_int(s.e.server->db(), "SELECT MAX(day)" + where), s.last);
}

SyncedShop synced_shop_a(const std::string& tag) {
  SyncedShop s = shop_a(tag);
  link_and_sync(s);
  return s;
}

// A row of an export the test writes, and its figures in glint's units.
struct ExportRow {
  int64_t day;
  std::string campaign_id, campaign;
  Sums m;
};

// Figures chosen for the k-th row: different on every row, exact in the export's two decimals.
Sums chosen(int k) {
  const int64_t cost_cents = 1500 + 37 * k, conversions = k % 4, value_cents = conversions * 2525 + 10 * (k % 3);
  return {1000 + 7 * k, 40 + k % 13, cost_cents * 10000, conversions * 1'000'000, value_cents * 10000};
}

// Rows for each of `campaigns` on each day of [first, last].
std::vector<ExportRow> export_rows(const std::vector<std::pair<std::string, std::string>>& campaigns, int64_t first, int64_t last,
                                   int seed) {
  std::vector<ExportRow> out;
  for (int64_t d = first; d <= last; ++d) {
    for (const auto& [id, name] : campaigns) {
      out.push_back({d, id, name, chosen(seed + static_cast<int>(out.size()))});
    }
  }
  return out;
}

std::string decimal2(int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(micros / 1'000'000), static_cast<long long>(micros / 10'000 % 100));
  return buf;
}

// A Google Ads export as the UI downloads it; without the Customer ID (and Campaign ID) columns when `customer` is "".
std::string google_export(const std::vector<ExportRow>& rows, const std::string& customer) {
  const bool ids = !customer.empty();
  std::string csv = std::string("Day,") + (ids ? "Customer ID,Campaign,Campaign ID," : "Campaign,") +
                    "Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n";
  for (const ExportRow& r : rows) {
    csv += iso(r.day) + "," + (ids ? customer + "," + r.campaign + "," + r.campaign_id + "," : r.campaign + ",") + "EUR," +
           std::to_string(r.m.impressions) + "," + std::to_string(r.m.clicks) + "," + decimal2(r.m.spend) + "," +
           std::to_string(r.m.conversions / 1'000'000) + "," + decimal2(r.m.value) + "\n";
  }
  return csv;
}

// A Meta Ads export by day.
std::string meta_export(const std::vector<ExportRow>& rows, const std::string& account) {
  std::string csv = "Account ID,Campaign name,Day,Impressions,Link clicks,Amount spent (EUR),Purchases,Purchases conversion value\n";
  for (const ExportRow& r : rows) {
    csv += account + "," + r.campaign + "," + iso(r.day) + "," + std::to_string(r.m.impressions) + "," + std::to_string(r.m.clicks) + "," +
           decimal2(r.m.spend) + "," + std::to_string(r.m.conversions / 1'000'000) + "," + decimal2(r.m.value) + "\n";
  }
  return csv;
}

// Uploads one export; its dataset id ("" after a failure).
std::string upload(const Env& e, const std::string& name, const std::string& csv, const std::string& platform, size_t rows) {
  Reply r = e.server->upload("/api/datasets", {{name, csv}}, e.owner);
  EXPECT_EQ(r.status, 201) << name << ": " << r.text.substr(0, 1000);
  if (r.status != 201 || !r.body["datasets"].is_array() || r.body["datasets"].size() != 1) return "";
  const json& d = r.body["datasets"][0];
  EXPECT_EQ(d.value("platform", ""), platform) << name << ": " << d.dump().substr(0, 500);
  EXPECT_EQ(d.value("rows", int64_t{-1}), static_cast<int64_t>(rows)) << name;
  return d.value("id", "");
}

std::vector<ExportRow> between(const std::vector<ExportRow>& rows, int64_t first, int64_t last, bool inside) {
  std::vector<ExportRow> out;
  for (const ExportRow& r : rows) {
    if ((r.day >= first && r.day <= last) == inside) out.push_back(r);
  }
  return out;
}

// /ad-performance-analysis over 90 days: the synced truth once, plus the
// upload rows that must count (`counted`), in total and per period (the
// current 90 days end on the newest synced day).
json expect_analysis(const SyncedShop& s, const std::vector<ExportRow>& counted) {
  Sums total = s.total, current = s.total, previous;
  for (const ExportRow& r : counted) {
    add(total, r.m);
    if (r.day > s.last - 90) {
      add(current, r.m);
    } else if (r.day > s.last - 180) {
      add(previous, r.m);
    }
  }
  Reply a = s.e.server->get("/ad-performance-analysis?date_range=90_days", s.e.owner);
  EXPECT_EQ(a.status, 200) << a.text.substr(0, 1000);
  if (a.status != 200) return json::object();
  EXPECT_EQ(of_reply(a.body["summary"]["totals"]), total) << "totals " << a.body["summary"]["totals"].dump();
  EXPECT_EQ(a.body["summary"].value("records", int64_t{-1}), s.rows + static_cast<int64_t>(counted.size())) << "rows counted";
  json p = a.body.value("periods", json::object());
  EXPECT_EQ(p["current"].value("start", ""), iso(s.last - 89)) << p["current"].dump();
  EXPECT_EQ(p["current"].value("end", ""), iso(s.last)) << p["current"].dump();
  EXPECT_EQ(of_reply(p["current"]), current) << "the current 90 days " << p["current"].dump();
  EXPECT_EQ(of_reply(p["previous"]), previous) << "the 90 days before " << p["previous"].dump();
  return a.body.value("data_sources", json::object());
}

// The superseded entry of `name` in data_sources, and the note that says so.
void expect_superseded(const json& ds, const std::string& name, const std::string& id, size_t rows, int64_t first, int64_t last) {
  SCOPED_TRACE(name);
  std::optional<json> entry;
  for (const json& u : ds.value("superseded_uploads", json::array())) {
    if (u.is_object() && u.value("dataset", "") == name) entry = u;
  }
  ASSERT_TRUE(entry.has_value()) << "not listed as superseded: " << ds.dump().substr(0, 2000);
  EXPECT_EQ(entry->value("dataset_id", ""), id);
  EXPECT_EQ(entry->value("rows_left_out", int64_t{-1}), static_cast<int64_t>(rows)) << entry->dump();
  EXPECT_EQ(entry->value("first_day", ""), iso(first)) << entry->dump();
  EXPECT_EQ(entry->value("last_day", ""), iso(last)) << entry->dump();
  int notes = 0;
  for (const json& n : ds.value("notes", json::array())) {
    const std::string text = n.is_string() ? n.get<std::string>() : "";
    if (text.find("'" + name + "'") != std::string::npos && text.find(" " + std::to_string(rows) + " ") != std::string::npos) ++notes;
  }
  EXPECT_EQ(notes, 1) << "no note names the upload and its " << rows << " rows left out: " << ds.value("notes", json()).dump();
}

json highlight_sources(const Env& e) {
  Reply h = e.server->post("/api/bronze/highlight", {{"highlight_type", "summary"}, {"date_range", "90_days"}}, e.owner);
  EXPECT_EQ(h.status, 200) << h.text.substr(0, 1000);
  return h.body.value("data_sources", json::object());
}

TEST(SyncWins, AnExportOfTheSyncedAccountCountsOnlyOnTheDaysTheSyncDoesNotCover) {
  SyncedShop s = synced_shop_a("wins-account");
  // Ten days before the synced window, ten inside it: 3 campaigns a day.
  const std::vector<ExportRow> rows = export_rows(s.campaigns, s.first - 10, s.first + 9, 0);
  const std::string name = "shop_a_google_ads.csv";
  const std::string id = upload(s.e, name, google_export(rows, "123-456-7890"), "google_ads", rows.size());
  ASSERT_FALSE(id.empty());
  const std::vector<ExportRow> overlapping = between(rows, s.first, s.last, true);
  ASSERT_EQ(overlapping.size(), 30u);
  const json ds = expect_analysis(s, between(rows, s.first, s.last, false));
  expect_superseded(ds, name, id, overlapping.size(), s.first, s.first + 9);
  EXPECT_EQ(ds.value("superseded_uploads", json::array()).size(), 1u) << ds.dump().substr(0, 2000);
  expect_superseded(highlight_sources(s.e), name, id, overlapping.size(), s.first, s.first + 9);
  // The upload itself is kept whole: only the answers leave the overlap out.
  Reply list = s.e.server->get("/api/datasets", s.e.owner);
  ASSERT_EQ(list.status, 200) << list.text;
  ASSERT_EQ(list.body.value("datasets", json::array()).size(), 1u) << list.text;
  EXPECT_EQ(list.body["datasets"][0].value("rows", int64_t{-1}), static_cast<int64_t>(rows.size()));
}

// Uploaded first, the export counts whole; once the sync arrives, the
// answers leave out what it covers (the engine is rebuilt on new synced data).
TEST(SyncWins, AnExportUploadedBeforeTheSyncCountsWholeUntilTheSyncArrives) {
  SyncedShop s = shop_a("wins-before");  // nothing linked yet: no sync can start
  const std::vector<ExportRow> rows = export_rows(s.campaigns, s.first - 10, s.first + 9, 0);
  const std::string name = "uploaded_first.csv";
  const std::string id = upload(s.e, name, google_export(rows, "123-456-7890"), "google_ads", rows.size());
  ASSERT_FALSE(id.empty());
  Sums upload_total;
  for (const ExportRow& r : rows) add(upload_total, r.m);
  Reply before = s.e.server->get("/ad-performance-analysis?date_range=90_days", s.e.owner);
  ASSERT_EQ(before.status, 200) << before.text.substr(0, 1000);
  EXPECT_EQ(of_reply(before.body["summary"]["totals"]), upload_total);
  const json ds_before = before.body.value("data_sources", json::object());
  EXPECT_TRUE(ds_before.value("superseded_uploads", json::array({"missing"})).empty()) << ds_before.dump();
  EXPECT_TRUE(ds_before.value("synced", json::array({"missing"})).empty()) << ds_before.dump();

  link_and_sync(s);
  const json ds = expect_analysis(s, between(rows, s.first, s.last, false));
  expect_superseded(ds, name, id, between(rows, s.first, s.last, true).size(), s.first, s.first + 9);
}

TEST(SyncWins, AnExportWithoutAccountIdIsMatchedByItsSyncedCampaignNames) {
  SyncedShop s = synced_shop_a("wins-names");
  // The synced campaigns by name on 20 days before the window and 10 inside,
  // and a campaign the sync does not know on the same days.
  std::vector<ExportRow> rows = export_rows(s.campaigns, s.first - 20, s.first + 9, 0);
  const std::vector<ExportRow> unknown = export_rows({{"", "Spring promo (uploaded only)"}}, s.first - 20, s.first + 9, 500);
  rows.insert(rows.end(), unknown.begin(), unknown.end());
  const std::string name = "campaigns_by_name.csv";
  const std::string id = upload(s.e, name, google_export(rows, ""), "google_ads", rows.size());
  ASSERT_FALSE(id.empty());
  std::vector<ExportRow> counted = between(rows, s.first, s.last, false);
  size_t left_out = 0;
  for (const ExportRow& r : between(rows, s.first, s.last, true)) {
    if (r.campaign.rfind("Spring promo", 0) == 0) {
      counted.push_back(r);
    } else {
      ++left_out;
    }
  }
  ASSERT_EQ(left_out, 30u);
  const json ds = expect_analysis(s, counted);
  expect_superseded(ds, name, id, left_out, s.first, s.first + 9);
}

TEST(SyncWins, ExportsOfAnotherAccountOrAnotherPlatformAreNotSuperseded) {
  SyncedShop s = synced_shop_a("wins-others");
  // The same campaign names and days as the synced account, but another
  // customer; and a Meta export whose account id has Shop A's digits.
  const std::vector<ExportRow> other = export_rows(s.campaigns, s.first - 10, s.first + 9, 0);
  const std::vector<ExportRow> meta = export_rows(s.campaigns, s.first - 10, s.first + 9, 100);
  ASSERT_FALSE(upload(s.e, "other_customer.csv", google_export(other, "999-888-7777"), "google_ads", other.size()).empty());
  ASSERT_FALSE(upload(s.e, "meta_ads.csv", meta_export(meta, kShopA), "meta_ads", meta.size()).empty());
  std::vector<ExportRow> counted = other;
  counted.insert(counted.end(), meta.begin(), meta.end());
  const json ds = expect_analysis(s, counted);
  EXPECT_TRUE(ds.value("superseded_uploads", json::array({"missing"})).empty()) << ds.dump().substr(0, 2000);
  for (const json& n : ds.value("notes", json::array())) {
    const std::string text = n.is_string() ? n.get<std::string>() : "";
    EXPECT_EQ(text.find("left out"), std::string::npos) << text;
  }
}

// ---------------------------------------------------------------------------
// SyncFreshness

TEST(SyncFreshness, AnAccountNotSyncedFor48HoursIsStaleInItsStatusAndInTheAnswersAndAt47HoursItIsNot) {
  Env e = setup("fresh", {"google"}, {}, kUnthrottled);
  link_google(e, {kShopA});
  Reply st = sync_and_wait(e, "google_ads", e.google_cid);
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);

  auto status = [&] {
    Reply r = e.server->get("/api/platform/google_ads/status?tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(r.status, 200) << r.text.substr(0, 1000);
    return r.body.value("sync", json::object());
  };
  auto shop_a = [](const json& accounts) {
    for (const json& a : accounts) {
      if (a.value("account_id", "") == kShopA) return a;
    }
    ADD_FAILURE() << "Shop A is not listed: " << accounts.dump().substr(0, 1000);
    return json::object();
  };
  auto names_shop_a = [](const json& notes) {
    int n = 0;
    for (const json& x : notes) n += x.is_string() && x.get<std::string>().find(kShopA) != std::string::npos;
    return n;
  };
  auto answers = [&] {
    Reply a = e.server->get("/ad-performance-analysis?date_range=30_days", e.owner);
    EXPECT_EQ(a.status, 200) << a.text.substr(0, 1000);
    return std::vector<json>{highlight_sources(e), a.body.value("data_sources", json::object())};
  };

  // Just synced.
  json fresh = status();
  EXPECT_EQ(fresh.value("stale", true), false) << fresh.dump();
  EXPECT_EQ(fresh.value("stale_after_hours", 0), 48);
  const int64_t synced_at = unix_of(shop_a(fresh.value("accounts", json::array()))["last_success"]);
  EXPECT_LE(std::abs(synced_at - static_cast<int64_t>(std::time(nullptr))), 600) << fresh.dump();
  for (const json& ds : answers()) {
    EXPECT_EQ(ds.value("any_stale", true), false) << ds.dump().substr(0, 2000);
    EXPECT_EQ(shop_a(ds.value("synced", json::array())).value("stale", true), false);
    EXPECT_EQ(names_shop_a(ds.value("notes", json::array())), 0) << ds.value("notes", json()).dump();
  }

  // The last success moved back: 49 hours is stale, 47 hours is not (in that order).
  const int64_t now = std::time(nullptr);
  for (const auto& [hours, stale] : {std::pair{49, true}, std::pair{47, false}}) {
    SCOPED_TRACE(std::to_string(hours) + " hours ago");
    const int64_t at = now - int64_t{hours} * 3600;
    ASSERT_TRUE(sql_exec(e.server->db(), "UPDATE synced_accounts SET last_success = " + std::to_string(at) + " WHERE account_id = '" +
                                             kShopA + "'"));
    ASSERT_EQ(sql_int(e.server->db(), "SELECT last_success FROM synced_accounts WHERE account_id = '" + kShopA + "'"), at);
    json sync = status();
    EXPECT_EQ(sync.value("stale", !stale), stale) << sync.dump();
    EXPECT_EQ(unix_of(sync["last_success"]), at) << sync.dump();
    json account = shop_a(sync.value("accounts", json::array()));
    EXPECT_EQ(account.value("stale", !stale), stale) << account.dump();
    EXPECT_EQ(unix_of(account["last_success"]), at) << account.dump();
    for (const json& ds : answers()) {
      EXPECT_EQ(ds.value("any_stale", !stale), stale) << ds.dump().substr(0, 2000);
      EXPECT_EQ(shop_a(ds.value("synced", json::array())).value("stale", !stale), stale);
      EXPECT_EQ(names_shop_a(ds.value("notes", json::array())), stale ? 1 : 0) << ds.value("notes", json()).dump();
    }
    Reply health = e.server->get("/advertising/health?tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(health.body.value("status", ""), stale ? "stale" : "healthy") << health.text.substr(0, 500);
  }
}

}  // namespace
}  // namespace glint::testing
