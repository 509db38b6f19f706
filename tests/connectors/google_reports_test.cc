// The Google reporting calls (connectors/google/reports.cc) against the
// fake. Expected numbers come from the fake's truth endpoints (GET
// /_fake/google/truth, /_fake/ga4/truth, /_fake/ga4/pages/truth), which run
// the same generator as the wire but never pass through the connector: a
// parsing or paging bug shows up as a difference. tests/fakes/README.md describes the data.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <map>
#include <ostream>
#include <string>

#include "connectors/fake_process.h"
#include "google/google.h"

namespace glint::connectors::google {
namespace {

using glint::testing::FakeUpstreams;
using nlohmann::json;
using Kind = UpstreamError::Kind;

const std::vector<std::string> kScopes = {"openid", "email",
                                          "https://www.googleapis.com/auth/adwords",
                                          "https://www.googleapis.com/auth/analytics.readonly"};
const std::string kRedirect = "http://127.0.0.1:8080/api/connections/google/callback";
const std::string kAgency = "5550001111", kSecond = "6660002222", kShopA = "1234567890",
                  kShopB = "2345678901", kShopC = "3456789012", kDirect = "9990003333",
                  kFarEast = "1112223334";

Config config() {
  Config c;
  c.client_id = "fake-google-client.apps.googleusercontent.com";
  c.client_secret = "fake-google-secret";
  return c;
}

// Consent and code exchange against the fake: a fresh access token.
std::string connect(FakeUpstreams& fake) {
  const std::string verifier = oauth::pkce_verifier();
  const std::string url =
      authorize_url(config(), kRedirect, kScopes, "st", oauth::pkce_challenge_s256(verifier));
  httplib::Client c("127.0.0.1", fake.port());
  auto r = c.Get(url.substr(fake.url().size()).c_str());
  EXPECT_TRUE(r && r->status == 302);
  if (!r) return "";
  const std::string location = r->get_header_value("Location");
  httplib::Params q;
  httplib::detail::parse_query_text(location.substr(location.find('?') + 1), q);
  const auto code = q.find("code");
  EXPECT_NE(code, q.end());
  if (code == q.end()) return "";
  auto t = exchange_code(config(), code->second, kRedirect, verifier);
  EXPECT_TRUE(t.ok()) << (t.error ? t.error->message : "");
  return t.ok() ? t.value->access_token : "";
}

json get(FakeUpstreams& fake, const std::string& path) {
  httplib::Client c("127.0.0.1", fake.port());
  auto r = c.Get(path.c_str());
  EXPECT_TRUE(r && r->status == 200) << path;
  return r ? json::parse(r->body, nullptr, false) : json();
}

json ads_truth(FakeUpstreams& fake, const std::string& customer, const std::string& level,
               const std::string& start, const std::string& end) {
  return get(fake, "/_fake/google/truth?customer=" + customer + "&level=" + level +
                       "&start=" + start + "&end=" + end);
}

json ga4_truth(FakeUpstreams& fake, const std::string& property, const std::string& start,
               const std::string& end) {
  return get(fake, "/_fake/ga4/truth?property=" + property + "&start=" + start + "&end=" + end);
}

// "YYYY-MM-DD" `days` before `iso` (civil arithmetic, no zones).
std::string days_before(const std::string& iso, int days) {
  using namespace std::chrono;
  const year_month_day d{year{std::stoi(iso.substr(0, 4))},
                         month{static_cast<unsigned>(std::stoi(iso.substr(5, 2)))},
                         day{static_cast<unsigned>(std::stoi(iso.substr(8, 2)))}};
  const year_month_day back{sys_days{d} - std::chrono::days{days}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(back.year()),
                static_cast<unsigned>(back.month()), static_cast<unsigned>(back.day()));
  return out;
}

// Fractional conversions compared as micro-units (STYLE.md: exact money).
int64_t micros(double v) { return std::llround(v * 1e6); }

std::string header(const json& request, std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [k, v] : request["headers"].items()) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) return v.get<std::string>();
  }
  return "";
}

std::vector<json> sent_to(const json& log, const std::string& needle) {
  std::vector<json> out;
  for (const json& r : log) {
    if (r["path"].get<std::string>().find(needle) != std::string::npos) out.push_back(r);
  }
  return out;
}

std::string key_of(const AdsRow& r) {
  return r.date + "|" + r.campaign_id + "|" + r.ad_group_id + "|" + r.ad_id;
}
std::string key_of(const json& r) {
  return r["date"].get<std::string>() + "|" + r["campaign_id"].get<std::string>() + "|" +
         r["ad_group_id"].get<std::string>() + "|" + r["ad_id"].get<std::string>();
}

