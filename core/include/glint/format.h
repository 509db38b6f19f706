// glint/format.h — numbers as words show them, formatted in one place.
//
// Every number in a sentence goes through these, and the same formatted
// string is stored in the fact beside its raw value, so a test can read the
// numbers back out of a sentence and find each one among the fact's fields.
// Deterministic: the same double gives the same text natively and in wasm.
//
// A NumberFormat says how a language writes numbers (grouping and decimal
// marks, where the currency goes, the space before %) and how many minor
// units each currency has (ISO 4217: JPY, KRW, CLP none, KWD three); both
// come from schemas/locales.json through number_format(). The default is
// English with two minor units for every currency.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "glint/values.h"

namespace glint::fmt {

struct NumberFormat {
  std::string tag = "en";          // the locale it was made for
  std::string group = ",";         // thousands mark
  std::string decimal = ".";       // decimal mark
  std::string percent_space;       // between a number and % ("\u00a0" in German)
  enum class Currency { kBefore, kBeforeSpace, kAfter } currency = Currency::kBefore;
  int min_grouping = 1;            // 2: four-digit numbers are not grouped (Spanish)
  std::map<std::string, int, std::less<>> minor_units;  // only where not 2
  int minor_units_of(std::string_view currency) const;
};

// The format of a locale tag ("de", "pt-BR", "fr_FR"): the whole tag, else its
// language, else English. `found` says whether the tag was known.
NumberFormat number_format(const Locale& locale, std::string_view tag, bool* found = nullptr);

// 12,345 · 12.5 (counts; up to 1 decimal when not whole).
std::string count(double v, const NumberFormat& nf = NumberFormat());
// $12,345 · €1,234.50 · $0.45 · CHF 12.00 · ¥1,235 · 1.234,50 € (symbol from the
// ISO code; none when unknown). Decimals: the currency's minor units below
// 1,000, none from 1,000 up.
std::string money(double v, std::string_view currency, const NumberFormat& nf = NumberFormat());
// 3.21% (a fraction as a percentage).
std::string percent(double fraction, const NumberFormat& nf = NumberFormat());
// 3.2x (a return ratio such as ROAS).
std::string multiple(double v, const NumberFormat& nf = NumberFormat());
// +23% · -4.5% (a relative change given as a fraction).
std::string change(double fraction, const NumberFormat& nf = NumberFormat());
// +0.5 pts (a change of a proportion, in percentage points).
std::string points(double fraction_delta, const NumberFormat& nf = NumberFormat());
// Thousands marks on an unsigned digit string: "1234567" → "1,234,567".
std::string group_thousands(std::string_view digits, std::string_view mark = ",", int min_grouping = 1);
// A decimal number with `decimals` decimals, grouped (tables and the CLI).
std::string decimal(double v, int decimals, const NumberFormat& nf = NumberFormat());

}  // namespace glint::fmt
