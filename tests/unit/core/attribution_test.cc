// Attribution on journeys whose credit is computed by hand
// (tests/data/attribution_journeys.csv):
//   A: google (Mar 1) → facebook (Mar 3) → email (Mar 8, converts, 100)
//   B: facebook (converts, 50); later google → a conversion row without channel (20)
//   C: google → google (converts, 30)          D, E: display, no conversion
//   F: email → facebook, no conversion          G: a conversion (10) with no touchpoint
//   H: two rows with unparsable timestamps (skipped, diagnosed)
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "glint/attribution.h"
#include "glint/engine.h"
#include "test_util.h"
#include "tables/table_util.h"

namespace glint {
namespace {

using nlohmann::json;

using testing::slurp;

json call(const json& request, std::string_view bytes) { return testing::call_method("attribution", request, bytes); }

// Micro-units of a JSON number written by core (integers or ≤ 6 decimals).
int64_t micros(const json& v) { return std::llround(v.get<double>() * 1e6); }

// channel → (conversions, revenue) in micro-units, for one model of a report.
std::map<std::string, std::pair<int64_t, int64_t>> credit(const json& report,
                                                          const std::string& model) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const json& m : report["models"]) {
    if (m["model"] != model) continue;
    for (const json& c : m["channels"])
      out[c["channel"]] = {micros(c["conversions"]), micros(c["revenue"])};
  }
  return out;
}

using Credit = std::pair<int64_t, int64_t>;

