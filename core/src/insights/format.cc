#include "glint/format.h"

#include <cmath>
#include <cstdio>

#include "glint/mathx.h"

namespace glint::fmt {

std::string group_thousands(std::string_view digits, std::string_view mark, int min_grouping) {
  const size_t n = digits.size();
  if (n < 4 || static_cast<int>(n) < 3 + min_grouping) return std::string(digits);
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.append(mark);
    out.push_back(digits[i]);
  }
  return out;
}

int NumberFormat::minor_units_of(std::string_view c) const {
  const auto it = minor_units.find(c);
  return it == minor_units.end() ? 2 : it->second;
}

NumberFormat number_format(const Locale& locale, std::string_view tag, bool* found) {
  std::string key;
  for (char c : tag) key.push_back(c == '_' ? '-' : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  auto it = locale.number_formats.find(key);
  if (it == locale.number_formats.end()) it = locale.number_formats.find(key.substr(0, key.find('-')));
  if (found != nullptr) *found = it != locale.number_formats.end();
  NumberFormat nf;
  nf.minor_units = locale.minor_units;
  if (it == locale.number_formats.end()) return nf;
  nf.tag = it->first;
  nf.group = it->second.group;
  nf.decimal = it->second.decimal;
  nf.percent_space = it->second.percent_space;
  nf.min_grouping = it->second.min_grouping;
  nf.currency = it->second.currency == "after"          ? NumberFormat::Currency::kAfter
                : it->second.currency == "before_space" ? NumberFormat::Currency::kBeforeSpace
                                                        : NumberFormat::Currency::kBefore;
  return nf;
}

namespace {

// |v| with `decimals` decimals, grouped, and a leading '-' if negative.
std::string fixed(double v, int decimals, const NumberFormat& nf) {
  const double r = mathx::round_to(v, decimals);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(r));
  std::string s(buf);
  const size_t dot = s.find('.');
  std::string out = (r < 0 ? "-" : "") + group_thousands(std::string_view(s).substr(0, dot), nf.group, nf.min_grouping);
  if (dot != std::string::npos) out += nf.decimal + s.substr(dot + 1);
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
  return std::string(c);
}

}  // namespace

std::string decimal(double v, int decimals, const NumberFormat& nf) { return fixed(v, decimals, nf); }

std::string count(double v, const NumberFormat& nf) {
  const double whole = mathx::round_to(v, 0);
  if (std::fabs(v - whole) < 0.05) return fixed(whole, 0, nf);
  return fixed(v, 1, nf);
}

std::string money(double v, std::string_view currency, const NumberFormat& nf) {
  const int decimals = std::fabs(v) >= 1000 ? 0 : nf.minor_units_of(currency);
  const std::string body = fixed(std::fabs(v), decimals, nf);
  const std::string sign = v < 0 ? "-" : "";
  if (currency.empty()) return sign + body;
  const std::string symbol = symbol_for(currency);
  const bool code = symbol == currency;
  switch (nf.currency) {
    case NumberFormat::Currency::kAfter: return sign + body + "\u00a0" + symbol;
    case NumberFormat::Currency::kBeforeSpace: return sign + symbol + "\u00a0" + body;
    case NumberFormat::Currency::kBefore: break;
  }
  return sign + symbol + (code ? " " : "") + body;
}

std::string percent(double fraction, const NumberFormat& nf) {
  const double p = fraction * 100.0;
  return fixed(p, std::fabs(p) >= 10 ? 1 : 2, nf) + nf.percent_space + "%";
}

std::string multiple(double v, const NumberFormat& nf) { return fixed(v, std::fabs(v) >= 10 ? 1 : 2, nf) + "x"; }

std::string change(double fraction, const NumberFormat& nf) {
  const double p = fraction * 100.0;
  const std::string body = fixed(std::fabs(p), std::fabs(p) >= 10 ? 0 : 1, nf);
  if (body == "0" || body == "0" + nf.decimal + "0") return "0" + nf.percent_space + "%";
  return (p < 0 ? "-" : "+") + body + nf.percent_space + "%";
}

std::string points(double delta, const NumberFormat& nf) {
  const double p = delta * 100.0;
  const std::string body = fixed(std::fabs(p), std::fabs(p) >= 10 ? 0 : 1, nf);
  if (body == "0" || body == "0" + nf.decimal + "0") return "0 pts";
  return (p < 0 ? "-" : "+") + body + " pts";
}

}  // namespace glint::fmt
