#include "glint/mathx.h"

#include <cmath>
#include <limits>

namespace glint::mathx {

namespace {
constexpr double kLn2 = 0.693147180559945309417232121458176568;
}

double exp(double x) {
  if (x != x) return x;
  if (x > 709.0) return std::numeric_limits<double>::infinity();
  if (x < -745.0) return 0.0;
  // x = k ln2 + r, |r| <= ln2/2; e^r by its Taylor series (r is small).
  const double kd = std::floor(x / kLn2 + 0.5);
  const int k = static_cast<int>(kd);
  const double r = x - kd * kLn2;
  double term = 1.0, sum = 1.0;
  for (int i = 1; i < 24; ++i) {
    term = term * r / i;
    sum += term;
  }
  // Multiply by 2^k exactly (scalbn is exact; done by halves to avoid overflow).
  return std::ldexp(sum, k);
}

double log(double x) {
  if (!(x > 0)) return x == 0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  // ln m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.1716.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s, sum = 0.0;
  for (int i = 1; i < 40; i += 2) {
    sum += term / i;
    term *= s2;
  }
  return 2.0 * sum + e * kLn2;
}

double pow(double x, double y) {
  if (y == 0.0) return 1.0;
  if (x == 0.0) return 0.0;
  return exp(y * log(x));
}

double normal_cdf(double z) {
  // Φ(z) = ½ erfc(-z/√2); erfc by the continued fraction for large |z| and
  // the series of erf for small |z|.
  const double x = -z / std::sqrt(2.0);
  const double ax = x < 0 ? -x : x;
  double erfc_ax;
  if (ax < 2.0) {
    // erf(a) = 2/√π Σ (-1)^n a^(2n+1) / (n! (2n+1))
    double term = ax, sum = ax;
    const double a2 = ax * ax;
    for (int n = 1; n < 60; ++n) {
      term = -term * a2 / n;
      sum += term / (2 * n + 1);
    }
    erfc_ax = 1.0 - sum * 1.12837916709551257390;  // 2/√π
  } else {
    // erfc(a) = e^{-a²}/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))) (Lentz, fixed depth)
    double f = ax;
    for (int n = 60; n >= 1; --n) f = ax + (n * 0.5) / f;
    erfc_ax = exp(-ax * ax) / (f * 1.77245385090551602730);  // √π
  }
  const double erfc_x = x < 0 ? 2.0 - erfc_ax : erfc_ax;
  return 0.5 * erfc_x;
}

double round_to(double x, int digits) {
  static constexpr double kPow[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  if (digits < 0 || digits > 9 || !std::isfinite(x)) return x;
  const double p = kPow[digits];
  const double v = std::floor(std::fabs(x) * p + 0.5) / p;
  return x < 0 ? -v : v;
}

}  // namespace glint::mathx
