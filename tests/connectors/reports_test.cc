// The reporting calls of the Meta, HubSpot, Mailchimp and Brevo connectors
// against the fakes. Each result is compared with the fake's own rows (its
// /_fake/*/truth endpoints), the counts and sums computed here; what went
// over the wire is read back from the fake's request log.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "brevo/brevo.h"
#include "connectors/fake_process.h"
#include "hubspot/hubspot.h"
#include "mailchimp/mailchimp.h"
#include "meta/meta.h"

namespace glint::connectors {
namespace {

using glint::testing::FakeUpstreams;
using nlohmann::json;
using Kind = UpstreamError::Kind;

const char* kRedirect = "https://glint.example/api/connections/callback";
const char* kShopA = "act_1234567890";  // Europe/Paris: the fake uses UTC+1 all year
const char* kBrevoKey = "xkeysib-fake-0123456789abcdef-AbCdEf";

HttpResponse raw(const std::string& method, const std::string& url, const std::string& body = "",
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  req.max_attempts = 1;
  Result<HttpResponse> r = send(req);
  EXPECT_TRUE(r.ok()) << url;
  return r.ok() ? r.value() : HttpResponse{};
}

void set_scenario(FakeUpstreams& fake, const std::string& name) {
  ASSERT_EQ(raw("POST", fake.url() + "/_fake/scenario?set=" + name).status, 200);
}

json get_json(FakeUpstreams& fake, const std::string& path) {
  return json::parse(raw("GET", fake.url() + path).body, nullptr, false);
}

std::string param(const std::string& url, const std::string& name) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return "";
  const std::string query = "&" + url.substr(q + 1, url.find('#') - q - 1);
  const size_t at = query.find("&" + name + "=");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 2;
  std::string v = query.substr(start, query.find('&', start) - start);
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size()) {
      out.push_back(static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(v[i] == '+' ? ' ' : v[i]);
    }
  }
  return out;
}

std::string day_text(int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day))};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// Today in a zone of `offset_min` (the fake's standard offsets).
int64_t today(int offset_min = 0) {
  return (static_cast<int64_t>(std::time(nullptr)) + offset_min * 60) / 86400;
}

int64_t cents(double major) { return std::llround(major * 100); }

// Every request whose path starts with `prefix`.
json requests_to(FakeUpstreams& fake, const std::string& prefix) {
  json out = json::array();
  for (const json& r : get_json(fake, "/_fake/requests")) {
    if (r["path"].get<std::string>().rfind(prefix, 0) == 0) out.push_back(r);
  }
  return out;
}

void expect_no_token_in_any_query(FakeUpstreams& fake) {
  const json log = get_json(fake, "/_fake/requests");
  ASSERT_TRUE(log.is_array());
  EXPECT_FALSE(log.empty());
  for (const json& r : log) {
    const std::string q = r["query"];
    EXPECT_EQ(q.find("access_token"), std::string::npos) << r["path"] << "?" << q;
    EXPECT_EQ(q.find("api-key"), std::string::npos) << r["path"];
    EXPECT_EQ(q.find("xkeysib"), std::string::npos) << r["path"];
  }
}

// ---- Meta

meta::Config meta_config() { return {"1000000000000001", "fake-meta-secret", "v25.0"}; }

std::string meta_token() {
  const meta::Config cfg = meta_config();
  const HttpResponse d =
      raw("GET", meta::dialog_url(cfg, kRedirect, {"ads_read", "business_management"}, "s-1"));
  EXPECT_EQ(d.status, 302);
  auto s = meta::exchange_code(cfg, param(d.header("location"), "code"), kRedirect);
  EXPECT_TRUE(s.ok()) << (s.error ? s.error->message : "");
  if (!s.ok()) return "";
  auto l = meta::exchange_long_lived(cfg, s.value->access_token);
  EXPECT_TRUE(l.ok());
  return l.ok() ? l.value->access_token : "";
}

std::string entity_of(const meta::InsightRow& r) {
  if (r.level == "campaign") return r.campaign_id;
  if (r.level == "adset") return r.adset_id;
  return r.ad_id;
}

double action(const std::vector<std::pair<std::string, double>>& list, const std::string& type) {
  double sum = 0;
  for (const auto& [t, v] : list) sum += t == type ? v : 0;
  return sum;
}

json meta_truth(FakeUpstreams& fake, const std::string& level, int64_t since, int64_t until,
                const std::string& extra = "") {
  return get_json(fake, std::string("/_fake/meta/truth?account=") + kShopA + "&level=" + level +
                            "&since=" + day_text(since) + "&until=" + day_text(until) + extra);
}

