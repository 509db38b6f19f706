// glint/metrics.h — exact sums of base metrics and the ratios derived from them.
//
// Every base metric is summed as int64 micro-units (value × 1,000,000), so
// money and fractional conversions add up exactly and counts stay exact too.
// Derived metrics come only from sums (ctr = clicks / impressions, never the
// mean of per-row ctr) and are absent (std::nullopt) when the denominator is 0.
// Ratios are fractions (0.032), never percentages.
//
// Ads and web analytics each have seven base metrics, kept in the same Sums
// slots and named by AdMetric or WebMetric.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace glint {

constexpr int64_t kMicros = 1'000'000;
constexpr int kMetricSlots = 7;

enum class AdMetric : int {
  kImpressions = 0,
  kClicks,
  kSpend,
  kConversions,
  kConversionValue,
  kReach,       // sum of the rows' reach: not de-duplicated across rows
  kVideoViews,
};

enum class WebMetric : int {
  kSessions = 0,
  kEngagedSessions,
  kUsers,       // sum of the rows' users: not de-duplicated across rows
  kNewUsers,
  kViews,
  kKeyEvents,
  kRevenue,
};

// Canonical names ("conversion_value", "engaged_sessions").
std::string_view metric_name(AdMetric m);
std::string_view metric_name(WebMetric m);
// True for money metrics (summed per currency, never across currencies).
constexpr bool is_money(AdMetric m) { return m == AdMetric::kSpend || m == AdMetric::kConversionValue; }
constexpr bool is_money(WebMetric m) { return m == WebMetric::kRevenue; }

// Sums of the seven base metrics in micro-units, plus the rows that fed them.
struct Sums {
  std::array<int64_t, kMetricSlots> v{};
  int64_t rows = 0;

  int64_t& operator[](AdMetric m) { return v[static_cast<size_t>(m)]; }
  int64_t operator[](AdMetric m) const { return v[static_cast<size_t>(m)]; }
  int64_t& operator[](WebMetric m) { return v[static_cast<size_t>(m)]; }
  int64_t operator[](WebMetric m) const { return v[static_cast<size_t>(m)]; }
  void add(const Sums& other) {
    for (size_t i = 0; i < v.size(); ++i) v[i] += other.v[i];
    rows += other.rows;
  }
};
using AdSums = Sums;

// Ad ratios from sums; each is nullopt when its denominator is 0.
struct AdRates {
  std::optional<double> ctr;   // clicks / impressions
  std::optional<double> cpc;   // spend / clicks
  std::optional<double> cpm;   // 1000 * spend / impressions
  std::optional<double> cpa;   // spend / conversions
  std::optional<double> roas;  // conversion_value / spend
  std::optional<double> cvr;   // conversions / clicks
};
AdRates derive_rates(const Sums& s);

// Web ratios from sums.
struct WebRates {
  std::optional<double> engagement_rate;      // engaged_sessions / sessions
  std::optional<double> key_event_rate;       // key_events / sessions
  std::optional<double> revenue_per_session;  // revenue / sessions
};
WebRates derive_web_rates(const Sums& s);

// micro-units → the decimal they stand for (1'234'560'000 → 1234.56).
inline double from_micros(int64_t micros) {
  return static_cast<double>(micros) / static_cast<double>(kMicros);
}

}  // namespace glint
