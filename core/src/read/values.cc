#include "glint/values.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "base/text.h"

namespace glint {

Locale parse_locale(std::string_view json_text) {
  Locale loc;
  const auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object()) return loc;
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_array()) return;
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(text::fold_case(v.get<std::string>()));
    }
  };
  if (const auto it = doc.find("months"); it != doc.end() && it->is_array()) {
    int month = 1;
    for (const auto& names : *it) {
      if (names.is_array()) {
        for (const auto& n : names) {
          if (n.is_string()) loc.months.emplace(text::fold_case(n.get<std::string>()), month);
        }
      }
      ++month;
    }
  }
  strings("weekdays", loc.weekdays);
  strings("date_filler_words", loc.filler_words);
  strings("null_tokens", loc.null_tokens);
  for (const std::string& t : loc.null_tokens) loc.longest_null_token = std::max(loc.longest_null_token, t.size());
  if (const auto it = doc.find("currency_codes"); it != doc.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) loc.currency_codes.push_back(v.get<std::string>());
    }
  }
  strings("all_time_labels", loc.all_time_labels);
  if (const auto it = doc.find("range_separators"); it != doc.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) loc.range_separators.push_back(v.get<std::string>());  // spaces kept: " a " is not "a"
    }
  }
  if (const auto it = doc.find("number_formats"); it != doc.end() && it->is_object()) {
    for (const auto& [tag, spec] : it->items()) {
      if (!spec.is_object()) continue;
      Locale::NumberStyle s;
      s.group = spec.value("group", ",");
      s.decimal = spec.value("decimal", ".");
      s.currency = spec.value("currency", "before");
      s.percent_space = spec.value("percent", "");
      s.min_grouping = spec.value("min_grouping", 1);
      loc.number_formats.emplace(tag, std::move(s));
    }
  }
  if (const auto it = doc.find("currency_minor_units"); it != doc.end() && it->is_object()) {
    for (const auto& [code, n] : it->items()) {
      if (n.is_number_integer()) loc.minor_units.emplace(code, n.get<int>());
    }
  }
  if (const auto it = doc.find("currency_symbols"); it != doc.end() && it->is_object()) {
    for (const auto& [sym, code] : it->items()) {
      if (code.is_string()) loc.currency_symbols.emplace_back(sym, code.get<std::string>());
    }
    // Longest first, so "US$" wins over "$".
    std::stable_sort(loc.currency_symbols.begin(), loc.currency_symbols.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }
  return loc;
}

