// Small text helpers shared by core's modules (private to core).
#pragma once

#include <cstdint>
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
std::string_view trim_spaces(std::string_view s);

// Length of a space-like character at the start of s (see trim_spaces), or 0.
size_t space_prefix(std::string_view s);

// A plain decimal ("1234", "-12.5", "1,234.56") → micro-units, rounded half
// away from zero past six decimals; nullopt when it is not such a number.
std::optional<int64_t> parse_plain_micros(std::string_view s);

}  // namespace glint::text
