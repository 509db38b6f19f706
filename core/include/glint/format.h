// glint/format.h — numbers as words show them, formatted in one place.
//
// Every number in a sentence goes through these, and the same formatted
// string is stored in the fact beside its raw value, so a test can read the
// numbers back out of a sentence and find each one among the fact's fields.
// Deterministic: the same double gives the same text natively and in wasm.
#pragma once

#include <string>
#include <string_view>

namespace glint::fmt {

// 12,345 · 12.5 (counts; up to 1 decimal when not whole).
std::string count(double v);
// $12,345 · €1,234.50 · $0.45 · CHF 12.00 (symbol from the ISO code; none when unknown).
std::string money(double v, std::string_view currency);
// 3.21% (a fraction as a percentage).
std::string percent(double fraction);
// 3.2x (a return ratio such as ROAS).
std::string multiple(double v);
// +23% · -4.5% (a relative change given as a fraction).
std::string change(double fraction);
// +0.5 pts (a change of a proportion, in percentage points).
std::string points(double fraction_delta);
// Thousands separators on an unsigned digit string: "1234567" → "1,234,567".
std::string group_thousands(std::string_view digits);

}  // namespace glint::fmt
