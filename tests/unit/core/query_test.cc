// report.query (the query_metrics tool) on exports written here, row by row:
// every expected figure is summed from those rows in this file, ratios from
// the sums, never read back from glint.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "glint/engine.h"
#include "glint/format.h"
#include "test_util.h"

namespace glint {
namespace {

using nlohmann::json;

// Day 0 = 2026-01-01 (2026 only).
std::string date_of(int day) {
  static const int kMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0;
  while (day >= kMonth[m]) day -= kMonth[m++];
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-%02d-%02d", m + 1, day + 1);
  return buf;
}

constexpr int kFirstDay = 231;  // 2026-08-20
constexpr int kLastDay = 286;   // 2026-10-14, a Wednesday in mid-October

struct AdRow {
  std::string date, platform, id, name, currency;
  int64_t impressions, clicks, spend_cents, conversions, value_cents, reach;
};

struct Campaign {
  const char* platform;
  const char* id;
  const char* name;
};
constexpr Campaign kCampaigns[] = {
    {"google_ads", "101", "Brand Search"}, {"google_ads", "102", "Generic"}, {"meta_ads", "201", "Retargeting"}};

// 56 days × 3 campaigns on two platforms. Clicks and spend move apart from
// day to day, so the mean of daily CPCs is not total spend / total clicks.
// Retargeting has no clicks and no conversions on the last day.
std::vector<AdRow> make_rows(const char* meta_currency = "USD", int first = kFirstDay, int last = kLastDay) {
  std::vector<AdRow> rows;
  for (int day = first; day <= last; ++day) {
    const int64_t i = day - first;
    for (int64_t c = 0; c < 3; ++c) {
      const Campaign& k = kCampaigns[c];
      AdRow r;
      r.date = date_of(day);
      r.platform = k.platform;
      r.id = k.id;
      r.name = k.name;
      r.currency = c == 2 ? meta_currency : "USD";
      r.impressions = 1500 + 700 * c + 37 * i + (i * i * 7 + c * 13) % 300;
      r.clicks = 20 + 15 * c + (i * (13 + 4 * c)) % 61;
      r.spend_cents = 9000 - 1500 * c + 123 * i + (i * 31 + c * 7) % 997;
      r.conversions = (i + c) % 5;
      r.value_cents = r.conversions * (4500 + 700 * c) + 13 * i;
      r.reach = r.impressions / 3;
      if (c == 2 && day == last) r.clicks = r.conversions = r.value_cents = 0;
      rows.push_back(r);
    }
  }
  return rows;
}

std::string csv_of(const std::vector<AdRow>& rows) {
  std::string csv = "date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,conversion_value,reach,currency\n";
  char buf[512];
  for (const AdRow& r : rows) {
    std::snprintf(buf, sizeof buf, "%s,%s,%s,%s,%lld,%lld,%lld.%02lld,%lld,%lld.%02lld,%lld,%s\n", r.date.c_str(),
                  r.platform.c_str(), r.id.c_str(), r.name.c_str(), static_cast<long long>(r.impressions),
                  static_cast<long long>(r.clicks), static_cast<long long>(r.spend_cents / 100),
                  static_cast<long long>(r.spend_cents % 100), static_cast<long long>(r.conversions),
                  static_cast<long long>(r.value_cents / 100), static_cast<long long>(r.value_cents % 100),
                  static_cast<long long>(r.reach), r.currency.c_str());
    csv += buf;
  }
  return csv;
}

// Sums of the rows a predicate keeps, and the ratios of those sums.
struct Totals {
  int64_t impressions = 0, clicks = 0, spend_cents = 0, conversions = 0, value_cents = 0, rows = 0;
  double spend() const { return static_cast<double>(spend_cents) / 100.0; }
  double value() const { return static_cast<double>(value_cents) / 100.0; }
  double cpc() const { return spend() / static_cast<double>(clicks); }
  double ctr() const { return static_cast<double>(clicks) / static_cast<double>(impressions); }
  double cpm() const { return 1000.0 * spend() / static_cast<double>(impressions); }
  double cpa() const { return spend() / static_cast<double>(conversions); }
  double roas() const { return value() / spend(); }
  double cvr() const { return static_cast<double>(conversions) / static_cast<double>(clicks); }
  double aov() const { return value() / static_cast<double>(conversions); }
};

Totals sum(const std::vector<AdRow>& rows, const std::function<bool(const AdRow&)>& keep) {
  Totals t;
  for (const AdRow& r : rows) {
    if (!keep(r)) continue;
    t.impressions += r.impressions;
    t.clicks += r.clicks;
    t.spend_cents += r.spend_cents;
    t.conversions += r.conversions;
    t.value_cents += r.value_cents;
    ++t.rows;
  }
  return t;
}

std::function<bool(const AdRow&)> between(const std::string& a, const std::string& b) {
  return [a, b](const AdRow& r) { return r.date >= a && r.date <= b; };
}

// An Engine holding some inputs and report.query over all of them.
struct Inputs {
  Engine e;
  std::vector<int64_t> handles;
  void add(const std::string& csv, const std::string& name) {
    const int64_t h = json::parse(e.call("ingest.open", json{{"name", name}}.dump()).body)["handle"];
    e.call("ingest.feed", json{{"handle", h}}.dump(), std::as_bytes(std::span<const char>(csv.data(), csv.size())));
    const CallResult c = e.call("ingest.close", json{{"handle", h}}.dump());
    ASSERT_TRUE(c.ok()) << c.body;
    handles.push_back(h);
  }
  CallResult raw(json req) {
    req["handles"] = handles;
    return e.call("report.query", req.dump());
  }
  json query(json req) {
    const CallResult r = raw(std::move(req));
    EXPECT_TRUE(r.ok()) << r.body;
    return json::parse(r.body);
  }
  // The error message of a request that must fail as invalid_request.
  std::string error(json req) {
    const CallResult r = raw(std::move(req));
    EXPECT_EQ(r.code, ErrorCode::kInvalidRequest) << r.body;
    const json doc = json::parse(r.body);
    EXPECT_EQ(doc.size(), 1u) << r.body;
    EXPECT_EQ(doc["error"]["code"], "invalid_request");
    return doc["error"]["message"].get<std::string>();
  }
};

const std::vector<std::string> kAllAdMetrics = {"impressions", "clicks", "spend", "conversions", "conversion_value",
                                                "ctr", "cpc", "cpm", "cpa", "roas", "cvr", "aov"};

bool has_note(const json& doc, const std::string& part) {
  for (const json& n : doc["notes"]) {
    if (n.get<std::string>().find(part) != std::string::npos) return true;
  }
  return false;
}

// Every ads metric of `m` against the totals, values and formatted strings.
void expect_metrics(const json& m, const Totals& t, const std::string& currency = "USD") {
  SCOPED_TRACE(m.dump());
  EXPECT_EQ(m["impressions"]["value"], t.impressions);
  EXPECT_EQ(m["impressions"]["formatted"], fmt::count(static_cast<double>(t.impressions)));
  EXPECT_EQ(m["impressions"]["unit"], "count");
  EXPECT_EQ(m["clicks"]["value"], t.clicks);
  EXPECT_EQ(m["conversions"]["value"], t.conversions);
  EXPECT_NEAR(m["spend"]["value"].get<double>(), t.spend(), 1e-9);
  EXPECT_EQ(m["spend"]["formatted"], fmt::money(t.spend(), currency));
  EXPECT_EQ(m["spend"]["currency"], currency);
  EXPECT_EQ(m["spend"]["unit"], "money");
  EXPECT_NEAR(m["conversion_value"]["value"].get<double>(), t.value(), 1e-9);
  const std::pair<const char*, double> ratios[] = {{"ctr", t.ctr()}, {"cpc", t.cpc()}, {"cpm", t.cpm()},
                                                   {"cpa", t.cpa()}, {"roas", t.roas()}, {"cvr", t.cvr()},
                                                   {"aov", t.aov()}};
  for (const auto& [name, v] : ratios) {
    ASSERT_TRUE(m[name]["value"].is_number()) << name;
    EXPECT_NEAR(m[name]["value"].get<double>(), v, 1e-6) << name;
  }
  EXPECT_EQ(m["ctr"]["formatted"], fmt::percent(t.ctr()));
  EXPECT_EQ(m["ctr"]["unit"], "percent");
  EXPECT_FALSE(m["ctr"].contains("currency"));
  EXPECT_EQ(m["cvr"]["formatted"], fmt::percent(t.cvr()));
  EXPECT_EQ(m["cpc"]["formatted"], fmt::money(t.cpc(), currency));
  EXPECT_EQ(m["cpc"]["currency"], currency);
  EXPECT_EQ(m["cpm"]["formatted"], fmt::money(t.cpm(), currency));
  EXPECT_EQ(m["cpa"]["formatted"], fmt::money(t.cpa(), currency));
  EXPECT_EQ(m["aov"]["formatted"], fmt::money(t.aov(), currency));
  EXPECT_EQ(m["roas"]["formatted"], fmt::multiple(t.roas()));
  EXPECT_EQ(m["roas"]["unit"], "multiple");
}

TEST(Query, NoGroupingLastSevenDaysSumsThenRatios) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "last_7_days"}});
  EXPECT_EQ(r["period"], json({{"start", "2026-10-08"}, {"end", "2026-10-14"}, {"days", 7}}));
  EXPECT_EQ(r["group_by"], "none");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump();
  EXPECT_EQ(r["rows"][0]["group"], json::object());
  expect_metrics(r["rows"][0]["metrics"], sum(rows, between("2026-10-08", "2026-10-14")));
  EXPECT_TRUE(has_note(r, "2026-10-14, the last day in the data")) << r["notes"].dump();
  EXPECT_EQ(r["format"]["locale"], "en");
  // Metrics in the order asked.
  const CallResult raw = in.raw({{"metrics", kAllAdMetrics}, {"period", "last_7_days"}});
  const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(raw.body);
  std::vector<std::string> keys;
  for (const auto& [k, v] : ordered["rows"][0]["metrics"].items()) keys.push_back(k);
  EXPECT_EQ(keys, kAllAdMetrics);
}