TEST(Attribution, RuleBasedModelsMatchHandComputedCredit) {
  const json r = call({{"model", "all"}}, slurp("attribution_journeys.csv"));
  ASSERT_FALSE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["totals"]["journeys"], 8);
  EXPECT_EQ(r["totals"]["converting_journeys"], 5);
  EXPECT_EQ(r["totals"]["conversions"], 5);
  EXPECT_EQ(r["totals"]["revenue"], 210);
  auto first = credit(r, "first");
  EXPECT_EQ(first["google"], Credit(3'000'000, 150'000'000));
  EXPECT_EQ(first["facebook"], Credit(1'000'000, 50'000'000));
  EXPECT_EQ(first["(none)"], Credit(1'000'000, 10'000'000));
  EXPECT_EQ(first["email"], Credit(0, 0));
  auto last = credit(r, "last");
  EXPECT_EQ(last["email"], Credit(1'000'000, 100'000'000));
  EXPECT_EQ(last["google"], Credit(2'000'000, 50'000'000));
  // Linear: A's thirds round to 0.333334 / 0.333333 / 0.333333 (the leftover micro-unit to the
  // first).
  auto linear = credit(r, "linear");
  EXPECT_EQ(linear["google"], Credit(2'333'334, 83'333'334));
  EXPECT_EQ(linear["facebook"], Credit(1'333'333, 83'333'333));
  EXPECT_EQ(linear["email"], Credit(333'333, 33'333'333));
  // Position based 40/20/40; C's two touchpoints split 50/50 (both google).
  auto position = credit(r, "position_based");
  EXPECT_EQ(position["google"], Credit(2'400'000, 90'000'000));
  EXPECT_EQ(position["facebook"], Credit(1'200'000, 70'000'000));
  EXPECT_EQ(position["email"], Credit(400'000, 40'000'000));
  // Time decay, half-life 7 days: A's touchpoints are 7, 5 and 0 days old.
  const double wg = 0.5, wf = std::pow(2.0, -5.0 / 7.0), we = 1.0, sum = wg + wf + we;
  auto decay = credit(r, "time_decay");
  EXPECT_NEAR(static_cast<double>(decay["email"].first), 1e6 * we / sum, 1.0);
  EXPECT_NEAR(static_cast<double>(decay["facebook"].first), 1e6 * (1 + wf / sum), 1.0);
  EXPECT_NEAR(static_cast<double>(decay["google"].second), 1e6 * (100 * wg / sum + 30 + 20), 1.0);
}

TEST(Attribution, MarkovRemovalEffectsMatchTheAbsorbingChain) {
  // P(conv) = 5/8; removing google 0.3 → effect 0.52; facebook 0.4375 → 0.3;
  // email 11/24 → 4/15; (none) 0.5 → 0.2; display leads only to null → 0.
  const json r = call({{"model", "markov"}}, slurp("attribution_journeys.csv"));
  const json& m = r["models"][0];
  EXPECT_DOUBLE_EQ(m["conversion_probability"].get<double>(), 0.625);
  std::map<std::string, json> by;
  for (const json& c : m["channels"]) by[c["channel"]] = c;
  EXPECT_NEAR(by["google"]["removal_effect"].get<double>(), 0.52, 1e-6);
  EXPECT_NEAR(by["facebook"]["removal_effect"].get<double>(), 0.3, 1e-6);
  EXPECT_NEAR(by["email"]["removal_effect"].get<double>(), 4.0 / 15, 1e-6);
  EXPECT_NEAR(by["(none)"]["removal_effect"].get<double>(), 0.2, 1e-6);
  // Shares 78:45:40:30 of 193; 5 conversions → 2.020725 / 1.165803 / 1.036270 / 0.777202
  // (floors leave one micro-unit, to email's largest remainder).
  EXPECT_EQ(micros(by["google"]["conversions"]), 2'020'725);
  EXPECT_EQ(micros(by["facebook"]["conversions"]), 1'165'803);
  EXPECT_EQ(micros(by["email"]["conversions"]), 1'036'270);
  EXPECT_EQ(micros(by["(none)"]["conversions"]), 777'202);
}

TEST(Attribution, ChannelOnlyInJourneysThatDidNotConvertGetsNoCredit) {
  const json r = call({{"model", "all"}}, slurp("attribution_journeys.csv"));
  for (const json& m : r["models"]) {
    bool seen = false;
    for (const json& c : m["channels"]) {
      if (c["channel"] != "display") continue;
      seen = true;
      EXPECT_EQ(c["touchpoints"], 2);
      EXPECT_EQ(c["converting_touchpoints"], 0);
      EXPECT_EQ(c["conversions"], 0) << m["model"];
      EXPECT_EQ(c["revenue"], 0) << m["model"];
    }
    EXPECT_TRUE(seen);
  }
}

TEST(Attribution, EveryModelConservesConversionsAndRevenueExactly) {
  // 3,000 generated journeys with awkward values (thirds, sevenths, fractional conversions).
  std::string csv = "journey_id,event_time,utm_source,conversion,conversion_value\n";
  uint64_t seed = 12345;
  auto next = [&seed]() {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(seed >> 33);
  };
  const char* channels[] = {"google", "meta", "email", "tiktok", "direct", "affiliate", "display"};
  int64_t want_conv = 0, want_rev = 0;
  for (int j = 0; j < 3000; ++j) {
    const int touches = 1 + static_cast<int>(next() % 6);
    for (int t = 0; t < touches; ++t) {
      const bool last = t + 1 == touches;
      const bool converts = last && next() % 3 == 0;
      const int64_t conv = converts ? (next() % 4 == 0 ? 500'000 : 1'000'000) : 0;
      const int64_t rev =
          converts ? static_cast<int64_t>(next() % 100'000) * 10'000 + 3'330'000 : 0;
      want_conv += conv;
      want_rev += rev;
      char line[160];
      std::snprintf(line, sizeof line, "j%d,2026-03-%02d %02d:%02d:00,%s,%s,%s\n", j, 1 + t * 3,
                    next() % 24, next() % 60, channels[next() % 7],
                    converts ? (conv == 500'000 ? "0.5" : "1") : "0",
                    converts ? (std::to_string(rev / 1'000'000) + "." +
                                std::to_string(rev % 1'000'000 / 10'000 + 100).substr(1))
                                   .c_str()
                             : "");
      csv += line;
    }
  }
  const json r = call({{"model", "all"}, {"half_life_days", 3}}, csv);
  ASSERT_FALSE(r.contains("error")) << r.dump().substr(0, 300);
  EXPECT_EQ(micros(r["totals"]["conversions"]), want_conv);
  EXPECT_EQ(micros(r["totals"]["revenue"]), want_rev);
  ASSERT_EQ(r["models"].size(), 6u);
  for (const json& m : r["models"]) {
    int64_t c = 0, v = 0;
    for (const json& ch : m["channels"]) {
      c += micros(ch["conversions"]);
      v += micros(ch["revenue"]);
    }
    EXPECT_EQ(c, want_conv) << m["model"];
    EXPECT_EQ(v, want_rev) << m["model"];
    EXPECT_EQ(micros(m["conversions"]), want_conv);
    EXPECT_EQ(micros(m["revenue"]), want_rev);
  }
}

TEST(Attribution, SingleChannelJourneyTakesAllTheCredit) {
  const std::string csv =
      "user_id,timestamp,channel,converted,value\nu,2026-03-01 10:00,seo,0,\n"
      "u,2026-03-02 10:00,seo,0,\nu,2026-03-03 10:00,seo,1,99.99\n";
  const json r = call({{"model", "all"}}, csv);
  for (const json& m : r["models"]) {
    ASSERT_EQ(m["channels"].size(), 1u);
    EXPECT_EQ(m["channels"][0]["conversions"], 1) << m["model"];
    EXPECT_DOUBLE_EQ(m["channels"][0]["revenue"].get<double>(), 99.99) << m["model"];
    EXPECT_DOUBLE_EQ(m["channels"][0]["weight"].get<double>(), 1.0);
  }
}

TEST(Attribution, PositionWeightsAndHalfLifeAreParameters) {
  const json r = call({{"model", "position_based"}, {"first_weight", 0.5}, {"last_weight", 0.5}},
                      slurp("attribution_journeys.csv"));
  auto pos = credit(r, "position_based");
  EXPECT_EQ(pos["facebook"], Credit(1'000'000, 50'000'000));  // A's middle touch gets nothing
  EXPECT_EQ(pos["email"], Credit(500'000, 50'000'000));
  AttributionOptions o;
  o.half_life_days = 7;
  const int64_t day = 86'400'000;
  const std::vector<int64_t> touches = {0, 7 * day};
  const std::vector<double> w = touch_shares(AttributionModel::kTimeDecay, touches, 7 * day, o);
  EXPECT_NEAR(w[0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(w[1], 2.0 / 3, 1e-12);
  o.first_weight = 0.3;
  o.last_weight = 0.3;
  const std::vector<int64_t> four = {0, 1, 2, 3};
  const std::vector<double> p = touch_shares(AttributionModel::kPositionBased, four, 3, o);
  EXPECT_NEAR(p[1], 0.2, 1e-12);
  EXPECT_NEAR(p[3], 0.3, 1e-12);
  EXPECT_EQ(call({{"first_weight", 0.7}, {"last_weight", 0.7}}, "x")["error"]["code"],
            "invalid_request");
  EXPECT_EQ(call({{"half_life_days", 0}}, "x")["error"]["code"], "invalid_request");
}

TEST(Attribution, LargestRemainderIsExactWithTiesToTheFirst) {
  std::vector<int64_t> out(3);
  const std::vector<double> thirds = {1, 1, 1};
  table::largest_remainder(thirds, 100, out);
  EXPECT_EQ(out, (std::vector<int64_t>{34, 33, 33}));
  table::largest_remainder(thirds, -100, out);
  EXPECT_EQ(out, (std::vector<int64_t>{-34, -33, -33}));
  const std::vector<double> skew = {0.7, 0.2, 0.1};
  table::largest_remainder(skew, 7, out);
  EXPECT_EQ(out[0] + out[1] + out[2], 7);
  EXPECT_EQ(out, (std::vector<int64_t>{5, 1, 1}));
}

TEST(Attribution, MarkovChainSolvesSmallChainsExactly) {
  // Two channels: start → a → conv, start → b → null, start → a → b → null.
  MarkovChain chain(2);
  const std::vector<uint32_t> a = {0}, b = {1}, ab = {0, 1};
  chain.add_path(a, true);
  chain.add_path(b, false);
  chain.add_path(ab, false);
  // x_a = 1/2 + 1/2·x_b, x_b = 0 → 1/2; start: (2·x_a + x_b)/3 = 1/3.
  EXPECT_NEAR(chain.conversion_probability(), 1.0 / 3, 1e-12);
  const std::vector<double> re = chain.removal_effects();
  EXPECT_NEAR(re[0], 1.0, 1e-12);
  EXPECT_NEAR(re[1], 0.0, 1e-12);
}

TEST(Attribution, UnreadableRowsAreDiagnosedAndMissingColumnsNamed) {
  const json r = call({{"model", "last"}}, slurp("attribution_journeys.csv"));
  const json& d = r["diagnostics"]["entries"];
  ASSERT_GE(d.size(), 2u);
  EXPECT_EQ(d[0]["row"], 15);
  EXPECT_EQ(d[0]["column"], "timestamp");
  EXPECT_EQ(d[1]["row"], 16);
  const json no = call(json::object(), slurp("attribution_no_channel.csv"));
  EXPECT_EQ(no["error"]["code"], "no_header");
  EXPECT_NE(no["error"]["message"].get<std::string>().find("timestamp"), std::string::npos);
  EXPECT_EQ(call({{"model", "shapley"}}, "x")["error"]["code"], "invalid_request");
  EXPECT_EQ(call(json::object(), "")["error"]["code"], "empty_input");
  const json none = call(json::object(), "user_id,timestamp,channel,converted\nu,never,seo,1\n");
  EXPECT_EQ(none["error"]["code"], "no_data");
}

}  // namespace
}  // namespace glint