// Every row equal to the truth's, and as many: counts, fields and sums.
void expect_same_rows(const std::vector<AdsRow>& got, const json& truth) {
  ASSERT_TRUE(truth.contains("rows"));
  ASSERT_EQ(got.size(), truth["rows"].size());
  std::map<std::string, const json*> want;
  for (const json& r : truth["rows"]) want[key_of(r)] = &r;
  ASSERT_EQ(want.size(), got.size()) << "the truth's keys are unique";
  int64_t impressions = 0, clicks = 0, cost = 0, conversions = 0, value = 0;
  for (const AdsRow& r : got) {
    auto it = want.find(key_of(r));
    ASSERT_NE(it, want.end()) << key_of(r);
    const json& w = *it->second;
    EXPECT_EQ(r.level, w["level"]);
    EXPECT_EQ(r.customer_id, w["customer_id"]);
    EXPECT_EQ(r.campaign_name, w["campaign_name"]);
    EXPECT_EQ(r.campaign_status, w["campaign_status"]);
    EXPECT_EQ(r.campaign_type, w["campaign_type"]);
    EXPECT_EQ(r.ad_group_name, w["ad_group_name"]);
    EXPECT_EQ(r.ad_name, w["ad_name"]);
    EXPECT_EQ(r.impressions, w["impressions"].get<int64_t>()) << key_of(r);
    EXPECT_EQ(r.clicks, w["clicks"].get<int64_t>()) << key_of(r);
    EXPECT_EQ(r.cost_micros, w["cost_micros"].get<int64_t>()) << key_of(r);
    EXPECT_EQ(micros(r.conversions), micros(w["conversions"].get<double>())) << key_of(r);
    EXPECT_EQ(micros(r.conversions_value), micros(w["conversions_value"].get<double>()));
    impressions += r.impressions;
    clicks += r.clicks;
    cost += r.cost_micros;
    conversions += micros(r.conversions);
    value += micros(r.conversions_value);
  }
  const json& t = truth["totals"];
  EXPECT_EQ(impressions, t["impressions"].get<int64_t>());
  EXPECT_EQ(clicks, t["clicks"].get<int64_t>());
  EXPECT_EQ(cost, t["cost_micros"].get<int64_t>());
  EXPECT_EQ(conversions, micros(t["conversions"].get<double>()));
  EXPECT_EQ(value, micros(t["conversions_value"].get<double>()));
}

class GoogleReports : public ::testing::Test {
 protected:
  void SetUp() override {
    access_ = connect(fake_);
    ASSERT_FALSE(access_.empty());
    // A window that ends on the account's own today (Paris for Shop A).
    today_ = ads_truth(fake_, kShopA, "campaign", "2000-01-01", "2000-01-01")["today"];
    start_ = days_before(today_, 44);
  }
  FakeUpstreams fake_;
  std::string access_, today_, start_;
};

TEST_F(GoogleReports, EachLevelEqualsTheFakesTruth) {
  for (const std::string level : {"campaign", "ad_group", "ad"}) {
    fake_.reset_log();
    auto rows = report(config(), access_, kShopA, kAgency, level, start_, today_);
    ASSERT_TRUE(rows.ok()) << level << ": " << rows.error->message;
    const json truth = ads_truth(fake_, kShopA, level, start_, today_);
    ASSERT_GT(truth["rows"].size(), 40u) << level;
    expect_same_rows(*rows.value, truth);
    // The wire: one searchStream through the manager, no paging fields.
    const auto sent = sent_to(fake_.requests(), "googleAds:");
    ASSERT_EQ(sent.size(), 1u) << level;
    EXPECT_EQ(sent[0]["path"], "/v26/customers/" + kShopA + "/googleAds:searchStream");
    EXPECT_EQ(header(sent[0], "login-customer-id"), kAgency);
    EXPECT_EQ(header(sent[0], "Authorization"), "Bearer " + access_);
    const json body = json::parse(sent[0]["body"].get<std::string>());
    EXPECT_FALSE(body.contains("pageSize"));
    EXPECT_FALSE(body.contains("pageToken"));
    const std::string q = body["query"];
    const std::string from = level == "campaign"   ? "FROM campaign "
                             : level == "ad_group" ? "FROM ad_group "
                                                   : "FROM ad_group_ad ";
    EXPECT_NE(q.find(from), std::string::npos) << q;
    EXPECT_NE(q.find("segments.date BETWEEN '" + start_ + "' AND '" + today_ + "'"),
              std::string::npos)
        << q;
  }
}