TEST(Query, EveryRelativePeriodCountsBackFromTheLastDay) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  // 2026-10-14 is a Wednesday: its ISO week starts Monday 2026-10-12.
  const struct {
    const char* name;
    const char* start;
    const char* end;
    int days;
  } kPeriods[] = {{"last_7_days", "2026-10-08", "2026-10-14", 7},   {"last_14_days", "2026-10-01", "2026-10-14", 14},
                  {"last_28_days", "2026-09-17", "2026-10-14", 28}, {"last_30_days", "2026-09-15", "2026-10-14", 30},
                  {"last_90_days", "2026-07-17", "2026-10-14", 90}, {"this_week", "2026-10-12", "2026-10-14", 3},
                  {"last_week", "2026-10-05", "2026-10-11", 7},     {"this_month", "2026-10-01", "2026-10-14", 14},
                  {"last_month", "2026-09-01", "2026-09-30", 30},   {"all", "2026-08-20", "2026-10-14", 56}};
  for (const auto& p : kPeriods) {
    SCOPED_TRACE(p.name);
    const json r = in.query({{"metrics", kAllAdMetrics}, {"period", p.name}});
    EXPECT_EQ(r["period"], json({{"start", p.start}, {"end", p.end}, {"days", p.days}}));
    ASSERT_EQ(r["rows"].size(), 1u);
    const Totals t = sum(rows, between(p.start, p.end));
    expect_metrics(r["rows"][0]["metrics"], t);
  }
  // The 90 days start before the data: the answer says so.
  const json r = in.query({{"metrics", {"spend"}}, {"period", "last_90_days"}});
  EXPECT_TRUE(has_note(r, "ads.csv has no data before 2026-08-20")) << r["notes"].dump();
}

