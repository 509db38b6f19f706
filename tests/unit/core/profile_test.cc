// Column profiles of tables whose figures are known by construction
// (tests/data/profile_mixed.csv: ten rows, the last one a duplicate), and the
// sketches' error bounds on generated data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "glint/engine.h"
#include "test_util.h"
#include "glint/profile.h"

namespace glint {
namespace {

using nlohmann::json;

using testing::slurp;

json call(const json& request, std::string_view bytes) { return testing::call_method("profile", request, bytes); }

std::map<std::string, json> by_name(const json& report) {
  std::map<std::string, json> out;
  for (const json& c : report["columns"]) out[c["name"]] = c;
  return out;
}

bool has_alert(const json& report, const std::string& type, const json& column) {
  for (const json& a : report["alerts"]) {
    if (a["type"] == type && a["column"] == column) return true;
  }
  return false;
}

TEST(Profile, ColumnsAreTypedAndDescribed) {
  const json r = call(json::object(), slurp("profile_mixed.csv"));
  ASSERT_FALSE(r.contains("error")) << r.dump();
  auto c = by_name(r);
  EXPECT_EQ(c["id"]["type"], "identifier");
  EXPECT_EQ(c["date"]["type"], "date");
  EXPECT_EQ(c["channel"]["type"], "categorical");
  EXPECT_EQ(c["spend"]["type"], "money");
  EXPECT_EQ(c["spend"]["currency"], "USD");
  EXPECT_EQ(c["ctr"]["type"], "percent");
  EXPECT_EQ(c["clicks"]["type"], "integer");
  EXPECT_EQ(c["converted"]["type"], "boolean");
  EXPECT_EQ(c["notes"]["type"], "categorical");
  EXPECT_EQ(c["empty_col"]["type"], "empty");
  // clicks: 0 0 10 20 30 40 70 80 90 90.
  const json& k = c["clicks"];
  EXPECT_EQ(k["count"], 10);
  EXPECT_EQ(k["distinct"], 8);
  EXPECT_EQ(k["zeros"], 2);
  EXPECT_EQ(k["negatives"], 0);
  EXPECT_EQ(k["min"], 0);
  EXPECT_EQ(k["max"], 90);
  EXPECT_DOUBLE_EQ(k["mean"].get<double>(), 43);
  EXPECT_DOUBLE_EQ(k["quantiles"]["p25"].get<double>(), 12.5);
  EXPECT_DOUBLE_EQ(k["quantiles"]["p50"].get<double>(), 35);
  EXPECT_DOUBLE_EQ(k["quantiles"]["p75"].get<double>(), 77.5);
  EXPECT_DOUBLE_EQ(k["quantiles"]["p95"].get<double>(), 90);
  EXPECT_TRUE(k["quantiles_exact"].get<bool>());
  uint64_t in_bins = 0;
  for (const json& b : k["histogram"]) in_bins += b["count"].get<uint64_t>();
  EXPECT_EQ(in_bins, 10u);
  // ctr is read as fractions; spend as money.
  EXPECT_DOUBLE_EQ(c["ctr"]["min"].get<double>(), 0.015);
  EXPECT_DOUBLE_EQ(c["spend"]["max"].get<double>(), 90);
  // notes: 4 of 10 missing; channel's most frequent value.
  EXPECT_EQ(c["notes"]["missing"], 4);
  EXPECT_DOUBLE_EQ(c["notes"]["missing_share"].get<double>(), 0.4);
  EXPECT_EQ(c["channel"]["top_values"][0], json({{"value", "google"}, {"count", 6}}));
  EXPECT_EQ(c["channel"]["top_values"][1]["value"], "email");  // ties by value
  // Dates: Mar 1 to Mar 11 without Mar 4 and Mar 9.
  const json& d = c["date"]["date"];
  EXPECT_EQ(d["min"], "2026-03-01");
  EXPECT_EQ(d["max"], "2026-03-11");
  EXPECT_EQ(d["missing_days"], 2);
  EXPECT_EQ(d["gaps"][0]["start"], "2026-03-04");
  EXPECT_EQ(d["gaps"][1]["start"], "2026-03-09");
  // Table level.
  EXPECT_EQ(r["table"]["rows"], 10);
  EXPECT_EQ(r["table"]["duplicate_rows"], 1);
  EXPECT_TRUE(r["table"]["duplicate_rows_exact"].get<bool>());
  EXPECT_TRUE(has_alert(r, "date_gaps", "date"));
  EXPECT_TRUE(has_alert(r, "all_missing", "empty_col"));
  EXPECT_TRUE(has_alert(r, "constant", "constant"));
  EXPECT_TRUE(has_alert(r, "duplicate_rows", nullptr));
  EXPECT_FALSE(has_alert(r, "high_missing", "notes"));
}

TEST(Profile, CorrelationsPearsonAndSpearman) {
  const json r = call(json::object(), slurp("profile_mixed.csv"));
  const json& corr = r["correlations"];
  EXPECT_EQ(corr["columns"], json::array({"spend", "ctr", "clicks"}));
  EXPECT_DOUBLE_EQ(corr["pearson"][0][1].get<double>(),
                   1.0);  // spend and ctr rise together, linearly
  EXPECT_DOUBLE_EQ(corr["spearman"][0][1].get<double>(), 1.0);
  EXPECT_EQ(corr["pearson"][1][0], corr["pearson"][0][1]);
  // A monotone but not linear pair: Spearman 1, Pearson below.
  const json m = call(json::object(), "x,y\n1,1\n2,4\n3,9\n4,16\n5,1000\n");
  EXPECT_DOUBLE_EQ(m["correlations"]["spearman"][0][1].get<double>(), 1.0);
  EXPECT_LT(m["correlations"]["pearson"][0][1].get<double>(), 0.8);
}

TEST(Profile, AlertsFollowTheThresholds) {
  const std::string csv = "a,b,c\n0,,x1\n0,,x2\n0,,x3\n5,1,x4\n1000,,x5\n";
  const json r = call(json::object(), csv);
  EXPECT_TRUE(has_alert(r, "many_zeros", "a"));
  EXPECT_TRUE(has_alert(r, "high_missing", "b"));
  const json relaxed =
      call({{"thresholds", {{"zeros_share", 0.9}, {"high_missing_share", 0.9}}}}, csv);
  EXPECT_FALSE(has_alert(relaxed, "many_zeros", "a"));
  EXPECT_FALSE(has_alert(relaxed, "high_missing", "b"));
  // Values that do not fit the column's type are counted and shown.
  const json mixed = call(json::object(),
                          "n\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20"
                          "\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38"
                          "\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50\noops\n");
  auto c = by_name(mixed);
  EXPECT_EQ(c["n"]["type"], "integer");
  EXPECT_EQ(c["n"]["nonconforming"], 1);
  EXPECT_EQ(c["n"]["nonconforming_examples"][0], "oops");
  EXPECT_TRUE(has_alert(mixed, "mixed_types", "n"));
}

TEST(Profile, OneColumnAllNullAndEmptyInputs) {
  const json one = call(json::object(), slurp("profile_one_column.csv"));
  ASSERT_FALSE(one.contains("error")) << one.dump();
  EXPECT_EQ(one["table"]["columns"], 1);
  EXPECT_EQ(one["columns"][0]["distinct"], 3);
  const json nulls = call(json::object(), "a,b\n,N/A\n--,\n");
  ASSERT_FALSE(nulls.contains("error")) << nulls.dump();
  for (const json& c : nulls["columns"]) {
    EXPECT_EQ(c["type"], "empty");
    EXPECT_TRUE(c["min"].is_null());
  }
  EXPECT_EQ(call(json::object(), "")["error"]["code"], "empty_input");
  EXPECT_EQ(call(json::object(), "a,b\n")["error"]["code"], "no_data");
  EXPECT_EQ(call({{"top_values", 0}}, "a\n1\n")["error"]["code"], "invalid_request");
}

TEST(Profile, HtmlReportIsSelfContained) {
  const json r = call({{"html", true}}, slurp("profile_mixed.csv"));
  ASSERT_TRUE(r["html"].is_string());
  const std::string html = r["html"].get<std::string>();
  EXPECT_TRUE(html.starts_with("<!doctype html>"));
  for (const char* banned : {"http://", "https://", "<script", "src=", "@import", "url("}) {
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("2 day(s) between 2026-03-01 and 2026-03-11"), std::string::npos);
  EXPECT_FALSE(call(json::object(), slurp("profile_mixed.csv")).contains("html"));
}

TEST(Profile, QuantileSketchStaysWithinItsStatedBound) {
  QuantileSketch s;
  const uint64_t n = 1'000'000;
  std::vector<double> all;
  all.reserve(n);
  uint64_t seed = 7;
  for (uint64_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    const double v = static_cast<double>(seed >> 20) / 1e6;
    all.push_back(v);
    s.add(v);
  }
  EXPECT_FALSE(s.exact());
  EXPECT_GT(s.rank_error(), 0u);
  EXPECT_LE(s.rank_error(), n * 10 / 4096);  // n · levels / k with at most 10 levels here
  std::sort(all.begin(), all.end());
  for (double p : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double q = s.quantile(p);
    const auto rank =
        static_cast<double>(std::lower_bound(all.begin(), all.end(), q) - all.begin());
    EXPECT_LE(std::fabs(rank - p * static_cast<double>(n)), static_cast<double>(s.rank_error()) + 1)
        << p;
  }
  const std::vector<uint64_t> h = s.histogram(all.front(), all.back(), 10);
  uint64_t total = 0;
  for (uint64_t c : h) total += c;
  EXPECT_EQ(total, n);
  QuantileSketch small;
  for (double v : {3.0, 1.0, 2.0, 4.0}) small.add(v);
  EXPECT_TRUE(small.exact());
  EXPECT_DOUBLE_EQ(small.quantile(0.5), 2.5);
}

TEST(Profile, DistinctCountIsExactThenWithinHyperLogLogError) {
  DistinctCounter exact;
  for (uint64_t i = 0; i < 50'000; ++i) exact.add(i * 0x9E3779B97F4A7C15ull + 1);
  EXPECT_TRUE(exact.exact());
  EXPECT_EQ(exact.estimate(), 50'000u);
  DistinctCounter big;
  uint64_t h = 1;
  for (uint64_t i = 0; i < 1'000'000; ++i) {
    h ^= h << 13;
    h ^= h >> 7;
    h ^= h << 17;
    big.add(h);
  }
  EXPECT_FALSE(big.exact());
  EXPECT_NEAR(static_cast<double>(big.estimate()), 1e6, 1e6 * 0.0081 * 4);  // four standard errors
}

TEST(Profile, LargeColumnsSwitchToSketchesAndSaySo) {
  std::string csv = "user,amount,segment\n";
  for (int i = 0; i < 120'000; ++i) {
    csv += "u" + std::to_string(i) + "," + std::to_string(i % 997) + "." + std::to_string(i % 10) +
           ",s" + std::to_string(i % 5) + "\n";
  }
  const json r = call(json::object(), csv);
  auto c = by_name(r);
  EXPECT_EQ(c["user"]["type"], "identifier");
  EXPECT_FALSE(c["user"]["distinct_exact"].get<bool>());
  EXPECT_NEAR(c["user"]["distinct"].get<double>(), 120'000, 120'000 * 0.0081 * 4);
  EXPECT_FALSE(c["user"]["top_values_exact"].get<bool>());
  EXPECT_FALSE(c["amount"]["quantiles_exact"].get<bool>());
  EXPECT_GT(c["amount"]["quantile_rank_error"].get<uint64_t>(), 0u);
  EXPECT_NEAR(c["amount"]["quantiles"]["p50"].get<double>(), 498, 5);
  EXPECT_EQ(c["segment"]["type"], "categorical");
  EXPECT_TRUE(c["segment"]["distinct_exact"].get<bool>());
  EXPECT_EQ(c["segment"]["top_values"][0]["count"], 24'000);
}

}  // namespace
}  // namespace glint
