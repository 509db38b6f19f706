// Funnels on data whose answers are known by construction: tests/data/
// funnel_events.csv is counted by hand in its comments below (ties,
// out-of-order rows, events outside the window, offsets, epoch times).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "glint/engine.h"
#include "test_util.h"
#include "glint/funnel.h"
#include "tables/table_util.h"

namespace glint {
namespace data {
extern const std::string_view k_locales_json;
}  // namespace data
namespace {

using nlohmann::json;

constexpr const char* kSteps = "Visit,View Product,Add to Cart,Checkout,Purchase";

using testing::slurp;

json call(const json& request, std::string_view bytes) { return testing::call_method("funnel", request, bytes); }

std::vector<int64_t> counts(const json& steps) {
  std::vector<int64_t> out;
  for (const json& s : steps) out.push_back(s["count"].get<int64_t>());
  return out;
}

// Users of funnel_events.csv (ordered, 7-day window):
//   u1 all five steps; u2 three; u3 Visit → Add to Cart → View Product → Add to Cart (three in
//   order); u4 five, rows in reverse order; u5 View Product 8 days after Visit (outside the
//   window); u6 Visit and View Product at the same second, listed in reverse; u7 only Scroll; u8
//   Scroll between Visit and View Product; u9 unparsable timestamp; a row without id; u10 Visit at
//   10:00+02:00, View Product at 09:00Z (an hour later); u11 epoch seconds then milliseconds (60 s
//   later); u12 View Product before Visit.
TEST(Funnel, EventRowsCountUsersThroughStepsInOrder) {
  const json r = call({{"steps", kSteps}}, slurp("funnel_events.csv"));
  ASSERT_FALSE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["mode"], "events");
  EXPECT_EQ(counts(r["steps"]), (std::vector<int64_t>{10, 8, 4, 2, 2}));
  EXPECT_EQ(r["users"], 11);
  EXPECT_DOUBLE_EQ(r["overallConversion"].get<double>(), 0.2);
  const json& view = r["steps"][1];
  EXPECT_DOUBLE_EQ(view["percentage"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(view["conversion_from_previous"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(view["dropoff"].get<double>(), 0.2);
  EXPECT_EQ(view["dropoff_count"], 2);
  // Visit → View Product: 0, 60, 60, 120, 120, 300, 600, 3600 s.
  EXPECT_DOUBLE_EQ(view["median_seconds_from_previous"].get<double>(), 120);
  EXPECT_DOUBLE_EQ(view["p90_seconds_from_previous"].get<double>(), 1500);
  // → Add to Cart: 120, 300, 300, 600; → Checkout and → Purchase: 120, 600.
  EXPECT_DOUBLE_EQ(r["steps"][2]["median_seconds_from_previous"].get<double>(), 300);
  EXPECT_DOUBLE_EQ(r["steps"][2]["p90_seconds_from_previous"].get<double>(), 510);
  EXPECT_DOUBLE_EQ(r["steps"][3]["median_seconds_from_previous"].get<double>(), 360);
  EXPECT_DOUBLE_EQ(r["steps"][4]["p90_seconds_from_previous"].get<double>(), 552);
  EXPECT_TRUE(r["steps"][0]["median_seconds_from_previous"].is_null());
  // First to last step: u1 30 min, u4 8 min.
  EXPECT_DOUBLE_EQ(r["time_to_convert"]["median_seconds"].get<double>(), 1140);
  // The unparsable timestamp and the row without an id, by line.
  ASSERT_EQ(r["diagnostics"]["total"], 2);
  EXPECT_EQ(r["diagnostics"]["entries"][0]["row"], 27);
  EXPECT_EQ(r["diagnostics"]["entries"][0]["column"], "timestamp");
  EXPECT_EQ(r["diagnostics"]["entries"][1]["row"], 28);
}

TEST(Funnel, StrictOrderAllowsNoOtherEventBetweenSteps) {
  // u3 (Add to Cart right after Visit) and u8 (Scroll between) stop at Visit.
  const json r = call({{"steps", kSteps}, {"order", "strict"}}, slurp("funnel_events.csv"));
  EXPECT_EQ(counts(r["steps"]), (std::vector<int64_t>{10, 6, 3, 2, 2}));
}

TEST(Funnel, AnyOrderIgnoresOrderButNotTheWindow) {
  // u12 (View Product before Visit) now counts; u5 is still outside the window.
  const json r = call({{"steps", kSteps}, {"order", "any"}}, slurp("funnel_events.csv"));
  EXPECT_EQ(counts(r["steps"]), (std::vector<int64_t>{10, 9, 4, 2, 2}));
  EXPECT_TRUE(r["steps"][1]["median_seconds_from_previous"].is_null());
}

TEST(Funnel, WindowIsInclusiveAndCountedFromTheFirstStep) {
  const std::string data = slurp("funnel_events.csv");
  EXPECT_EQ(call({{"steps", kSteps}, {"window", "8d"}}, data)["steps"][1]["count"],
            9);  // u5: exactly 8 days
  EXPECT_EQ(call({{"steps", kSteps}, {"window", 691199}}, data)["steps"][1]["count"], 8);
  EXPECT_EQ(call({{"steps", kSteps}, {"window", "none"}}, data)["steps"][1]["count"], 9);
  // A window of 90 seconds keeps only the fast View Products (u6 0 s, u2 and u11 60 s).
  EXPECT_EQ(call({{"steps", kSteps}, {"window", "90s"}}, data)["steps"][1]["count"], 3);
}

TEST(Funnel, TiesAreTakenInFunnelOrder) {
  const std::string csv =
      "user_id,event_name,time\n"
      "a,Add to Cart,2026-03-01 10:00\n"
      "a,View Product,2026-03-01 10:00\n"
      "a,Visit,2026-03-01 10:00\n";
  const json r = call({{"steps", "Visit,View Product,Add to Cart"}, {"order", "strict"}}, csv);
  EXPECT_EQ(counts(r["steps"]), (std::vector<int64_t>{1, 1, 1}));
  EXPECT_DOUBLE_EQ(r["steps"][2]["median_seconds_from_previous"].get<double>(), 0);
}

TEST(Funnel, BreakdownGivesTheSameFiguresPerValue) {
  const json r = call({{"steps", kSteps}, {"breakdown", "source"}}, slurp("funnel_events.csv"));
  const json& values = r["breakdown"]["values"];
  ASSERT_EQ(values.size(), 4u);
  // u3's later rows say google; the earliest says facebook, which counts.
  EXPECT_EQ(values[0]["value"], "google");
  EXPECT_EQ(values[0]["users"], 5);
  EXPECT_EQ(counts(values[0]["steps"]), (std::vector<int64_t>{5, 3, 2, 1, 1}));
  EXPECT_EQ(values[1]["value"], "facebook");
  EXPECT_EQ(counts(values[1]["steps"]), (std::vector<int64_t>{3, 3, 2, 1, 1}));
  EXPECT_NEAR(values[1]["overallConversion"].get<double>(), 1.0 / 3, 1e-6);
  EXPECT_EQ(values[2]["value"], "(none)");  // u6 and u7
  EXPECT_EQ(values[2]["users"], 2);
  EXPECT_EQ(values[3]["value"], "newsletter");
}

TEST(Funnel, BreakdownValuesBeyondTheLimitAreOther) {
  const json r = call({{"steps", kSteps}, {"breakdown", "source"}, {"max_breakdown_values", 1}},
                      slurp("funnel_events.csv"));
  const json& values = r["breakdown"]["values"];
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[1]["value"], "(other)");
  EXPECT_EQ(values[1]["users"], 6);
}

TEST(Funnel, StepTotalsFromAGa4FunnelExport) {
  const json r = call({{"breakdown", "Device category"}}, slurp("funnel_steps.csv"));
  ASSERT_FALSE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["mode"], "step_totals");
  EXPECT_EQ(counts(r["steps"]), (std::vector<int64_t>{1000, 500, 200, 80}));
  EXPECT_DOUBLE_EQ(r["overallConversion"].get<double>(), 0.08);
  EXPECT_DOUBLE_EQ(r["steps"][2]["conversion_from_previous"].get<double>(), 0.4);
  EXPECT_EQ(r["steps"][3]["dropoff_count"], 120);
  EXPECT_EQ(r["breakdown"]["values"][0]["value"], "desktop");
  EXPECT_DOUBLE_EQ(r["breakdown"]["values"][0]["overallConversion"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(r["breakdown"]["values"][1]["overallConversion"].get<double>(), 0.05);
  // Steps in the requested order; a step the export lacks is an error naming those it has.
  const json some = call({{"steps", "Visit,Purchase"}}, slurp("funnel_steps.csv"));
  EXPECT_EQ(counts(some["steps"]), (std::vector<int64_t>{1000, 80}));
  const json bad = call({{"steps", "Visit,Checkout"}}, slurp("funnel_steps.csv"));
  EXPECT_EQ(bad["error"]["code"], "invalid_request");
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("'Checkout'"), std::string::npos);
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("'Add to Cart'"), std::string::npos);
}

TEST(Funnel, Ga4SessionsGiveTheJourneyAndTheWorstSources) {
  const json r = call(json::object(), slurp("funnel_ga4_sessions.csv"));
  ASSERT_FALSE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["mode"], "sessions");
  EXPECT_EQ(counts(r["steps"]),
            (std::vector<int64_t>{2500, 1300, 100}));  // the totals row is excluded
  EXPECT_DOUBLE_EQ(r["overallConversion"].get<double>(), 0.04);
  const json& worst = r["worst_sources"];
  ASSERT_EQ(worst.size(), 4u);
  EXPECT_EQ(worst[0]["value"], "facebook / paid");
  EXPECT_DOUBLE_EQ(worst[0]["dropoff"].get<double>(), 0.99);
  EXPECT_EQ(worst[3]["value"], "newsletter / email");
  EXPECT_EQ(r["diagnostics"]["entries"][0]["row"], 6);
}

TEST(Funnel, StepsAbsentFromTheDataAreReported) {
  const std::string data = slurp("funnel_events.csv");
  const json none = call({{"steps", "Landing,Signup"}}, data);
  EXPECT_EQ(none["error"]["code"], "invalid_request");
  EXPECT_NE(none["error"]["message"].get<std::string>().find("'Visit' (10)"), std::string::npos);
  // A later step nobody did: zeros, listed and warned about.
  const json later = call({{"steps", "visit, Refund"}}, data);
  EXPECT_EQ(counts(later["steps"]), (std::vector<int64_t>{10, 0}));
  EXPECT_EQ(later["missing_steps"], json::array({"Refund"}));
  // Event rows need the steps.
  EXPECT_EQ(call(json::object(), data)["error"]["code"], "invalid_request");
}

TEST(Funnel, BadInputIsAnErrorDocumentNeverACrash) {
  EXPECT_EQ(call({{"steps", kSteps}}, "")["error"]["code"], "empty_input");
  EXPECT_EQ(call({{"steps", kSteps}}, std::string("\x7f"
                                                  "ELF\0\0\x01\x02",
                                                  8))["error"]["code"],
            "binary_input");
  EXPECT_EQ(call({{"steps", kSteps}}, "page\n/a\n/b\n")["error"]["code"], "no_header");
  EXPECT_EQ(call({{"steps", kSteps}}, "user_id,event,timestamp\n")["error"]["code"], "no_data");
  const json bad_ts = call({{"steps", "Visit"}}, "user_id,event,timestamp\nu,Visit,soon\n");
  EXPECT_EQ(bad_ts["error"]["code"], "no_data");
  EXPECT_NE(bad_ts["error"]["message"].get<std::string>().find("'soon'"), std::string::npos);
  const json order = call({{"steps", kSteps}, {"order", "sideways"}}, slurp("funnel_events.csv"));
  EXPECT_EQ(order["error"]["code"], "invalid_request");
  EXPECT_NE(order["error"]["message"].get<std::string>().find("'order'"), std::string::npos);
  EXPECT_EQ(call({{"steps", kSteps}, {"window", "7 fortnights"}}, "x")["error"]["code"],
            "invalid_request");
  EXPECT_EQ(
      call({{"steps", kSteps}, {"breakdown", "nope"}}, slurp("funnel_events.csv"))["error"]["code"],
      "invalid_request");
  EXPECT_EQ(call({{"steps", "Visit,visit"}}, slurp("funnel_events.csv"))["error"]["code"],
            "invalid_request");
}

TEST(Funnel, ColumnsCanBeNamedInTheRequest) {
  const std::string csv = "who,what,when\na,Visit,2026-03-01 10:00\na,Buy,2026-03-01 10:01\n";
  EXPECT_EQ(call({{"steps", "Visit,Buy"}}, csv)["error"]["code"], "no_header");
  const json r = call({{"steps", "Visit,Buy"},
                       {"columns", {{"user_id", "who"}, {"event", "what"}, {"timestamp", "when"}}}},
                      csv);
  EXPECT_EQ(counts(r["steps"]), (std::vector<int64_t>{1, 1}));
}

TEST(Funnel, MatchTakesTheDeepestThenEarliestAttempt) {
  const int64_t m = 60'000;
  // Two starts: the first runs out of window, the second completes.
  const std::vector<FunnelEvent> ev = {{0, 0}, {10 * m, 0}, {20 * m, 1}, {25 * m, 2}};
  const FunnelPath p = match_funnel(ev, 3, FunnelOrder::kOrdered, 15 * m);
  EXPECT_EQ(p.depth, 3);
  EXPECT_EQ(p.times_ms, (std::vector<int64_t>{10 * m, 20 * m, 25 * m}));
  const FunnelPath early = match_funnel(ev, 3, FunnelOrder::kOrdered, 30 * m);
  EXPECT_EQ(early.times_ms.front(), 0);
  EXPECT_EQ(match_funnel(ev, 3, FunnelOrder::kStrict, 30 * m).depth, 3);
  const std::vector<FunnelEvent> other = {{0, 0}, {m, -1}, {2 * m, 1}};
  EXPECT_EQ(match_funnel(other, 2, FunnelOrder::kStrict, 30 * m).depth, 1);
  EXPECT_EQ(match_funnel(other, 2, FunnelOrder::kOrdered, 30 * m).depth, 2);
  EXPECT_EQ(match_funnel({}, 2, FunnelOrder::kAny, 30 * m).depth, 0);
}

TEST(Funnel, TimestampsInEveryCommonForm) {
  const Locale locale = parse_locale(data::k_locales_json);
  table::TimestampColumn t;
  t.decide(false);
  const int64_t base = 1772704800000;  // 2026-03-05T10:00:00Z
  EXPECT_EQ(t.parse("2026-03-05 10:00:00", locale), base);
  EXPECT_EQ(t.parse("2026-03-05 10:00", locale), base);
  EXPECT_EQ(t.parse("2026-03-05T10:00:00Z", locale), base);
  EXPECT_EQ(t.parse("2026-03-05T12:30:00+02:30", locale), base);
  EXPECT_EQ(t.parse("2026-03-05T05:00:00-0500", locale), base);
  EXPECT_EQ(t.parse("2026-03-05T10:00:00.250Z", locale), base + 250);
  EXPECT_EQ(t.parse("1772704800", locale), base);
  EXPECT_EQ(t.parse("1772704800000", locale), base);
  EXPECT_EQ(t.parse("1772704800.5", locale), base + 500);
  EXPECT_EQ(t.parse("1772704800250000", locale), base + 250);  // GA4 microseconds
  EXPECT_EQ(t.parse("2026-03-05", locale), base - 10 * 3'600'000);
  EXPECT_FALSE(t.parse("2026-03-05 25:00", locale));
  EXPECT_FALSE(t.parse("2026-02-30 10:00", locale));
  EXPECT_FALSE(t.parse("tomorrow", locale));
  // Other date formats are decided per column, from a sample.
  table::TimestampColumn us;
  us.observe("03/15/2026 10:00 PM", locale);
  us.observe("03/16/2026 09:00 AM", locale);
  us.decide(false);
  EXPECT_EQ(us.date_format(), DateFormat::kMdy);
  EXPECT_EQ(us.parse("03/05/2026 10:00 AM", locale), base);
  EXPECT_EQ(table::parse_duration_ms("36h"), 36 * 3'600'000);
  EXPECT_EQ(table::parse_duration_ms("1.5d"), 36 * 3'600'000);
  EXPECT_FALSE(table::parse_duration_ms("soon"));
}

}  // namespace
}  // namespace glint