TEST(Query, ExplicitPeriod) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", kAllAdMetrics}, {"period", {{"start", "2026-09-03"}, {"end", "2026-09-21"}}}});
  EXPECT_EQ(r["period"], json({{"start", "2026-09-03"}, {"end", "2026-09-21"}, {"days", 19}}));
  expect_metrics(r["rows"][0]["metrics"], sum(rows, between("2026-09-03", "2026-09-21")));
}

TEST(Query, GroupByPlatform) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "last_30_days"}, {"group_by", "platform"}});
  EXPECT_EQ(r["group_by"], "platform");
  ASSERT_EQ(r["rows"].size(), 2u) << r.dump();
  std::map<std::string, Totals> expected;
  for (const char* p : {"google_ads", "meta_ads"}) {
    expected[p] = sum(rows, [p](const AdRow& x) { return x.platform == p && x.date >= "2026-09-15"; });
  }
  // The biggest spender first.
  const std::string top = expected["google_ads"].spend_cents > expected["meta_ads"].spend_cents ? "google_ads" : "meta_ads";
  EXPECT_EQ(r["rows"][0]["group"], json({{"platform", top}}));
  for (const json& row : r["rows"]) expect_metrics(row["metrics"], expected[row["group"]["platform"].get<std::string>()]);
}

