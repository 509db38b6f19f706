// glint/values.h — reading the cells of an export: numbers and dates.
//
// Exports write numbers the way their UI language does: "1,234.56",
// "1.234,56 €", "1 234,56", "1'234.56", "$1,234", "12.5%", "(12.50)", "--".
// Dates too: "2026-03-15", "20260315", "03/15/2026", "15/03/2026",
// "15.03.2026", "2026/03/15", "Mar 15, 2026", "15 mars 2026".
//
// One format per column, decided from all the values seen (ColumnNumberStats,
// ColumnDateStats), because a single value can be ambiguous: "1,234" is a
// thousand or one-point-two; "01/02/2026" is January or February. Values that
// are decisive on their own are read as they are; the column's decision only
// settles the ambiguous ones, and an undecidable column is reported.
//
// All functions are pure; the Locale (month names, null tokens, currency
// symbols) comes from schemas/locales.json.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glint/dates.h"

namespace glint {

// Words and symbols for reading values, loaded from schemas/locales.json.
struct Locale {
  std::map<std::string, int, std::less<>> months;  // lowercased name → 1..12
  std::vector<std::string> weekdays;               // lowercased
  std::vector<std::string> filler_words;           // "de", "of" in written dates
  std::vector<std::string> null_tokens;            // lowercased
  size_t longest_null_token = 0;
  std::vector<std::pair<std::string, std::string>> currency_symbols;  // symbol → ISO code
  std::vector<std::string> currency_codes;
  std::vector<std::string> all_time_labels;         // "all time", "todo o período" (folded)
  std::vector<std::string> range_separators;        // " - ", " to ", " bis " between two dates
  struct NumberStyle {
    std::string group, decimal, currency, percent_space;
    int min_grouping = 1;
  };
  std::map<std::string, NumberStyle, std::less<>> number_formats;  // locale tag (lower case) → style
  std::map<std::string, int, std::less<>> minor_units;             // ISO 4217 code → minor units, where not 2
};

// Parses schemas/locales.json text; an empty Locale if it is malformed.
Locale parse_locale(std::string_view json_text);

// kIntegers: a whole-number column (impressions, clicks…) where a lone
// separator before three digits can only group thousands.
enum class DecimalMark : uint8_t { kUnknown, kPoint, kComma, kIntegers };

enum class CellStatus : uint8_t { kValue, kNull, kError };

struct NumberCell {
  CellStatus status = CellStatus::kNull;
  int64_t micros = 0;          // value × 1e6, rounded half away from zero
  bool percent = false;        // written with % (micros already divided by 100)
  bool ambiguous = false;      // one separator followed by exactly 3 digits
  DecimalMark evidence = DecimalMark::kUnknown;  // what the text alone proves
  std::string_view currency;   // ISO code when a symbol or code was written
  const char* error = nullptr; // why it is not a number (kError)
};

// Reads one cell. `column_mark` settles an ambiguous single separator
// ("1,234"); kUnknown reads it as a thousands separator. `integer_hint`
// (counts such as impressions) reads it as thousands as well.
NumberCell parse_number(std::string_view cell, const Locale& locale,
                        DecimalMark column_mark = DecimalMark::kUnknown);

// The hot path of parse_number for the cells most exports are made of:
// digits with at most one '.' and 1, 2, 4, 5 or 6 decimals ("1234", "12.5",
// "0.25"). False means "not that simple": call parse_number.
inline bool parse_plain_fast(std::string_view cell, int64_t& micros) {
  static constexpr int64_t kScale[7] = {1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
  if (cell.empty() || cell.size() > 16 || cell.front() == '.' || cell.back() == '.') return false;
  int64_t whole = 0, frac = 0;
  int frac_digits = -1;
  for (char c : cell) {
    if (c >= '0' && c <= '9') {
      if (frac_digits < 0) {
        whole = whole * 10 + (c - '0');
      } else {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      }
    } else if (c == '.' && frac_digits < 0) {
      frac_digits = 0;
    } else {
      return false;
    }
  }
  if (frac_digits == 3 || frac_digits > 6 || whole > 9'000'000'000'000) return false;  // "1.234" is ambiguous
  micros = whole * 1'000'000 + frac * kScale[frac_digits < 0 ? 0 : frac_digits];
  return true;
}

// True when the cell is one of the locale's null tokens ("--", "N/A", "").
bool is_null_token(std::string_view cell, const Locale& locale);

// Evidence about one column's decimal mark, gathered value by value.
struct ColumnNumberStats {
  int64_t point_votes = 0;   // values that prove '.' is the decimal mark
  int64_t comma_votes = 0;   // values that prove ',' is
  int64_t ambiguous = 0;     // "1,234"-like values
  int64_t values = 0;
  void add(const NumberCell& c);
  // The column's mark; `fallback` when the column itself does not say.
  DecimalMark decide(DecimalMark fallback) const;
  bool conflicting() const { return point_votes > 0 && comma_votes > 0; }
};

enum class DateFormat : uint8_t {
  kUnknown,
  kIso,         // 2026-03-15 (a time after it is ignored)
  kCompact,     // 20260315 (GA4)
  kYmdSlash,    // 2026/03/15
  kMdy,         // 03/15/2026, 3/15/26, 03-15-2026
  kDmy,         // 15/03/2026, 15-03-2026
  kDmyDot,      // 15.03.2026
  kWritten,     // Mar 15, 2026 · 15 mars 2026 · 15. März 2026 · Sunday, March 15, 2026
};
std::string_view date_format_name(DateFormat f);

// The reporting period an export states above its header ("January 1, 2026 -
// March 31, 2026", "1. Januar 2026 – 31. März 2026", "All time", "Todo o
// período"), from one preamble line; nullopt when the line states none.
struct DeclaredPeriod {
  std::optional<Day> start, end;  // both set, or neither (whole)
  bool whole = false;             // "All time": every date the account has, bounds unknown
  std::string text;               // the line as written (trimmed)
};
std::optional<DeclaredPeriod> parse_period_line(std::string_view line, const Locale& locale);

// Reads a date in one format; nullopt when it is not a valid date in it.
std::optional<Day> parse_date(std::string_view cell, DateFormat format, const Locale& locale);

// Which formats a value could be in, gathered over a column's values.
struct ColumnDateStats {
  static constexpr int kFormats = 8;
  std::array<int64_t, kFormats> parses{};  // values valid in each format
  int64_t values = 0;                      // non-null values seen
  void add(std::string_view cell, const Locale& locale);
  // The format that reads the most values (all, ideally). MDY vs DMY ties
  // are settled by `prefer_dmy`; `ambiguous` says a tie had to be settled.
  DateFormat decide(bool prefer_dmy, bool* ambiguous) const;
};

}  // namespace glint