// The connector's rows equal the fake's: row by row on (date, entity), and
// in total.
void expect_equal_to_truth(const std::vector<meta::InsightRow>& rows, const json& truth,
                           const std::string& level) {
  ASSERT_TRUE(truth.is_array());
  ASSERT_EQ(rows.size(), truth.size()) << level;
  std::map<std::pair<std::string, std::string>, const json*> by_key;
  int64_t t_impr = 0, t_clicks = 0, t_spend = 0, t_purch = 0, t_value = 0;
  for (const json& t : truth) {
    by_key[{t["date"].get<std::string>(), t["entity_id"].get<std::string>()}] = &t;
    t_impr += t["impressions"].get<int64_t>();
    t_clicks += t["clicks"].get<int64_t>();
    t_spend += t["spend_cents"].get<int64_t>();
    t_purch += t["actions"].value("offsite_conversion.fb_pixel_purchase", int64_t{0});
    t_value += t["action_values"].value("offsite_conversion.fb_pixel_purchase", int64_t{0});
  }
  int64_t impr = 0, clicks = 0, spend = 0, purch = 0, value = 0;
  for (const meta::InsightRow& r : rows) {
    EXPECT_EQ(r.level, level);
    EXPECT_EQ(r.account_id, "1234567890");
    auto it = by_key.find({r.date, entity_of(r)});
    ASSERT_NE(it, by_key.end()) << level << " " << r.date << " " << entity_of(r);
    const json& t = *it->second;
    EXPECT_EQ(r.impressions, t["impressions"].get<int64_t>());
    EXPECT_EQ(r.clicks, t["clicks"].get<int64_t>());
    EXPECT_EQ(r.reach, t["reach"].get<int64_t>());
    EXPECT_EQ(cents(r.spend), t["spend_cents"].get<int64_t>());
    EXPECT_EQ(r.campaign_name, t["campaign_name"].get<std::string>());
    EXPECT_EQ(r.objective, t["objective"].get<std::string>());
    if (level != "campaign") {
      EXPECT_EQ(r.adset_name, t["adset_name"].get<std::string>());
    }
    if (level == "ad") {
      EXPECT_EQ(r.ad_name, t["ad_name"].get<std::string>());
    }
    EXPECT_EQ(std::llround(action(r.actions, "link_click")),
              t["actions"].value("link_click", int64_t{0}));
    impr += r.impressions;
    clicks += r.clicks;
    spend += cents(r.spend);
    purch += std::llround(action(r.actions, "offsite_conversion.fb_pixel_purchase"));
    value += cents(action(r.action_values, "offsite_conversion.fb_pixel_purchase"));
  }
  EXPECT_EQ(impr, t_impr);
  EXPECT_EQ(clicks, t_clicks);
  EXPECT_EQ(spend, t_spend);
  EXPECT_EQ(purch, t_purch);
  EXPECT_EQ(value, t_value);
}

meta::InsightOptions quick(int page_size = 500) {
  meta::InsightOptions o;
  o.page_size = page_size;
  o.poll_first_ms = 20;
  o.poll_max_ms = 100;
  o.async_deadline_s = 20;
  return o;
}

TEST(MetaInsights, EachLevelEqualsTheTruthPageByPage) {
  FakeUpstreams fake;
  const std::string token = meta_token();
  const int64_t since = today(60) - 40, until = today(60) - 30;  // 11 days: one sync call chain
  for (const std::string level : {"campaign", "adset", "ad"}) {
    raw("POST", fake.url() + "/_fake/reset");
    meta::Usage usage;
    auto got = meta::insights(meta_config(), token, kShopA, level, day_text(since), day_text(until),
                              &usage, quick(7));
    ASSERT_TRUE(got.ok()) << got.error->message;
    expect_equal_to_truth(*got.value, meta_truth(fake, level, since, until), level);
    const json calls = requests_to(fake, std::string("/v25.0/") + kShopA + "/insights");
    EXPECT_EQ(calls.size(), (got.value->size() + 6) / 7) << level;
    for (const json& c : calls) {
      EXPECT_EQ(c["method"], "GET");
      const std::string url = "x?" + c["query"].get<std::string>();
      EXPECT_EQ(param(url, "level"), level);
      EXPECT_EQ(param(url, "time_increment"), "1");
      EXPECT_EQ(json::parse(param(url, "time_range")),
                json({{"since", day_text(since)}, {"until", day_text(until)}}));
      EXPECT_EQ(json::parse(param(url, "action_attribution_windows")),
                json::array({"7d_click", "1d_view"}));
      EXPECT_FALSE(param(url, "appsecret_proof").empty());
      EXPECT_EQ(c["headers"].value("Authorization", "").rfind("Bearer ", 0), 0u);
    }
    // The cursors sent are the ones handed out, never the paging.next link.
    for (size_t i = 1; i < calls.size(); ++i)
      EXPECT_FALSE(param("x?" + calls[i]["query"].get<std::string>(), "after").empty());
    EXPECT_LT(usage.max_pct, 75);
    EXPECT_EQ(usage.regain_minutes, 0);
  }
  expect_no_token_in_any_query(fake);
}