TEST(Query, GroupByCampaign) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "last_month"}, {"group_by", "campaign"}});
  ASSERT_EQ(r["rows"].size(), 3u) << r.dump();
  std::vector<std::pair<int64_t, std::string>> by_spend;
  for (const Campaign& c : kCampaigns) {
    const Totals t = sum(rows, [&](const AdRow& x) { return x.id == c.id && x.date >= "2026-09-01" && x.date <= "2026-09-30"; });
    by_spend.emplace_back(t.spend_cents, c.id);
  }
  std::sort(by_spend.rbegin(), by_spend.rend());
  for (size_t i = 0; i < 3; ++i) {
    const json& row = r["rows"][i];
    const std::string id = by_spend[i].second;
    const Campaign& c = *std::find_if(std::begin(kCampaigns), std::end(kCampaigns), [&](const Campaign& k) { return k.id == id; });
    EXPECT_EQ(row["group"], json({{"campaign", c.name}, {"platform", c.platform}, {"id", c.id}}));
    expect_metrics(row["metrics"],
                   sum(rows, [&](const AdRow& x) { return x.id == id && x.date >= "2026-09-01" && x.date <= "2026-09-30"; }));
  }
}

TEST(Query, GroupByDay) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "this_week"}, {"group_by", "day"}});
  ASSERT_EQ(r["rows"].size(), 3u) << r.dump();
  const char* const days[] = {"2026-10-12", "2026-10-13", "2026-10-14"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r["rows"][i]["group"], json({{"day", days[i]}}));
    expect_metrics(r["rows"][i]["metrics"], sum(rows, between(days[i], days[i])));
  }
  // The whole data by day: one row per day, oldest first.
  const json all = in.query({{"metrics", {"spend", "clicks"}}, {"period", "all"}, {"group_by", "day"}});
  ASSERT_EQ(all["rows"].size(), 56u);
  for (size_t i = 0; i < 56; ++i) {
    const std::string day = date_of(kFirstDay + static_cast<int>(i));
    EXPECT_EQ(all["rows"][i]["group"]["day"], day);
    const Totals t = sum(rows, between(day, day));
    EXPECT_EQ(all["rows"][i]["metrics"]["clicks"]["value"], t.clicks);
    EXPECT_NEAR(all["rows"][i]["metrics"]["spend"]["value"].get<double>(), t.spend(), 1e-9);
  }
}

TEST(Query, GroupByDayIsCappedToTheLatestRows) {
  const std::vector<AdRow> rows = make_rows("USD", kLastDay - 249, kLastDay);  // 250 days
  Inputs in;
  in.add(csv_of(rows), "long.csv");
  const json r = in.query({{"metrics", {"clicks"}}, {"period", "all"}, {"group_by", "day"}});
  ASSERT_EQ(r["rows"].size(), 200u);
  EXPECT_EQ(r["rows"][199]["group"]["day"], "2026-10-14");
  EXPECT_EQ(r["rows"][0]["group"]["day"], date_of(kLastDay - 199));
  EXPECT_TRUE(has_note(r, "Only the last 200 of 250 rows")) << r["notes"].dump();
  const std::string day = date_of(kLastDay - 199);
  EXPECT_EQ(r["rows"][0]["metrics"]["clicks"]["value"], sum(rows, between(day, day)).clicks);
}