TEST_F(GoogleReports, ZeroDaysAreOmittedAndMissingMetricsReadAsZero) {
  // The paused shopping campaign has dark days: fewer rows than days.
  auto rows = report(config(), access_, kShopA, kAgency, "campaign", start_, today_);
  ASSERT_TRUE(rows.ok()) << rows.error->message;
  std::map<std::string, int> days_of;
  for (const AdsRow& r : *rows.value) ++days_of[r.campaign_name];
  EXPECT_EQ(days_of["Brand – Search"], 45);
  EXPECT_LT(days_of["Shopping – All products"], 45);
  bool a_row_without_conversions = false;
  for (const AdsRow& r : *rows.value) a_row_without_conversions |= r.conversions == 0;
  auto ads = report(config(), access_, kShopA, kAgency, "ad", start_, today_);
  ASSERT_TRUE(ads.ok());
  bool nameless = false;
  for (const AdsRow& r : *ads.value) {
    nameless |= r.ad_name.empty();
    a_row_without_conversions |= r.conversions == 0;
    EXPECT_FALSE(r.ad_id.empty());
    EXPECT_FALSE(r.ad_group_id.empty());
  }
  EXPECT_TRUE(nameless);  // responsive search ads have no name
  EXPECT_TRUE(a_row_without_conversions);
}

TEST_F(GoogleReports, ClientsUnderEitherManagerAndDirectOnes) {
  const std::string end = days_before(today_, 2), start = days_before(today_, 20);
  auto through_second = report(config(), access_, kShopC, kSecond, "ad_group", start, end);
  ASSERT_TRUE(through_second.ok()) << through_second.error->message;
  expect_same_rows(*through_second.value, ads_truth(fake_, kShopC, "ad_group", start, end));
  auto direct = report(config(), access_, kDirect, kDirect, "campaign", start, end);
  ASSERT_TRUE(direct.ok()) << direct.error->message;
  expect_same_rows(*direct.value, ads_truth(fake_, kDirect, "campaign", start, end));
  // Shop A is not under the second manager: Google's USER_PERMISSION_DENIED.
  auto wrong = report(config(), access_, kShopA, kSecond, "campaign", start, end);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error->kind, Kind::kForbidden);
  EXPECT_EQ(wrong.error->upstream_code, "USER_PERMISSION_DENIED");
  // Metrics cannot be asked of a manager.
  auto manager = report(config(), access_, kAgency, kAgency, "campaign", start, end);
  ASSERT_FALSE(manager.ok());
  EXPECT_EQ(manager.error->kind, Kind::kInvalidRequest);
  EXPECT_EQ(manager.error->upstream_code, "REQUESTED_METRICS_FOR_MANAGER");
  // Refused before anything is sent.
  auto level = report(config(), access_, kShopA, kAgency, "keyword", start, end);
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(level.error->kind, Kind::kInvalidRequest);
  auto injected = report(config(), access_, kShopA, kAgency, "campaign", "2026-01-01' OR '1", end);
  ASSERT_FALSE(injected.ok());
  EXPECT_EQ(injected.error->kind, Kind::kInvalidRequest);
}

TEST_F(GoogleReports, CustomerInfoGivesCurrencyZoneAndConversionWindow) {
  auto a = customer_info(config(), access_, kShopA, kAgency);
  ASSERT_TRUE(a.ok()) << a.error->message;
  EXPECT_EQ(a.value->id, kShopA);
  EXPECT_EQ(a.value->currency, "EUR");
  EXPECT_EQ(a.value->time_zone, "Europe/Paris");
  EXPECT_EQ(a.value->conversion_window_days, 60);  // the longest enabled action; a removed 90 not
  auto direct = customer_info(config(), access_, kDirect, kDirect);
  ASSERT_TRUE(direct.ok()) << direct.error->message;
  EXPECT_EQ(direct.value->currency, "USD");
  EXPECT_EQ(direct.value->conversion_window_days, 30);  // none enabled: the default
  auto far = customer_info(config(), access_, kFarEast, kFarEast);
  ASSERT_TRUE(far.ok()) << far.error->message;
  EXPECT_EQ(far.value->time_zone, "Pacific/Kiritimati");
  EXPECT_EQ(far.value->conversion_window_days, 90);
}

TEST_F(GoogleReports, FarEastAccountReportsItsOwnToday) {
  // UTC+14: its today is a day ahead of most of the world for ten hours.
  const json probe = ads_truth(fake_, kFarEast, "campaign", "2000-01-01", "2000-01-01");
  const std::string today = probe["today"];
  EXPECT_GE(today, today_);
  auto rows =
      report(config(), access_, kFarEast, kFarEast, "campaign", days_before(today, 3), today);
  ASSERT_TRUE(rows.ok()) << rows.error->message;
  bool has_today = false;
  for (const AdsRow& r : *rows.value) has_today |= r.date == today;
  EXPECT_TRUE(has_today);
  expect_same_rows(*rows.value,
                   ads_truth(fake_, kFarEast, "campaign", days_before(today, 3), today));
}

