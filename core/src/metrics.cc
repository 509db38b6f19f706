#include "glint/metrics.h"

namespace glint {

std::string_view ad_metric_name(AdMetric m) {
  switch (m) {
    case AdMetric::kImpressions: return "impressions";
    case AdMetric::kClicks: return "clicks";
    case AdMetric::kSpend: return "spend";
    case AdMetric::kConversions: return "conversions";
    case AdMetric::kConversionValue: return "conversion_value";
    case AdMetric::kReach: return "reach";
    case AdMetric::kVideoViews: return "video_views";
  }
  return "unknown";
}

namespace {

// num / den for two micro-unit sums (the scales cancel); nullopt when den is 0.
std::optional<double> ratio(int64_t num, int64_t den, double scale = 1.0) {
  if (den == 0) return std::nullopt;
  return scale * static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

AdRates derive_rates(const AdSums& s) {
  using M = AdMetric;
  AdRates r;
  r.ctr = ratio(s[M::kClicks], s[M::kImpressions]);
  r.cpc = ratio(s[M::kSpend], s[M::kClicks]);
  r.cpm = ratio(s[M::kSpend], s[M::kImpressions], 1000.0);
  r.cpa = ratio(s[M::kSpend], s[M::kConversions]);
  r.roas = ratio(s[M::kConversionValue], s[M::kSpend]);
  r.cvr = ratio(s[M::kConversions], s[M::kClicks]);
  return r;
}

}  // namespace glint