namespace {

bool equals_folded(std::string_view cell, std::string_view folded) {
  if (cell.size() != folded.size()) return false;
  for (size_t i = 0; i < cell.size(); ++i) {
    char c = cell[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != folded[i]) return false;
  }
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Strips a currency symbol or ISO code at the front (`front`) or back of s.
std::string_view strip_currency(std::string_view& s, const Locale& loc, bool front) {
  for (const auto& [sym, code] : loc.currency_symbols) {
    if (s.size() < sym.size()) continue;
    if (front ? s.starts_with(sym) : s.ends_with(sym)) {
      // A letter symbol ("kr", "CHF") must stand apart from letters around it.
      if (front) {
        s.remove_prefix(sym.size());
      } else {
        s.remove_suffix(sym.size());
      }
      s = text::trim_spaces(s);
      return code;
    }
  }
  for (const std::string& code : loc.currency_codes) {
    if (s.size() <= code.size()) continue;
    if (front && s.starts_with(code)) {
      const char next = s[code.size()];
      if (!is_digit(next) && next != ' ' && next != '-' && next != '\xC2' && next != '\xE2') continue;
      s.remove_prefix(code.size());
      s = text::trim_spaces(s);
      return code;
    }
    if (!front && s.ends_with(code)) {
      const char prev = s[s.size() - code.size() - 1];
      if (!is_digit(prev) && prev != ' ' && prev != '\xA0' && prev != '\xAF' && prev != '\x89') continue;
      s.remove_suffix(code.size());
      s = text::trim_spaces(s);
      return code;
    }
  }
  return {};
}

// Digits with the position of the decimal point, scaled into micro-units with
// `shift` extra powers of ten (-2 for percent, the exponent for 1e-5).
bool to_micros(std::string_view digits, int point, int shift, int64_t& out) {
  // value = 0.d1d2d3… × 10^point; micros = value × 10^(6 + shift).
  size_t first = 0;
  while (first < digits.size() && digits[first] == '0') {
    ++first;
    --point;
  }
  digits.remove_prefix(first);
  const int keep = point + 6 + shift;  // digits that form the integer result
  if (digits.empty() || keep <= 0) {
    // Only a rounding digit can matter: 0.0000005 → 1 micro.
    out = (keep == 0 && !digits.empty() && digits[0] >= '5') ? 1 : 0;
    return true;
  }
  if (keep > 19) return false;
  unsigned long long v = 0;
  for (int i = 0; i < keep; ++i) {
    const int d = i < static_cast<int>(digits.size()) ? digits[static_cast<size_t>(i)] - '0' : 0;
    if (v > (std::numeric_limits<unsigned long long>::max() - static_cast<unsigned>(d)) / 10) return false;
    v = v * 10 + static_cast<unsigned>(d);
  }
  if (keep < static_cast<int>(digits.size()) && digits[static_cast<size_t>(keep)] >= '5') ++v;
  if (v > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) return false;
  out = static_cast<int64_t>(v);
  return true;
}

}  // namespace

bool is_null_token(std::string_view cell, const Locale& locale) {
  cell = text::trim_spaces(cell);
  if (cell.size() > locale.longest_null_token) return false;
  for (const std::string& t : locale.null_tokens) {
    if (equals_folded(cell, t)) return true;
  }
  return false;
}

NumberCell parse_number(std::string_view cell, const Locale& locale, DecimalMark column_mark) {
  NumberCell r;
  // Fast path: plain digits, optionally with one '.' and up to 6 decimals.
  if (!cell.empty() && cell.size() <= 18) {
    int64_t whole = 0, frac = 0;
    int frac_digits = -1;
    bool plain = true;
    for (char c : cell) {
      if (is_digit(c)) {
        if (frac_digits < 0) {
          whole = whole * 10 + (c - '0');
        } else {
          frac = frac * 10 + (c - '0');
          ++frac_digits;
        }
      } else if (c == '.' && frac_digits < 0) {
        frac_digits = 0;
      } else {
        plain = false;
        break;
      }
    }
    if (plain && cell.front() != '.' && cell.back() != '.' && frac_digits != 3 && frac_digits <= 6 &&
        whole <= 9'000'000'000'000) {
      for (int i = std::max(frac_digits, 0); i < 6; ++i) frac *= 10;
      r.status = CellStatus::kValue;
      r.micros = whole * 1'000'000 + frac;
      if (frac_digits > 0) r.evidence = DecimalMark::kPoint;
      return r;
    }
  }

  std::string_view s = text::trim_spaces(cell);
  if (is_null_token(s, locale)) return r;
  auto fail = [&r](const char* why) {
    r.status = CellStatus::kError;
    r.error = why;
    return r;
  };
  bool negative = false;
  auto take_sign = [&s, &negative]() {
    if (s.starts_with('-') || s.starts_with('+')) {
      negative = s.front() == '-';
      s.remove_prefix(1);
      s = text::trim_spaces(s);
    } else if (s.starts_with("\xE2\x88\x92")) {  // U+2212 minus sign
      negative = true;
      s.remove_prefix(3);
      s = text::trim_spaces(s);
    }
  };
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {  // accounting negative
    negative = true;
    s = text::trim_spaces(s.substr(1, s.size() - 2));
  }
  take_sign();
  r.currency = strip_currency(s, locale, true);
  if (!negative) take_sign();
  if (s.ends_with('%')) {
    r.percent = true;
    s = text::trim_spaces(s.substr(0, s.size() - 1));
  }
  if (r.currency.empty()) r.currency = strip_currency(s, locale, false);
  if (s.ends_with('-') && !negative) {  // "12.50-"
    negative = true;
    s = text::trim_spaces(s.substr(0, s.size() - 1));
  }
  if (s.empty()) return fail("no digits");

  // Body: digits, separators, an optional exponent.
  std::string digits;
  digits.reserve(s.size());
  int points = 0, commas = 0, spaces = 0;
  char last_sep = 0;
  size_t last_sep_digits = 0;       // digits before the last ',' or '.'
  std::vector<size_t> group_marks;  // digit counts at each grouping mark
  int exponent = 0;
  bool has_exponent = false;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (is_digit(c)) {
      digits.push_back(c);
      ++i;
    } else if (c == '.' || c == ',') {
      (c == '.' ? points : commas)++;
      last_sep = c;
      last_sep_digits = digits.size();
      group_marks.push_back(digits.size());
      ++i;
    } else if (c == '\'') {
      ++spaces;
      group_marks.push_back(digits.size());
      ++i;
    } else if (const size_t n = text::space_prefix(s.substr(i)); n > 0) {
      ++spaces;
      group_marks.push_back(digits.size());
      i += n;
    } else if (s.substr(i, 3) == "\xE2\x80\x99") {  // ’ as a Swiss grouping mark
      ++spaces;
      group_marks.push_back(digits.size());
      i += 3;
    } else if ((c == 'e' || c == 'E') && !digits.empty() && i + 1 < s.size()) {
      std::string_view e = s.substr(i + 1);
      bool eneg = false;
      if (e.front() == '-' || e.front() == '+') {
        eneg = e.front() == '-';
        e.remove_prefix(1);
      }
      if (e.empty() || e.size() > 3 || !std::all_of(e.begin(), e.end(), is_digit)) {
        return fail("not a number");
      }
      for (char d : e) exponent = exponent * 10 + (d - '0');
      if (eneg) exponent = -exponent;
      has_exponent = true;
      break;
    } else {
      return fail("not a number");
    }
  }
  if (digits.empty()) return fail("no digits");
  if (has_exponent && (commas > 0 || spaces > 0 || points > 1)) return fail("not a number");