TEST(MetaInsights, LongRangeRunsAsAnAsyncJob) {
  FakeUpstreams fake;
  const std::string token = meta_token();
  const int64_t since = today(60) - 100, until = today(60) - 41;  // 60 days
  auto got = meta::insights(meta_config(), token, kShopA, "ad", day_text(since), day_text(until),
                            nullptr, quick(100));
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_GT(got.value->size(), 300u);
  expect_equal_to_truth(*got.value, meta_truth(fake, "ad", since, until), "ad");
  const json posts = requests_to(fake, std::string("/v25.0/") + kShopA + "/insights");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["method"], "POST");
  EXPECT_NE(posts[0]["body"].get<std::string>().find("time_increment=1"), std::string::npos);
  int polls = 0, pages = 0;
  for (const json& r : get_json(fake, "/_fake/requests")) {
    const std::string path = r["path"];
    if (path.rfind("/v25.0/6", 0) != 0) continue;
    if (path.size() > 7 && path.find("/insights") != std::string::npos) {
      ++pages;
    } else {
      ++polls;
    }
  }
  EXPECT_EQ(polls, 3);  // running, running, completed
  EXPECT_EQ(pages, static_cast<int>((got.value->size() + 99) / 100));
  expect_no_token_in_any_query(fake);
}

TEST(MetaInsights, UsageHeadersAreParsed) {
  FakeUpstreams fake({"--scenario", "meta_usage_high"});
  const std::string token = meta_token();
  meta::Usage usage;
  auto got = meta::insights(meta_config(), token, kShopA, "campaign", day_text(today(60) - 3),
                            day_text(today(60) - 1), &usage, quick());
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_EQ(usage.max_pct, 96);
  EXPECT_EQ(usage.regain_minutes, 1);
}

TEST(MetaInsights, RestateChangesExactlyTheDescribedRows) {
  FakeUpstreams fake;
  const std::string token = meta_token();
  const int64_t t = today(60);
  auto read = [&] {
    auto got = meta::insights(meta_config(), token, kShopA, "ad", day_text(t - 8), day_text(t - 1),
                              nullptr, quick());
    EXPECT_TRUE(got.ok());
    std::map<std::pair<std::string, std::string>, meta::InsightRow> out;
    for (auto& r : got.ok() ? *got.value : std::vector<meta::InsightRow>{})
      out[{r.date, r.ad_id}] = r;
    return out;
  };
  const auto before = read();
  set_scenario(fake, "meta_restate");
  const auto after = read();
  const std::string day5 = day_text(t - 5), day3 = day_text(t - 3);
  const std::string vanished =
      "12022789011"
      "1";
  ASSERT_TRUE(before.count({day3, vanished}) == 1) << "the fake's ad must deliver on day -3";
  EXPECT_EQ(after.count({day3, vanished}), 0u);
  EXPECT_EQ(after.size() + 1, before.size());
  int changed = 0;
  for (const auto& [key, b] : before) {
    auto it = after.find(key);
    if (it == after.end()) continue;
    const meta::InsightRow& a = it->second;
    EXPECT_EQ(a.impressions, b.impressions);
    EXPECT_EQ(a.clicks, b.clicks);
    EXPECT_EQ(cents(a.spend), cents(b.spend));
    const double pb = action(b.actions, "offsite_conversion.fb_pixel_purchase"),
                 pa = action(a.actions, "offsite_conversion.fb_pixel_purchase");
    if (key.first == day5) {
      EXPECT_EQ(pa, pb + 1) << key.second;
      ++changed;
    } else {
      EXPECT_EQ(pa, pb) << key.first << " " << key.second;
      EXPECT_EQ(cents(action(a.action_values, "offsite_conversion.fb_pixel_purchase")),
                cents(action(b.action_values, "offsite_conversion.fb_pixel_purchase")));
    }
  }
  EXPECT_GT(changed, 0);
  // And the campaign level follows the fake's restated rows.
  auto campaigns = meta::insights(meta_config(), token, kShopA, "campaign", day_text(t - 8),
                                  day_text(t - 1), nullptr, quick());
  ASSERT_TRUE(campaigns.ok());
  expect_equal_to_truth(*campaigns.value, meta_truth(fake, "campaign", t - 8, t - 1), "campaign");
}