TEST(Query, FiltersByPlatformAndCampaignNameOrId) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const auto in_period = between("2026-09-15", "2026-10-14");
  {
    const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "last_30_days"}, {"filters", {{"platform", "meta_ads"}}}});
    ASSERT_EQ(r["rows"].size(), 1u);
    expect_metrics(r["rows"][0]["metrics"], sum(rows, [&](const AdRow& x) { return x.platform == "meta_ads" && in_period(x); }));
    EXPECT_TRUE(has_note(r, "Filtered to platform meta_ads"));
  }
  {  // Case-insensitive name, with grouping by campaign.
    const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "last_30_days"}, {"group_by", "campaign"},
                             {"filters", {{"campaign", "brand SEARCH"}}}});
    ASSERT_EQ(r["rows"].size(), 1u);
    EXPECT_EQ(r["rows"][0]["group"]["campaign"], "Brand Search");
    expect_metrics(r["rows"][0]["metrics"], sum(rows, [&](const AdRow& x) { return x.id == "101" && in_period(x); }));
  }
  {  // By id, and both filters at once.
    const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "last_30_days"}, {"group_by", "day"},
                             {"filters", {{"campaign", "102"}, {"platform", "google_ads"}}}});
    ASSERT_EQ(r["rows"].size(), 30u);
    expect_metrics(r["rows"][29]["metrics"], sum(rows, [&](const AdRow& x) { return x.id == "102" && x.date == "2026-10-14"; }));
  }
  {  // A campaign on another platform: nothing, and the note says which campaigns there are.
    const json r = in.query({{"metrics", {"spend"}}, {"period", "last_30_days"},
                             {"filters", {{"campaign", "Retargeting"}, {"platform", "google_ads"}}}});
    EXPECT_TRUE(r["rows"].empty());
    EXPECT_TRUE(has_note(r, "No campaign is named or numbered 'Retargeting' on google_ads")) << r["notes"].dump();
    EXPECT_TRUE(has_note(r, "'Brand Search'"));
  }
  {  // A platform with no data.
    const json r = in.query({{"metrics", {"spend"}}, {"period", "all"}, {"filters", {{"platform", "tiktok_ads"}}}});
    EXPECT_TRUE(r["rows"].empty());
    EXPECT_TRUE(has_note(r, "No input holds tiktok_ads data; platforms: google_ads, meta_ads")) << r["notes"].dump();
  }
}

TEST(Query, RatioWithAZeroDenominatorIsNull) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  // Retargeting's last day: spend, impressions, no clicks, no conversions.
  const json r = in.query({{"metrics", kAllAdMetrics}, {"period", {{"start", "2026-10-14"}, {"end", "2026-10-14"}}},
                           {"filters", {{"campaign", "Retargeting"}}}});
  ASSERT_EQ(r["rows"].size(), 1u);
  const json& m = r["rows"][0]["metrics"];
  const Totals t = sum(rows, [](const AdRow& x) { return x.id == "201" && x.date == "2026-10-14"; });
  ASSERT_EQ(t.clicks, 0);
  ASSERT_GT(t.spend_cents, 0);
  EXPECT_EQ(m["clicks"]["value"], 0);
  EXPECT_EQ(m["clicks"]["formatted"], "0");
  for (const char* name : {"cpc", "cvr", "cpa", "aov"}) {
    EXPECT_TRUE(m[name]["value"].is_null()) << name;
    EXPECT_TRUE(m[name]["formatted"].is_null()) << name;
  }
  EXPECT_EQ(m["cpc"]["currency"], "USD");
  EXPECT_EQ(m["cpc"]["unit"], "money");
  EXPECT_EQ(m["ctr"]["value"], 0);
  EXPECT_EQ(m["ctr"]["formatted"], fmt::percent(0));
  EXPECT_NEAR(m["cpm"]["value"].get<double>(), t.cpm(), 1e-6);
  EXPECT_EQ(m["roas"]["value"], 0);
  EXPECT_TRUE(has_note(r, "cpc is null in 1 row: its clicks add up to 0")) << r["notes"].dump();
}