TEST_F(GoogleReports, StreamCutMidArrayIsStreamCutAndHalfTheRangeWorks) {
  fake_.scenario("google_stream_cut");
  auto cut = report(config(), access_, kShopA, kAgency, "ad", start_, today_);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error->kind, Kind::kUnavailable);
  EXPECT_EQ(cut.error->upstream_code, "STREAM_CUT");
  EXPECT_EQ(cut.error->message.find(access_), std::string::npos);
  // What a caller does: the first half, then the second.
  const std::string mid = days_before(today_, 22);
  auto first = report(config(), access_, kShopA, kAgency, "ad", start_, mid);
  ASSERT_TRUE(first.ok()) << first.error->message;
  auto second = report(config(), access_, kShopA, kAgency, "ad", days_before(today_, 21), today_);
  ASSERT_TRUE(second.ok()) << second.error->message;
  std::vector<AdsRow> all = *first.value;
  all.insert(all.end(), second.value->begin(), second.value->end());
  expect_same_rows(all, ads_truth(fake_, kShopA, "ad", start_, today_));
}

TEST_F(GoogleReports, RateLimitStormIsRateLimitedThenRecovers) {
  fake_.scenario("google_ads_429_storm");
  fake_.reset_log();
  const auto began = std::chrono::steady_clock::now();
  auto limited = report(config(), access_, kShopA, kAgency, "campaign", start_, today_);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error->kind, Kind::kRateLimited);
  EXPECT_EQ(limited.error->retry_after_s, 1);
  EXPECT_EQ(limited.error->upstream_code, "RESOURCE_TEMPORARILY_EXHAUSTED");
  EXPECT_GE(std::chrono::steady_clock::now() - began, std::chrono::milliseconds(2000));
  EXPECT_EQ(sent_to(fake_.requests(), "searchStream").size(), 3u);  // waited retryDelay twice
  // The caller retries after retry_after_s: two more 429s, then data.
  auto after = report(config(), access_, kShopA, kAgency, "campaign", start_, today_);
  ASSERT_TRUE(after.ok()) << after.error->message;
  expect_same_rows(*after.value, ads_truth(fake_, kShopA, "campaign", start_, today_));
  EXPECT_EQ(sent_to(fake_.requests(), "searchStream").size(), 6u);
}

TEST_F(GoogleReports, DisabledClientIsForbiddenAndTheOthersStillReport) {
  fake_.scenario("google_disabled_client");
  auto b = report(config(), access_, kShopB, kAgency, "campaign", start_, today_);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error->kind, Kind::kForbidden);
  EXPECT_EQ(b.error->upstream_code, "CUSTOMER_NOT_ENABLED");
  EXPECT_FALSE(b.error->request_id.empty());
  EXPECT_TRUE(report(config(), access_, kShopA, kAgency, "campaign", start_, today_).ok());
}

TEST_F(GoogleReports, TokenExpiringMidSyncIsTokenExpiredOnce) {
  fake_.scenario("google_expire_mid");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(report(config(), access_, kShopA, kAgency, "campaign", start_, today_).ok()) << i;
  auto expired = report(config(), access_, kShopA, kAgency, "campaign", start_, today_);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error->kind, Kind::kTokenExpired);
  EXPECT_EQ(expired.error->upstream_code, "OAUTH_TOKEN_EXPIRED");
  EXPECT_TRUE(report(config(), access_, kShopA, kAgency, "campaign", start_, today_).ok());
}

TEST_F(GoogleReports, RestatementChangesConversionsAndDropsAZeroRow) {
  const std::string start = days_before(today_, 9);
  auto before = report(config(), access_, kShopA, kAgency, "campaign", start, today_);
  ASSERT_TRUE(before.ok());
  fake_.scenario("google_restate");
  auto after = report(config(), access_, kShopA, kAgency, "campaign", start, today_);
  ASSERT_TRUE(after.ok());
  expect_same_rows(*after.value, ads_truth(fake_, kShopA, "campaign", start, today_));
  const std::string day3 = days_before(today_, 3), day5 = days_before(today_, 5);
  auto find = [](const std::vector<AdsRow>& rows, const std::string& date,
                 const std::string& name) -> const AdsRow* {
    for (const AdsRow& r : rows) {
      if (r.date == date && r.campaign_name == name) return &r;
    }
    return nullptr;
  };
  EXPECT_NE(find(*before.value, day3, "Brand – Search"), nullptr);
  EXPECT_EQ(find(*after.value, day3, "Brand – Search"), nullptr);  // gone, not zero
  const AdsRow* was = find(*before.value, day5, "Brand – Search");
  const AdsRow* now = find(*after.value, day5, "Brand – Search");
  ASSERT_NE(was, nullptr);
  ASSERT_NE(now, nullptr);
  EXPECT_GT(now->conversions, was->conversions);
  EXPECT_EQ(now->clicks, was->clicks);
}

// ---- GA4 ----

