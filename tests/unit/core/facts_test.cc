// Bronze facts on datasets where the right fact is known by construction.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>
#include <algorithm>

#include "glint/engine.h"

namespace glint {
namespace {

using nlohmann::json;

struct Row {
  int day;  // 0 = 2026-01-01
  std::string campaign;
  double impressions, clicks, spend, conversions, value;
};

std::string date_of(int day) {
  static const int kMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0;
  while (day >= kMonth[m]) day -= kMonth[m++];
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-%02d-%02d", m + 1, day + 1);
  return buf;
}

// A Google Ads daily export of `rows`; `generic`: the same rows under plain
// snake_case headers (no platform markers) with a currency column.
std::string csv_of(const std::vector<Row>& rows, bool generic = false) {
  std::string csv = generic ? "date,campaign_name,impressions,clicks,spend,conversions,conversion_value,currency\n"
                            : "Day,Campaign,Impressions,Clicks,Cost (USD),Conversions,Conv. value\n";
  char buf[256];
  for (const Row& r : rows) {
    std::snprintf(buf, sizeof buf, "%s,%s,%.0f,%.0f,%.2f,%.0f,%.2f%s\n", date_of(r.day).c_str(), r.campaign.c_str(),
                  r.impressions, r.clicks, r.spend, r.conversions, r.value, generic ? ",USD" : "");
    csv += buf;
  }
  return csv;
}

json highlight(const std::string& csv, const std::string& type, int days = 30, int max_facts = 5) {
  Engine e;
  const int64_t h = json::parse(e.call("ingest.open", R"({"name":"t.csv"})").body)["handle"];
  e.call("ingest.feed", json{{"handle", h}}.dump(), std::as_bytes(std::span<const char>(csv.data(), csv.size())));
  EXPECT_TRUE(e.call("ingest.close", json{{"handle", h}}.dump()).ok());
  const CallResult r = e.call("report.highlight", json{{"handles", {h}}, {"highlight_type", type}, {"days", days}, {"max_facts", max_facts}}.dump());
  EXPECT_TRUE(r.ok()) << r.body;
  return json::parse(r.body);
}

// A deterministic flat world: `campaigns` campaigns over `days` days with
// multiplicative noise of ±`noise`.
std::vector<Row> flat(uint32_t seed, int campaigns, int days, double noise) {
  uint32_t x = seed * 2654435761u + 1;
  auto rnd = [&x]() {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return (x % 100000) / 100000.0;
  };
  std::vector<Row> rows;
  for (int d = 0; d < days; ++d) {
    for (int c = 0; c < campaigns; ++c) {
      auto jitter = [&](double base) { return std::round(base * (1 + noise * (2 * rnd() - 1))); };
      const double imp = jitter(10000 + 2000 * c);
      const double clicks = std::round(imp * 0.02 * (1 + noise * (2 * rnd() - 1)));
      const double spend = std::round(clicks * 0.8 * (1 + noise * (2 * rnd() - 1)) * 100) / 100;
      const double conv = std::round(clicks * 0.05 * (1 + noise * (2 * rnd() - 1)));
      rows.push_back({d, "Campaign " + std::to_string(c), imp, clicks, spend, conv, conv * 40});
    }
  }
  return rows;
}

const json* find_fact(const json& doc, const std::string& tmpl, const std::string& entity = "") {
  for (const json& f : doc["facts"]) {
    if (f["template"] == tmpl && (entity.empty() || f["entity"]["name"] == entity)) return &f;
  }
  return nullptr;
}

// Every number in a sentence is one of the fact's formatted fields, and every
// formatted field shows its raw value.
void expect_sentence_numbers_are_facts(const json& fact, const std::regex* numbers = nullptr) {
  const std::string sentence = fact["sentence"];
  EXPECT_EQ(sentence.find('{'), std::string::npos) << sentence;
  std::set<std::string> shown = {fact["value"].get<std::string>()};
  for (const char* k : {"previous_formatted", "change", "impact"}) {
    if (fact[k].is_string()) shown.insert(fact[k].get<std::string>());
  }
  for (const auto& [k, v] : fact["details"].items()) shown.insert(v.get<std::string>());
  // Numbers as the formatter writes them: optional sign and symbol, digits with
  // thousands commas, decimals, then %, x or " pts".
  static const std::regex english(R"([+-]?(?:[$€£]|USD )?\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:%| pts|x)?)");
  const std::regex& number = numbers != nullptr ? *numbers : english;
  for (auto it = std::sregex_iterator(sentence.begin(), sentence.end(), number); it != std::sregex_iterator(); ++it) {
    const std::string tok = it->str();
    bool found = false;
    for (const std::string& s : shown) found |= s.find(tok) != std::string::npos;
    // The period length and ISO dates are not measurements.
    const bool period = tok == "30" || tok == "7" || tok == "14" || tok == "3" || tok == "2026";
    const bool in_date = std::regex_search(sentence, std::regex("\\d{4}-\\d{2}-\\d{2}")) && tok.size() <= 4;
    EXPECT_TRUE(found || period || in_date) << "'" << tok << "' in: " << sentence;
  }
  if (numbers != nullptr) return;  // the digits below are read the English way
  // value ↔ raw_value: the shown digits are the raw value, rounded.
  std::string v = fact["value"];
  std::string digits;
  for (char c : v) {
    if ((c >= '0' && c <= '9') || c == '.' || c == '-') digits.push_back(c);
  }
  if (!digits.empty() && fact["raw_value"].is_number()) {
    double shown_value = std::stod(digits);
    double raw = fact["raw_value"].get<double>();
    if (v.find('%') != std::string::npos) raw *= 100;
    EXPECT_NEAR(shown_value, raw, std::max(0.051, std::fabs(raw) * 0.0051)) << fact.dump();
  }
}

void check_all_sentences(const json& doc) {
  for (const json& f : doc["facts"]) expect_sentence_numbers_are_facts(f);
}

TEST(Facts, PlantedSpendAnomalyIsFound) {
  auto rows = flat(7, 3, 60, 0.05);
  for (Row& r : rows) {
    if (r.day == 59) r.spend *= 3;  // the last day costs three times as much
  }
  const json doc = highlight(csv_of(rows), "protect");
  const json* f = find_fact(doc, "protect.anomaly_high");
  ASSERT_NE(f, nullptr) << doc.dump(1);
  EXPECT_EQ((*f)["metric"], "spend");
  EXPECT_EQ((*f)["details"]["date"], "2026-03-01");
  EXPECT_EQ((*f)["severity"], "critical");
  check_all_sentences(doc);
}

TEST(Facts, SpendWithoutConversionsIsWastedSpendWithItsAmount) {
  auto rows = flat(11, 4, 60, 0.05);
  double wasted = 0;
  for (Row& r : rows) {
    if (r.campaign == "Campaign 2") {
      r.conversions = 0;
      r.value = 0;
      if (r.day >= 30) wasted += r.spend;
    }
  }
  const json doc = highlight(csv_of(rows), "optimize");
  const json* f = find_fact(doc, "optimize.wasted_spend", "Campaign 2");
  ASSERT_NE(f, nullptr) << doc.dump(1);
  EXPECT_NEAR((*f)["raw_value"].get<double>(), wasted, 1e-6);
  EXPECT_NEAR((*f)["impact_raw"].get<double>(), wasted, 0.005);
  check_all_sentences(doc);
}

TEST(Facts, TrackingBreakWhenConversionsStopButClicksHold) {
  auto rows = flat(13, 3, 60, 0.05);
  for (Row& r : rows) {
    if (r.campaign == "Campaign 1" && r.day >= 57) r.conversions = 0;
  }
  const json doc = highlight(csv_of(rows), "protect");
  const json* f = find_fact(doc, "protect.tracking_break", "Campaign 1");
  ASSERT_NE(f, nullptr) << doc.dump(1);
  EXPECT_EQ((*f)["severity"], "critical");
  EXPECT_GT((*f)["confidence"].get<double>(), 0.95);
  check_all_sentences(doc);
}

// A broken pixel on one day of the last 30: clicks as usual, no conversion.
// Day k of the period is day 29 + k of the 60-day file (day 1 = 2026-01-31).
// The conversions likely missed are that day's clicks at the conversion rate
// of the days around it, computed here from the rows themselves.
void expect_tracking_break_on(int period_day) {
  SCOPED_TRACE("day " + std::to_string(period_day) + " of the last 30");
  auto rows = flat(23, 3, 60, 0.05);
  const int broken = 29 + period_day;
  double clicks_then = 0, conv_around = 0, clicks_around = 0;
  for (Row& r : rows) {
    if (r.campaign != "Campaign 2") continue;
    if (r.day == broken) {
      r.conversions = 0;
      r.value = 0;
      clicks_then = r.clicks;
    } else if (std::abs(r.day - broken) <= 28) {
      conv_around += r.conversions;
      clicks_around += r.clicks;
    }
  }
  const json doc = highlight(csv_of(rows), "protect", 30, 20);
  const json* f = find_fact(doc, "protect.tracking_break", "Campaign 2");
  ASSERT_NE(f, nullptr) << doc.dump(1);
  EXPECT_EQ((*f)["details"]["date"], date_of(broken));
  EXPECT_EQ((*f)["details"]["zero_days"], "1");
  EXPECT_EQ((*f)["raw_value"].get<double>(), clicks_then);
  EXPECT_NEAR((*f)["details_raw"]["missed"].get<double>(), clicks_then * conv_around / clicks_around, 1e-6);
  EXPECT_NE((*f)["sentence"].get<std::string>().find(date_of(broken)), std::string::npos) << (*f)["sentence"];
  EXPECT_EQ((*f)["severity"], "critical");
  // Only the broken campaign, only that day.
  for (const json& g : doc["facts"]) {
    if (g["template"] == "protect.tracking_break") {
      EXPECT_EQ(g["id"], (*f)["id"]);
    }
  }
  check_all_sentences(doc);
}

TEST(Facts, TrackingBreakOnTheFirstDayOfThePeriodIsFound) { expect_tracking_break_on(1); }
TEST(Facts, TrackingBreakTwelveDaysIntoThePeriodIsFound) { expect_tracking_break_on(12); }
TEST(Facts, TrackingBreakOnTheNextToLastDayIsFound) { expect_tracking_break_on(29); }

TEST(Facts, SpendSpikeOnTheTenthDayOfThePeriodIsFound) {
  auto rows = flat(29, 3, 60, 0.05);
  const int spiked = 29 + 10;
  double spend_then = 0;
  for (Row& r : rows) {
    if (r.campaign == "Campaign 0" && r.day == spiked) {
      r.spend *= 4;
      spend_then = r.spend;
    }
  }
  const json doc = highlight(csv_of(rows), "protect", 30, 20);
  const json* f = find_fact(doc, "protect.spend_spike", "Campaign 0");
  ASSERT_NE(f, nullptr) << doc.dump(1);
  EXPECT_EQ((*f)["details"]["date"], date_of(spiked));
  EXPECT_NEAR((*f)["raw_value"].get<double>(), spend_then, 1e-6);
  EXPECT_NE((*f)["sentence"].get<std::string>().find(date_of(spiked)), std::string::npos);
  for (const json& g : doc["facts"]) {
    if (g["template"] == "protect.spend_spike") {
      EXPECT_EQ(g["id"], (*f)["id"]) << g.dump();
    }
  }
  check_all_sentences(doc);
}

TEST(Facts, SignificantCtrChangeIsATrendAndAnInsignificantOneIsNot) {
  // Big volume: 2.0% → 2.4% on a million impressions a period.
  std::vector<Row> big, small;
  for (int d = 0; d < 60; ++d) {
    const double ctr = d < 30 ? 0.020 : 0.024;
    big.push_back({d, "A", 33000, std::round(33000 * ctr), 100, 10, 400});
    // Small volume: 2.0% → 3.0% on 1,020 impressions a period is within noise.
    const double clicks = d < 30 ? (d < 20 ? 1.0 : 0.0) : (d == 30 ? 2.0 : 1.0);
    small.push_back({d, "A", 34, clicks, 1, 0, 0});
  }
  const json b = highlight(csv_of(big), "summary", 30, 10);
  const json* fb = find_fact(b, "summary.total");
  bool ctr_trend = false;
  for (const json& f : b["facts"]) {
    if (f["metric"] == "ctr") {
      ctr_trend = f["trend"] == "up";
      EXPECT_EQ(f["change_unit"], "points");
      EXPECT_NEAR(f["change_raw"].get<double>(), 0.004, 2e-4);
    }
  }
  EXPECT_TRUE(ctr_trend) << b.dump(1);
  (void)fb;
  const json s = highlight(csv_of(small), "summary", 30, 10);
  for (const json& f : s["facts"]) {
    if (f["metric"] == "ctr") {
      EXPECT_EQ(f["trend"], "flat") << f.dump();
      EXPECT_LT(f["confidence"].get<double>(), 0.95);
    }
  }
  check_all_sentences(b);
  check_all_sentences(s);
}

TEST(Facts, NoFalseAlarmsOnTwentyFlatNoisySeries) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const std::string csv = csv_of(flat(seed, 6, 90, 0.15));
    for (const char* type : {"grow", "optimize", "protect"}) {
      const json doc = highlight(csv, type);
      EXPECT_TRUE(doc["facts"].empty()) << "seed " << seed << " " << type << ": " << doc["facts"].dump(1);
    }
  }
}