TEST(MetaInsights, DisabledAccountIsForbiddenOthersStillRead) {
  FakeUpstreams fake({"--scenario", "meta_disabled_account"});
  const std::string token = meta_token();
  const std::string since = day_text(today() - 10), until = day_text(today() - 5);
  auto d = meta::insights(meta_config(), token, "act_4567890123", "campaign", since, until);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error->kind, Kind::kForbidden);
  EXPECT_EQ(d.error->upstream_code, "200");
  auto a = meta::insights(meta_config(), token, kShopA, "campaign", since, until);
  EXPECT_TRUE(a.ok());
}

TEST(MetaInsights, FailedAsyncJobIsAsyncFailed) {
  FakeUpstreams fake({"--scenario", "meta_async_failed"});
  const std::string token = meta_token();
  auto got = meta::insights(meta_config(), token, kShopA, "adset", day_text(today() - 90),
                            day_text(today() - 1), nullptr, quick());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error->kind, Kind::kUnavailable);
  EXPECT_EQ(got.error->upstream_code, "ASYNC_FAILED");
}

TEST(MetaInsights, TokenExpiringMidSyncNeedsReconnection) {
  FakeUpstreams fake({"--scenario", "meta_expire_mid"});
  const std::string token = meta_token();
  auto got = meta::insights(meta_config(), token, kShopA, "ad", day_text(today() - 20),
                            day_text(today() - 10), nullptr, quick(10));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(got.error->upstream_code, "190/463");
}

TEST(MetaInsights, PeriodReachIsBelowTheSumOfDailyReach) {
  FakeUpstreams fake;
  const std::string token = meta_token();
  const int64_t since = today(60) - 30, until = today(60) - 2;
  auto daily = meta::insights(meta_config(), token, kShopA, "campaign", day_text(since),
                              day_text(until), nullptr, quick());
  ASSERT_TRUE(daily.ok());
  int64_t daily_sum = 0, first_sum = 0, impressions = 0;
  const std::string first = daily.value->front().campaign_id;
  for (const auto& r : *daily.value) {
    daily_sum += r.reach;
    impressions += r.impressions;
    if (r.campaign_id == first) first_sum += r.reach;
  }
  auto account =
      meta::reach_total(meta_config(), token, kShopA, "", day_text(since), day_text(until));
  ASSERT_TRUE(account.ok()) << account.error->message;
  EXPECT_GT(account.value->reach, 0);
  EXPECT_LT(account.value->reach, daily_sum);
  EXPECT_EQ(account.value->impressions, impressions);  // impressions do add up
  const json account_truth = meta_truth(fake, "account", since, until, "&period=1");
  ASSERT_EQ(account_truth.size(), 1u);
  EXPECT_EQ(account.value->reach, account_truth[0]["reach"].get<int64_t>());

  auto one =
      meta::reach_total(meta_config(), token, kShopA, first, day_text(since), day_text(until));
  ASSERT_TRUE(one.ok()) << one.error->message;
  EXPECT_LT(one.value->reach, first_sum);
  const json t = meta_truth(fake, "campaign", since, until, "&period=1&entity=" + first);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(one.value->reach, t[0]["reach"].get<int64_t>());
  for (const json& r : requests_to(fake, "/v25.0/" + first + "/insights"))
    EXPECT_EQ(param("x?" + r["query"].get<std::string>(), "time_increment"), "");
  expect_no_token_in_any_query(fake);
}

// ---- Mailchimp, Brevo, HubSpot