TEST_F(GoogleReports, Ga4PagesAddUpToTheTruth) {
  fake_.reset_log();
  const std::string start = days_before(today_, 59);
  auto r = ga4_report(access_, "250000001", start, today_);
  ASSERT_TRUE(r.ok()) << r.error->message;
  const json truth = ga4_truth(fake_, "250000001", start, today_);
  ASSERT_EQ(r.value->rows.size(), truth["rows"].size());
  EXPECT_EQ(r.value->row_count, static_cast<int64_t>(truth["rows"].size()));
  EXPECT_GT(r.value->rows.size(), 250u);  // more than two of the fake's 100-row pages
  std::map<std::string, const json*> want;
  for (const json& w : truth["rows"])
    want[w["date"].get<std::string>() + "|" + w["source"].get<std::string>() + "|" +
         w["medium"].get<std::string>()] = &w;
  int64_t sessions = 0, daily_users = 0;
  for (const Ga4Row& row : r.value->rows) {
    auto it = want.find(row.date + "|" + row.source + "|" + row.medium);
    ASSERT_NE(it, want.end()) << row.date << " " << row.source;
    const json& w = *it->second;
    EXPECT_EQ(row.channel_group, w["channel_group"]);
    EXPECT_EQ(row.sessions, w["sessions"].get<int64_t>());
    EXPECT_EQ(row.engaged_sessions, w["engaged_sessions"].get<int64_t>());
    EXPECT_EQ(row.total_users, w["total_users"].get<int64_t>());
    EXPECT_EQ(row.new_users, w["new_users"].get<int64_t>());
    EXPECT_EQ(row.screen_page_views, w["screen_page_views"].get<int64_t>());
    EXPECT_EQ(micros(row.key_events), micros(w["key_events"].get<double>()));
    EXPECT_EQ(micros(row.purchase_revenue), micros(w["purchase_revenue"].get<double>()));
    sessions += row.sessions;
    daily_users += row.total_users;
  }
  EXPECT_EQ(sessions, truth["totals"]["sessions"].get<int64_t>());
  EXPECT_EQ(r.value->currency, "EUR");
  EXPECT_EQ(r.value->time_zone, "Europe/Paris");
  EXPECT_FALSE(r.value->subject_to_thresholding);
  // The wire: offsets advance by what came back; keyEvents, never conversions.
  const auto sent = sent_to(fake_.requests(), ":runReport");
  ASSERT_EQ(sent.size(), (r.value->rows.size() + 99) / 100);
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i]["path"], "/v1beta/properties/250000001:runReport");
    const json body = json::parse(sent[i]["body"].get<std::string>());
    EXPECT_EQ(body["offset"], std::to_string(i * 100));
    EXPECT_EQ(body["limit"], "10000");
    EXPECT_EQ(body["returnPropertyQuota"], true);
    EXPECT_EQ(body["dateRanges"][0]["startDate"], start);
    EXPECT_EQ(body["dimensions"].size(), 4u);
    bool key_events = false;
    for (const json& m : body["metrics"]) {
      EXPECT_NE(m["name"], "conversions");
      key_events |= m["name"] == "keyEvents";
    }
    EXPECT_TRUE(key_events);
  }
}

TEST_F(GoogleReports, Ga4TotalsCountUsersOnceOverThePeriod) {
  const std::string start = days_before(today_, 29);
  auto totals = ga4_totals(access_, "250000001", start, today_);
  ASSERT_TRUE(totals.ok()) << totals.error->message;
  auto daily = ga4_report(access_, "250000001", start, today_);
  ASSERT_TRUE(daily.ok());
  int64_t sessions = 0, users = 0, new_users = 0;
  for (const Ga4Row& r : daily.value->rows) {
    sessions += r.sessions;
    users += r.total_users;
    new_users += r.new_users;
  }
  const json truth = ga4_truth(fake_, "250000001", start, today_)["totals"];
  EXPECT_EQ(totals.value->sessions, sessions);  // additive
  EXPECT_EQ(totals.value->total_users, truth["total_users"].get<int64_t>());
  EXPECT_LT(totals.value->total_users, users);  // not additive: fewer than the days' sum
  EXPECT_GT(totals.value->total_users, 0);
  EXPECT_LE(totals.value->new_users, totals.value->total_users);
  EXPECT_EQ(micros(totals.value->purchase_revenue),
            micros(truth["purchase_revenue"].get<double>()));
}

TEST_F(GoogleReports, Ga4KeepsThresholdingAndReadsTheQuota) {
  auto app = ga4_report(access_, "250000002", days_before(today_, 6), today_);
  ASSERT_TRUE(app.ok()) << app.error->message;
  EXPECT_TRUE(app.value->subject_to_thresholding);
  EXPECT_GE(app.value->tokens_per_hour_remaining, 0);
  EXPECT_LT(app.value->tokens_per_hour_remaining, 40000);
  EXPECT_GT(app.value->tokens_per_day_remaining, app.value->tokens_per_hour_remaining);
  const int64_t hour_left = app.value->tokens_per_hour_remaining;
  auto again = ga4_report(access_, "250000002", days_before(today_, 6), today_);
  ASSERT_TRUE(again.ok());
  EXPECT_LT(again.value->tokens_per_hour_remaining, hour_left);  // each request consumes
  // A range before the history: no rows, the reason kept.
  auto empty = ga4_report(access_, "250000001", "2001-01-01", "2001-01-31");
  ASSERT_TRUE(empty.ok()) << empty.error->message;
  EXPECT_TRUE(empty.value->rows.empty());
  EXPECT_EQ(empty.value->row_count, 0);
  EXPECT_FALSE(empty.value->empty_reason.empty());
}