  // Which mark is the decimal one?
  char decimal = 0;
  if (points > 0 && commas > 0) {
    if ((last_sep == '.' ? points : commas) != 1) return fail("mixed separators");
    decimal = last_sep;
    r.evidence = decimal == '.' ? DecimalMark::kPoint : DecimalMark::kComma;
  } else if (points + commas == 1) {
    const size_t after = digits.size() - last_sep_digits;
    const bool leading_zero = last_sep_digits == 1 && digits[0] == '0';
    if (after != 3 || last_sep_digits == 0 || leading_zero || spaces > 0 || has_exponent) {
      decimal = last_sep;
      r.evidence = decimal == '.' ? DecimalMark::kPoint : DecimalMark::kComma;
    } else {
      r.ambiguous = true;
      const DecimalMark mine = last_sep == '.' ? DecimalMark::kPoint : DecimalMark::kComma;
      if (column_mark == mine) decimal = last_sep;
    }
  } else if (points > 1) {
    r.evidence = DecimalMark::kComma;  // '.' groups thousands
  } else if (commas > 1) {
    r.evidence = DecimalMark::kPoint;
  }

  // Grouping marks must split the integer part into threes.
  size_t int_digits = digits.size();
  if (decimal != 0) int_digits = last_sep_digits;
  std::vector<size_t> groups;
  for (size_t m : group_marks) {
    if (decimal != 0 && m == last_sep_digits) continue;  // the decimal mark itself
    groups.push_back(m);
  }
  if (!groups.empty()) {
    size_t prev = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
      const size_t len = groups[i] - prev;
      if (i == 0 ? (len < 1 || len > 3) : len != 3) return fail("misplaced thousands separator");
      prev = groups[i];
    }
    if (int_digits - prev != 3) return fail("misplaced thousands separator");
  }
  int shift = (r.percent ? -2 : 0) + exponent;
  if (!to_micros(digits, static_cast<int>(int_digits), shift, r.micros)) return fail("out of range");
  if (negative) r.micros = -r.micros;
  r.status = CellStatus::kValue;
  return r;
}

void ColumnNumberStats::add(const NumberCell& c) {
  if (c.status != CellStatus::kValue) return;
  ++values;
  if (c.ambiguous) ++ambiguous;
  if (c.evidence == DecimalMark::kPoint) ++point_votes;
  if (c.evidence == DecimalMark::kComma) ++comma_votes;
}

DecimalMark ColumnNumberStats::decide(DecimalMark fallback) const {
  if (point_votes > comma_votes) return DecimalMark::kPoint;
  if (comma_votes > point_votes) return DecimalMark::kComma;
  return fallback;
}

std::string_view date_format_name(DateFormat f) {
  switch (f) {
    case DateFormat::kUnknown: return "unknown";
    case DateFormat::kIso: return "YYYY-MM-DD";
    case DateFormat::kCompact: return "YYYYMMDD";
    case DateFormat::kYmdSlash: return "YYYY/MM/DD";
    case DateFormat::kMdy: return "MM/DD/YYYY";
    case DateFormat::kDmy: return "DD/MM/YYYY";
    case DateFormat::kDmyDot: return "DD.MM.YYYY";
    case DateFormat::kWritten: return "written month";
  }
  return "unknown";
}