TEST(EmailReports, MailchimpReportsEqualTheTruthAcrossPages) {
  FakeUpstreams fake;
  const mailchimp::Config cfg{"fake-mailchimp-client", "fake-mailchimp-secret"};
  const HttpResponse d = raw("GET", mailchimp::authorize_url(cfg, kRedirect, "s-1"));
  auto tokens = mailchimp::exchange_code(cfg, param(d.header("location"), "code"), kRedirect);
  ASSERT_TRUE(tokens.ok());
  const std::string token = tokens.value->access_token;
  auto md = mailchimp::metadata(token);
  ASSERT_TRUE(md.ok());
  raw("POST", fake.url() + "/_fake/reset");

  auto got = mailchimp::reports(*md.value, token, "", 5);
  ASSERT_TRUE(got.ok()) << got.error->message;
  const json truth =
      get_json(fake, "/_fake/mailchimp/truth?user=" + std::to_string(md.value->user_id));
  ASSERT_EQ(truth.size(), 12u);
  ASSERT_EQ(got.value->size(), truth.size());
  int64_t sent = 0, t_sent = 0, revenue = 0, t_revenue = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const mailchimp::CampaignReport& r = (*got.value)[i];
    const json& t = truth[i];
    EXPECT_EQ(r.id, t["id"].get<std::string>());
    EXPECT_EQ(r.title, t["title"].get<std::string>());
    EXPECT_EQ(r.send_date, t["send_date"].get<std::string>());
    EXPECT_EQ(r.emails_sent, t["emails_sent"].get<int64_t>());
    EXPECT_EQ(r.unique_opens, t["unique_opens"].get<int64_t>());
    EXPECT_EQ(r.opens_total, t["opens_total"].get<int64_t>());
    EXPECT_EQ(r.unique_clicks, t["unique_clicks"].get<int64_t>());
    EXPECT_EQ(r.clicks_total, t["clicks_total"].get<int64_t>());
    EXPECT_EQ(r.hard_bounces, t["hard_bounces"].get<int64_t>());
    EXPECT_EQ(r.soft_bounces, t["soft_bounces"].get<int64_t>());
    EXPECT_EQ(r.unsubscribed, t["unsubscribed"].get<int64_t>());
    sent += r.emails_sent;
    t_sent += t["emails_sent"].get<int64_t>();
    revenue += cents(r.revenue);
    t_revenue += t["revenue_cents"].get<int64_t>();
  }
  EXPECT_EQ(sent, t_sent);
  EXPECT_EQ(revenue, t_revenue);
  const json calls = requests_to(fake, "/3.0/reports");
  ASSERT_EQ(calls.size(), 3u);
  for (size_t i = 0; i < calls.size(); ++i) {
    const std::string url = "x?" + calls[i]["query"].get<std::string>();
    EXPECT_EQ(param(url, "count"), "5");
    EXPECT_EQ(param(url, "offset"), std::to_string(5 * i));
  }

  // since_send_time filters as the fake does.
  const std::string since = day_text(today() - 200) + "T00:00:00+00:00";
  auto recent = mailchimp::reports(*md.value, token, since, 2);
  ASSERT_TRUE(recent.ok());
  const json recent_truth =
      get_json(fake, "/_fake/mailchimp/truth?user=" + std::to_string(md.value->user_id) +
                         "&since_send_time=" + day_text(today() - 200) + "T00:00:00Z");
  EXPECT_EQ(recent.value->size(), recent_truth.size());
  EXPECT_LT(recent.value->size(), 12u);
  expect_no_token_in_any_query(fake);
}