TEST_F(GoogleReports, Ga4ForbiddenPropertyAndOne429) {
  fake_.scenario("ga4_forbidden");
  auto b = ga4_report(access_, "250000003", days_before(today_, 6), today_);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error->kind, Kind::kForbidden);
  EXPECT_EQ(b.error->upstream_code, "PERMISSION_DENIED");
  EXPECT_TRUE(ga4_report(access_, "250000001", days_before(today_, 6), today_).ok());
  fake_.scenario("ga4_429_once");
  fake_.reset_log();
  auto retried = ga4_report(access_, "250000001", days_before(today_, 6), today_);
  ASSERT_TRUE(retried.ok()) << retried.error->message;
  EXPECT_EQ(sent_to(fake_.requests(), ":runReport").size(), 2u);
}

TEST_F(GoogleReports, Ga4RealtimeGivesActiveUsers) {
  fake_.reset_log();
  auto now = ga4_realtime(access_, "250000001");
  ASSERT_TRUE(now.ok()) << now.error->message;
  ASSERT_EQ(now.value->rows.size(), 1u);
  EXPECT_GT(now.value->rows[0].total_users, 0);
  EXPECT_GE(now.value->tokens_per_hour_remaining, 0);
  const auto sent = sent_to(fake_.requests(), ":runRealtimeReport");
  ASSERT_EQ(sent.size(), 1u);
  const json body = json::parse(sent[0]["body"].get<std::string>());
  EXPECT_TRUE(body.contains("minuteRanges"));
  EXPECT_FALSE(body.contains("dateRanges"));
}

// ---- GA4 by page (ga4_pages_report, /_fake/ga4/pages/truth) ----

json ga4_pages_truth(FakeUpstreams& fake, const std::string& property, const std::string& start,
                     const std::string& end) {
  return get(fake,
             "/_fake/ga4/pages/truth?property=" + property + "&start=" + start + "&end=" + end);
}

// The additive metrics of a set of rows, key events as micro-units.
struct PageSums {
  int64_t views = 0, sessions = 0, key_events = 0;
  bool operator==(const PageSums&) const = default;
};
std::ostream& operator<<(std::ostream& os, const PageSums& s) {
  return os << "{views " << s.views << ", sessions " << s.sessions << ", key events µ"
            << s.key_events << "}";
}

TEST_F(GoogleReports, Ga4PageReportPagesThroughToTheTruth) {
  fake_.reset_log();
  const std::string start = days_before(today_, 59);
  auto r = ga4_pages_report(access_, "250000001", start, today_);
  ASSERT_TRUE(r.ok()) << r.error->message;
  const json truth = ga4_pages_truth(fake_, "250000001", start, today_);
  ASSERT_EQ(r.value->rows.size(), truth["rows"].size());
  EXPECT_EQ(r.value->row_count, static_cast<int64_t>(truth["rows"].size()));
  EXPECT_GT(r.value->rows.size(), 450u);  // several of the fake's 100-row pages
  std::map<std::string, const json*> want;
  PageSums expected;
  for (const json& w : truth["rows"]) {
    want[w["date"].get<std::string>() + "|" + w["page_path"].get<std::string>()] = &w;
    expected.views += w["screen_page_views"].get<int64_t>();
    expected.sessions += w["sessions"].get<int64_t>();
    expected.key_events += micros(w["key_events"].get<double>());
  }
  ASSERT_EQ(want.size(), truth["rows"].size()) << "one row a day and page";
  PageSums got;
  std::map<std::string, int> seen;
  for (const Ga4PageRow& row : r.value->rows) {
    const std::string key = row.date + "|" + row.page_path;
    EXPECT_EQ(++seen[key], 1) << key << " came twice";
    auto it = want.find(key);
    ASSERT_NE(it, want.end()) << key;
    const json& w = *it->second;
    EXPECT_EQ(row.page_title, w["page_title"]) << key;
    EXPECT_EQ(row.screen_page_views, w["screen_page_views"].get<int64_t>()) << key;
    EXPECT_EQ(row.sessions, w["sessions"].get<int64_t>()) << key;
    EXPECT_EQ(micros(row.key_events), micros(w["key_events"].get<double>())) << key;
    got.views += row.screen_page_views;
    got.sessions += row.sessions;
    got.key_events += micros(row.key_events);
  }
  EXPECT_EQ(got, expected);
  EXPECT_GT(expected.key_events, 0);
  EXPECT_EQ(r.value->currency, "EUR");
  EXPECT_EQ(r.value->time_zone, "Europe/Paris");
  EXPECT_FALSE(r.value->subject_to_thresholding);
  EXPECT_FALSE(r.value->sampled);
  EXPECT_FALSE(r.value->data_loss_from_other_row);
  EXPECT_GE(r.value->tokens_per_hour_remaining, 0);
  EXPECT_GT(r.value->tokens_per_day_remaining, r.value->tokens_per_hour_remaining);
  // The wire: one request a 100-row page, offsets advancing by what came back.
  const auto sent = sent_to(fake_.requests(), ":runReport");
  ASSERT_EQ(sent.size(), (truth["rows"].size() + 99) / 100);
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i]["path"], "/v1beta/properties/250000001:runReport");
    EXPECT_EQ(header(sent[i], "Authorization"), "Bearer " + access_);
    const json body = json::parse(sent[i]["body"].get<std::string>());
    EXPECT_EQ(body["offset"], std::to_string(i * 100));
    EXPECT_EQ(body["limit"], "10000");
    EXPECT_EQ(body["returnPropertyQuota"], true);
    EXPECT_EQ(body["dateRanges"][0]["startDate"], start);
    EXPECT_EQ(body["dateRanges"][0]["endDate"], today_);
    EXPECT_EQ(body["dimensions"], json::parse(R"([{"name":"date"},{"name":"pagePath"},
                                                  {"name":"pageTitle"}])"));
    EXPECT_EQ(body["metrics"], json::parse(R"([{"name":"screenPageViews"},{"name":"sessions"},
                                               {"name":"keyEvents"}])"));
  }
}

