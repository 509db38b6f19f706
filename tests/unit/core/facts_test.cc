// Bronze facts on datasets where the right fact is known by construction.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

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

std::string csv_of(const std::vector<Row>& rows) {
  std::string csv = "Day,Campaign,Impressions,Clicks,Cost (USD),Conversions,Conv. value\n";
  char buf[256];
  for (const Row& r : rows) {
    std::snprintf(buf, sizeof buf, "%s,%s,%.0f,%.0f,%.2f,%.0f,%.2f\n", date_of(r.day).c_str(), r.campaign.c_str(),
                  r.impressions, r.clicks, r.spend, r.conversions, r.value);
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
void expect_sentence_numbers_are_facts(const json& fact) {
  const std::string sentence = fact["sentence"];
  EXPECT_EQ(sentence.find('{'), std::string::npos) << sentence;
  std::set<std::string> shown = {fact["value"].get<std::string>()};
  for (const char* k : {"previous_formatted", "change", "impact"}) {
    if (fact[k].is_string()) shown.insert(fact[k].get<std::string>());
  }
  for (const auto& [k, v] : fact["details"].items()) shown.insert(v.get<std::string>());
  // Numbers as the formatter writes them: optional sign and symbol, digits with
  // thousands commas, decimals, then %, x or " pts".
  static const std::regex number(R"([+-]?(?:[$€£]|USD )?\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:%| pts|x)?)");
  for (auto it = std::sregex_iterator(sentence.begin(), sentence.end(), number); it != std::sregex_iterator(); ++it) {
    const std::string tok = it->str();
    bool found = false;
    for (const std::string& s : shown) found |= s.find(tok) != std::string::npos;
    // The period length and ISO dates are not measurements.
    const bool period = tok == "30" || tok == "7" || tok == "14" || tok == "3" || tok == "2026";
    const bool in_date = std::regex_search(sentence, std::regex("\\d{4}-\\d{2}-\\d{2}")) && tok.size() <= 4;
    EXPECT_TRUE(found || period || in_date) << "'" << tok << "' in: " << sentence;
  }
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

}  // namespace
}  // namespace glint
