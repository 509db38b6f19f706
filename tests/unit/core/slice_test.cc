// Periods, comparisons, filters and report.breakdown (issue 17), checked from
// outside: the test writes its own Google Ads, Meta and GA4 exports and every
// expected figure is the test's own arithmetic over the rows it wrote.
#include "glint/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace glint {
namespace {

using nlohmann::json;

std::span<const std::byte> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

json call_ok(Engine& e, std::string_view method, const json& request) {
  CallResult r = e.call(method, request.dump(), {});
  EXPECT_TRUE(r.ok()) << method << " " << request.dump() << " → " << r.body;
  return json::parse(r.body);
}

// The error's message names `member`.
void expect_invalid(Engine& e, std::string_view method, const json& request, const std::string& member) {
  CallResult r = e.call(method, request.dump(), {});
  EXPECT_EQ(r.code, ErrorCode::kInvalidRequest) << request.dump() << " → " << r.body;
  const json doc = json::parse(r.body);
  ASSERT_TRUE(doc.contains("error")) << r.body;
  EXPECT_NE(doc["error"]["message"].get<std::string>().find(member), std::string::npos)
      << "message should name " << member << ": " << r.body;
}

int64_t load(Engine& e, const std::string& name, const std::string& csv) {
  const int64_t h = json::parse(e.call("ingest.open", json{{"name", name}}.dump()).body)["handle"];
  e.call("ingest.feed", json{{"handle", h}}.dump(), bytes_of(csv));
  const CallResult r = e.call("ingest.close", json{{"handle", h}}.dump());
  EXPECT_TRUE(r.ok()) << r.body;
  return h;
}

// ---- the test's own calendar (days since 1970-01-01, proleptic Gregorian).
int64_t day_of(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
std::string iso(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}
int64_t day_of(const std::string& s) { return day_of(std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))); }

// ---- the generated Google Ads export.
struct Row {
  int64_t day = 0;
  std::string account, campaign_id, campaign, ad_group, keyword, term, platform = "google_ads";
  int64_t impressions = 0, clicks = 0, cost_cents = 0, conversions = 0, value_cents = 0;
};

Row make_row(int64_t day, std::string account, std::string cid, std::string campaign, std::string ad_group,
             std::string keyword, std::string term, std::string platform = "google_ads") {
  Row r;
  r.day = day;
  r.account = std::move(account);
  r.campaign_id = std::move(cid);
  r.campaign = std::move(campaign);
  r.ad_group = std::move(ad_group);
  r.keyword = std::move(keyword);
  r.term = std::move(term);
  r.platform = std::move(platform);
  return r;
}

struct Totals {
  int64_t impressions = 0, clicks = 0, cost_cents = 0, conversions = 0, value_cents = 0, rows = 0;
  void add(const Row& r) {
    impressions += r.impressions;
    clicks += r.clicks;
    cost_cents += r.cost_cents;
    conversions += r.conversions;
    value_cents += r.value_cents;
    ++rows;
  }
  double spend() const { return cost_cents / 100.0; }
  double value() const { return value_cents / 100.0; }
};