TEST_F(GoogleReports, Ga4PageRowsOfADayAddUpToItsSourceMediumRows) {
  const std::string start = days_before(today_, 13);
  for (const std::string property : {"250000001", "250000002", "250000003"}) {
    auto pages = ga4_pages_report(access_, property, start, today_);
    ASSERT_TRUE(pages.ok()) << property << ": " << pages.error->message;
    auto by_source = ga4_report(access_, property, start, today_);
    ASSERT_TRUE(by_source.ok()) << property << ": " << by_source.error->message;
    // Expected: each day's total from the source/medium truth.
    std::map<std::string, PageSums> want, from_pages, from_report;
    const json truth = ga4_truth(fake_, property, start, today_);
    for (const json& w : truth["rows"]) {
      PageSums& d = want[w["date"].get<std::string>()];
      d.views += w["screen_page_views"].get<int64_t>();
      d.sessions += w["sessions"].get<int64_t>();
      d.key_events += micros(w["key_events"].get<double>());
    }
    ASSERT_GE(want.size(), 13u) << property;
    for (const Ga4PageRow& row : pages.value->rows) {
      PageSums& d = from_pages[row.date];
      d.views += row.screen_page_views;
      d.sessions += row.sessions;
      d.key_events += micros(row.key_events);
    }
    for (const Ga4Row& row : by_source.value->rows) {
      PageSums& d = from_report[row.date];
      d.views += row.screen_page_views;
      d.sessions += row.sessions;
      d.key_events += micros(row.key_events);
    }
    EXPECT_EQ(from_pages, want) << property;
    EXPECT_EQ(from_report, want) << property;
    EXPECT_EQ(pages.value->subject_to_thresholding, property == "250000002");
    EXPECT_EQ(pages.value->currency, property == "250000003" ? "USD" : "EUR");
  }
}

TEST_F(GoogleReports, Ga4PageKeyEventsAreMostlyOnTheCheckout) {
  const std::string start = days_before(today_, 29);
  auto r = ga4_pages_report(access_, "250000001", start, today_);
  ASSERT_TRUE(r.ok()) << r.error->message;
  int64_t all = 0, checkout = 0;
  std::map<std::string, std::string> title_of;
  for (const Ga4PageRow& row : r.value->rows) {
    all += micros(row.key_events);
    if (row.page_path.rfind("/checkout", 0) == 0) checkout += micros(row.key_events);
    // A landing is a view, and no row is all zeros.
    EXPECT_GE(row.screen_page_views, row.sessions) << row.page_path;
    EXPECT_GT(row.screen_page_views, 0) << row.page_path;
    auto [it, fresh] = title_of.emplace(row.page_path, row.page_title);
    if (!fresh) {
      EXPECT_EQ(it->second, row.page_title) << row.page_path;
    }
  }
  EXPECT_GT(all, 0);
  EXPECT_GT(checkout * 10, all * 8);  // > 80 %
  EXPECT_GE(title_of.size(), 6u);
  EXPECT_TRUE(title_of.count("/"));
  EXPECT_TRUE(title_of.count("/checkout/thank-you"));
}

