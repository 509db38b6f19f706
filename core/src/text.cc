#include "text.h"

#include <limits>

namespace glint::text {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<int64_t> parse_plain_micros(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 10 - 10;
  int64_t whole = 0;
  int64_t frac = 0;
  int frac_digits = 0;
  bool seen_digit = false;
  bool seen_point = false;
  bool round_up = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (!seen_point) {
        if (whole > kMax / 1'000'000) return std::nullopt;
        whole = whole * 10 + (c - '0');
      } else if (frac_digits < 6) {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      } else if (frac_digits == 6) {
        round_up = c >= '5';
        ++frac_digits;
      }
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else if (c == ',' && !seen_point) {
      continue;  // thousands separator
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit) return std::nullopt;
  for (int i = frac_digits; i < 6; ++i) frac *= 10;
  int64_t micros = whole * 1'000'000 + frac + (round_up ? 1 : 0);
  return negative ? -micros : micros;
}

}  // namespace glint::text