TEST(Facts, HighCpaCampaignAndScalableCampaign) {
  auto rows = flat(17, 5, 60, 0.05);
  for (Row& r : rows) {
    if (r.campaign == "Campaign 0") r.conversions = std::round(r.conversions / 3);      // CPA ×3
    if (r.campaign == "Campaign 4") r.value *= 3;                                          // ROAS ×3
  }
  const json opt = highlight(csv_of(rows), "optimize");
  EXPECT_NE(find_fact(opt, "optimize.high_cpa", "Campaign 0"), nullptr) << opt.dump(1);
  const json grow = highlight(csv_of(rows), "grow");
  EXPECT_NE(find_fact(grow, "grow.scale_campaign", "Campaign 4"), nullptr) << grow.dump(1);
  check_all_sentences(opt);
  check_all_sentences(grow);
}

TEST(Facts, OrderIsDeterministicAndCapped) {
  auto rows = flat(19, 12, 60, 0.05);
  for (Row& r : rows) {
    if (r.campaign.back() % 2 == 0) r.conversions = 0, r.value = 0;  // six wasteful campaigns
  }
  const std::string csv = csv_of(rows);
  const json a = highlight(csv, "optimize");
  const json b = highlight(csv, "optimize");
  EXPECT_EQ(a, b);
  EXPECT_LE(a["facts"].size(), 5u);
  for (size_t i = 1; i < a["facts"].size(); ++i) {
    EXPECT_GE(a["facts"][i - 1]["impact_raw"].get<double>(), a["facts"][i]["impact_raw"].get<double>());
  }
}