TEST_F(GoogleReports, Ga4PageReportForbiddenInvalidAndRateLimited) {
  const std::string start = days_before(today_, 6);
  auto unknown = ga4_pages_report(access_, "250009999", start, today_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error->kind, Kind::kForbidden);
  EXPECT_EQ(unknown.error->upstream_code, "PERMISSION_DENIED");
  fake_.scenario("ga4_forbidden");
  auto b = ga4_pages_report(access_, "250000003", start, today_);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error->kind, Kind::kForbidden);
  EXPECT_EQ(b.error->upstream_code, "PERMISSION_DENIED");
  EXPECT_TRUE(ga4_pages_report(access_, "250000001", start, today_).ok());
  fake_.scenario("ga4_forbidden", false);
  // Checked before anything is sent.
  fake_.reset_log();
  auto bad_id = ga4_pages_report(access_, "properties/250000001", start, today_);
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error->kind, Kind::kInvalidRequest);
  auto backwards = ga4_pages_report(access_, "250000001", today_, start);
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error->kind, Kind::kInvalidRequest);
  EXPECT_TRUE(sent_to(fake_.requests(), ":runReport").empty());
  // One 429: waited out and retried once, as ga4_report does.
  fake_.scenario("ga4_429_once");
  auto retried = ga4_pages_report(access_, "250000001", start, today_);
  ASSERT_TRUE(retried.ok()) << retried.error->message;
  EXPECT_EQ(sent_to(fake_.requests(), ":runReport").size(), 2u);
  EXPECT_FALSE(retried.value->rows.empty());
  // A quota that stays empty: kRateLimited after the call's attempts.
  fake_.scenario("ga4_429_storm");
  fake_.reset_log();
  auto limited = ga4_pages_report(access_, "250000001", start, today_);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error->kind, Kind::kRateLimited);
  EXPECT_EQ(limited.error->upstream_code, "RESOURCE_EXHAUSTED");
  EXPECT_GE(limited.error->retry_after_s, 1);
  EXPECT_EQ(sent_to(fake_.requests(), ":runReport").size(), 3u);
  fake_.scenario("ga4_429_storm", false);
  EXPECT_TRUE(ga4_pages_report(access_, "250000001", start, today_).ok());
}

// The fake's own model: pagePath with sessionSource is served consistently
// (each source's day is split over the pages), and users do not add up.
TEST_F(GoogleReports, Ga4FakeSplitsEachSourceOverThePages) {
  const std::string start = days_before(today_, 2);
  httplib::Client c("127.0.0.1", fake_.port());
  const json body = {
      {"dateRanges", json::array({{{"startDate", start}, {"endDate", today_}}})},
      {"dimensions", json::array({{{"name", "date"}},
                                  {{"name", "sessionSource"}},
                                  {{"name", "sessionMedium"}},
                                  {{"name", "pagePath"}}})},
      {"metrics", json::array({{{"name", "sessions"}}, {{"name", "screenPageViews"}}})},
      {"limit", "100000"}};
  std::map<std::string, std::pair<int64_t, int64_t>> by_source;  // date|source|medium
  for (int64_t offset = 0, count = 1; offset < count;) {
    json page = body;
    page["offset"] = std::to_string(offset);
    auto r = c.Post("/v1beta/properties/250000001:runReport",
                    {{"Authorization", "Bearer " + access_}}, page.dump(), "application/json");
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    const json a = json::parse(r->body);
    count = a["rowCount"].get<int64_t>();
    ASSERT_TRUE(a.contains("rows"));
    for (const json& row : a["rows"]) {
      const json& d = row["dimensionValues"];
      const std::string date = d[0]["value"];
      auto& s =
          by_source[date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2) + "|" +
                    d[1]["value"].get<std::string>() + "|" + d[2]["value"].get<std::string>()];
      s.first += std::stoll(row["metricValues"][0]["value"].get<std::string>());
      s.second += std::stoll(row["metricValues"][1]["value"].get<std::string>());
    }
    offset += static_cast<int64_t>(a["rows"].size());
  }
  std::map<std::string, std::pair<int64_t, int64_t>> want;
  std::map<std::string, int64_t> day_users;
  const json truth = ga4_truth(fake_, "250000001", start, today_);
  for (const json& w : truth["rows"]) {
    want[w["date"].get<std::string>() + "|" + w["source"].get<std::string>() + "|" +
         w["medium"].get<std::string>()] = {w["sessions"].get<int64_t>(),
                                            w["screen_page_views"].get<int64_t>()};
    day_users[w["date"].get<std::string>()] += w["total_users"].get<int64_t>();
  }
  EXPECT_EQ(by_source, want);
  std::map<std::string, int64_t> page_users;
  const json pages_truth = ga4_pages_truth(fake_, "250000001", start, today_);
  for (const json& w : pages_truth["rows"])
    page_users[w["date"].get<std::string>()] += w["total_users"].get<int64_t>();
  ASSERT_EQ(page_users.size(), day_users.size());
  for (const auto& [date, users] : day_users)
    EXPECT_GT(page_users[date], users) << date;  // a visitor of two pages counts on each
}

}  // namespace
}  // namespace glint::connectors::google