TEST(Query, RatiosComeFromSumsNotFromAveragingDailyRatios) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", {"cpc", "ctr"}}, {"period", "last_14_days"}, {"filters", {{"campaign", "Generic"}}}});
  const Totals t = sum(rows, [](const AdRow& x) { return x.id == "102" && x.date >= "2026-10-01"; });
  double mean_cpc = 0;
  int n = 0;
  for (const AdRow& x : rows) {
    if (x.id != "102" || x.date < "2026-10-01") continue;
    mean_cpc += static_cast<double>(x.spend_cents) / 100.0 / static_cast<double>(x.clicks);
    ++n;
  }
  mean_cpc /= n;
  ASSERT_EQ(n, 14);
  ASSERT_GT(std::fabs(mean_cpc - t.cpc()), 0.05) << "the data must tell the two apart";
  const double cpc = r["rows"][0]["metrics"]["cpc"]["value"].get<double>();
  EXPECT_NEAR(cpc, t.cpc(), 1e-6);
  EXPECT_GT(std::fabs(cpc - mean_cpc), 0.05);
  EXPECT_EQ(r["rows"][0]["metrics"]["cpc"]["formatted"], fmt::money(t.cpc(), "USD"));
  EXPECT_NEAR(r["rows"][0]["metrics"]["ctr"]["value"].get<double>(), t.ctr(), 1e-6);
}

TEST(Query, MoneyIsSplitByCurrency) {
  const std::vector<AdRow> rows = make_rows("EUR");
  Inputs in;
  in.add(csv_of(rows), "mixed.csv");
  const auto in_period = between("2026-09-15", "2026-10-14");
  const json r = in.query({{"metrics", kAllAdMetrics}, {"period", "last_30_days"}});
  ASSERT_EQ(r["rows"].size(), 2u) << r.dump();
  EXPECT_EQ(r["rows"][0]["group"], json({{"currency", "EUR"}}));
  EXPECT_EQ(r["rows"][1]["group"], json({{"currency", "USD"}}));
  expect_metrics(r["rows"][0]["metrics"], sum(rows, [&](const AdRow& x) { return x.currency == "EUR" && in_period(x); }), "EUR");
  expect_metrics(r["rows"][1]["metrics"], sum(rows, [&](const AdRow& x) { return x.currency == "USD" && in_period(x); }), "USD");
  EXPECT_TRUE(has_note(r, "never added across currencies")) << r["notes"].dump();
  // By day: each day split too.
  const json d = in.query({{"metrics", {"spend"}}, {"period", "this_week"}, {"group_by", "day"}});
  ASSERT_EQ(d["rows"].size(), 6u);
  EXPECT_EQ(d["rows"][0]["group"], json({{"day", "2026-10-12"}, {"currency", "EUR"}}));
  EXPECT_NEAR(d["rows"][0]["metrics"]["spend"]["value"].get<double>(),
              sum(rows, [](const AdRow& x) { return x.currency == "EUR" && x.date == "2026-10-12"; }).spend(), 1e-9);
  EXPECT_EQ(d["rows"][0]["metrics"]["spend"]["formatted"],
            fmt::money(sum(rows, [](const AdRow& x) { return x.currency == "EUR" && x.date == "2026-10-12"; }).spend(), "EUR"));
  // No money asked: one row over both currencies.
  const json c = in.query({{"metrics", {"clicks", "ctr"}}, {"period", "last_30_days"}});
  ASSERT_EQ(c["rows"].size(), 1u);
  EXPECT_EQ(c["rows"][0]["group"], json::object());
  const Totals all = sum(rows, in_period);
  EXPECT_EQ(c["rows"][0]["metrics"]["clicks"]["value"], all.clicks);
  EXPECT_NEAR(c["rows"][0]["metrics"]["ctr"]["value"].get<double>(), all.ctr(), 1e-6);
}

TEST(Query, ReachIsNotAddedUp) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", {"reach", "impressions"}}, {"period", "last_7_days"}});
  EXPECT_TRUE(r["rows"][0]["metrics"]["reach"]["value"].is_null());
  EXPECT_TRUE(r["rows"][0]["metrics"]["reach"]["formatted"].is_null());
  EXPECT_EQ(r["rows"][0]["metrics"]["reach"]["unit"], "count");
  EXPECT_TRUE(has_note(r, "reach counts people")) << r["notes"].dump();
  // One campaign by day: every row is one export row, its reach as written.
  const json d = in.query({{"metrics", {"reach"}}, {"period", "last_7_days"}, {"group_by", "day"},
                           {"filters", {{"campaign", "101"}}}});
  ASSERT_EQ(d["rows"].size(), 7u);
  for (const json& row : d["rows"]) {
    const std::string day = row["group"]["day"];
    const AdRow& x = *std::find_if(rows.begin(), rows.end(), [&](const AdRow& y) { return y.id == "101" && y.date == day; });
    EXPECT_EQ(row["metrics"]["reach"]["value"], x.reach);
  }
}