namespace {

// Reads 1..max_len digits at s[i]; advances i.
bool read_int(std::string_view s, size_t& i, int min_len, int max_len, int& out) {
  int len = 0;
  out = 0;
  while (i < s.size() && is_digit(s[i]) && len < max_len) {
    out = out * 10 + (s[i] - '0');
    ++i;
    ++len;
  }
  if (len < min_len) return false;
  return i >= s.size() || !is_digit(s[i]);
}

// After a date, only a time ("00:00:00", "T10:00Z") may follow.
bool only_time_follows(std::string_view rest) {
  if (rest.empty()) return true;
  if (rest[0] != ' ' && rest[0] != 'T') return false;
  rest.remove_prefix(1);
  return rest.size() >= 4 && is_digit(rest[0]) && (rest[1] == ':' || rest[2] == ':');
}

int full_year(int y, int digits) {
  if (digits == 2) return 2000 + y;
  return y;
}

std::optional<Day> parse_numeric(std::string_view s, DateFormat f) {
  size_t i = 0;
  int a = 0, b = 0, c = 0;
  switch (f) {
    case DateFormat::kIso:
      if (!read_int(s, i, 4, 4, a) || i >= s.size() || s[i++] != '-') return std::nullopt;
      if (!read_int(s, i, 2, 2, b) || i >= s.size() || s[i++] != '-') return std::nullopt;
      if (!read_int(s, i, 2, 2, c) || !only_time_follows(s.substr(i))) return std::nullopt;
      return day_from_civil(a, b, c);
    case DateFormat::kCompact:
      if (s.size() != 8 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
      a = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
      b = (s[4] - '0') * 10 + (s[5] - '0');
      c = (s[6] - '0') * 10 + (s[7] - '0');
      if (a < 1900 || a > 2199) return std::nullopt;
      return day_from_civil(a, b, c);
    case DateFormat::kYmdSlash:
      if (!read_int(s, i, 4, 4, a) || i >= s.size() || s[i++] != '/') return std::nullopt;
      if (!read_int(s, i, 1, 2, b) || i >= s.size() || s[i++] != '/') return std::nullopt;
      if (!read_int(s, i, 1, 2, c) || !only_time_follows(s.substr(i))) return std::nullopt;
      return day_from_civil(a, b, c);
    case DateFormat::kMdy:
    case DateFormat::kDmy:
    case DateFormat::kDmyDot: {
      const char sep = f == DateFormat::kDmyDot ? '.' : (s.find('/') != std::string_view::npos ? '/' : '-');
      if (!read_int(s, i, 1, 2, a) || i >= s.size() || s[i++] != sep) return std::nullopt;
      if (!read_int(s, i, 1, 2, b) || i >= s.size() || s[i++] != sep) return std::nullopt;
      const size_t y0 = i;
      if (!read_int(s, i, 2, 4, c) || (i - y0) == 3) return std::nullopt;
      if (!only_time_follows(s.substr(i))) return std::nullopt;
      c = full_year(c, static_cast<int>(i - y0));
      return f == DateFormat::kMdy ? day_from_civil(c, a, b) : day_from_civil(c, b, a);
    }
    default:
      return std::nullopt;
  }
}

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || u >= 0x80;
}

std::optional<Day> parse_written(std::string_view s, const Locale& loc) {
  int day = -1, month = -1, year = -1;
  int month_words = 0;
  bool first_month_is_weekday = false;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == ',' || c == '.' || c == '-' || c == '/') {
      ++i;
      continue;
    }
    if (is_digit(c)) {
      size_t j = i;
      int v = 0;
      while (j < s.size() && is_digit(s[j])) v = v * 10 + (s[j++] - '0');
      const size_t len = j - i;
      // Ordinals: 1st 2nd 3rd 15th, French 1er.
      if (j + 1 < s.size() && is_word_byte(s[j])) {
        const std::string_view suf = s.substr(j, 2);
        if (suf == "st" || suf == "nd" || suf == "rd" || suf == "th" || suf == "er") j += 2;
      }
      if (j < s.size() && s[j] == ':') break;  // a time: the date is over
      if (len == 4) {
        if (year >= 0) return std::nullopt;
        year = v;
      } else if (len <= 2) {
        if (day >= 0) return std::nullopt;
        day = v;
      } else {
        return std::nullopt;
      }
      i = j;
      continue;
    }
    if (is_word_byte(c)) {
      size_t j = i;
      while (j < s.size() && is_word_byte(s[j])) ++j;
      const std::string word = text::fold_case(s.substr(i, j - i));
      i = j;
      const auto it = loc.months.find(word);
      const bool weekday = std::find(loc.weekdays.begin(), loc.weekdays.end(), word) != loc.weekdays.end();
      if (it != loc.months.end()) {
        if (month_words == 1 && first_month_is_weekday) {
          month = it->second;  // "mar. 15 mars": the first was Tuesday
        } else if (month < 0) {
          month = it->second;
          first_month_is_weekday = weekday;
        } else {
          return std::nullopt;
        }
        ++month_words;
        continue;
      }
      if (weekday) continue;
      if (std::find(loc.filler_words.begin(), loc.filler_words.end(), word) != loc.filler_words.end()) continue;
      return std::nullopt;
    }
    return std::nullopt;
  }
  if (day < 0 || month < 0 || year < 0) return std::nullopt;
  return day_from_civil(year, month, day);
}

}  // namespace

