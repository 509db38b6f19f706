#include "glint/format.h"

#include <cmath>
#include <cstdio>

#include "glint/mathx.h"

namespace glint::fmt {

std::string group_thousands(std::string_view digits) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

namespace {

// |v| with `decimals` decimals, thousands grouped, and a leading '-' if negative.
std::string fixed(double v, int decimals) {
  const double r = mathx::round_to(v, decimals);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(r));
  std::string s(buf);
  const size_t dot = s.find('.');
  std::string out = (r < 0 ? "-" : "") + group_thousands(s.substr(0, dot));
  if (dot != std::string::npos) out += s.substr(dot);
  return out;
}

std::string symbol_for(std::string_view c) {
  if (c == "USD") return "$";
  if (c == "EUR") return "€";
  if (c == "GBP") return "£";
  if (c == "JPY") return "¥";
  if (c == "INR") return "₹";
  if (c == "BRL") return "R$";
  if (c == "AUD") return "A$";
  if (c == "CAD") return "C$";
  if (c.empty()) return "";
  return std::string(c) + " ";
}

}  // namespace

std::string count(double v) {
  const double whole = mathx::round_to(v, 0);
  if (std::fabs(v - whole) < 0.05) return fixed(whole, 0);
  return fixed(v, 1);
}

std::string money(double v, std::string_view currency) {
  const int decimals = std::fabs(v) >= 1000 || currency == "JPY" ? 0 : 2;
  const std::string body = fixed(std::fabs(v), decimals);
  return (v < 0 ? "-" : "") + symbol_for(currency) + body;
}

std::string percent(double fraction) {
  const double p = fraction * 100.0;
  return fixed(p, std::fabs(p) >= 10 ? 1 : 2) + "%";
}

std::string multiple(double v) { return fixed(v, std::fabs(v) >= 10 ? 1 : 2) + "x"; }

std::string change(double fraction) {
  const double p = fraction * 100.0;
  const std::string body = fixed(std::fabs(p), std::fabs(p) >= 10 ? 0 : 1);
  if (body == "0" || body == "0.0") return "0%";
  return (p < 0 ? "-" : "+") + body + "%";
}

std::string points(double delta) {
  const double p = delta * 100.0;
  const std::string body = fixed(std::fabs(p), std::fabs(p) >= 10 ? 0 : 1);
  if (body == "0" || body == "0.0") return "0 pts";
  return (p < 0 ? "-" : "+") + body + " pts";
}

}  // namespace glint::fmt