std::string ga4_csv(int first, int last) {
  std::string csv = "Date,Session source / medium,Sessions,Engaged sessions,Total users,Key events\n";
  char buf[256];
  for (int day = first; day <= last; ++day) {
    const std::string d = date_of(day);
    const std::string compact = d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2);
    for (int s = 0; s < 2; ++s) {
      const int sessions = 300 + 17 * (day - first) + 150 * s;
      std::snprintf(buf, sizeof buf, "%s,%s,%d,%d,%d,%d\n", compact.c_str(), s == 0 ? "google / organic" : "(direct) / (none)",
                    sessions, sessions / 2 + s * 11, sessions - 40, (day + s) % 9);
      csv += buf;
    }
  }
  return csv;
}

TEST(Query, WebMetricsBesideAdsMetrics) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  in.add(ga4_csv(kLastDay - 13, kLastDay - 1), "ga4.csv");  // web data ends a day earlier
  int64_t sessions = 0, engaged = 0, key_events = 0;
  for (int day = kLastDay - 6; day <= kLastDay - 1; ++day) {
    for (int s = 0; s < 2; ++s) {
      const int n = 300 + 17 * (day - (kLastDay - 13)) + 150 * s;
      sessions += n;
      engaged += n / 2 + s * 11;
      key_events += (day + s) % 9;
    }
  }
  const json r = in.query({{"metrics", {"spend", "sessions", "engagement_rate", "key_events", "users"}}, {"period", "last_7_days"}});
  EXPECT_EQ(r["period"]["end"], "2026-10-14");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump();
  const json& m = r["rows"][0]["metrics"];
  EXPECT_NEAR(m["spend"]["value"].get<double>(), sum(rows, between("2026-10-08", "2026-10-14")).spend(), 1e-9);
  EXPECT_EQ(m["sessions"]["value"], sessions);
  EXPECT_EQ(m["key_events"]["value"], key_events);
  EXPECT_NEAR(m["engagement_rate"]["value"].get<double>(), static_cast<double>(engaged) / static_cast<double>(sessions), 1e-6);
  EXPECT_EQ(m["engagement_rate"]["unit"], "percent");
  EXPECT_TRUE(m["users"]["value"].is_null());
  EXPECT_TRUE(has_note(r, "ga4.csv has no data after 2026-10-13")) << r["notes"].dump();
  // By platform: the ads platforms carry ads metrics, GA4 the web ones.
  const json p = in.query({{"metrics", {"spend", "sessions"}}, {"period", "last_7_days"}, {"group_by", "platform"}});
  ASSERT_EQ(p["rows"].size(), 3u) << p.dump();
  EXPECT_EQ(p["rows"][2]["group"], json({{"platform", "ga4"}}));
  EXPECT_TRUE(p["rows"][2]["metrics"]["spend"]["value"].is_null());
  EXPECT_EQ(p["rows"][2]["metrics"]["sessions"]["value"], sessions);
  EXPECT_TRUE(p["rows"][0]["metrics"]["sessions"]["value"].is_null());
  // "revenue" with no web revenue column: the ads' conversion value.
  const json v = in.query({{"metrics", {"revenue"}}, {"period", "last_7_days"}});
  EXPECT_NEAR(v["rows"][0]["metrics"]["revenue"]["value"].get<double>(), sum(rows, between("2026-10-08", "2026-10-14")).value(), 1e-9);
  EXPECT_TRUE(has_note(v, "revenue is the ads' conversion value"));
}

