// glint/metrics.h — exact sums of base metrics and the ratios derived from them.
//
// Every base metric is summed as int64 micro-units (value × 1,000,000), so
// money and fractional conversions add up exactly and counts stay exact too.
// Derived metrics come only from sums (ctr = clicks / impressions, never the
// mean of per-row ctr) and are absent (std::nullopt) when the denominator is 0.
// Ratios are fractions (0.032), never percentages.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace glint {

constexpr int64_t kMicros = 1'000'000;

// Base ad metrics, in the order of AdSums::v.
enum class AdMetric : int {
  kImpressions = 0,
  kClicks,
  kSpend,
  kConversions,
  kConversionValue,
  kReach,
  kVideoViews,
};
constexpr int kAdMetricCount = 7;

// Canonical name of a base ad metric ("conversion_value").
std::string_view ad_metric_name(AdMetric m);

// Sums of the base ad metrics in micro-units, plus the rows that fed them.
struct AdSums {
  std::array<int64_t, kAdMetricCount> v{};
  int64_t rows = 0;

  int64_t& operator[](AdMetric m) { return v[static_cast<int>(m)]; }
  int64_t operator[](AdMetric m) const { return v[static_cast<int>(m)]; }
  void add(const AdSums& other) {
    for (int i = 0; i < kAdMetricCount; ++i) v[i] += other.v[i];
    rows += other.rows;
  }
};

// Ratios derived from sums; each is nullopt when its denominator is 0.
struct AdRates {
  std::optional<double> ctr;   // clicks / impressions
  std::optional<double> cpc;   // spend / clicks
  std::optional<double> cpm;   // 1000 * spend / impressions
  std::optional<double> cpa;   // spend / conversions
  std::optional<double> roas;  // conversion_value / spend
  std::optional<double> cvr;   // conversions / clicks
};

AdRates derive_rates(const AdSums& s);

// micro-units → the decimal they stand for (1'234'560'000 → 1234.56).
inline double from_micros(int64_t micros) {
  return static_cast<double>(micros) / static_cast<double>(kMicros);
}

}  // namespace glint
