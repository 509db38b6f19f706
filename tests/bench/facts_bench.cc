// Time to compute each highlight type on data already aggregated: one year ×
// 500 campaigns × daily rows (Google Benchmark; prints figures, asserts nothing).
#include <benchmark/benchmark.h>

#include <string_view>

#include "glint/insights.h"
#include "glint/rollup.h"

namespace glint::data {
extern const std::string_view k_facts_json;
}

namespace {

using namespace glint;

Dataset make_year() {
  Dataset d;
  d.report.kind = DataKind::kAds;
  d.report.metrics_present = 0x1F;  // impressions, clicks, spend, conversions, conversion_value
  uint64_t x = 88172645463325252ull;
  auto rnd = [&x]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<double>(x % 1000) / 1000.0;
  };
  const Day first = *day_from_civil(2025, 11, 1);
  for (uint32_t c = 0; c < 500; ++c) {
    Entity e;
    e.platform = c % 2 ? Platform::kMetaAds : Platform::kGoogleAds;
    e.currency = "USD";
    e.dims.assign(kAdDims, "");
    e.dims[static_cast<size_t>(AdDim::kCampaignId)] = std::to_string(1000 + c);
    e.dims[static_cast<size_t>(AdDim::kCampaign)] = "Campaign " + std::to_string(c);
    d.entities.push_back(e);
    for (int day = 0; day < 365; ++day) {
      Cell cell;
      cell.entity = c;
      cell.day = first + day;
      const double imp = 5000 * (1 + 0.3 * rnd());
      const double clicks = imp * 0.02 * (1 + 0.3 * rnd());
      cell.sums[AdMetric::kImpressions] = static_cast<int64_t>(imp) * 1'000'000;
      cell.sums[AdMetric::kClicks] = static_cast<int64_t>(clicks) * 1'000'000;
      cell.sums[AdMetric::kSpend] = static_cast<int64_t>(clicks * 0.9 * 1e6);
      cell.sums[AdMetric::kConversions] = static_cast<int64_t>(clicks * 0.05) * 1'000'000;
      cell.sums[AdMetric::kConversionValue] = static_cast<int64_t>(clicks * 0.05 * 60 * 1e6);
      cell.sums.rows = 1;
      d.cells.push_back(cell);
    }
  }
  return d;
}

struct Fixture {
  Dataset data = make_year();
  Rollup ads, web;
  FactBook book = parse_fact_book(data::k_facts_json);
  Fixture() {
    const Dataset* inputs[] = {&data};
    ads = roll_up(inputs, DataKind::kAds, 30, std::nullopt);
    web = roll_up(inputs, DataKind::kWeb, 30, std::nullopt);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_Highlight(benchmark::State& state) {
  Fixture& f = fixture();
  const auto type = static_cast<HighlightType>(state.range(0));
  size_t facts = 0;
  HighlightOptions options;
  options.type = type;
  options.max_facts = 5;
  for (auto _ : state) {
    const HighlightResult r = highlight(f.ads, f.web, options, f.book);
    facts = r.facts.size();
    benchmark::DoNotOptimize(facts);
  }
  state.SetLabel(std::string(highlight_type_name(type)) + ", " + std::to_string(facts) + " facts");
}
BENCHMARK(BM_Highlight)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

void BM_RollUp(benchmark::State& state) {
  Fixture& f = fixture();
  const Dataset* inputs[] = {&f.data};
  for (auto _ : state) benchmark::DoNotOptimize(roll_up(inputs, DataKind::kAds, 30, std::nullopt));
  state.SetLabel("182,500 campaign-days (done once per report, before the highlights)");
}
BENCHMARK(BM_RollUp)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