std::string money(int64_t cents) {
  char b[32];
  std::snprintf(b, sizeof b, "%lld.%02lld", static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
  return b;
}

const int64_t kFirst = day_of(2023, 1, 1), kLast = day_of(2024, 12, 31);  // 731 days, with 2024-02-29

struct Data {
  std::vector<Row> rows;
  std::string google, meta, web;
  int64_t web_sessions = 0;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    uint32_t seed = 20240229;
    auto next = [&seed](uint32_t mod) {
      seed = seed * 1103515245u + 12345u;
      return static_cast<int64_t>((seed >> 8) % mod);
    };
    struct Group { const char* account; const char* cid; const char* campaign; const char* ad_group; };
    // Two ad groups named "Exact" in two campaigns: two rows.
    const Group groups[] = {{"123-456-7890", "111", "Brand", "Exact"},
                            {"123-456-7890", "111", "Brand", "Phrase"},
                            {"123-456-7890", "222", "Generic", "Exact"},
                            {"555-000-1111", "333", "Other", "Broad"}};
    const char* keywords[] = {"running shoes", "trail boots"};
    const char* terms[] = {"buy", "cheap"};
    out.google = "Day,Account ID,Campaign ID,Campaign,Ad group,Keyword,Search term,Currency code,Impressions,Clicks,Cost,"
                 "Conversions,Conv. value\n";
    for (int64_t day = kFirst; day <= kLast; ++day) {
      for (const Group& g : groups) {
        for (const char* kw : keywords) {
          for (const char* t : terms) {
            Row r = make_row(day, g.account, g.cid, g.campaign, g.ad_group, kw, std::string(kw) + " " + t);
            r.impressions = 50 + next(1000);
            r.clicks = next(static_cast<uint32_t>(r.impressions / 8 + 1));
            r.cost_cents = next(5000);
            r.conversions = next(4);
            r.value_cents = r.conversions * (1000 + next(9000));
            out.google += iso(day) + "," + r.account + "," + r.campaign_id + "," + r.campaign + "," + r.ad_group + "," +
                          r.keyword + "," + r.term + ",USD," + std::to_string(r.impressions) + "," +
                          std::to_string(r.clicks) + "," + money(r.cost_cents) + "," + std::to_string(r.conversions) +
                          "," + money(r.value_cents) + "\n";
            out.rows.push_back(std::move(r));
          }
        }
      }
    }
    out.meta = "Day,Campaign name,Impressions,Link clicks,Amount spent (USD)\n";
    for (int64_t day = day_of(2024, 1, 1); day <= kLast; ++day) {
      Row r = make_row(day, "", "", "Meta Prospecting", "", "", "", "meta_ads");
      r.impressions = 100 + next(2000);
      r.clicks = next(static_cast<uint32_t>(r.impressions / 10 + 1));
      r.cost_cents = next(8000);
      r.conversions = 0;
      r.value_cents = 0;
      out.meta += iso(day) + ",Meta Prospecting," + std::to_string(r.impressions) + "," + std::to_string(r.clicks) + "," +
                  money(r.cost_cents) + "\n";
      out.rows.push_back(std::move(r));
    }
    out.web = "Date,Session source / medium,Sessions,Engaged sessions,Key events\n";
    for (int64_t day = day_of(2024, 1, 1); day <= kLast; ++day) {
      const int64_t s = 100 + next(500);
      out.web_sessions += s;
      std::string ymd = iso(day);
      ymd.erase(std::remove(ymd.begin(), ymd.end(), '-'), ymd.end());
      out.web += ymd + ",google / cpc," + std::to_string(s) + "," + std::to_string(s / 2) + ",3\n";
    }
    return out;
  }();
  return d;
}

Totals sum(int64_t from, int64_t to, const std::function<bool(const Row&)>& keep = {}) {
  Totals t;
  for (const Row& r : data().rows) {
    if (r.day >= from && r.day <= to && (!keep || keep(r))) t.add(r);
  }
  return t;
}
bool google(const Row& r) { return r.platform == "google_ads"; }

void expect_metrics(const json& m, const Totals& t, const std::string& what) {
  ASSERT_TRUE(m.is_object()) << what << ": " << m.dump();
  EXPECT_EQ(m["impressions"].get<int64_t>(), t.impressions) << what;
  EXPECT_EQ(m["clicks"].get<int64_t>(), t.clicks) << what;
  EXPECT_NEAR(m["spend"].get<double>(), t.spend(), 1e-6) << what;
  if (m.contains("conversions") && !m["conversions"].is_null()) {
    EXPECT_NEAR(m["conversions"].get<double>(), double(t.conversions), 1e-6) << what;
  }
  if (t.clicks > 0) {
    EXPECT_NEAR(m["cpc"].get<double>(), t.spend() / double(t.clicks), 1e-9) << what;
  }
  if (t.impressions > 0) {
    EXPECT_NEAR(m["ctr"].get<double>(), double(t.clicks) / double(t.impressions), 1e-12) << what;
  }
}

void expect_change(const json& change, const Totals& cur, const Totals& prev, const std::string& what) {
  ASSERT_TRUE(change.is_object()) << what << ": " << change.dump();
  EXPECT_NEAR(change["spend"].get<double>(), (cur.spend() - prev.spend()) / prev.spend(), 1e-9) << what;
  EXPECT_NEAR(change["clicks"].get<double>(), double(cur.clicks - prev.clicks) / double(prev.clicks), 1e-9) << what;
  const double cpc_c = cur.spend() / double(cur.clicks), cpc_p = prev.spend() / double(prev.clicks);
  EXPECT_NEAR(change["cpc"].get<double>(), (cpc_c - cpc_p) / cpc_p, 1e-9) << what;
}

