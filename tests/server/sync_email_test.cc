// The email and CRM sync (native/sync plan_email/fetch_email) through the
// real server against the fake upstreams: Mailchimp and HubSpot connected the
// way a browser connects them, Brevo by API key, POST /sync/{platform}/{id},
// the task polled until it ends, then /email/{mailchimp|brevo}/campaigns,
// /crm/hubspot/deals and the stored rows compared with the fakes' own truth
// (/_fake/mailchimp/truth, /_fake/brevo/truth, /_fake/hubspot/truth). Every
// expected figure and rate is computed here from the fakes' rows, never from
// glint's answers.
//
//   SyncEmail  Mailchimp and Brevo campaigns by UTC send day, exactly once,
//              a revoked or rejected credential, a Brevo 429, freshness in
//              /api/platform/{platform}/status, roles and workspaces
//   SyncCrm    HubSpot deals won by UTC close date, exactly once
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "api_client.h"
#include "connectors/fake_process.h"
#include "raw_client.h"
#include "sync_support.h"

namespace glint::testing {
namespace {

// The helpers this file shares with the other sync suites.
using sync_support::current_status;
using sync_support::day_of;
using sync_support::failures_of;
using sync_support::fake_get;
using sync_support::iso;
using sync_support::join;
using sync_support::workspace;

const std::vector<std::string> kClientSettings = {
    "GLINT_HUBSPOT_CLIENT_ID=fake-hubspot-client", "GLINT_HUBSPOT_CLIENT_SECRET=fake-hubspot-secret",
    "GLINT_MAILCHIMP_CLIENT_ID=fake-mailchimp-client", "GLINT_MAILCHIMP_CLIENT_SECRET=fake-mailchimp-secret"};

// The fakes' documented data (tests/fakes/README.md).
const std::string kBrevoKey = "xkeysib-fake-0123456789abcdef-AbCdEf";
const std::string kMailchimpUser = "81000001", kMailchimpAccount = "8d3a3db4d97663a9074efcc16";
const std::string kBrevoAccount = "64fa0000fake";
const std::string kPortal = "21000001";

// Every campaign and deal of the fakes lies within 730 days of today: the
// first sync reads them all.
constexpr int kInitialDays = 800;
const std::string kInitialDaysSetting = "GLINT_SYNC_INITIAL_DAYS=" + std::to_string(kInitialDays);
// The email restatement window (issue 15: "email 30 days after send").
constexpr int kRestatementDays = 30;

std::vector<std::string> fake_args(const std::vector<std::string>& scenarios, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> out;
  for (const std::string& s : scenarios) {
    out.push_back("--scenario");
    out.push_back(s);
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// ---- days ----

// Today in UTC: the day the fakes and glint date email sends and deal closes by.
int64_t utc_today() { return static_cast<int64_t>(std::time(nullptr)) / 86400; }

// ---- the server side ----

struct Env {
  std::unique_ptr<FakeUpstreams> fake;
  std::unique_ptr<Server> server;
  std::string owner, tid;
  std::map<std::string, std::string> cid;  // provider → connection id
};

// Connects `provider` in e's workspace (the owner's session); its connection id.
std::string connect(Env& e, const std::string& provider, const std::string& brevo_key = kBrevoKey) {
  if (provider == "brevo") {
    Reply r = e.server->post("/api/oauth/brevo/save-api-key", {{"api_key", brevo_key}, {"tenant_id", e.tid}}, e.owner);
    EXPECT_EQ(r.status, 200) << r.text;
    return e.cid[provider] = r.body.is_object() ? r.body.value("connection_id", "") : "";
  }
  Reply r = sync_support::connect(*e.server, provider, e.owner, e.tid);
  EXPECT_EQ(r.status, 200) << provider << ": " << r.text;
  Reply st = e.server->get("/api/oauth/" + provider + "/status?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(st.status, 200) << st.text;
  return e.cid[provider] = st.body.is_object() ? st.body.value("connection_id", "") : "";
}

// A server whose workspace's owner connected `providers`, with the fake's
// `scenarios` in force from the start and `fake_extra` on its command line.
Env setup(const std::string& tag, const std::vector<std::string>& providers, const std::vector<std::string>& scenarios = {},
          const std::vector<std::string>& fake_extra = {}, const std::string& brevo_key = kBrevoKey) {
  Env e;
  e.fake = std::make_unique<FakeUpstreams>(fake_args(scenarios, fake_extra));
  std::vector<std::string> env = e.fake->env();
  env.insert(env.end(), kClientSettings.begin(), kClientSettings.end());
  env.push_back(kInitialDaysSetting);
  e.server = std::make_unique<Server>(env, std::vector<std::string>{}, "sync_email");
  e.owner = e.server->account(tag + "@example.com");
  e.tid = workspace(*e.server, e.owner, tag + " Co");
  for (const std::string& p : providers) {
    const std::string cid = connect(e, p, brevo_key);
    EXPECT_FALSE(cid.empty()) << p << " has no connection id";
  }
  return e;
}

Reply status_of(const Env& e, const std::string& cid, const std::string& session = "") {
  return e.server->get("/sync/status/" + cid + "?tenant_id=" + e.tid, session.empty() ? e.owner : session);
}

// Polls the connection's sync status until its current task is done or
// failed (bounded); the last status answer.
Reply wait_done(const Env& e, const std::string& cid, int seconds = 180) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  Reply st;
  while (std::chrono::steady_clock::now() < until) {
    st = status_of(e, cid);
    if (st.status != 200) break;
    const std::string s = current_status(st);
    if (s == "done" || s == "failed") return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "the sync of " << cid << " did not end within " << seconds << " s: " << st.status << " " << st.text.substr(0, 2000);
  return st;
}

// POST /sync/{platform}/{cid} as `session` (the owner by default), then
// waits for that task; the final status.
Reply sync_and_wait(const Env& e, const std::string& platform, const std::string& session = "") {
  const std::string cid = e.cid.count(platform) != 0 ? e.cid.at(platform) : "";
  Reply p = e.server->post("/sync/" + platform + "/" + cid, {{"tenant_id", e.tid}}, session.empty() ? e.owner : session);
  EXPECT_EQ(p.status, 202) << platform << ": " << p.text;
  EXPECT_EQ(p.body.value("queued", false), true) << p.text;
  Reply st = wait_done(e, cid);
  if (p.body.is_object() && st.body["current"].is_object()) {
    EXPECT_EQ(st.body["current"].value("task_id", "?"), p.body.value("task_id", "!")) << st.text.substr(0, 1000);
  }
  return st;
}

int64_t rows_written_of(const Reply& st) {
  return st.body.is_object() && st.body["current"].is_object() ? st.body["current"].value("rows_written", int64_t{-1}) : -1;
}

// ---- email figures ----

// The figures of a campaign, a day or a range; revenue in micros.
struct Mail {
  int64_t sent = 0, delivered = 0, opens = 0, clicks = 0, bounces = 0, unsubs = 0, revenue = 0;
  bool operator==(const Mail&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Mail& m) {
  return os << "{sent " << m.sent << ", delivered " << m.delivered << ", unique opens " << m.opens << ", unique clicks " << m.clicks
            << ", bounces " << m.bounces << ", unsubscribes " << m.unsubs << ", revenue µ" << m.revenue << "}";
}

void add(Mail& a, const Mail& b) {
  a.sent += b.sent;
  a.delivered += b.delivered;
  a.opens += b.opens;
  a.clicks += b.clicks;
  a.bounces += b.bounces;
  a.unsubs += b.unsubs;
  a.revenue += b.revenue;
}

struct Campaign {
  std::string id, name;
  int64_t day = -1;
  bool empty_statistics = false;
  Mail m;
};

int64_t num(const json& r, const char* k) { return r.is_object() && r.contains(k) && r[k].is_number_integer() ? r[k].get<int64_t>() : 0; }

// The fake Mailchimp's reports of the connected user. Delivered = sent minus
// hard and soft bounces (Mailchimp reports no delivered count).
std::vector<Campaign> mailchimp_truth(const FakeUpstreams& fake) {
  std::vector<Campaign> out;
  const json t = fake_get(fake, "/_fake/mailchimp/truth?user=" + kMailchimpUser);
  if (!t.is_array()) {
    ADD_FAILURE() << "the Mailchimp truth is not a list: " << t.dump().substr(0, 300);
    return out;
  }
  for (const json& r : t) {
    Campaign c;
    c.id = r.value("id", "");
    c.name = r.value("title", "");
    c.day = day_of(r.value("send_date", ""));
    const int64_t bounces = num(r, "hard_bounces") + num(r, "soft_bounces");
    c.m = {num(r, "emails_sent"), num(r, "emails_sent") - bounces, num(r, "unique_opens"), num(r, "unique_clicks"), bounces,
           num(r, "unsubscribed"), num(r, "revenue_cents") * 10000};
    out.push_back(c);
  }
  return out;
}

// The fake Brevo's sent campaigns. Unique opens are Brevo's uniqueViews;
// unique clicks its uniqueClicks (unique clickers: Brevo's `clickers` counts
// clicks — connectors/brevo/brevo.h, platform-apis.md §7.2). No revenue.
std::vector<Campaign> brevo_truth(const FakeUpstreams& fake) {
  std::vector<Campaign> out;
  const json t = fake_get(fake, "/_fake/brevo/truth");
  if (!t.is_array()) {
    ADD_FAILURE() << "the Brevo truth is not a list: " << t.dump().substr(0, 300);
    return out;
  }
  for (const json& r : t) {
    Campaign c;
    c.id = r.value("id", "");
    c.name = r.value("name", "");
    c.day = day_of(r.value("sent_date", ""));
    c.empty_statistics = r.value("empty_statistics", false);
    c.m = {num(r, "sent"),           num(r, "delivered"), num(r, "unique_views"), num(r, "unique_clicks"),
           num(r, "hard_bounces") + num(r, "soft_bounces"), num(r, "unsubscriptions"), 0};
    out.push_back(c);
  }
  return out;
}

// glint's figures; -1 for a count that is missing or not an integer.
Mail mail_of(const json& g) {
  auto count = [&](const char* k) -> int64_t { return g.is_object() && g.contains(k) && g[k].is_number_integer() ? g[k].get<int64_t>() : -1; };
  const int64_t revenue = g.is_object() && g.contains("revenue") && g["revenue"].is_number() ? std::llround(g["revenue"].get<double>() * 1e6) : -1;
  return {count("sent"), count("delivered"), count("unique_opens"), count("unique_clicks"), count("bounces"), count("unsubscribes"), revenue};
}

// Each rate equals the ratio of the sums (exact to 1e-12), null when its denominator is 0.
void expect_rates(const json& g, const Mail& m, const std::string& what) {
  struct Rate {
    const char* name;
    int64_t num, den;
  };
  for (const Rate& r : {Rate{"open_rate", m.opens, m.delivered}, Rate{"click_rate", m.clicks, m.delivered},
                        Rate{"click_to_open_rate", m.clicks, m.opens}, Rate{"bounce_rate", m.bounces, m.sent},
                        Rate{"unsubscribe_rate", m.unsubs, m.delivered}}) {
    const json v = g.is_object() && g.contains(r.name) ? g[r.name] : json("missing");
    if (r.den == 0) {
      EXPECT_TRUE(v.is_null()) << what << " " << r.name << " with a zero denominator: " << v.dump();
      continue;
    }
    if (!v.is_number()) {
      ADD_FAILURE() << what << " " << r.name << " is not a number: " << v.dump();
      continue;
    }
    const double want = static_cast<double>(r.num) / static_cast<double>(r.den);
    EXPECT_NEAR(v.get<double>(), want, 1e-12) << what << " " << r.name << " = " << r.num << " / " << r.den;
  }
}

std::string range_query(const Env& e, int64_t first, int64_t last) {
  return "start_date=" + iso(first) + "&end_date=" + iso(last) + "&tenant_id=" + e.tid;
}

// /email/{platform}/campaigns over [first, last] against the truth's
// campaigns sent on those days: totals, per campaign, per send day, rates
// from the sums, nothing from outside the range. The number of campaigns expected.
size_t expect_campaigns_match(const Env& e, const std::string& platform, const std::string& account, const std::vector<Campaign>& truth,
                              int64_t first, int64_t last, const std::string& session = "") {
  const std::string what = platform + " " + iso(first) + ".." + iso(last);
  const int64_t today = utc_today();
  Mail total;
  std::map<int64_t, Mail> daily;
  std::map<std::string, const Campaign*> want;
  for (const Campaign& c : truth) {
    if (c.day < first || c.day > last) continue;
    add(total, c.m);
    add(daily[c.day], c.m);
    want[c.id] = &c;
  }
  Reply r = e.server->get("/email/" + platform + "/campaigns?" + range_query(e, first, last), session.empty() ? e.owner : session);
  EXPECT_EQ(r.status, 200) << what << ": " << r.text.substr(0, 1000);
  if (r.status != 200) return want.size();
  EXPECT_EQ(r.body.value("platform", ""), platform) << what;
  EXPECT_EQ(r.body.value("account_id", ""), account) << what;
  EXPECT_EQ(r.body.value("start_date", ""), iso(first)) << what;
  EXPECT_EQ(r.body.value("end_date", ""), iso(last)) << what;
  EXPECT_EQ(mail_of(r.body["totals"]), total) << what << " totals: " << r.body["totals"].dump();
  expect_rates(r.body["totals"], total, what + " totals");

  // Per campaign: exactly the campaigns sent in the range.
  std::set<std::string> want_ids, got_ids;
  for (const auto& [id, c] : want) want_ids.insert(id);
  const json list = r.body.value("campaigns", json::array());
  EXPECT_EQ(r.body.value("total", int64_t{-1}), static_cast<int64_t>(list.size())) << what;
  for (const json& g : list) {
    const std::string id = g.value("campaign_id", "");
    EXPECT_TRUE(got_ids.insert(id).second) << what << ": campaign " << id << " listed twice";
    auto it = want.find(id);
    if (it == want.end()) continue;  // reported by the set comparison below
    const Campaign& c = *it->second;
    EXPECT_EQ(mail_of(g), c.m) << what << " campaign " << id << ": " << g.dump();
    expect_rates(g, c.m, what + " campaign " + id);
    EXPECT_EQ(g.value("send_date", ""), iso(c.day)) << what << " campaign " << id;
    EXPECT_EQ(g.value("campaign", ""), c.name) << what << " campaign " << id;
    EXPECT_EQ(g.value("provisional", !(c.day > today - kRestatementDays)), c.day > today - kRestatementDays)
        << what << " campaign " << id << " sent " << iso(c.day) << " (today " << iso(today) << ")";
  }
  EXPECT_EQ(got_ids, want_ids) << what << ": campaigns listed " << r.text.substr(0, 1500);

  // Per UTC send day.
  std::map<int64_t, json> got_days;
  for (const json& d : r.body.value("daily", json::array())) {
    const int64_t day = day_of(d.value("date", ""));
    EXPECT_EQ(got_days.count(day), 0u) << what << ": two daily entries for " << d.value("date", "");
    EXPECT_TRUE(day >= first && day <= last) << what << ": a daily entry outside the range, " << d.value("date", "");
    got_days[day] = d;
  }
  std::set<int64_t> want_day_set, got_day_set;
  for (const auto& [d, m] : daily) want_day_set.insert(d);
  for (const auto& [d, g] : got_days) got_day_set.insert(d);
  EXPECT_EQ(got_day_set, want_day_set) << what << ": send days listed";
  for (const auto& [day, m] : daily) {
    auto it = got_days.find(day);
    if (it == got_days.end()) continue;
    EXPECT_EQ(mail_of(it->second), m) << what << " on " << iso(day);
    expect_rates(it->second, m, what + " on " + iso(day));
  }
  return want.size();
}

// The campaigns' send days, oldest first (the fakes send at most one a day).
std::vector<int64_t> send_days(const std::vector<Campaign>& truth) {
  std::vector<int64_t> out;
  for (const Campaign& c : truth) out.push_back(c.day);
  std::sort(out.begin(), out.end());
  return out;
}

// The ranges every platform is checked over: the whole synced window, the
// last 30 days, one send day alone, two neighbouring send days with both
// ends on a send, the days strictly between them (none), and a middle stretch.
void expect_ranges_match(const Env& e, const std::string& platform, const std::string& account, const std::vector<Campaign>& truth) {
  const int64_t today = utc_today();
  const std::vector<int64_t> days = send_days(truth);
  ASSERT_GE(days.size(), 6u) << platform << ": the fake has too few campaigns for these checks";
  ASSERT_TRUE(std::adjacent_find(days.begin(), days.end()) == days.end()) << platform << ": two campaigns on one day";
  ASSERT_GE(days.front(), today - kInitialDays + 1) << platform << ": a campaign older than the synced window";
  EXPECT_EQ(expect_campaigns_match(e, platform, account, truth, today - kInitialDays + 1, today), truth.size());
  EXPECT_GE(expect_campaigns_match(e, platform, account, truth, today - kRestatementDays + 1, today), 1u) << "the newest campaign is recent";
  EXPECT_EQ(expect_campaigns_match(e, platform, account, truth, days[2], days[2]), 1u);
  EXPECT_EQ(expect_campaigns_match(e, platform, account, truth, days[3], days[4]), 2u);
  EXPECT_EQ(expect_campaigns_match(e, platform, account, truth, days[3] + 1, days[4] - 1), 0u);
  const size_t middle = expect_campaigns_match(e, platform, account, truth, days.front() + 1, days.back() - 1);
  EXPECT_EQ(middle, days.size() - 2) << "all but the oldest and the newest";
}

// ---- the stored rows ----

// Every stored row of a platform, in order, and their count and sums: two
// equal snapshots mean the same rows.
struct Stored {
  int64_t rows = 0;
  std::vector<int64_t> sums;
  std::string digest;
  bool operator==(const Stored&) const = default;
};

Stored stored(const Env& e, const std::string& platform) {
  const std::string where = " FROM synced_rows WHERE platform = '" + platform + "'";
  Stored s;
  s.rows = sql_int(e.server->db(), "SELECT COUNT(*)" + where);
  for (int i = 0; i < 7; ++i) s.sums.push_back(sql_int(e.server->db(), "SELECT COALESCE(SUM(m" + std::to_string(i) + "), 0)" + where));
  s.digest = sql_text(e.server->db(),
                      "SELECT group_concat(x, char(10)) FROM (SELECT account_id || '|' || level || '|' || day || '|' || dims || '|' || "
                      "currency || '|' || attrs || '|' || m0 || '|' || m1 || '|' || m2 || '|' || m3 || '|' || m4 || '|' || m5 || '|' || m6 "
                      "AS x" +
                          where + " ORDER BY account_id, level, day, dims)");
  return s;
}

std::ostream& operator<<(std::ostream& os, const Stored& s) {
  os << "{" << s.rows << " rows, sums";
  for (int64_t v : s.sums) os << " " << v;
  return os << "}";
}

// Rows stored more than once for one (connection, account, level, day, entity).
int64_t duplicates(const Env& e) {
  return sql_int(e.server->db(),
                 "SELECT COUNT(*) FROM (SELECT 1 FROM synced_rows GROUP BY credential_id, account_id, level, day, dims HAVING COUNT(*) > 1)");
}

// The stored rows of an email platform against the truth: one per campaign,
// its day and figures (in micros).
void expect_stored_equals_truth(const Env& e, const std::string& platform, const std::vector<Campaign>& truth) {
  Mail total;
  for (const Campaign& c : truth) add(total, c.m);
  const Stored s = stored(e, platform);
  EXPECT_EQ(s.rows, static_cast<int64_t>(truth.size())) << platform << ": rows stored";
  const std::vector<int64_t> want = {total.sent * 1'000'000,  total.delivered * 1'000'000, total.opens * 1'000'000, total.clicks * 1'000'000,
                                     total.bounces * 1'000'000, total.unsubs * 1'000'000,  total.revenue};
  EXPECT_EQ(s.sums, want) << platform << ": the stored sums";
  for (const Campaign& c : truth) {
    EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM synced_rows WHERE platform = '" + platform + "' AND day = " +
                                          std::to_string(c.day) + " AND dims LIKE '%\"" + c.id + "\"%'"),
              1)
        << platform << " campaign " << c.id << " on " << iso(c.day);
  }
}

// ---- HubSpot deals ----

struct DealTruth {
  std::string id, name, pipeline;
  int64_t day = -1;
  int64_t cents = 0;
};

std::vector<DealTruth> hubspot_truth(const FakeUpstreams& fake) {
  std::vector<DealTruth> out;
  const json t = fake_get(fake, "/_fake/hubspot/truth?portal=" + kPortal);
  if (!t.is_array()) {
    ADD_FAILURE() << "the HubSpot truth is not a list: " << t.dump().substr(0, 300);
    return out;
  }
  for (const json& r : t) {
    if (!r.value("won", false) || r.value("stage", "") != "closedwon") continue;
    out.push_back({r.value("id", ""), r.value("name", ""), r.value("pipeline", ""), day_of(r.value("close_date", "")), num(r, "amount_cents")});
  }
  return out;
}

struct Won {
  int64_t n = 0, micros = 0;
  bool operator==(const Won&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Won& w) { return os << "{" << w.n << " won, µ" << w.micros << "}"; }

Won won_of(const json& g) {
  return {g.is_object() && g.contains("deals_won") && g["deals_won"].is_number_integer() ? g["deals_won"].get<int64_t>() : -1,
          g.is_object() && g.contains("amount") && g["amount"].is_number() ? std::llround(g["amount"].get<double>() * 1e6) : -1};
}

// /crm/hubspot/deals over [first, last] against the won deals the truth
// closed on those UTC days. The number of deals expected.
size_t expect_deals_match(const Env& e, const std::vector<DealTruth>& truth, int64_t first, int64_t last, const std::string& session = "") {
  const std::string what = "hubspot " + iso(first) + ".." + iso(last);
  const int64_t today = utc_today();
  Won total;
  std::map<int64_t, Won> daily;
  std::map<std::string, const DealTruth*> want;
  for (const DealTruth& d : truth) {
    if (d.day < first || d.day > last) continue;
    total.n += 1;
    total.micros += d.cents * 10000;
    daily[d.day].n += 1;
    daily[d.day].micros += d.cents * 10000;
    want[d.id] = &d;
  }
  Reply r = e.server->get("/crm/hubspot/deals?" + range_query(e, first, last), session.empty() ? e.owner : session);
  EXPECT_EQ(r.status, 200) << what << ": " << r.text.substr(0, 1000);
  if (r.status != 200) return want.size();
  EXPECT_EQ(r.body.value("platform", ""), "hubspot") << what;
  EXPECT_EQ(r.body.value("account_id", ""), kPortal) << what;
  EXPECT_EQ(won_of(r.body["totals"]), total) << what << " totals: " << r.body["totals"].dump();
  std::set<std::string> want_ids, got_ids;
  for (const auto& [id, d] : want) want_ids.insert(id);
  const json list = r.body.value("deals", json::array());
  EXPECT_EQ(r.body.value("total", int64_t{-1}), static_cast<int64_t>(list.size())) << what;
  for (const json& g : list) {
    const std::string id = g.value("deal_id", "");
    EXPECT_TRUE(got_ids.insert(id).second) << what << ": deal " << id << " listed twice";
    auto it = want.find(id);
    if (it == want.end()) continue;
    const DealTruth& d = *it->second;
    EXPECT_EQ(won_of(g), (Won{1, d.cents * 10000})) << what << " deal " << id << ": " << g.dump();
    EXPECT_EQ(g.value("close_date", ""), iso(d.day)) << what << " deal " << id;
    EXPECT_EQ(g.value("deal", ""), d.name) << what << " deal " << id;
    EXPECT_EQ(g.value("pipeline", ""), d.pipeline) << what << " deal " << id;
    EXPECT_EQ(g.value("provisional", !(d.day > today - kRestatementDays)), d.day > today - kRestatementDays) << what << " deal " << id;
  }
  EXPECT_EQ(got_ids, want_ids) << what << ": deals listed " << r.text.substr(0, 1500);
  std::map<int64_t, Won> got_daily;
  for (const json& d : r.body.value("daily", json::array())) {
    const int64_t day = day_of(d.value("date", ""));
    EXPECT_EQ(got_daily.count(day), 0u) << what << ": two daily entries for " << d.value("date", "");
    got_daily[day] = won_of(d);
  }
  EXPECT_EQ(got_daily, daily) << what << ": per close day";
  return want.size();
}

// ---------------------------------------------------------------------------
// SyncEmail

TEST(SyncEmail, MailchimpCampaignsEqualTheTruthPerCampaignAndSendDayWithRatesFromTheSums) {
  Env e = setup("email-mailchimp", {"mailchimp"});
  Reply st = sync_and_wait(e, "mailchimp");
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  const std::vector<Campaign> truth = mailchimp_truth(*e.fake);
  ASSERT_EQ(truth.size(), 12u) << "the fake documents 12 campaigns per user";
  // Revenue is exercised: some campaigns have it, some not.
  int64_t with_revenue = 0;
  for (const Campaign& c : truth) with_revenue += c.m.revenue > 0 ? 1 : 0;
  ASSERT_GT(with_revenue, 0);
  ASSERT_LT(with_revenue, static_cast<int64_t>(truth.size()));
  expect_ranges_match(e, "mailchimp", kMailchimpAccount, truth);
  expect_stored_equals_truth(e, "mailchimp", truth);
  EXPECT_EQ(duplicates(e), 0);
}

TEST(SyncEmail, BrevoCampaignsEqualTheTruthAndTheOneWithEmptyStatisticsIsListedWithZeros) {
  Env e = setup("email-brevo", {"brevo"});
  Reply st = sync_and_wait(e, "brevo");
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  const std::vector<Campaign> truth = brevo_truth(*e.fake);
  ASSERT_EQ(truth.size(), 10u) << "the fake documents 10 sent campaigns (drafts are not sent)";
  expect_ranges_match(e, "brevo", kBrevoAccount, truth);
  expect_stored_equals_truth(e, "brevo", truth);
  EXPECT_EQ(duplicates(e), 0);

  // Campaign 76: statistics {} — listed, every figure 0, every rate null.
  const Campaign* empty = nullptr;
  for (const Campaign& c : truth) {
    if (c.empty_statistics) empty = &c;
  }
  ASSERT_NE(empty, nullptr) << "the fake documents a campaign with empty statistics";
  EXPECT_EQ(empty->id, "76");
  Reply r = e.server->get("/email/brevo/campaigns?" + range_query(e, empty->day, empty->day), e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
  const json list = r.body.value("campaigns", json::array());
  ASSERT_EQ(list.size(), 1u) << r.text;
  EXPECT_EQ(list[0].value("campaign_id", ""), "76");
  EXPECT_EQ(mail_of(list[0]), Mail{}) << list[0].dump();
  expect_rates(list[0], Mail{}, "campaign 76");
  EXPECT_EQ(mail_of(r.body["totals"]), Mail{});
  ASSERT_EQ(r.body.value("daily", json::array()).size(), 1u) << "its send day is listed, with zeros";
  EXPECT_EQ(r.body["daily"][0].value("date", ""), iso(empty->day));
  EXPECT_EQ(mail_of(r.body["daily"][0]), Mail{});
}

TEST(SyncEmail, AResyncWithNothingChangedLeavesTheStoredRowsIdentical) {
  // The fakes have no control that changes a campaign's figures or removes
  // one (tests/fakes/README.md), so only the invariance is tested here.
  Env e = setup("email-resync", {"mailchimp", "brevo"});
  for (const char* p : {"mailchimp", "brevo"}) {
    Reply st = sync_and_wait(e, p);
    ASSERT_EQ(current_status(st), "done") << p << ": " << st.text.substr(0, 2000);
  }
  const Stored mc = stored(e, "mailchimp"), br = stored(e, "brevo");
  ASSERT_EQ(mc.rows, 12);
  ASSERT_EQ(br.rows, 10);
  for (const char* p : {"mailchimp", "brevo"}) {
    Reply st = sync_and_wait(e, p);
    ASSERT_EQ(current_status(st), "done") << p << ": " << st.text.substr(0, 2000);
    // The re-sync read the restatement window again (the newest campaign is in it) and replaced it.
    EXPECT_GT(rows_written_of(st), 0) << p << ": the re-sync wrote nothing, so it read nothing again: " << st.text.substr(0, 1000);
  }
  EXPECT_EQ(stored(e, "mailchimp"), mc);
  EXPECT_EQ(stored(e, "mailchimp").digest, mc.digest);
  EXPECT_EQ(stored(e, "brevo"), br);
  EXPECT_EQ(duplicates(e), 0);
  expect_stored_equals_truth(e, "mailchimp", mailchimp_truth(*e.fake));
  expect_stored_equals_truth(e, "brevo", brevo_truth(*e.fake));
  EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs WHERE status = 'done'"), 4);
}

TEST(SyncEmail, ARevokedMailchimpConnectionFailsTheTaskWithItsReasonAndKeepsWhatWasStored) {
  Env e = setup("email-revoked", {"mailchimp"});
  // A second workspace connected too, never synced before the revocation.
  const std::string owner2 = e.server->account("email-revoked-2@example.com");
  const std::string tid2 = workspace(*e.server, owner2, "Second Co");
  {
    Reply r = sync_support::connect(*e.server, "mailchimp", owner2, tid2);
    ASSERT_EQ(r.status, 200) << r.text;
  }
  const std::string cid2 = e.server->get("/api/oauth/mailchimp/status?tenant_id=" + tid2, owner2).body.value("connection_id", "");
  ASSERT_FALSE(cid2.empty());

  Reply ok = sync_and_wait(e, "mailchimp");
  ASSERT_EQ(current_status(ok), "done") << ok.text.substr(0, 2000);
  const Stored before = stored(e, "mailchimp");
  ASSERT_EQ(before.rows, 12);
  const int64_t today = utc_today();
  const std::vector<Campaign> truth = mailchimp_truth(*e.fake);

  e.fake->scenario("mailchimp_revoked");  // every token now gets 401 "API Key Invalid"
  Reply failed = sync_and_wait(e, "mailchimp");
  EXPECT_EQ(current_status(failed), "failed") << failed.text.substr(0, 2000);
  const std::string why = failed.body["current"].is_object() ? failed.body["current"].value("message", "") + " " + failures_of(failed).dump() : "";
  EXPECT_NE(why.find("Mailchimp"), std::string::npos) << "the reason names Mailchimp: " << why;
  EXPECT_NE(why.find("connect"), std::string::npos) << "the reason says to connect again: " << why;
  EXPECT_EQ(stored(e, "mailchimp"), before) << "a failed sync changed the stored rows";
  EXPECT_EQ(stored(e, "mailchimp").digest, before.digest);
  // What was stored stays readable, and the connection says it needs reconnecting.
  expect_campaigns_match(e, "mailchimp", kMailchimpAccount, truth, today - kInitialDays + 1, today);
  Reply ps = e.server->get("/api/platform/mailchimp/status?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(ps.status, 200) << ps.text;
  EXPECT_EQ(ps.body.value("status", ""), "reconnect_required") << ps.text.substr(0, 1500);

  // The connection never synced: the task fails and nothing is stored for it.
  Reply p2 = e.server->post("/sync/mailchimp/" + cid2, {{"tenant_id", tid2}}, owner2);
  ASSERT_EQ(p2.status, 202) << p2.text;
  Reply st2;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < until) {
    st2 = e.server->get("/sync/status/" + cid2 + "?tenant_id=" + tid2, owner2);
    if (current_status(st2) == "done" || current_status(st2) == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(current_status(st2), "failed") << st2.text.substr(0, 2000);
  EXPECT_FALSE(st2.body["current"].is_object() && st2.body["current"].value("message", "").empty()) << st2.text.substr(0, 1000);
  EXPECT_EQ(stored(e, "mailchimp"), before) << "the failed sync of another connection stored rows";
  Reply none = e.server->get("/email/mailchimp/campaigns?tenant_id=" + tid2, owner2);
  EXPECT_EQ(none.status == 404 || mail_of(none.body["totals"]) == Mail{}, true) << none.text.substr(0, 1000);
}

TEST(SyncEmail, ARejectedBrevoKeyFailsTheTaskWithItsReasonAndKeepsWhatWasStored) {
  // The fake has no scenario that rejects a known key, so the key is one the
  // first fake was started with (--brevo-key); the server is then pointed at
  // a second fake that does not know it, as Brevo answers a revoked key.
  const std::string key = "xkeysib-email-sync-revoked-key-0001";
  Env e = setup("email-brevo-revoked", {"brevo"}, {}, {"--brevo-key", key}, key);
  Reply ok = sync_and_wait(e, "brevo");
  ASSERT_EQ(current_status(ok), "done") << ok.text.substr(0, 2000);
  const Stored before = stored(e, "brevo");
  ASSERT_EQ(before.rows, 10);

  FakeUpstreams other;
  e.server->stop(SIGTERM);
  e.server->restart_with({"GLINT_URL_API_BREVO_COM=" + other.url()});
  other.reset_log();
  Reply failed = sync_and_wait(e, "brevo");
  EXPECT_EQ(current_status(failed), "failed") << failed.text.substr(0, 2000);
  const std::string why = failed.body["current"].is_object() ? failed.body["current"].value("message", "") + " " + failures_of(failed).dump() : "";
  EXPECT_NE(why.find("Key not found"), std::string::npos) << "the reason is Brevo's: " << why;
  bool asked = false;
  for (const json& r : other.requests()) asked = asked || r.value("path", "") == "/v3/emailCampaigns";
  EXPECT_TRUE(asked) << "the sync never asked the second fake, so it did not fail on the key";
  EXPECT_EQ(stored(e, "brevo"), before) << "a failed sync changed the stored rows";
  EXPECT_EQ(stored(e, "brevo").digest, before.digest);
  EXPECT_EQ(duplicates(e), 0);
}

TEST(SyncEmail, ABrevoRateLimitIsWaitedOutAndTheSyncCompletes) {
  Env e = setup("email-brevo-429", {"brevo"});
  e.fake->scenario("brevo_429_once");  // set after connecting: the connection test would use it up
  e.fake->reset_log();
  Reply st = sync_and_wait(e, "brevo");
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  // The refused request was asked again, identical.
  std::map<std::string, int> asked;
  for (const json& r : e.fake->requests()) {
    if (r.value("path", "") == "/v3/emailCampaigns") ++asked[r.value("query", "")];
  }
  ASSERT_FALSE(asked.empty());
  int repeated = 0;
  for (const auto& [q, n] : asked) repeated += n > 1 ? 1 : 0;
  EXPECT_EQ(repeated, 1) << "one request, the one answered 429, is asked twice";
  const std::vector<Campaign> truth = brevo_truth(*e.fake);
  const int64_t today = utc_today();
  EXPECT_EQ(expect_campaigns_match(e, "brevo", kBrevoAccount, truth, today - kInitialDays + 1, today), 10u);
  expect_stored_equals_truth(e, "brevo", truth);
}

TEST(SyncEmail, PlatformStatusIsStaleBeforeTheFirstSyncAndFreshWithTheAccountAfterIt) {
  Env e = setup("email-status", {"mailchimp", "brevo", "hubspot"});
  const std::map<std::string, std::string> account = {{"mailchimp", kMailchimpAccount}, {"brevo", kBrevoAccount}, {"hubspot", kPortal}};
  for (const auto& [p, id] : account) {
    Reply s = e.server->get("/api/platform/" + p + "/status?tenant_id=" + e.tid, e.owner);
    ASSERT_EQ(s.status, 200) << p << ": " << s.text;
    EXPECT_EQ(s.body.value("connected", false), true) << p;
    ASSERT_TRUE(s.body.contains("sync") && s.body["sync"].is_object()) << p << " has no sync block: " << s.text.substr(0, 1500);
    EXPECT_EQ(s.body["sync"].value("stale", false), true) << p << " before any sync: " << s.body["sync"].dump();
    EXPECT_TRUE(s.body["sync"]["last_success"].is_null()) << p << ": " << s.body["sync"].dump();
    EXPECT_TRUE(s.body["sync"].value("accounts", json::array()).empty()) << p << ": " << s.body["sync"].dump();
    Reply data = e.server->get(std::string(p == "hubspot" ? "/crm/hubspot/deals" : "/email/" + p + "/campaigns") + "?tenant_id=" + e.tid,
                               e.owner);
    EXPECT_EQ(data.status, 404) << p << " answers data before any sync: " << data.text.substr(0, 500);
    EXPECT_EQ(data.body.value("code", ""), "not_synced") << p << ": " << data.text.substr(0, 500);
  }
  for (const auto& [p, id] : account) {
    Reply st = sync_and_wait(e, p);
    ASSERT_EQ(current_status(st), "done") << p << ": " << st.text.substr(0, 2000);
  }
  for (const auto& [p, id] : account) {
    Reply s = e.server->get("/api/platform/" + p + "/status?tenant_id=" + e.tid, e.owner);
    ASSERT_EQ(s.status, 200) << p << ": " << s.text;
    ASSERT_TRUE(s.body.contains("sync") && s.body["sync"].is_object()) << p << ": " << s.text.substr(0, 1500);
    const json& sync = s.body["sync"];
    EXPECT_EQ(sync.value("stale", true), false) << p << " after a sync: " << sync.dump();
    EXPECT_TRUE(sync["last_success"].is_string()) << p << ": " << sync.dump();
    const json accounts = sync.value("accounts", json::array());
    ASSERT_EQ(accounts.size(), 1u) << p << ": " << sync.dump();
    EXPECT_EQ(accounts[0].value("account_id", ""), id) << p;
    EXPECT_EQ(accounts[0].value("platform", ""), p) << p;
    EXPECT_EQ(accounts[0].value("stale", true), false) << p;
    EXPECT_TRUE(accounts[0]["last_success"].is_string()) << p;
    EXPECT_EQ(accounts[0].value("newest_complete_day", ""), iso(utc_today() - 1)) << p;
    ASSERT_TRUE(sync["current"].is_object()) << p << ": " << sync.dump();
    EXPECT_EQ(sync["current"].value("status", ""), "done") << p;
  }
}

TEST(SyncEmail, MembersReadAdminsSyncAndAnotherWorkspaceGets404) {
  Env e = setup("email-roles", {"mailchimp", "brevo", "hubspot"});
  for (const char* p : {"mailchimp", "brevo", "hubspot"}) {
    Reply st = sync_and_wait(e, p);
    ASSERT_EQ(current_status(st), "done") << p << ": " << st.text.substr(0, 2000);
  }
  const int64_t today = utc_today();
  const int64_t first = today - kInitialDays + 1;
  const std::vector<Campaign> mc = mailchimp_truth(*e.fake), br = brevo_truth(*e.fake);
  const std::vector<DealTruth> deals = hubspot_truth(*e.fake);

  // A member reads every figure (the same as the owner's) and may not start a sync.
  const std::string member = join(*e.server, e.owner, e.tid, "email-member@example.com", "member");
  EXPECT_EQ(expect_campaigns_match(e, "mailchimp", kMailchimpAccount, mc, first, today, member), mc.size());
  EXPECT_EQ(expect_campaigns_match(e, "brevo", kBrevoAccount, br, first, today, member), br.size());
  EXPECT_EQ(expect_deals_match(e, deals, first, today, member), deals.size());
  const int64_t runs = sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs");
  for (const char* p : {"mailchimp", "brevo", "hubspot"}) {
    EXPECT_EQ(status_of(e, e.cid[p], member).status, 200) << p;
    EXPECT_EQ(e.server->get(std::string("/api/platform/") + p + "/status?tenant_id=" + e.tid, member).status, 200) << p;
    Reply post = e.server->post(std::string("/sync/") + p + "/" + e.cid[p], {{"tenant_id", e.tid}}, member);
    EXPECT_EQ(post.status, 403) << p << ": " << post.text;
  }
  EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs"), runs) << "a member's POST made a task";

  // An admin may.
  const std::string admin = join(*e.server, e.owner, e.tid, "email-admin@example.com", "admin");
  Reply as_admin = sync_and_wait(e, "mailchimp", admin);
  EXPECT_EQ(current_status(as_admin), "done") << as_admin.text.substr(0, 2000);

  // An outsider: 404 everywhere, with or without the workspace's id.
  const std::string outsider = e.server->account("email-outsider@example.com");
  (void)workspace(*e.server, outsider, "Outsider Co");
  for (const std::string& q : {std::string("?tenant_id=") + e.tid, std::string()}) {
    for (const char* p : {"mailchimp", "brevo", "hubspot"}) {
      const std::string data = std::string(p) == "hubspot" ? "/crm/hubspot/deals" : std::string("/email/") + p + "/campaigns";
      Reply d = e.server->get(data + q, outsider);
      EXPECT_EQ(d.status, 404) << p << " " << q << ": " << d.text.substr(0, 300);
      EXPECT_EQ(d.text.find(e.cid[p]), std::string::npos);
      EXPECT_EQ(e.server->get("/sync/status/" + e.cid[p] + q, outsider).status, 404) << p << " " << q;
      EXPECT_EQ(e.server->post(std::string("/sync/") + p + "/" + e.cid[p], q.empty() ? json::object() : json{{"tenant_id", e.tid}}, outsider)
                    .status,
                404)
          << p << " " << q;
    }
  }

  // The owner's other workspace: none of the first one's data or connections.
  const std::string other = workspace(*e.server, e.owner, "Other Co");
  for (const char* p : {"mailchimp", "brevo", "hubspot"}) {
    const std::string data = std::string(p) == "hubspot" ? "/crm/hubspot/deals" : std::string("/email/") + p + "/campaigns";
    EXPECT_EQ(e.server->get(data + "?tenant_id=" + other, e.owner).status, 404) << p;
    EXPECT_EQ(e.server->get("/sync/status/" + e.cid[p] + "?tenant_id=" + other, e.owner).status, 404) << p;
    EXPECT_EQ(e.server->post(std::string("/sync/") + p + "/" + e.cid[p], {{"tenant_id", other}}, e.owner).status, 404) << p;
  }
  EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM sync_runs WHERE status IN ('queued', 'running')"), 0);
}

// ---------------------------------------------------------------------------
// SyncCrm

TEST(SyncCrm, HubSpotDealsWonEqualTheTruthByUtcCloseDate) {
  Env e = setup("crm-deals", {"hubspot"});
  Reply st = sync_and_wait(e, "hubspot");
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  EXPECT_TRUE(failures_of(st).empty()) << st.text.substr(0, 2000);
  const std::vector<DealTruth> truth = hubspot_truth(*e.fake);
  ASSERT_GT(truth.size(), 50u) << "the fake closes about one deal in six days as won over two years";
  const int64_t today = utc_today();
  std::vector<int64_t> days;
  for (const DealTruth& d : truth) days.push_back(d.day);
  std::sort(days.begin(), days.end());
  ASSERT_TRUE(std::adjacent_find(days.begin(), days.end()) == days.end()) << "the fake closes at most one deal a day";

  // Two years (every won deal of the fake), the last 30 days, a quarter
  // inside, one close day, and the days between two closes (none).
  // The fake holds about 120 won deals: HubSpot's 10 000-result search cap
  // (modelled by the fake as a 400 past 10 000) cannot be reached with its data.
  EXPECT_EQ(expect_deals_match(e, truth, today - kInitialDays + 1, today), truth.size());
  EXPECT_EQ(expect_deals_match(e, truth, today - 730, today), truth.size());
  EXPECT_GE(expect_deals_match(e, truth, today - kRestatementDays + 1, today), 1u);
  EXPECT_GT(expect_deals_match(e, truth, today - 300, today - 211), 5u);
  EXPECT_EQ(expect_deals_match(e, truth, days[10], days[10]), 1u);
  EXPECT_EQ(expect_deals_match(e, truth, days[10] + 1, days[11] - 1), 0u);
  EXPECT_EQ(expect_deals_match(e, truth, days[10], days[11]), 2u);

  // The stored rows: one per won deal (a deal without an amount counts, at 0).
  int64_t cents = 0;
  for (const DealTruth& d : truth) cents += d.cents;
  EXPECT_EQ(sql_int(e.server->db(), "SELECT COUNT(*) FROM synced_rows WHERE platform = 'hubspot'"), static_cast<int64_t>(truth.size()));
  EXPECT_EQ(sql_int(e.server->db(), "SELECT SUM(m0) FROM synced_rows WHERE platform = 'hubspot'"),
            static_cast<int64_t>(truth.size()) * 1'000'000);
  EXPECT_EQ(sql_int(e.server->db(), "SELECT SUM(m1) FROM synced_rows WHERE platform = 'hubspot'"), cents * 10000);
  EXPECT_EQ(duplicates(e), 0);

  // Amounts are in the portal's currency: 21000001 keeps EUR (the fake's account-info).
  Reply r = e.server->get("/crm/hubspot/deals?" + range_query(e, today - 89, today), e.owner);
  ASSERT_EQ(r.status, 200) << r.text.substr(0, 500);
  EXPECT_EQ(r.body.value("currency", ""), "EUR") << "the deals' amounts carry no currency: " << r.text.substr(0, 300);
}

TEST(SyncCrm, AResyncWithNothingChangedLeavesTheStoredDealsIdentical) {
  Env e = setup("crm-resync", {"hubspot"});
  Reply st = sync_and_wait(e, "hubspot");
  ASSERT_EQ(current_status(st), "done") << st.text.substr(0, 2000);
  const Stored before = stored(e, "hubspot");
  const std::vector<DealTruth> truth = hubspot_truth(*e.fake);
  ASSERT_EQ(before.rows, static_cast<int64_t>(truth.size()));
  int64_t recent = 0;
  for (const DealTruth& d : truth) recent += d.day > utc_today() - kRestatementDays ? 1 : 0;
  ASSERT_GT(recent, 0) << "the fake closes deals in the restatement window";
  Reply again = sync_and_wait(e, "hubspot");
  ASSERT_EQ(current_status(again), "done") << again.text.substr(0, 2000);
  EXPECT_EQ(rows_written_of(again), recent) << "the re-sync reads the last 30 days again: " << again.text.substr(0, 1000);
  EXPECT_EQ(stored(e, "hubspot"), before);
  EXPECT_EQ(stored(e, "hubspot").digest, before.digest);
  EXPECT_EQ(duplicates(e), 0);
  const int64_t today = utc_today();
  EXPECT_EQ(expect_deals_match(e, truth, today - kInitialDays + 1, today), truth.size());
}

}  // namespace
}  // namespace glint::testing