TEST(Query, UndatedExportsAnswerOnlyPeriodAll) {
  Inputs in;
  in.add(testing::slurp("undated_google_campaigns.csv"), "undated_google_campaigns.csv");
  const std::string message = in.error({{"metrics", {"spend"}}, {"period", "last_7_days"}});
  EXPECT_NE(message.find("'period'"), std::string::npos) << message;
  EXPECT_NE(message.find("no day per row"), std::string::npos) << message;
  EXPECT_NE(message.find("\"all\""), std::string::npos) << message;
  // The fixture's six campaigns add up to 740,000 impressions, 18,900 clicks
  // and 36,500.00 spent (as its own "Total: Account" row says); the biggest
  // spender is Generic, 16,000.00.
  const json r = in.query({{"metrics", {"spend", "clicks", "cpc", "ctr"}}, {"period", "all"}});
  EXPECT_EQ(r["period"], json({{"start", "2026-01-01"}, {"end", "2026-03-31"}, {"days", 90}}));
  const json& m = r["rows"][0]["metrics"];
  EXPECT_EQ(m["spend"]["value"], 36500);
  EXPECT_EQ(m["clicks"]["value"], 18900);
  EXPECT_NEAR(m["cpc"]["value"].get<double>(), 36500.0 / 18900.0, 1e-6);
  EXPECT_NEAR(m["ctr"]["value"].get<double>(), 18900.0 / 740000.0, 1e-6);
  const json c = in.query({{"metrics", {"spend"}}, {"period", "all"}, {"group_by", "campaign"}});
  ASSERT_EQ(c["rows"].size(), 6u);
  EXPECT_EQ(c["rows"][0]["group"], json({{"campaign", "Generic"}, {"platform", "google_ads"}, {"id", nullptr}}));
  EXPECT_EQ(c["rows"][0]["metrics"]["spend"]["value"], 16000);
}

TEST(Query, BadRequestsNameTheParameter) {
  Inputs in;
  in.add(csv_of(make_rows()), "ads.csv");
  std::string m = in.error({{"metrics", {"spend", "cpx"}}, {"period", "all"}});
  EXPECT_NE(m.find("unknown metric 'cpx'"), std::string::npos) << m;
  for (const char* name : {"cpc", "ctr", "roas", "sessions", "engagement_rate"}) EXPECT_NE(m.find(name), std::string::npos) << m;
  m = in.error({{"period", "all"}});
  EXPECT_NE(m.find("'metrics' is required"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}, {"period", {{"start", "2026-10-09"}, {"end", "2026-10-01"}}}});
  EXPECT_NE(m.find("'period': start 2026-10-09 is after end 2026-10-01"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}, {"period", {{"start", "2026-02-30"}, {"end", "2026-03-01"}}}});
  EXPECT_NE(m.find("'period.start' must be a date YYYY-MM-DD"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}, {"period", {{"start", "2026-02-01"}}}});
  EXPECT_NE(m.find("'period.end'"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}, {"period", "last_fortnight"}});
  EXPECT_NE(m.find("'period' must be one of"), std::string::npos) << m;
  EXPECT_NE(m.find("this_week"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}});
  EXPECT_NE(m.find("'period' is required"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}, {"period", "all"}, {"group_by", "week"}});
  EXPECT_NE(m.find("'group_by' must be one of none, platform, campaign, day (got 'week')"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}, {"period", "all"}, {"filters", {{"platform", "myspace"}}}});
  EXPECT_NE(m.find("'filters.platform' must be one of google_ads, meta_ads"), std::string::npos) << m;
  m = in.error({{"metrics", {"spend"}}, {"period", "all"}, {"filters", {{"country", "DE"}}}});
  EXPECT_NE(m.find("'filters' may hold only platform and campaign (got 'country')"), std::string::npos) << m;
}

TEST(Query, LocaleFormatsTheNumbers) {
  const std::vector<AdRow> rows = make_rows();
  Inputs in;
  in.add(csv_of(rows), "ads.csv");
  const json r = in.query({{"metrics", {"spend", "ctr"}}, {"period", "last_30_days"}, {"locale", "de"}});
  EXPECT_EQ(r["format"]["locale"], "de");
  EXPECT_EQ(r["format"]["decimal"], ",");
  const Totals t = sum(rows, between("2026-09-15", "2026-10-14"));
  const std::string ctr = r["rows"][0]["metrics"]["ctr"]["formatted"];
  EXPECT_NE(ctr.find(','), std::string::npos) << ctr;
  EXPECT_NEAR(r["rows"][0]["metrics"]["ctr"]["value"].get<double>(), t.ctr(), 1e-6);
  // The same numbers as English, with the German marks.
  std::string en = fmt::percent(t.ctr());
  std::replace(en.begin(), en.end(), '.', ',');
  EXPECT_EQ(ctr.substr(0, ctr.find(',') + 3), en.substr(0, en.find(',') + 3));
}

}  // namespace
}  // namespace glint