std::optional<Day> parse_date(std::string_view cell, DateFormat format, const Locale& locale) {
  const std::string_view s = text::trim_spaces(cell);
  if (s.empty()) return std::nullopt;
  if (format == DateFormat::kWritten) return parse_written(s, locale);
  return parse_numeric(s, format);
}

void ColumnDateStats::add(std::string_view cell, const Locale& locale) {
  if (is_null_token(cell, locale)) return;
  ++values;
  for (int f = 1; f < kFormats; ++f) {
    if (parse_date(cell, static_cast<DateFormat>(f), locale)) ++parses[static_cast<size_t>(f)];
  }
}

DateFormat ColumnDateStats::decide(bool prefer_dmy, bool* ambiguous) const {
  if (ambiguous != nullptr) *ambiguous = false;
  int64_t best = 0;
  for (int f = 1; f < kFormats; ++f) best = std::max(best, parses[static_cast<size_t>(f)]);
  if (best == 0) return DateFormat::kUnknown;
  const int64_t mdy = parses[static_cast<size_t>(DateFormat::kMdy)];
  const int64_t dmy = parses[static_cast<size_t>(DateFormat::kDmy)];
  if (mdy == best && dmy == best) {
    if (ambiguous != nullptr) *ambiguous = true;
    return prefer_dmy ? DateFormat::kDmy : DateFormat::kMdy;
  }
  for (int f = 1; f < kFormats; ++f) {
    if (parses[static_cast<size_t>(f)] == best) return static_cast<DateFormat>(f);
  }
  return DateFormat::kUnknown;
}

}  // namespace glint

namespace glint {

std::optional<DeclaredPeriod> parse_period_line(std::string_view line, const Locale& locale) {
  std::string_view s = text::trim_spaces(line);
  while (!s.empty() && (s.front() == '"' || s.front() == '#' || s.front() == ' ')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '"' || s.back() == ',' || s.back() == ';' || s.back() == ' ')) s.remove_suffix(1);
  if (s.empty() || s.size() > 200) return std::nullopt;
  DeclaredPeriod out;
  out.text = std::string(s);
  // "Date range: …", "Zeitraum: …": what follows the colon.
  std::string_view body = s;
  if (const size_t colon = body.find(": "); colon != std::string_view::npos) body = text::trim_spaces(body.substr(colon + 2));
  const std::string folded = text::fold_case(body);
  for (const std::string& label : locale.all_time_labels) {
    if (folded == label) {
      out.whole = true;
      return out;
    }
  }
  static constexpr DateFormat kTry[] = {DateFormat::kIso, DateFormat::kWritten, DateFormat::kDmyDot, DateFormat::kYmdSlash,
                                        DateFormat::kCompact, DateFormat::kMdy, DateFormat::kDmy};
  const auto read = [&](std::string_view cell) -> std::optional<Day> {
    cell = text::trim_spaces(cell);
    for (DateFormat f : kTry) {
      if (auto d = parse_date(cell, f, locale)) return d;
    }
    return std::nullopt;
  };
  for (const std::string& sep : locale.range_separators) {
    for (size_t at = body.find(sep); at != std::string_view::npos; at = body.find(sep, at + 1)) {
      std::string_view left = body.substr(0, at), right = body.substr(at + sep.size());
      // A title before the first date ("Campaign report, January 1, 2026"):
      // drop leading words until the rest reads as a date.
      std::optional<Day> a = read(left);
      for (size_t sp = left.find(' '); !a && sp != std::string_view::npos; sp = left.find(' ', sp + 1)) a = read(left.substr(sp + 1));
      if (!a) continue;
      std::optional<Day> b = read(right);
      for (size_t sp = right.rfind(' '); !b && sp != std::string_view::npos && sp > 0; sp = right.rfind(' ', sp - 1)) b = read(right.substr(0, sp));
      if (!b || *b < *a) continue;
      out.start = a;
      out.end = b;
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace glint