TEST(Facts, SummaryReportsTotalsAndTheirChange) {
  auto rows = flat(23, 2, 60, 0.0);
  for (Row& r : rows) {
    if (r.day >= 30) r.spend *= 1.5;
  }
  const json doc = highlight(csv_of(rows), "summary");
  const json& spend = doc["facts"][0];
  EXPECT_EQ(spend["metric"], "spend");
  EXPECT_EQ(spend["trend"], "up");
  EXPECT_NEAR(spend["change_raw"].get<double>(), 0.5, 0.01);
  EXPECT_EQ(doc["highlight_type"], "summary");
  EXPECT_EQ(doc["success"], true);
  EXPECT_EQ(doc["date_range"]["end"], "2026-03-01");
  check_all_sentences(doc);
}


// ---- issue 12: advice a marketer would follow --------------------------------
// Each dataset is made here and each expected answer computed here from the
// rows written, never read back from glint.

// An Engine holding several inputs, for calls over their handles.
struct Inputs {
  Engine e;
  std::vector<int64_t> handles;
  int64_t add(const std::string& csv, const std::string& name, json open = json::object()) {
    open["name"] = name;
    const int64_t h = json::parse(e.call("ingest.open", open.dump()).body)["handle"];
    e.call("ingest.feed", json{{"handle", h}}.dump(), std::as_bytes(std::span<const char>(csv.data(), csv.size())));
    const CallResult c = e.call("ingest.close", json{{"handle", h}}.dump());
    EXPECT_TRUE(c.ok()) << c.body;
    handles.push_back(h);
    return h;
  }
  json call(const char* method, json req) {
    req["handles"] = handles;
    const CallResult r = e.call(method, req.dump());
    EXPECT_TRUE(r.ok()) << r.body;
    return json::parse(r.body);
  }
  json facts(const std::string& type, json req = json::object()) {
    req["highlight_type"] = type;
    req["max_facts"] = 100;
    return call("report.highlight", req);
  }
};

