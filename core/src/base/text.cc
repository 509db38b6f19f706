#include "base/text.h"

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

std::string fold_case(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

// ASCII space or tab, U+00A0 (C2 A0), U+202F (E2 80 AF), U+2009 (E2 80 89).
size_t space_prefix(std::string_view s) {
  if (s.empty()) return 0;
  if (s[0] == ' ' || s[0] == '\t') return 1;
  if (s.size() >= 2 && s[0] == '\xC2' && s[1] == '\xA0') return 2;
  if (s.size() >= 3 && s[0] == '\xE2' && s[1] == '\x80' && (s[2] == '\xAF' || s[2] == '\x89')) return 3;
  return 0;
}

namespace {

size_t space_before_end(std::string_view s) {
  if (s.empty()) return 0;
  if (s.back() == ' ' || s.back() == '\t') return 1;
  if (s.size() >= 2 && s[s.size() - 2] == '\xC2' && s.back() == '\xA0') return 2;
  if (s.size() >= 3 && s[s.size() - 3] == '\xE2' && s[s.size() - 2] == '\x80' &&
      (s.back() == '\xAF' || s.back() == '\x89')) {
    return 3;
  }
  return 0;
}

}  // namespace

std::string_view trim_spaces_slow(std::string_view s) {
  while (size_t n = space_prefix(s)) s.remove_prefix(n);
  while (size_t n = space_before_end(s)) s.remove_suffix(n);
  return s;
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
