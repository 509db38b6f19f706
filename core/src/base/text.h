// Small text helpers shared by core's modules (private to core).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace glint::text {

// s without leading/trailing ASCII spaces and tabs.
std::string_view trim(std::string_view s);

// ASCII-lowercased copy (UTF-8 bytes above 0x7F are kept as they are).
std::string ascii_lower(std::string_view s);

// Lowercase for matching: ASCII letters and the Latin-1 capitals (À..Þ),
// enough for headers and month names in the six languages glint reads.
std::string fold_case(std::string_view s);

// s without leading/trailing spaces, tabs and Unicode no-break/thin spaces.
std::string_view trim_spaces_slow(std::string_view s);
// Always inlined: the hot path calls it for every cell several times.
[[gnu::always_inline]] inline std::string_view trim_spaces(std::string_view s) {
  // Fast path: the ends cannot start or end a space-like character.
  if (s.empty()) return s;
  const auto f = static_cast<unsigned char>(s.front()), b = static_cast<unsigned char>(s.back());
  if (f != ' ' && f != '\t' && f != 0xC2 && f != 0xE2 && b != ' ' && b != '\t' && b != 0xA0 && b != 0xAF &&
      b != 0x89) {
    return s;
  }
  return trim_spaces_slow(s);
}

// Length of a space-like character at the start of s (see trim_spaces), or 0.
size_t space_prefix(std::string_view s);

// Number of '\n' bytes in s, eight at a time.
inline uint64_t count_newlines(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kLow7 = 0x7F7F7F7F7F7F7F7Full;
  uint64_t n = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t y = w ^ (kOnes * '\n');
    // High bit set exactly in the zero bytes of y.
    const uint64_t zero = ~(((y & kLow7) + kLow7) | y | kLow7);
    n += ((zero >> 7) * kOnes) >> 56;  // add up the 0/1 bytes (no popcount instruction needed)
  }
  for (; i < s.size(); ++i) n += s[i] == '\n';
  return n;
}

// A plain decimal ("1234", "-12.5", "1,234.56") → micro-units, rounded half
// away from zero past six decimals; nullopt when it is not such a number.
std::optional<int64_t> parse_plain_micros(std::string_view s);

}  // namespace glint::text
