#include "glint/metrics.h"

#include <gtest/gtest.h>

namespace glint {
namespace {

AdSums sums(int64_t impressions, int64_t clicks, double spend, double conversions, double value) {
  AdSums s;
  s[AdMetric::kImpressions] = impressions * kMicros;
  s[AdMetric::kClicks] = clicks * kMicros;
  s[AdMetric::kSpend] = static_cast<int64_t>(spend * kMicros + 0.5);
  s[AdMetric::kConversions] = static_cast<int64_t>(conversions * kMicros + 0.5);
  s[AdMetric::kConversionValue] = static_cast<int64_t>(value * kMicros + 0.5);
  return s;
}

TEST(Metrics, RatesComeFromSumsNotFromAveragingRowRates) {
  // Row A: ctr 50% on 2 impressions; row B: ctr 1% on 1000 impressions.
  AdSums total = sums(2, 1, 1.0, 0, 0);
  total.add(sums(1000, 10, 5.0, 1, 20));
  const AdRates r = derive_rates(total);
  ASSERT_TRUE(r.ctr.has_value());
  EXPECT_DOUBLE_EQ(*r.ctr, 11.0 / 1002.0);  // the mean of row ctrs would be 0.255
  EXPECT_DOUBLE_EQ(*r.cpc, 6.0 / 11.0);
  EXPECT_DOUBLE_EQ(*r.cpm, 1000.0 * 6.0 / 1002.0);
  EXPECT_DOUBLE_EQ(*r.cpa, 6.0);
  EXPECT_DOUBLE_EQ(*r.roas, 20.0 / 6.0);
  EXPECT_DOUBLE_EQ(*r.cvr, 1.0 / 11.0);
}

TEST(Metrics, RatesAreNullWhenTheDenominatorIsZero) {
  const AdRates r = derive_rates(sums(0, 0, 0, 0, 0));
  EXPECT_FALSE(r.ctr || r.cpc || r.cpm || r.cpa || r.roas || r.cvr);
  const AdRates s = derive_rates(sums(100, 0, 3.5, 0, 0));
  EXPECT_TRUE(s.ctr.has_value());
  EXPECT_EQ(*s.ctr, 0.0);
  EXPECT_FALSE(s.cpc.has_value());
  EXPECT_FALSE(s.cpa.has_value());
  EXPECT_TRUE(s.roas.has_value());
}

TEST(Metrics, MoneyAddsUpExactlyInMicros) {
  AdSums total;
  for (int i = 0; i < 1000; ++i) total.add(sums(0, 0, 0.1, 0, 0));
  EXPECT_EQ(total[AdMetric::kSpend], 100 * kMicros);  // doubles would drift
}

}  // namespace
}  // namespace glint