struct Fixture {
  Engine engine;
  int64_t g = load(engine, "google.csv", data().google);
};

// 1. A chosen range.
TEST(Slice, AChosenRangeSumsItsDays) {
  Fixture f;
  const json r = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"start", "2024-03-10"}, {"end", "2024-04-19"}});
  const int64_t a = day_of(2024, 3, 10), b = day_of(2024, 4, 19);
  EXPECT_EQ(r["periods"]["days"].get<int64_t>(), b - a + 1);
  EXPECT_EQ(r["periods"]["current"]["start"], "2024-03-10");
  EXPECT_EQ(r["periods"]["current"]["end"], "2024-04-19");
  expect_metrics(r["periods"]["current"], sum(a, b, google), "current");
  // previous: the same number of days just before.
  EXPECT_EQ(r["periods"]["compare"]["mode"], "previous");
  EXPECT_EQ(r["periods"]["previous"]["start"], iso(a - (b - a + 1)));
  EXPECT_EQ(r["periods"]["previous"]["end"], iso(a - 1));
  const Totals prev = sum(a - (b - a + 1), a - 1, google);
  expect_metrics(r["periods"]["previous"], prev, "previous");
  expect_change(r["periods"]["change"], sum(a, b, google), prev, "change");
  // anchor is end's alias; both naming one day is fine; "days" without start counts back.
  const json same = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"start", "2024-03-10"}, {"anchor", "2024-04-19"}, {"end", "2024-04-19"}});
  EXPECT_EQ(same["periods"]["current"], r["periods"]["current"]);
  const json back = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"days", 7}});
  EXPECT_EQ(back["periods"]["current"]["start"], "2024-12-25");
  expect_metrics(back["periods"]["current"], sum(day_of(2024, 12, 25), kLast, google), "last 7");
}

// 2. The same dates a year earlier, 29 February → 28 February.
TEST(Slice, CompareYearReadsTheSameDatesAYearEarlier) {
  Fixture f;
  struct Case { const char* start; const char* end; const char* prev_start; const char* prev_end; };
  for (const Case& c : {Case{"2024-06-01", "2024-06-30", "2023-06-01", "2023-06-30"},
                        Case{"2024-02-20", "2024-03-05", "2023-02-20", "2023-03-05"},  // holds 29 February
                        Case{"2024-02-29", "2024-02-29", "2023-02-28", "2023-02-28"},
                        Case{"2024-06-15", "2024-08-20", "2023-06-15", "2023-08-20"}}) {
    const json r = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"start", c.start}, {"end", c.end}, {"compare", "year"}});
    const json& p = r["periods"];
    EXPECT_EQ(p["compare"]["mode"], "year") << c.start;
    EXPECT_EQ(p["compare"]["label"], "the same period last year");
    EXPECT_EQ(p["compare"]["start"], c.prev_start) << c.start;
    EXPECT_EQ(p["compare"]["end"], c.prev_end) << c.start;
    EXPECT_EQ(p["compare"]["days"].get<int64_t>(), day_of(c.prev_end) - day_of(c.prev_start) + 1) << c.start;
    EXPECT_EQ(p["previous"]["start"], c.prev_start);
    EXPECT_EQ(p["previous"]["end"], c.prev_end);
    const Totals cur = sum(day_of(c.start), day_of(c.end), google);
    const Totals prev = sum(day_of(c.prev_start), day_of(c.prev_end), google);
    expect_metrics(p["current"], cur, std::string("current ") + c.start);
    if (prev.rows > 0) {
      expect_metrics(p["previous"], prev, std::string("previous ") + c.start);
      expect_change(p["change"], cur, prev, std::string("change ") + c.start);
    }
  }
  // A window starting on 29 February: its previous starts on the 28th.
  const json r = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"start", "2024-02-29"}, {"end", "2024-07-31"}, {"compare", "year"}});
  EXPECT_EQ(r["periods"]["previous"]["start"], "2023-02-28");
  EXPECT_EQ(r["periods"]["previous"]["end"], "2023-07-31");
}

