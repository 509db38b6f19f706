// glint/grounding.h — does every number in a written text come from the facts?
//
// The grounding checker reads every number a text shows (money, percentages,
// percentage points, multiples, counts, dates, periods), each with its unit,
// and looks it up among the values the text may use: the facts' raw values
// and formatted fields, their windows and periods, and values a caller adds.
// A number matches a value of a compatible unit within the rounding of its
// displayed form: "8.1x" matches 8.0817, "$15k" matches 14,923, "$16k" does
// not. A text is verified when every number it shows matches.
//
// Numbers are read with the marks of one locale (fmt::NumberFormat from
// schemas/locales.json): "1.234,50 €" is 1234.5 in German. A '.' or ',' that
// is not the locale's decimal mark and cannot be its thousands grouping (not
// followed by exactly three digits) is read as a decimal mark, so "8.08x"
// reads the same in every locale; "1.234" in English stays 1.234. A number
// written unmistakably in the other convention ("1.234,50", "1.210.563" in
// English) is read in that convention.
//
// Pure and deterministic: no locale-dependent libc, nothing is thrown,
// nothing is kept between calls. Engine::call's "grounding.check" is the
// JSON face of check() (see core/src/insights/README.md).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glint/format.h"
#include "glint/values.h"

namespace glint::grounding {

// What a number measures. kPercent and kPoints values are in percent
// (23 for 23%, 0.5 for 0.5 percentage points), not fractions.
enum class Unit { kMoney, kPercent, kPoints, kMultiple, kCount, kDate, kDays };
std::string_view unit_name(Unit u);                          // "money", "percent", …
std::optional<Unit> unit_from_name(std::string_view name);  // nullopt when unknown

// One number read from a text.
struct Number {
  size_t start = 0, end = 0;  // byte offsets of its whole written form ("$15k", "Sep 10")
  Unit unit = Unit::kCount;
  double value = 0;           // as written, scale applied: 15000 for "$15k", -4.5 for "-4.5%"; dates: 0
  double tolerance = 0;       // half a unit of its last shown digit times its scale ($15k: 500)
  bool has_sign = false;      // written with + or - (the value's sign must then agree)
  std::string currency;       // money: the ISO code its symbol or code names ("" = none written)
  int year = 0, month = 0, day = 0;  // dates: year 0 when not written, month 0 for a bare year
  bool maybe_year = false;    // a plain integer 1900..2100: a year or a count
};

// A value a text may show.
struct Value {
  std::string id;       // "<fact id>#value", "#previous", "#change", "#details.spend", "date_range.days", …
  std::string fact_id;  // the fact it comes from ("" for request values and the date range)
  Unit unit = Unit::kCount;
  double value = 0;     // in the unit's text scale (percent and points ×100 of a fraction)
  std::string currency; // money: ISO code; "" = unknown, matches any currency
  int year = 0, month = 0, day = 0;  // dates
  int through = 0;      // dates: a window, matching every day from y-m-d to `through` days after it
};

// How a text writes numbers: marks from `format`, month names and currency
// symbols from `locale` (English month names only, capitalised, for "en").
struct Reader {
  fmt::NumberFormat format;
  const Locale* locale = nullptr;  // not owned; must outlive the Reader's use
};

// Every number of `text`, in order. Left out: numbers inside any of `names`
// (entity names quoted in the text, matched literally on word boundaries;
// names before `trusted_from` come from data and are not masked when they
// hold no letter, so a campaign named "2025" cannot hide a year; the caller's
// names from `trusted_from` on always are), list markers ("1." / "1)" opening
// a line), times ("10:30"), ordinals ("3rd") and numbers that are part of a
// word or identifier ("H2O", "Q3", "0x1F", "COVID-19", "#1", "a/2").
std::vector<Number> extract(std::string_view text, const Reader& reader, std::span<const std::string> names = {},
                            size_t trusted_from = 0);

// The values one formatted string shows ("$14,923", "+0.5 pts", "2026-10-07 to
// 2026-10-09"), read like a text; with `raw` and exactly one number shown, its
// value is `raw` (or raw×100 for percent and points) when that agrees with
// the shown rounding.
std::vector<Number> read_formatted(std::string_view formatted, const Reader& reader);

// Whether `n` can stand for `v`: compatible units (a plain count also stands
// for money, multiples and day counts; days for day counts and count values
// whose id ends in "days"; a date one inside a date value's window, a date
// without a year on any of the window's years; a bare or maybe-year a year the
// window touches), the same currency
// when both name one, and |shown − value| within the tolerance. A number with
// no sign matches |value|; a signed one must match the sign too.
bool matches(const Number& n, const Value& v);

struct CheckResult {
  bool verified = true;               // every number matched (true for a text without numbers)
  std::vector<Number> numbers;        // in text order
  std::vector<int> matched;           // per number: index into the values, or -1
  std::vector<std::string> facts_used;  // fact ids some number matched, in order of first use
};

// Extracts the numbers of `text` and matches each against `values`. Among
// several matching values the one of the fact matched last wins, else the
// first in order.
CheckResult check(std::string_view text, std::span<const Value> values, const Reader& reader,
                  std::span<const std::string> names = {}, size_t trusted_from = 0);

}  // namespace glint::grounding