// Daily rows of one campaign, days [from, to], the same figures every day.
std::vector<Row> steady(const std::string& campaign, int from, int to, double imp, double clicks, double spend,
                        double conv, double value) {
  std::vector<Row> rows;
  for (int d = from; d <= to; ++d) rows.push_back({d, campaign, imp, clicks, spend, conv, value});
  return rows;
}

const json* source_named(const json& coverage, const std::string& name) {
  for (const json& s : coverage["sources"]) {
    if (s["name"] == name) return &s;
  }
  return nullptr;
}

TEST(Coverage, MixedDateRangesCompareOnlySourcesCoveringBothWindows) {
  // Google Ads ends on 2026-04-30 (day 119); the other export runs to
  // 2026-05-31 (day 150), $50 a day. The last 30 days are May 2–31, the
  // previous 30 Apr 2–May 1: Google covers 29 of the previous days and none
  // of the current ones. Summing every source would say spend fell from
  // 29×100 + 30×50 = $4,400 to $1,500 (−66%); the sources that cover both
  // windows (the other export alone) spent $1,500 in each.
  Inputs in;
  in.add(csv_of(steady("G1", 0, 119, 10000, 200, 100, 10, 400)), "google.csv");
  in.add(csv_of(steady("M1", 0, 150, 8000, 100, 50, 5, 150), true), "meta.csv");
  const json doc = in.call("report.analyze", {{"days", 30}});
  const json& p = doc["periods"];
  EXPECT_EQ(p["current"]["start"], "2026-05-02");
  EXPECT_EQ(p["previous"]["end"], "2026-05-01");
  ASSERT_TRUE(p["change"]["spend"].is_number()) << p.dump(1);
  EXPECT_NEAR(p["change"]["spend"].get<double>(), 0.0, 1e-12);
  EXPECT_NEAR(p["current"]["spend"].get<double>(), 30 * 50.0, 1e-9);  // what was spent, all sources
  EXPECT_NEAR(p["compared_previous"]["spend"].get<double>(), 30 * 50.0, 1e-9);
  const json* g = source_named(p["coverage"], "google.csv");
  const json* m = source_named(p["coverage"], "meta.csv");
  ASSERT_TRUE(g && m) << p["coverage"].dump(1);
  EXPECT_EQ((*g)["compared"], false);
  EXPECT_EQ((*g)["current_days"], 0);
  EXPECT_EQ((*g)["previous_days"], 29);
  EXPECT_EQ((*g)["note"], "Google Ads has no data after 2026-04-30");
  EXPECT_EQ((*m)["compared"], true);
  EXPECT_EQ(p["coverage"]["partial"], true);
  EXPECT_EQ(p["coverage"]["current_days"], 30);

  const json s = in.facts("summary");
  const json* spend = nullptr;
  for (const json& f : s["facts"]) {
    if (f["metric"] == "spend") spend = &f;
  }
  ASSERT_NE(spend, nullptr) << s.dump(1);
  EXPECT_EQ((*spend)["template"], "summary.total_partial_steady");
  EXPECT_EQ((*spend)["value"], "$1,500");
  EXPECT_EQ((*spend)["previous_formatted"], "$1,500");
  EXPECT_NE((*spend)["sentence"].get<std::string>().find("partial: Google Ads has no data after 2026-04-30"), std::string::npos);
  check_all_sentences(s);
  // Google stopping is not an anomaly of the account's days.
  EXPECT_TRUE(in.facts("protect")["facts"].empty()) << in.facts("protect").dump(1);
}

TEST(Coverage, OneMonthExportHasNoPreviousPeriodToCompareWith) {
  // January only: the previous 30 days (Dec 3 – Jan 1) hold one day, $10 of
  // spend; the last 30 hold $3,000. Comparing would say +29,900%.
  std::vector<Row> rows = steady("C1", 1, 30, 10000, 300, 100, 10, 300);
  rows.insert(rows.begin(), {0, "C1", 100, 3, 10, 0, 0});
  Inputs in;
  in.add(csv_of(rows), "january.csv");
  const json doc = in.call("report.analyze", {{"days", 30}});
  const json& p = doc["periods"];
  EXPECT_TRUE(p["change"]["spend"].is_null()) << p.dump(1);
  EXPECT_TRUE(p["change"]["cpa"].is_null());
  EXPECT_EQ(p["coverage"]["comparable"], false);
  EXPECT_EQ(p["coverage"]["previous_days"], 1);
  EXPECT_EQ(p["coverage"]["current_days"], 30);
  const json s = in.facts("summary");
  ASSERT_FALSE(s["facts"].empty());
  for (const json& f : s["facts"]) {
    if (f["entity"]["level"] != "account") continue;
    EXPECT_TRUE(f["change"].is_null()) << f.dump(1);
    EXPECT_EQ(f["template"], "summary.total_uncovered") << f.dump(1);
  }
  EXPECT_EQ(s["facts"][0]["value"], "$3,000");
  EXPECT_EQ(s["facts"][0]["details"]["previous_days"], "1");
  check_all_sentences(s);
  EXPECT_TRUE(in.facts("grow")["facts"].empty());
}

