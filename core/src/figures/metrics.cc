#include "glint/metrics.h"

namespace glint {

std::string_view metric_name(AdMetric m) {
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

std::string_view metric_name(WebMetric m) {
  switch (m) {
    case WebMetric::kSessions: return "sessions";
    case WebMetric::kEngagedSessions: return "engaged_sessions";
    case WebMetric::kUsers: return "users";
    case WebMetric::kNewUsers: return "new_users";
    case WebMetric::kViews: return "views";
    case WebMetric::kKeyEvents: return "key_events";
    case WebMetric::kRevenue: return "revenue";
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

AdRates derive_rates(const Sums& s) {
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

WebRates derive_web_rates(const Sums& s) {
  using M = WebMetric;
  WebRates r;
  r.engagement_rate = ratio(s[M::kEngagedSessions], s[M::kSessions]);
  r.key_event_rate = ratio(s[M::kKeyEvents], s[M::kSessions]);
  r.revenue_per_session = ratio(s[M::kRevenue], s[M::kSessions]);
  return r;
}

}  // namespace glint