TEST(EmailReports, BrevoCampaignsEqualTheTruthAcrossPages) {
  FakeUpstreams fake;
  const std::string from = day_text(today() - 800), to = day_text(today());
  auto got = brevo::email_campaigns(kBrevoKey, from, to, 3);
  ASSERT_TRUE(got.ok()) << got.error->message;
  const json truth = get_json(fake, "/_fake/brevo/truth?startDate=" + from + "&endDate=" + to);
  ASSERT_EQ(truth.size(), 10u);
  ASSERT_EQ(got.value->size(), truth.size());
  std::map<std::string, const json*> by_id;
  for (const json& t : truth) by_id[t["id"].get<std::string>()] = &t;
  int empty = 0;
  int64_t views = 0, t_views = 0;
  for (const brevo::CampaignStats& c : *got.value) {
    ASSERT_EQ(by_id.count(c.id), 1u) << c.id;
    const json& t = *by_id[c.id];
    EXPECT_EQ(c.name, t["name"].get<std::string>());
    EXPECT_EQ(c.sent_date, t["sent_date"].get<std::string>());
    EXPECT_EQ(c.sent, t["sent"].get<int64_t>());
    EXPECT_EQ(c.delivered, t["delivered"].get<int64_t>());
    EXPECT_EQ(c.unique_views, t["unique_views"].get<int64_t>());
    EXPECT_EQ(c.trackable_views, t["trackable_views"].get<int64_t>());
    EXPECT_EQ(c.unique_clicks, t["unique_clicks"].get<int64_t>());
    EXPECT_EQ(c.clickers, t["clickers"].get<int64_t>());
    EXPECT_EQ(c.hard_bounces, t["hard_bounces"].get<int64_t>());
    EXPECT_EQ(c.soft_bounces, t["soft_bounces"].get<int64_t>());
    EXPECT_EQ(c.unsubscriptions, t["unsubscriptions"].get<int64_t>());
    EXPECT_LE(c.trackable_views, c.unique_views);
    empty += t["empty_statistics"].get<bool>() ? 1 : 0;
    views += c.unique_views;
    t_views += t["unique_views"].get<int64_t>();
  }
  EXPECT_EQ(empty, 1);
  EXPECT_EQ(views, t_views);
  const json calls = requests_to(fake, "/v3/emailCampaigns");
  ASSERT_EQ(calls.size(), 4u);  // 3 + 3 + 3 + 1
  for (const json& c : calls) {
    const std::string url = "x?" + c["query"].get<std::string>();
    EXPECT_EQ(param(url, "status"), "sent");
    EXPECT_EQ(param(url, "statistics"), "globalStats");
    EXPECT_EQ(param(url, "startDate"), from + "T00:00:00.000Z");
    EXPECT_EQ(c["headers"].value("api-key", ""), kBrevoKey);
  }
  // A narrower range holds fewer campaigns.
  auto recent = brevo::email_campaigns(kBrevoKey, day_text(today() - 200), to);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(
      recent.value->size(),
      get_json(fake, "/_fake/brevo/truth?startDate=" + day_text(today() - 200) + "&endDate=" + to)
          .size());
  EXPECT_LT(recent.value->size(), 10u);
  auto bad = brevo::email_campaigns("xkeysib-unknown", from, to);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error->kind, Kind::kRejected);
  expect_no_token_in_any_query(fake);
}

TEST(EmailReports, HubSpotWonDealsEqualTheTruthAcrossPages) {
  FakeUpstreams fake;
  const hubspot::Config cfg{"fake-hubspot-client", "fake-hubspot-secret", "2026-03"};
  const HttpResponse d = raw(
      "GET",
      hubspot::authorize_url(cfg, kRedirect, {"oauth", "crm.objects.deals.read"}, {}, "s-1", ""));
  auto tokens = hubspot::exchange_code(cfg, param(d.header("location"), "code"), kRedirect, "");
  ASSERT_TRUE(tokens.ok()) << tokens.error->message;
  raw("POST", fake.url() + "/_fake/reset");
  const std::string since = day_text(today() - 365), until = day_text(today());
  auto got = hubspot::won_deals(tokens.value->access_token, since, until, 20);
  ASSERT_TRUE(got.ok()) << got.error->message;
  const json truth =
      get_json(fake, "/_fake/hubspot/truth?portal=21000001&since=" + since + "&until=" + until);
  ASSERT_GT(truth.size(), 40u);
  ASSERT_EQ(got.value->size(), truth.size());
  int64_t amount = 0, t_amount = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const hubspot::Deal& deal = (*got.value)[i];
    const json& t = truth[i];
    EXPECT_EQ(deal.id, t["id"].get<std::string>());
    EXPECT_EQ(deal.name, t["name"].get<std::string>());
    EXPECT_EQ(deal.stage, "closedwon");
    EXPECT_TRUE(deal.won);
    EXPECT_EQ(deal.pipeline, t["pipeline"].get<std::string>());
    EXPECT_EQ(deal.close_date, t["close_date"].get<std::string>());
    EXPECT_EQ(cents(deal.amount), t["amount_cents"].get<int64_t>());
    amount += cents(deal.amount);
    t_amount += t["amount_cents"].get<int64_t>();
  }
  EXPECT_EQ(amount, t_amount);
  const json calls = requests_to(fake, "/crm/objects/2026-03/deals/search");
  EXPECT_EQ(calls.size(), (truth.size() + 19) / 20);
  for (size_t i = 0; i < calls.size(); ++i) {
    const json body = json::parse(calls[i]["body"].get<std::string>());
    EXPECT_EQ(body["limit"], 20);
    EXPECT_EQ(body.contains("after"), i > 0);
    EXPECT_EQ(calls[i]["headers"].value("Authorization", "").rfind("Bearer ", 0), 0u);
  }
  expect_no_token_in_any_query(fake);
}

}  // namespace
}  // namespace glint::connectors