TEST(Coverage, WebAndAdsWindowsAreLabelledSeparately) {
  Inputs in;
  in.add(csv_of(steady("C1", 0, 89, 10000, 300, 100, 10, 300)), "ads.csv");  // to 2026-03-31
  std::string ga4 = "Date,Session source / medium,Sessions,Engaged sessions,Key events\n";
  for (int d = 0; d <= 58; ++d) {  // to 2026-02-28
    std::string day = date_of(d);
    day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
    ga4 += day + ",google / cpc,200,120,10\n";
  }
  in.add(ga4, "ga4.csv");
  const json s = in.facts("summary");
  EXPECT_EQ(s["date_range"]["end"], "2026-03-31");
  ASSERT_TRUE(s["web_date_range"].is_object()) << s.dump(1);
  EXPECT_EQ(s["web_date_range"]["start"], "2026-01-30");
  EXPECT_EQ(s["web_date_range"]["end"], "2026-02-28");
  bool sessions = false;
  for (const json& f : s["facts"]) {
    if (f["metric"] == "sessions") {
      sessions = true;
      EXPECT_EQ(f["window"]["end"], "2026-02-28");
    }
    if (f["metric"] == "spend") {
      EXPECT_EQ(f["window"]["end"], "2026-03-31");
    }
  }
  EXPECT_TRUE(sessions) << s.dump(1);
  ASSERT_FALSE(s["notes"].empty());
  EXPECT_NE(s["notes"].dump().find("2026-02-28"), std::string::npos);
}

// A Google Ads campaign report as downloaded: a title, the range, no day column.
std::string undated_report(const std::string& range_line) {
  return "Campaign report\n" + range_line +
         "\n"
         "Campaign,Campaign type,Campaign status,Impressions,Clicks,Cost,Conversions,Conv. value,Search lost IS (budget)\n"
         "Brand,Search,Enabled,50000,5000,5000.00,500,50000.00,45.00%\n"
         "Generic,Search,Enabled,100000,8000,16000.00,200,20000.00,12.00%\n"
         "Shopping,Shopping,Enabled,80000,4000,8000.00,200,24000.00,< 10%\n"
         "Display,Display,Enabled,200000,600,3000.00,0,0.00,--\n"
         "YouTube,Video,Enabled,300000,300,4000.00,0,0.00,--\n"
         "Old brand,Search,Paused,10000,1000,500.00,100,8000.00,--\n"
         "Total: Account,--,--,740000,18900,36500.00,1000,102000.00,--\n";
}

TEST(Undated, CampaignReportGetsCrossSectionalFactsAndNoTimeBasedOnes) {
  // Account: spend 36,500, value 102,000 (ROAS 2.79), 1,000 conversions
  // (CPA $36.50). Brand lost 45% of its impressions to budget at ROAS 10;
  // Generic pays $80 a conversion (2.2× the account) at ROAS 1.25; Display
  // spent $3,000 on 600 clicks with none; YouTube is a video campaign (no
  // conversion verdict); Old brand is paused (no budget however good).
  const double acc_roas = 102000.0 / 36500.0;
  Inputs in;
  in.add(undated_report("January 1, 2026 - March 31, 2026"), "campaigns.csv");
  const json grow = in.facts("grow");
  EXPECT_TRUE(grow["date_range"].is_null());
  EXPECT_EQ(grow["declared_period"]["start"], "2026-01-01");
  EXPECT_EQ(grow["declared_period"]["end"], "2026-03-31");
  const json* brand = find_fact(grow, "grow.budget_limited", "Brand");
  ASSERT_NE(brand, nullptr) << grow.dump(1);
  EXPECT_NEAR((*brand)["raw_value"].get<double>(), 0.45, 1e-9);
  EXPECT_NEAR((*brand)["details_raw"]["account_value"].get<double>(), acc_roas, 1e-6);
  EXPECT_EQ((*brand)["yardstick"], "account");
  EXPECT_NE((*brand)["sentence"].get<std::string>().find("from 2026-01-01 to 2026-03-31"), std::string::npos);
  for (const json& f : grow["facts"]) EXPECT_NE(f["entity"]["name"], "Old brand") << f.dump(1);
  check_all_sentences(grow);

  const json opt = in.facts("optimize");
  const json* generic = find_fact(opt, "optimize.high_cpa", "Generic");
  ASSERT_NE(generic, nullptr) << opt.dump(1);
  EXPECT_NEAR((*generic)["raw_value"].get<double>(), 80.0, 1e-9);
  EXPECT_NEAR((*generic)["details_raw"]["account_value"].get<double>(), 36.5, 1e-9);
  const json* display = find_fact(opt, "optimize.wasted_spend", "Display");
  ASSERT_NE(display, nullptr) << opt.dump(1);
  EXPECT_EQ((*display)["value"], "3,000");  // the export states no currency
  EXPECT_EQ(find_fact(opt, "optimize.wasted_spend", "YouTube"), nullptr) << opt.dump(1);
  for (const json& f : opt["facts"]) {
    EXPECT_NE(f["entity"]["name"], "Old brand") << f.dump(1);
    EXPECT_EQ(f["sentence"].get<std::string>().find("last 30 days"), std::string::npos) << f.dump(1);
  }
  check_all_sentences(opt);

  const json prot = in.facts("protect");
  EXPECT_TRUE(prot["facts"].empty());
  ASSERT_FALSE(prot["notes"].empty());
  EXPECT_NE(prot["notes"][0].get<std::string>().find("no day per row"), std::string::npos);

  const json sum = in.facts("summary");
  ASSERT_FALSE(sum["facts"].empty());
  EXPECT_EQ(sum["facts"][0]["template"], "summary.total_undated");
  EXPECT_EQ(sum["facts"][0]["value"], "36,500");  // the Total: Account row is not data
  // A currency the request sets for an export that states none.
  EXPECT_EQ(in.facts("summary", {{"currency", "USD"}})["facts"][0]["value"], "$36,500");
  check_all_sentences(sum);

  // The plan and the reallocation: the paused campaign gets no budget, the
  // one told to pause is not raised, and both read the same period.
  const json full = in.call("report.analyze", {{"full", true}});
  const json& realloc = full["analysis"]["by_currency"][0]["budget_reallocation"];
  for (const json& c : realloc["campaigns"]) {
    EXPECT_NE(c["campaign"], "Old brand") << c.dump();
    if (c["campaign"] == "Display") {
      EXPECT_LE(c["proposed_spend"].get<double>(), c["current_spend"].get<double>());
    }
  }
  EXPECT_NE(realloc["held"].dump().find("Old brand"), std::string::npos) << realloc.dump(1);
  EXPECT_EQ(realloc["period"]["start"], "2026-01-01");
  EXPECT_EQ(full["analysis"]["action_plan"]["period"], realloc["period"]);
}