// 3. A custom window of another length, and one overlapping the current.
TEST(Slice, CompareCustomWindowOfAnyLength) {
  Fixture f;
  const json r = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"start", "2024-09-01"}, {"end", "2024-09-30"},
                                                      {"compare", {{"start", "2024-01-01"}, {"end", "2024-03-31"}}}});
  const json& p = r["periods"];
  EXPECT_EQ(p["compare"]["mode"], "custom");
  EXPECT_EQ(p["compare"]["days"], 91);
  EXPECT_EQ(p["compare"]["label"], "2024-01-01 – 2024-03-31");
  const Totals cur = sum(day_of(2024, 9, 1), day_of(2024, 9, 30), google);
  const Totals prev = sum(day_of(2024, 1, 1), day_of(2024, 3, 31), google);
  expect_metrics(p["current"], cur, "current");
  expect_metrics(p["previous"], prev, "previous (91 days)");
  expect_change(p["change"], cur, prev, "totals as they are");

  const json o = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"start", "2024-09-01"}, {"end", "2024-09-30"},
                                                      {"compare", {{"start", "2024-09-15"}, {"end", "2024-10-20"}}}});
  const Totals oprev = sum(day_of(2024, 9, 15), day_of(2024, 10, 20), google);
  expect_metrics(o["periods"]["current"], cur, "current, overlapped");
  expect_metrics(o["periods"]["previous"], oprev, "overlapping window");
  expect_change(o["periods"]["change"], cur, oprev, "overlapping change");
}

// 4. No comparison.
TEST(Slice, CompareNoneHasNoPreviousAndNoChanges) {
  Fixture f;
  const json r = call_ok(f.engine, "report.analyze", {{"handles", {f.g}}, {"start", "2024-05-01"}, {"end", "2024-05-31"}, {"compare", "none"}});
  EXPECT_EQ(r["periods"]["compare"]["mode"], "none");
  EXPECT_TRUE(r["periods"]["compare"]["label"].is_null());
  EXPECT_TRUE(r["periods"]["previous"].is_null());
  expect_metrics(r["periods"]["current"], sum(day_of(2024, 5, 1), day_of(2024, 5, 31), google), "current");
  ASSERT_TRUE(r["periods"]["change"].is_object() || r["periods"]["change"].is_null()) << r["periods"]["change"].dump();
  if (r["periods"]["change"].is_object()) {
    for (const auto& [k, v] : r["periods"]["change"].items()) EXPECT_TRUE(v.is_null()) << k << " = " << v.dump();
  }
  const json h = call_ok(f.engine, "report.highlight", {{"handles", {f.g}}, {"start", "2024-05-01"}, {"end", "2024-05-31"},
                                                        {"compare", "none"}, {"max_facts", 100}});
  bool said = false;
  for (const json& n : h["notes"]) said = said || n.get<std::string>().find("No comparison") != std::string::npos;
  EXPECT_TRUE(said) << h["notes"].dump();
  for (const json& fact : h["facts"]) {
    if (fact.contains("change")) {
      EXPECT_TRUE(fact["change"].is_null()) << fact.dump();
    }
  }
  const json b = call_ok(f.engine, "report.breakdown", {{"handles", {f.g}}, {"level", "campaign"}, {"start", "2024-05-01"},
                                                        {"end", "2024-05-31"}, {"compare", "none"}});
  EXPECT_TRUE(b["period"]["previous"].is_null());
  for (const json& row : b["rows"]) {
    EXPECT_TRUE(row["previous"].is_null());
    EXPECT_TRUE(row["change"].is_null());
  }
}