TEST(Undated, EveryPreambleFormGivesThePeriodOrWholeTime) {
  const std::pair<std::string, const char*> forms[] = {
      {"January 1, 2026 - March 31, 2026", "2026-01-01"},
      {"1. Januar 2026 - 31. März 2026", "2026-01-01"},
      {"1 janv. 2026 - 31 mars 2026", "2026-01-01"},
      {"1 ene 2026 - 31 mar 2026", "2026-01-01"},
      {"1 de jan. de 2026 - 31 de mar. de 2026", "2026-01-01"},
      {"1 gen 2026 - 31 mar 2026", "2026-01-01"},
      {"All time", nullptr},
      {"Todo o período", nullptr},
  };
  for (const auto& [line, start] : forms) {
    Inputs in;
    in.add(undated_report(line), "campaigns.csv");
    const json doc = in.call("report.analyze", json::object());
    const json& dp = doc["declared_period"];
    ASSERT_TRUE(dp.is_object()) << line;
    if (start != nullptr) {
      EXPECT_EQ(dp["start"], start) << line;
      EXPECT_EQ(dp["end"], "2026-03-31") << line;
    } else {
      EXPECT_EQ(dp["whole"], true) << line;
      EXPECT_TRUE(dp["start"].is_null()) << line;
    }
    EXPECT_EQ(doc["inputs"][0]["period"]["stated"], line);
    // Cross-sectional facts whatever the form.
    EXPECT_NE(find_fact(in.facts("optimize"), "optimize.wasted_spend", "Display"), nullptr) << line;
  }
}

TEST(Plan, OneVerdictPerCampaignWithConflictsSetAside) {
  // Four steady campaigns at CPA $10, ROAS 4. "X" costs the same $100 a day
  // but converted 2 a day in the previous 30 days and 5 a day in the last 30:
  // its conversions rose 150% (150 vs 60: rising), yet at $20 it still pays
  // 1.8× the account's CPA ($500 / 45 a day = $11.11) at ROAS 2 (< 3.6): cut.
  std::vector<Row> rows;
  for (int c = 0; c < 4; ++c) {
    auto r = steady("C" + std::to_string(c), 0, 59, 10000, 200, 100, 10, 400);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  auto x1 = steady("X", 0, 29, 10000, 200, 100, 2, 80), x2 = steady("X", 30, 59, 10000, 200, 100, 5, 200);
  rows.insert(rows.end(), x1.begin(), x1.end());
  rows.insert(rows.end(), x2.begin(), x2.end());
  Inputs in;
  in.add(csv_of(rows), "x.csv");
  EXPECT_NE(find_fact(in.facts("optimize"), "optimize.high_cpa", "X"), nullptr);
  EXPECT_NE(find_fact(in.facts("grow"), "grow.rising_conversions", "X"), nullptr);
  const json full = in.call("report.analyze", {{"full", true}, {"days", 30}});
  const json& plan = full["analysis"]["action_plan"];
  int entries = 0;
  for (const char* when : {"immediate", "this_week", "this_month"}) {
    for (const json& a : plan["plan"][when]) {
      if (a["entities"][0]["name"] != "X") continue;
      ++entries;
      EXPECT_EQ(a["action"], "REDUCE_BUDGET") << a.dump(1);
      ASSERT_EQ(a["set_aside"].size(), 1u) << a.dump(1);
      EXPECT_EQ(a["set_aside"][0]["action"], "INCREASE_BUDGET");
      EXPECT_EQ(a["facts"].size(), 2u);
    }
  }
  EXPECT_EQ(entries, 1) << plan.dump(1);
  EXPECT_EQ(plan["period"]["start"], "2026-01-31");
  const json& realloc = full["analysis"]["by_currency"][0]["budget_reallocation"];
  for (const json& c : realloc["campaigns"]) {
    EXPECT_NEAR(c["current_spend"].get<double>(), 3000.0, 1e-9) << c.dump();  // the last 30 days, not all 60
    if (c["campaign"] == "X") {
      EXPECT_LE(c["proposed_spend"].get<double>(), 3000.0 + 1e-9);
    }
  }
  EXPECT_NE(realloc["held"].dump().find("\"X\""), std::string::npos) << realloc.dump(1);
}

// Daily rows with a type and status per campaign.
std::string typed_csv(const std::vector<std::tuple<std::string, std::string, std::string>>& campaigns,
                      const std::vector<Row>& rows) {
  std::string csv = "Day,Campaign,Campaign type,Campaign status,Impressions,Clicks,Cost,Conversions,Conv. value\n";
  char buf[256];
  for (const Row& r : rows) {
    std::string type, status;
    for (const auto& [name, t, s] : campaigns) {
      if (name == r.campaign) type = t, status = s;
    }
    std::snprintf(buf, sizeof buf, "%s,%s,%s,%s,%.0f,%.0f,%.2f,%.0f,%.2f\n", date_of(r.day).c_str(), r.campaign.c_str(),
                  type.c_str(), status.c_str(), r.impressions, r.clicks, r.spend, r.conversions, r.value);
    csv += buf;
  }
  return csv;
}

TEST(Objectives, AwarenessIsNotJudgedByConversionsAndPausedGetsNoRaise) {
  std::vector<Row> rows;
  for (const char* c : {"S1", "S2", "S3"}) {
    auto r = steady(c, 0, 59, 10000, 300, 100, 10, 400);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  auto v = steady("V", 0, 59, 50000, 100, 80, 0, 0);  // spends, clicks, never converts
  auto p = steady("P", 0, 59, 10000, 300, 100, 30, 3000);  // ROAS 30 while it ran
  rows.insert(rows.end(), v.begin(), v.end());
  rows.insert(rows.end(), p.begin(), p.end());
  for (const char* vtype : {"Video", "Search"}) {
    Inputs in;
    in.add(typed_csv({{"S1", "Search", "Enabled"}, {"S2", "Search", "Enabled"}, {"S3", "Search", "Enabled"},
                      {"V", vtype, "Enabled"}, {"P", "Search", "Paused"}},
                     rows),
           "typed.csv");
    const json opt = in.facts("optimize");
    if (std::string(vtype) == "Video") {
      EXPECT_EQ(find_fact(opt, "optimize.wasted_spend", "V"), nullptr) << opt.dump(1);
    } else {
      EXPECT_NE(find_fact(opt, "optimize.wasted_spend", "V"), nullptr) << opt.dump(1);
    }
    const json grow = in.facts("grow");
    for (const json& f : grow["facts"]) EXPECT_NE(f["entity"]["name"], "P") << f.dump(1);
    const json full = in.call("report.analyze", {{"full", true}});
    for (const json& c : full["analysis"]["by_currency"][0]["budget_reallocation"]["campaigns"]) {
      EXPECT_NE(c["campaign"], "P") << c.dump();
    }
  }
}

TEST(Targets, TheExportsTargetIsTheYardstickWhenPresent) {
  // A: $3,000 for 100 conversions (CPA $30), B: $7,000 for 200 ($35);
  // account CPA $10,000 / 300 = $33.33: A is cheaper than the account.
  // Against its own target of $20, A is 50% over: a missed target.
  const std::string head = "Campaign report\nJanuary 1, 2026 - January 31, 2026\n";
  const std::string with = head + "Campaign,Impressions,Clicks,Cost,Conversions,Target CPA\n"
                                  "A,100000,3000,3000.00,100,20.00\nB,200000,6000,7000.00,200,--\n";
  const std::string without = head + "Campaign,Impressions,Clicks,Cost,Conversions\n"
                                     "A,100000,3000,3000.00,100\nB,200000,6000,7000.00,200\n";
  {
    Inputs in;
    in.add(with, "with.csv");
    const json opt = in.facts("optimize");
    const json* a = find_fact(opt, "optimize.missed_target_cpa", "A");
    ASSERT_NE(a, nullptr) << opt.dump(1);
    EXPECT_EQ((*a)["yardstick"], "target");
    EXPECT_EQ((*a)["details"]["target"], "20.00");
    EXPECT_NEAR((*a)["raw_value"].get<double>(), 30.0, 1e-9);
    EXPECT_NEAR((*a)["impact_raw"].get<double>(), 3000.0 - 100 * 20.0, 0.005);
    check_all_sentences(opt);
    // The request's targets win over the export's: A at $40 is fine, B at a
    // $50 target beats it by 30%.
    const json req = {{"targets", {{"A", {{"target_cpa", 40}}}, {"B", {{"target_cpa", 50}}}}}};
    EXPECT_TRUE(in.facts("optimize", req)["facts"].empty()) << in.facts("optimize", req).dump(1);
    const json grow = in.facts("grow", req);
    const json* b = find_fact(grow, "grow.beat_target_cpa", "B");
    ASSERT_NE(b, nullptr) << grow.dump(1);
    EXPECT_EQ((*b)["details"]["target"], "50.00");
    check_all_sentences(grow);
  }
  {
    Inputs in;
    in.add(without, "without.csv");
    EXPECT_TRUE(in.facts("optimize")["facts"].empty()) << in.facts("optimize").dump(1);  // A beats the account
  }
}

TEST(Duplicates, RepeatedRowsCountOnceByDefaultWithAWarning) {
  const std::vector<Row> once = steady("C1", 0, 9, 1000, 50, 25.5, 2, 60);
  std::vector<Row> thrice;
  for (int k = 0; k < 3; ++k) thrice.insert(thrice.end(), once.begin(), once.end());
  const double spend = 10 * 25.5;
  {
    Inputs in;
    in.add(csv_of(thrice), "thrice.csv");
    const json doc = in.call("report.analyze", json::object());
    EXPECT_NEAR(doc["totals"]["spend"].get<double>(), spend, 1e-9);
    const json& dup = doc["inputs"][0]["duplicates"];
    EXPECT_EQ(dup["count"], 20);
    EXPECT_EQ(dup["counted_once"], true);
    EXPECT_EQ(dup["first"][0]["row"], 12);  // header on line 1, the copy of line 2 on line 12
    EXPECT_EQ(dup["first"][0]["repeats"], 2);
    EXPECT_NE(doc["inputs"][0]["diagnostics"].dump().find("20 data rows repeat an earlier row"), std::string::npos);
  }
  {
    Inputs in;
    in.add(csv_of(thrice), "thrice.csv", {{"dedupe_rows", false}});
    const json doc = in.call("report.analyze", json::object());
    EXPECT_NEAR(doc["totals"]["spend"].get<double>(), 3 * spend, 1e-9);
    EXPECT_EQ(doc["inputs"][0]["duplicates"]["counted_once"], false);
  }
}

TEST(Duplicates, OverlappingInputsCountTheOverlapOnceFromTheNewest) {
  // January 1–31 at $100 a day, then a newer export of January 15 – February
  // 15 (restated: $120 a day). The 17 common days count once, from the newer.
  const std::string a = csv_of(steady("C1", 0, 30, 1000, 50, 100, 2, 60));
  const std::string b = csv_of(steady("C1", 14, 45, 1000, 50, 120, 2, 60));
  const double expected = 14 * 100.0 + 32 * 120.0;
  {
    Inputs in;
    in.add(a, "january.csv");
    in.add(b, "restated.csv");
    const json doc = in.call("report.analyze", {{"days", 7}});
    EXPECT_NEAR(doc["totals"]["spend"].get<double>(), expected, 1e-9);
    ASSERT_EQ(doc["overlaps"].size(), 1u) << doc["overlaps"].dump(1);
    const json& o = doc["overlaps"][0];
    EXPECT_EQ(o["kept"], "restated.csv");
    EXPECT_EQ(o["dropped"], "january.csv");
    EXPECT_EQ(o["days"], 17);
    EXPECT_EQ(o["first"], "2026-01-15");
    EXPECT_EQ(o["last"], "2026-01-31");
    EXPECT_EQ(o["campaigns"], 1);
  }
  {
    Inputs in;
    in.add(a, "january.csv");
    in.add(b, "restated.csv");
    const json doc = in.call("report.analyze", {{"days", 7}, {"dedupe_overlaps", false}});
    EXPECT_NEAR(doc["totals"]["spend"].get<double>(), 31 * 100.0 + 32 * 120.0, 1e-9);
    EXPECT_EQ(doc["overlaps"][0]["counted_once"], false);
  }
}

TEST(Funnel, AdClicksMeetOnlyPaidSessions) {
  Inputs in;
  in.add(csv_of(steady("C1", 0, 9, 10000, 200, 100, 5, 150)), "ads.csv");  // 2,000 clicks
  in.add("Session source / medium,Sessions,Engaged sessions,Key events\n"
         "google / cpc,1000,600,50\n"
         "facebook / paid_social,500,200,10\n"
         "google / organic,5000,3000,200\n"
         "(direct) / (none),2000,900,40\n",
         "ga4.csv");
  const json full = in.call("report.analyze", {{"full", true}});
  const json& j = full["analysis"]["web_journey"];
  ASSERT_TRUE(j.is_object()) << full["analysis"].dump(1);
  EXPECT_EQ(j["paid_only"], true);
  EXPECT_EQ(j["steps"][0]["name"], "Ad clicks");
  EXPECT_NEAR(j["steps"][0]["count"].get<double>(), 2000, 1e-9);
  EXPECT_EQ(j["steps"][1]["name"], "Paid sessions");
  EXPECT_NEAR(j["steps"][1]["count"].get<double>(), 1500, 1e-9);
  EXPECT_NEAR(j["steps"][2]["count"].get<double>(), 800, 1e-9);
  EXPECT_NEAR(j["steps"][3]["count"].get<double>(), 60, 1e-9);
  EXPECT_NEAR(j["other_sessions"]["sessions"].get<double>(), 7000, 1e-9);
  EXPECT_NEAR(j["other_sessions"]["key_events"].get<double>(), 240, 1e-9);
  EXPECT_NEAR(j["overall_conversion"].get<double>(), 60.0 / 2000.0, 1e-9);
}

TEST(Formats, SentencesUseTheRequestsOrTheFilesLocale) {
  auto rows = flat(11, 4, 60, 0.05);
  double wasted = 0;
  for (Row& r : rows) {
    if (r.campaign == "Campaign 2") {
      r.conversions = 0;
      r.value = 0;
      if (r.day >= 30) wasted += r.spend;
    }
  }
  Inputs in;
  in.add(csv_of(rows), "t.csv");
  const json de = in.facts("optimize", {{"locale", "de-DE"}});
  EXPECT_EQ(de["format"]["locale"], "de");
  EXPECT_EQ(de["format"]["source"], "request");
  const json* f = find_fact(de, "optimize.wasted_spend", "Campaign 2");
  ASSERT_NE(f, nullptr) << de.dump(1);
  // The amount written the German way, computed here: grouping '.', no cents
  // from 1,000 up, the symbol after a no-break space.
  const long whole = std::lround(wasted);
  std::string digits = std::to_string(whole), grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += '.';
    grouped += digits[i];
  }
  EXPECT_EQ((*f)["value"], grouped + "\u00a0$");
  EXPECT_NE((*f)["sentence"].get<std::string>().find(grouped + "\u00a0$"), std::string::npos);
  // Every number of every German sentence is still one of its fact's fields.
  static const std::regex german(R"([+-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?)");
  for (const json& x : de["facts"]) expect_sentence_numbers_are_facts(x, &german);

  // A German export writes German without being asked; a currency can be set.
  Inputs g;
  g.add("Tag,Kampagne,Impressionen,Klicks,Kosten,Conversions\n2026-01-01,A,\"1.000\",\"50\",\"1.234,50\",\"2\"\n", "de.csv");
  const json doc = g.call("report.analyze", {{"currency", "EUR"}});
  EXPECT_EQ(doc["format"]["locale"], "de");
  EXPECT_EQ(doc["format"]["source"], "file");
  EXPECT_EQ(doc["currencies"][0], "EUR");
  EXPECT_NEAR(doc["totals"]["spend"].get<double>(), 1234.5, 1e-9);
}

}  // namespace
}  // namespace glint