// 5. Filters.
TEST(Slice, FiltersKeepOnlyTheMatchingRows) {
  Engine e;
  const int64_t g = load(e, "google.csv", data().google), m = load(e, "meta.csv", data().meta), w = load(e, "ga4.csv", data().web);
  const int64_t a = day_of(2024, 10, 1), b = day_of(2024, 10, 31);
  const json base = {{"handles", {g, m}}, {"start", "2024-10-01"}, {"end", "2024-10-31"}};
  auto with = [&](json extra) {
    json r = base;
    for (auto& [k, v] : extra.items()) r[k] = v;
    return call_ok(e, "report.analyze", r);
  };
  expect_metrics(with(json::object())["periods"]["current"], sum(a, b), "both platforms");
  expect_metrics(with({{"platforms", {"meta_ads"}}})["periods"]["current"], sum(a, b, [](const Row& r) { return r.platform == "meta_ads"; }), "meta only");
  expect_metrics(with({{"platforms", {"google_ads"}}})["periods"]["current"], sum(a, b, google), "google only");
  const auto acct = [](const Row& r) { return r.account == "123-456-7890"; };
  for (const char* spelled : {"123-456-7890", "1234567890"}) {
    const json r = with({{"accounts", {spelled}}});
    expect_metrics(r["periods"]["current"], sum(a, b, acct), std::string("account ") + spelled);
    expect_metrics(r["totals"], sum(kFirst, kLast, acct), std::string("account totals ") + spelled);
  }
  const auto brand = [](const Row& r) { return r.campaign == "Brand"; };
  expect_metrics(with({{"campaigns", {"Brand"}}})["periods"]["current"], sum(a, b, brand), "campaign by name");
  expect_metrics(with({{"campaigns", {"111"}}})["periods"]["current"], sum(a, b, brand), "campaign by id");
  expect_metrics(with({{"campaigns", {"111", "Meta Prospecting"}}})["periods"]["current"],
                 sum(a, b, [](const Row& r) { return r.campaign == "Brand" || r.campaign == "Meta Prospecting"; }),
                 "campaign id or name across platforms");
  const json filtered = with({{"accounts", {"1234567890"}}, {"campaigns", {"Generic"}}});
  EXPECT_EQ(filtered["filters"]["accounts"], json({"1234567890"}));
  expect_metrics(filtered["periods"]["current"], sum(a, b, [](const Row& r) { return r.campaign == "Generic"; }), "account and campaign");

  // filter_values: every campaign the (unfiltered) inputs hold.
  const json& values = filtered["filter_values"];
  std::set<std::string> names;
  for (const json& c : values["campaigns"]) names.insert(c["name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"Brand", "Generic", "Other", "Meta Prospecting"})) << values.dump();
  std::set<std::string> platforms;
  for (const json& p : values["platforms"]) platforms.insert(p.get<std::string>());
  EXPECT_EQ(platforms, (std::set<std::string>{"google_ads", "meta_ads"}));
  EXPECT_FALSE(values["truncated"].get<bool>());
  std::set<std::string> ids;
  for (const json& c : values["accounts"]) ids.insert(c["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 2u) << values["accounts"].dump();

  // Web rows have no ad account: an account filter leaves them out.
  const json web = call_ok(e, "report.breakdown", {{"handles", {w}}, {"kind", "web"}, {"level", "platform"}, {"start", "2024-01-01"}, {"end", "2024-12-31"}});
  ASSERT_EQ(web["rows"].size(), 1u) << web.dump();
  EXPECT_EQ(web["rows"][0]["current"]["sessions"].get<int64_t>(), data().web_sessions);
  const json cut = call_ok(e, "report.breakdown", {{"handles", {w}}, {"kind", "web"}, {"level", "platform"}, {"accounts", {"1234567890"}}});
  EXPECT_EQ(cut["total_rows"], 0) << cut.dump();
  const json mixed = call_ok(e, "report.analyze", {{"handles", {g, w}}});
  ASSERT_TRUE(mixed["web"].is_object()) << mixed.dump().substr(0, 400);
  EXPECT_EQ(mixed["web"]["totals"]["sessions"].get<int64_t>(), data().web_sessions);
  const json both = call_ok(e, "report.analyze", {{"handles", {g, w}}, {"accounts", {"123-456-7890"}}});
  expect_metrics(both["totals"], sum(kFirst, kLast, acct), "ads totals beside web");
  // The emptied web input is left out of the report altogether (no web section, not a source "without days").
  EXPECT_EQ(both["kind"], "ads") << both.dump().substr(0, 400);
  EXPECT_FALSE(both.contains("web")) << both["web"].dump().substr(0, 400);
  EXPECT_EQ(both["levels"]["web"], json::array());

  expect_invalid(e, "report.analyze", {{"handles", {g}}, {"platforms", {"myspace"}}}, "platforms");
  expect_invalid(e, "report.analyze", {{"handles", {g}}, {"accounts", json::array()}}, "accounts");
  expect_invalid(e, "report.analyze", {{"handles", {g}}, {"campaigns", "Brand"}}, "campaigns");
}

// Options that are wrong name the member.
TEST(Slice, BadOptionsAreInvalidRequestsNamingTheMember) {
  Fixture f;
  const json h = {f.g};
  for (const char* method : {"report.analyze", "report.highlight", "report.breakdown"}) {
    expect_invalid(f.engine, method, {{"handles", h}, {"start", "2024-13-01"}}, "start");
    expect_invalid(f.engine, method, {{"handles", h}, {"end", "yesterday"}}, "end");
    expect_invalid(f.engine, method, {{"handles", h}, {"start", "2024-05-02"}, {"end", "2024-05-01"}}, "start");
    expect_invalid(f.engine, method, {{"handles", h}, {"end", "2024-05-01"}, {"anchor", "2024-05-02"}}, "anchor");
    expect_invalid(f.engine, method, {{"handles", h}, {"compare", "lastyear"}}, "compare");
    expect_invalid(f.engine, method, {{"handles", h}, {"compare", {{"start", "2024-01-01"}}}}, "compare");
    expect_invalid(f.engine, method, {{"handles", h}, {"compare", {{"start", "2024-02-01"}, {"end", "2024-01-01"}}}}, "compare");
    expect_invalid(f.engine, method, {{"handles", h}, {"platforms", {"nope_ads"}}}, "platforms");
    expect_invalid(f.engine, method, {{"handles", h}, {"campaigns", json::array()}}, "campaigns");
  }
}

// 6. Drill down.
TEST(Slice, BreakdownDrillsCampaignAdGroupKeywordSearchTerm) {
  Fixture f;
  const int64_t a = day_of(2024, 11, 1), b = day_of(2024, 11, 30);
  json req = {{"handles", {f.g}}, {"start", "2024-11-01"}, {"end", "2024-11-30"}};
  auto breakdown = [&](const std::string& level, const json& parent) {
    json r = req;
    r["level"] = level;
    if (!parent.is_null()) r["parent"] = parent;
    return call_ok(f.engine, "report.breakdown", r);
  };
  const int64_t pa = a - 30, pb = a - 1;  // the previous 30 days

  const json camps = breakdown("campaign", nullptr);
  EXPECT_EQ(camps["period"]["current"]["start"], "2024-11-01");
  EXPECT_EQ(camps["period"]["current"]["days"], 30);
  EXPECT_EQ(camps["period"]["previous"]["start"], iso(pa));
  ASSERT_EQ(camps["rows"].size(), 3u) << camps.dump();
  EXPECT_EQ(camps["total_rows"], 3);
  EXPECT_FALSE(camps["truncated"].get<bool>());
  double last = 1e300;
  for (const json& row : camps["rows"]) {
    const std::string name = row["key"]["campaign"];
    const auto is = [&](const Row& r) { return r.campaign == name; };
    const Totals cur = sum(a, b, is), prev = sum(pa, pb, is);
    expect_metrics(row["current"], cur, "campaign " + name);
    expect_metrics(row["previous"], prev, "campaign prev " + name);
    expect_change(row["change"], cur, prev, "campaign change " + name);
    expect_metrics(row["total"], sum(kFirst, kLast, is), "campaign total " + name);
    EXPECT_LE(row["current"]["spend"].get<double>(), last) << "sorted by spend";
    last = row["current"]["spend"].get<double>();
    EXPECT_EQ(row["label"], name);
    EXPECT_EQ(row["currency"], "USD");
    std::set<std::string> children;
    for (const json& c : row["children"]) children.insert(c.get<std::string>());
    EXPECT_TRUE(children.count("ad_group") && children.count("keyword") && children.count("search_term")) << row["children"].dump();
    EXPECT_FALSE(children.count("ad")) << "no ad column";
  }

  // All ad groups: the two "Exact" groups of Brand and Generic are two rows.
  const json groups = breakdown("ad_group", nullptr);
  ASSERT_EQ(groups["rows"].size(), 4u) << groups.dump();
  int exact = 0;
  for (const json& row : groups["rows"]) {
    exact += row["label"] == "Exact";
    const std::string c = row["key"]["campaign"], ag = row["key"]["ad_group"];
    expect_metrics(row["current"], sum(a, b, [&](const Row& r) { return r.campaign == c && r.ad_group == ag; }), c + "/" + ag);
  }
  EXPECT_EQ(exact, 2);

  // Drill: Brand → its ad groups → a keyword → its search terms, parent = the row's key.
  json brand;
  for (const json& row : camps["rows"]) {
    if (row["key"]["campaign"] == "Brand") brand = row;
  }
  ASSERT_FALSE(brand.is_null());
  EXPECT_EQ(brand["key"]["campaign_id"], "111");
  const json ags = breakdown("ad_group", brand["key"]);
  ASSERT_EQ(ags["rows"].size(), 2u) << ags.dump();
  for (const json& ag : ags["rows"]) {
    const std::string agn = ag["key"]["ad_group"];
    const auto in_ag = [&](const Row& r) { return r.campaign == "Brand" && r.ad_group == agn; };
    expect_metrics(ag["current"], sum(a, b, in_ag), "Brand/" + agn);
    const json kws = breakdown("keyword", ag["key"]);
    ASSERT_EQ(kws["rows"].size(), 2u) << kws.dump();
    for (const json& kw : kws["rows"]) {
      const std::string kwn = kw["key"]["keyword"];
      EXPECT_EQ(kw["key"]["ad_group"], agn);
      const auto in_kw = [&](const Row& r) { return in_ag(r) && r.keyword == kwn; };
      expect_metrics(kw["current"], sum(a, b, in_kw), "Brand/" + agn + "/" + kwn);
      EXPECT_EQ(kw["children"], json({"search_term"}));
      const json terms = breakdown("search_term", kw["key"]);
      ASSERT_EQ(terms["rows"].size(), 2u) << terms.dump();
      for (const json& t : terms["rows"]) {
        const std::string tn = t["key"]["search_term"];
        EXPECT_EQ(t["key"]["keyword"], kwn);
        const auto in_t = [&](const Row& r) { return in_kw(r) && r.term == tn; };
        expect_metrics(t["current"], sum(a, b, in_t), "term " + tn);
        expect_change(t["change"], sum(a, b, in_t), sum(pa, pb, in_t), "term change " + tn);
        EXPECT_TRUE(t["children"].empty());
      }
    }
  }

  // Search terms across everything: 4 groups × 2 keywords × 2 terms = 16; limit cuts.
  json lim = req;
  lim["level"] = "search_term";
  lim["limit"] = 5;
  const json cut = call_ok(f.engine, "report.breakdown", lim);
  EXPECT_EQ(cut["rows"].size(), 5u);
  EXPECT_EQ(cut["total_rows"], 16);
  EXPECT_TRUE(cut["truncated"].get<bool>());
  lim["limit"] = 16;
  EXPECT_FALSE(call_ok(f.engine, "report.breakdown", lim)["truncated"].get<bool>());

  // Accounts: digits equivalence in the parent too.
  const json accts = breakdown("account", nullptr);
  ASSERT_EQ(accts["rows"].size(), 2u) << accts.dump();
  const json by_acct = breakdown("campaign", {{"account_id", "1234567890"}});
  EXPECT_EQ(by_acct["rows"].size(), 2u) << by_acct.dump();

  // Errors.
  json bad = req;
  bad["level"] = "ad";
  expect_invalid(f.engine, "report.breakdown", bad, "keyword");  // names the levels offered
  bad["level"] = "galaxy";
  expect_invalid(f.engine, "report.breakdown", bad, "level");
  bad["level"] = "campaign";
  bad["parent"] = {{"planet", "Mars"}};
  expect_invalid(f.engine, "report.breakdown", bad, "planet");
  bad["parent"] = nullptr;
  bad["limit"] = 0;
  expect_invalid(f.engine, "report.breakdown", bad, "limit");
}

// 7. report.highlight with compare year.
TEST(Slice, HighlightCompareYearDateRange) {
  Fixture f;
  const json h = call_ok(f.engine, "report.highlight", {{"handles", {f.g}}, {"start", "2024-02-29"}, {"end", "2024-03-31"}, {"compare", "year"}});
  ASSERT_TRUE(h["date_range"].is_object()) << h.dump();
  EXPECT_EQ(h["date_range"]["start"], "2024-02-29");
  EXPECT_EQ(h["date_range"]["end"], "2024-03-31");
  EXPECT_EQ(h["date_range"]["previous_start"], "2023-02-28");
  EXPECT_EQ(h["date_range"]["previous_end"], "2023-03-31");
  const json h2 = call_ok(f.engine, "report.highlight", {{"handles", {f.g}}, {"start", "2024-07-01"}, {"end", "2024-07-31"}, {"compare", "year"}});
  EXPECT_EQ(h2["date_range"]["previous_start"], "2023-07-01");
  EXPECT_EQ(h2["date_range"]["previous_end"], "2023-07-31");
}

// 8. Exports stored before keywords had 8 dims per entity.
TEST(Slice, OldExportsWithEightDimsStillImport) {
  Engine e;
  const int64_t h = load(e, "google.csv", data().google);
  json exported = call_ok(e, "ingest.export", {{"handle", h}});
  ASSERT_FALSE(exported["entities"].empty());
  std::set<std::string> keys;
  for (json& ent : exported["entities"]) {
    ASSERT_EQ(ent["dims"].size(), 10u);
    keys.insert(ent["dims"].dump());
    ent["dims"].erase(ent["dims"].begin() + 8, ent["dims"].end());
  }
  // Cut to 8 dims, entities that differed only by keyword/search term become alike; that is fine for old stores.
  const CallResult imported = e.call("ingest.import", exported.dump(), {});
  ASSERT_TRUE(imported.ok()) << imported.body;
  const int64_t h2 = json::parse(imported.body)["handle"];
  const json r = call_ok(e, "report.analyze", {{"handles", {h2}}, {"start", "2024-01-01"}, {"end", "2024-06-30"}});
  expect_metrics(r["periods"]["current"], sum(day_of(2024, 1, 1), day_of(2024, 6, 30), google), "imported 8-dim");
  std::set<std::string> levels;
  for (const json& l : r["levels"]["ads"]) levels.insert(l.get<std::string>());
  EXPECT_FALSE(levels.count("keyword")) << r["levels"].dump();
  const json camps = call_ok(e, "report.breakdown", {{"handles", {h2}}, {"level", "ad_group"}, {"start", "2024-01-01"}, {"end", "2024-06-30"}});
  EXPECT_EQ(camps["rows"].size(), 4u);
  json too_many = exported;
  too_many["entities"][0]["dims"] = json::array({"", "", "", "", "", "", "", "", "", "", "x"});
  EXPECT_EQ(e.call("ingest.import", too_many.dump(), {}).code, ErrorCode::kInvalidRequest);
}

// The new columns: "Keyword" / "Search keyword" → keyword, "Search term" → search_term.
TEST(Slice, KeywordAndSearchTermColumnsAreRead) {
  for (const char* header : {"Keyword", "Search keyword"}) {
    Engine e;
    const int64_t h = load(e, "kw.csv", std::string("Day,Campaign,Ad group,") + header +
                                             ",Search term,Currency code,Impressions,Clicks,Cost,Conv. value\n"
                                             "2024-02-28,C,G,alpha,alpha one,USD,100,10,5.00,0\n"
                                             "2024-02-29,C,G,alpha,alpha two,USD,100,20,7.50,0\n"
                                             "2024-02-29,C,G,beta,beta one,USD,50,5,1.25,0\n");
    const json kw = call_ok(e, "report.breakdown", {{"handles", {h}}, {"level", "keyword"}, {"compare", "none"}, {"days", 2}});
    ASSERT_EQ(kw["rows"].size(), 2u) << header << " " << kw.dump();
    EXPECT_EQ(kw["rows"][0]["label"], "alpha") << header;
    EXPECT_NEAR(kw["rows"][0]["current"]["spend"].get<double>(), 12.50, 1e-9) << header;
    EXPECT_EQ(kw["rows"][0]["current"]["clicks"], 30) << header;
    EXPECT_NEAR(kw["rows"][0]["current"]["cpc"].get<double>(), 12.50 / 30, 1e-12) << header;
    EXPECT_NEAR(kw["rows"][1]["current"]["spend"].get<double>(), 1.25, 1e-9) << header;
    const json st = call_ok(e, "report.breakdown", {{"handles", {h}}, {"level", "search_term"}, {"compare", "none"}, {"days", 2}});
    EXPECT_EQ(st["rows"].size(), 3u) << header;
  }
}

}  // namespace
}  // namespace glint
