// The grounding checker (glint/grounding.h) and the Engine methods behind
// written insights (insights/written.h): "grounding.check" reads every number
// of a text and finds each among the facts' values; "narrative.write" writes
// the embedded narrative from report.highlight results, using only numbers
// the facts carry. See insights/README.md.
#include "glint/grounding.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "base/text.h"
#include "glint/dates.h"
#include "insights/written.h"

namespace glint::grounding {

namespace {

// Words that give a number its unit. They belong with the other reading words
// in schemas/locales.json; kept here (lower case, matched on a word boundary)
// until that schema grows a section for them.
struct Phrase {
  std::string_view text;
  double factor;
};
constexpr Phrase kPercentWords[] = {{"percent", 1}, {"per cent", 1}, {"prozent", 1}, {"pour cent", 1},
                                    {"por ciento", 1}, {"por cento", 1}, {"per cento", 1}, {"pct", 1}};
constexpr Phrase kPointWords[] = {{"percentage points", 1}, {"percentage point", 1}, {"pts", 1}, {"pt", 1},
                                  {"pp", 1}, {"p.p.", 1}, {"points", 1}, {"point", 1}, {"prozentpunkte", 1},
                                  {"prozentpunkt", 1}, {"points de pourcentage", 1}, {"puntos porcentuales", 1},
                                  {"pontos percentuais", 1}, {"punti percentuali", 1}};
constexpr Phrase kScaleWords[] = {{"thousand", 1e3}, {"million", 1e6}, {"millions", 1e6}, {"billion", 1e9},
                                  {"billions", 1e9}, {"mio.", 1e6}, {"mio", 1e6}, {"mrd.", 1e9}, {"mrd", 1e9},
                                  {"tsd.", 1e3}, {"tsd", 1e3}, {"mil", 1e3}, {"millones", 1e6}, {"millón", 1e6},
                                  {"millionen", 1e6}, {"milliarden", 1e9}, {"milliards", 1e9}, {"milliard", 1e9},
                                  {"milhões", 1e6}, {"milhão", 1e6}, {"bilhões", 1e9}, {"milioni", 1e6}};
constexpr Phrase kDayWords[] = {{"days", 1},     {"day", 1},       {"tage", 1},      {"tagen", 1},  {"tag", 1},
                                {"jours", 1},    {"jour", 1},      {"días", 1},      {"dias", 1},   {"día", 1},
                                {"dia", 1},      {"giorni", 1},    {"giorno", 1},    {"weeks", 7},  {"week", 7},
                                {"wochen", 7},   {"woche", 7},     {"semaines", 7},  {"semaine", 7}, {"semanas", 7},
                                {"semana", 7},   {"settimane", 7}, {"settimana", 7}};
struct CurrencyWord {
  std::string_view text, code;
};
constexpr CurrencyWord kCurrencyWords[] = {{"dollars", "USD"}, {"dollar", "USD"}, {"euros", "EUR"}, {"euro", "EUR"},
                                           {"pounds", "GBP"},  {"yen", "JPY"},    {"rupees", "INR"}};
constexpr std::string_view kEnglishMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                               "july",    "august",   "september", "october", "november", "december"};
constexpr std::string_view kEnglishMonthAbbr[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The code point at s[i] and its byte length (an invalid byte reads as itself).
std::pair<uint32_t, size_t> decode(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) return {c, 1};
  uint32_t cp = c & (0x3F >> (len - 1));
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {cp, len};
}

size_t prev_start(std::string_view s, size_t i) {
  size_t j = i;
  while (j > 0) {
    --j;
    if ((static_cast<unsigned char>(s[j]) & 0xC0) != 0x80) break;
  }
  return j;
}

// Letters of the scripts a word may be written in (identifiers count '_').
// CJK is left out: numbers written right beside CJK text are still numbers.
bool letter_cp(uint32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_') return true;
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  return cp >= 0x370 && cp < 0x2000;
}
bool letter_at(std::string_view s, size_t i) { return i < s.size() && letter_cp(decode(s, i).first); }
bool letter_before(std::string_view s, size_t i) { return i > 0 && letter_cp(decode(s, prev_start(s, i)).first); }
bool alnum_at(std::string_view s, size_t i) { return i < s.size() && (is_digit(s[i]) || letter_at(s, i)); }
bool alnum_before(std::string_view s, size_t i) { return i > 0 && (is_digit(s[i - 1]) || letter_before(s, i)); }

size_t space_at(std::string_view s, size_t i) { return i < s.size() ? text::space_prefix(s.substr(i)) : 0; }
size_t space_before(std::string_view s, size_t i) {
  if (i >= 1 && (s[i - 1] == ' ' || s[i - 1] == '\t')) return 1;
  if (i >= 2 && s.substr(i - 2, 2) == "\u00a0") return 2;
  if (i >= 3 && (s.substr(i - 3, 3) == "\u202f" || s.substr(i - 3, 3) == "\u2009")) return 3;
  return 0;
}

// ASCII-lowercased view of s from i, at most n bytes.
std::string lower_window(std::string_view s, size_t i, size_t n) { return text::fold_case(s.substr(i, n)); }

// Length of the first phrase of `list` at s[i] (case-folded, ending on a word
// boundary), and its factor.
template <size_t N>
std::pair<size_t, double> phrase_at(std::string_view s, size_t i, const Phrase (&list)[N]) {
  if (i >= s.size()) return {0, 0};
  const std::string w = lower_window(s, i, 32);
  size_t best = 0;
  double factor = 0;
  for (const Phrase& p : list) {
    if (p.text.size() <= best || !std::string_view(w).starts_with(p.text)) continue;
    if (letter_at(s, i + p.text.size()) || (p.text.back() != '.' && i + p.text.size() < s.size() &&
                                            is_digit(s[i + p.text.size()]))) {
      continue;
    }
    best = p.text.size();
    factor = p.factor;
  }
  return {best, factor};
}

double pow10(int n) {
  double p = 1;
  for (int k = 0; k < n; ++k) p *= 10;
  return p;
}

struct Core {
  size_t end = 0;
  double value = 0;
  int decimals = 0, int_digits = 0;
  bool grouped = false;
};

class Scanner {
 public:
  Scanner(std::string_view text, const Reader& r) : s_(text), nf_(r.format), loc_(r.locale) {
    english_ = nf_.tag == "en" || nf_.tag.starts_with("en-");
  }

  std::vector<Number> run(std::span<const std::string> names, size_t trusted) {
    mask(names, trusted);
    size_t i = 0;
    while (i < s_.size()) {
      if (!is_digit(s_[i]) || (i > 0 && is_digit(s_[i - 1]))) {
        ++i;
        continue;
      }
      if (const size_t m = masked_until(i)) {
        i = m;
        continue;
      }
      const size_t next = scan_at(i);
      i = std::max(next, i + 1);
    }
    join_ranges();
    return std::move(out_);
  }

 private:
  std::string_view s_;
  const fmt::NumberFormat& nf_;
  const Locale* loc_;
  bool english_ = true;
  std::vector<std::pair<size_t, size_t>> masks_;
  std::vector<Number> out_;
  size_t floor_ = 0;  // where the last number ended: look-backs stop there

  // Entity names written in the text: their digits are the name's, not numbers of the answer.
  // Names from `trusted` on (the caller's own) are masked even without a letter.
  void mask(std::span<const std::string> names, size_t trusted) {
    for (size_t ni = 0; ni < names.size(); ++ni) {
      const std::string& name = names[ni];
      if (name.empty() || !std::any_of(name.begin(), name.end(), [](char c) { return is_digit(c); })) continue;
      bool has_letter = false;
      for (size_t k = 0; k < name.size(); k += decode(name, k).second) has_letter |= letter_cp(decode(name, k).first);
      if (!has_letter && ni < trusted) continue;  // a data name of digits alone would hide any number it equals
      for (size_t p = s_.find(name); p != std::string_view::npos; p = s_.find(name, p + 1)) {
        const size_t e = p + name.size();
        if (alnum_before(s_, p) && alnum_at(name, 0)) continue;
        if (e < s_.size() && alnum_at(name, name.size() - 1) && (alnum_at(s_, e) || s_[e] == '%')) continue;
        masks_.emplace_back(p, e);
      }
    }
  }
  size_t masked_until(size_t i) const {
    size_t end = 0;
    for (const auto& [a, b] : masks_) {
      if (i >= a && i < b) end = std::max(end, b);
    }
    return end;
  }

  size_t skip_word(size_t i) const {
    while (i < s_.size() && (alnum_at(s_, i) ||
                             ((s_[i] == '.' || s_[i] == ',' || s_[i] == '-') && i + 1 < s_.size() && alnum_at(s_, i + 1)))) {
      i += decode(s_, i).second;
    }
    return i;
  }

  bool line_start(size_t i) const {
    while (i > 0 && (s_[i - 1] == ' ' || s_[i - 1] == '\t')) --i;
    return i == 0 || s_[i - 1] == '\n' || s_[i - 1] == '\r';
  }

  size_t digits_at(size_t i) const {
    size_t j = i;
    while (j < s_.size() && is_digit(s_[j])) ++j;
    return j - i;
  }

  // Length of the locale's group mark at i (any space-like mark for space grouping, ' for ’).
  size_t group_at(size_t i) const {
    const std::string& g = nf_.group;
    if (g.empty() || i >= s_.size()) return 0;
    if (text::space_prefix(g) == g.size()) return space_at(s_, i);
    if (g == "\u2019" && s_[i] == '\'') return 1;
    return s_.substr(i).starts_with(g) ? g.size() : 0;
  }

  Core read_core(size_t i) const {
    Core c;
    size_t j = i;
    double v = 0;
    while (j < s_.size() && is_digit(s_[j])) {
      v = v * 10 + (s_[j] - '0');
      ++j;
      ++c.int_digits;
    }
    // The other convention written unmistakably: "1.234,50" or "1.210.563" in English, "1,234.50" in German
    // (the locale's decimal mark grouping twice, or grouping before the other mark with decimals).
    if (c.int_digits <= 3 && (nf_.decimal == "." || nf_.decimal == ",")) {
      const char sg = nf_.decimal[0], sd = sg == '.' ? ',' : '.';
      size_t k = j;
      int groups = 0;
      double w = v;
      while (k < s_.size() && s_[k] == sg && digits_at(k + 1) == 3) {
        for (size_t q = k + 1; q < k + 4; ++q) w = w * 10 + (s_[q] - '0');
        k += 4;
        ++groups;
      }
      const bool frac = groups >= 1 && k + 1 < s_.size() && s_[k] == sd && is_digit(s_[k + 1]);
      if (groups >= 2 || frac) {
        c.grouped = true;
        c.int_digits += 3 * groups;
        if (frac) {
          ++k;
          double f = 0;
          while (k < s_.size() && is_digit(s_[k])) {
            if (c.decimals < 15) {
              f = f * 10 + (s_[k] - '0');
              ++c.decimals;
            }
            ++k;
          }
          w += f / pow10(c.decimals);
        }
        c.end = k;
        c.value = w;
        return c;
      }
    }
    if (c.int_digits <= 3) {
      while (true) {
        const size_t g = group_at(j);
        if (g == 0 || digits_at(j + g) != 3) break;
        for (size_t k = j + g; k < j + g + 3; ++k) v = v * 10 + (s_[k] - '0');
        j += g + 3;
        c.int_digits += 3;
        c.grouped = true;
      }
    }
    // The locale's decimal mark, or the other of '.' and ',' where it cannot be grouping.
    size_t mark = 0;
    if (j < s_.size() && s_.substr(j).starts_with(nf_.decimal) && j + nf_.decimal.size() < s_.size() &&
        is_digit(s_[j + nf_.decimal.size()])) {
      mark = nf_.decimal.size();
    } else if (j + 1 < s_.size() && (s_[j] == '.' || s_[j] == ',') && is_digit(s_[j + 1]) &&
               !(group_at(j) == 1 && digits_at(j + 1) == 3)) {
      mark = 1;
    }
    if (mark > 0) {
      j += mark;
      double f = 0;
      while (j < s_.size() && is_digit(s_[j])) {
        if (c.decimals < 15) {
          f = f * 10 + (s_[j] - '0');
          ++c.decimals;
        }
        ++j;
      }
      v += f / pow10(c.decimals);
    }
    c.end = j;
    c.value = v;
    return c;
  }

  // The month a word names (0: none).
  int month_of(std::string_view word, bool with_year) const {
    if (word.empty()) return 0;
    std::string w = text::fold_case(word);
    if (!w.empty() && w.back() == '.') w.pop_back();
    if (english_) {
      if (!(word[0] >= 'A' && word[0] <= 'Z')) return 0;
      for (int m = 0; m < 12; ++m) {
        if (w == kEnglishMonths[m] || w == kEnglishMonthAbbr[m] || (m == 8 && w == "sept")) return m + 1;
      }
      return 0;
    }
    // Abbreviations that are also common words need a year beside them.
    if (!with_year && (w == "out" || w == "set" || w == "ago" || w == "mag" || w == "gen")) return 0;
    if (loc_ == nullptr) return 0;
    const auto it = loc_->months.find(w);
    return it == loc_->months.end() ? 0 : it->second;
  }
  // The word (letters, an optional trailing '.') starting at i; its end.
  size_t word_end(size_t i) const {
    size_t j = i;
    while (j < s_.size() && letter_at(s_, j)) j += decode(s_, j).second;
    if (j > i && j < s_.size() && s_[j] == '.') ++j;
    return j;
  }
  // A 4-digit year at i (not part of a longer number).
  std::optional<int> year_at(size_t i) const {
    if (digits_at(i) != 4 || (i + 4 < s_.size() && (s_[i + 4] == '.' || s_[i + 4] == ',') && i + 5 < s_.size() &&
                              is_digit(s_[i + 5]))) {
      return std::nullopt;
    }
    const int y = (s_[i] - '0') * 1000 + (s_[i + 1] - '0') * 100 + (s_[i + 2] - '0') * 10 + (s_[i + 3] - '0');
    if (y < 1900 || y > 2199) return std::nullopt;
    return y;
  }

  // The sign mark ending at i: its length (0: none) and whether it is a minus.
  std::pair<size_t, bool> sign_before(size_t i) const {
    size_t len = 0;
    bool minus = false;
    if (i >= 1 && (s_[i - 1] == '+' || s_[i - 1] == '-')) {
      len = 1;
      minus = s_[i - 1] == '-';
    } else if (i >= 3 && s_.substr(i - 3, 3) == "\u2212") {
      len = 3;
      minus = true;
    }
    if (len == 0 || i - len < floor_) return {0, false};
    if (alnum_before(s_, i - len) || (i - len > 0 && (s_[i - len - 1] == '-' || s_[i - len - 1] == '+'))) return {0, false};
    return {len, minus};
  }

  // A currency symbol or ISO code ending at i (a space between allowed): its start and code.
  std::optional<std::pair<size_t, std::string>> currency_before(size_t i) const {
    for (int spaced = 0; spaced < 2; ++spaced) {
      size_t q = i;
      if (spaced) {
        const size_t sp = space_before(s_, q);
        if (sp == 0) break;
        q -= sp;
      }
      if (loc_ != nullptr) {
        for (const auto& [sym, code] : loc_->currency_symbols) {
          if (q < sym.size() || q - sym.size() < floor_ || s_.substr(q - sym.size(), sym.size()) != sym) continue;
          if (letter_at(sym, 0) && letter_before(s_, q - sym.size())) continue;
          return std::pair{q - sym.size(), code};
        }
      }
      if (const auto code = code_ending(q)) return std::pair{q - 3, *code};
    }
    return std::nullopt;
  }
  std::optional<std::string> code_ending(size_t q) const {
    if (q < 3 || q - 3 < floor_ || loc_ == nullptr) return std::nullopt;
    const std::string_view c = s_.substr(q - 3, 3);
    if (letter_before(s_, q - 3)) return std::nullopt;
    for (const std::string& k : loc_->currency_codes) {
      if (k == c) return k;
    }
    return std::nullopt;
  }
  // A currency symbol, ISO code or currency word at i: its end and code.
  std::optional<std::pair<size_t, std::string>> currency_at(size_t i) const {
    if (i >= s_.size()) return std::nullopt;
    if (loc_ != nullptr) {
      for (const auto& [sym, code] : loc_->currency_symbols) {
        if (!s_.substr(i).starts_with(sym)) continue;
        if (letter_at(sym, sym.size() - 1) && letter_at(s_, i + sym.size())) continue;
        return std::pair{i + sym.size(), code};
      }
      if (i + 3 <= s_.size() && !letter_at(s_, i + 3)) {
        const std::string_view c = s_.substr(i, 3);
        for (const std::string& k : loc_->currency_codes) {
          if (k == c) return std::pair{i + 3, k};
        }
      }
    }
    const std::string w = lower_window(s_, i, 12);
    for (const CurrencyWord& cw : kCurrencyWords) {
      if (std::string_view(w).starts_with(cw.text) && !letter_at(s_, i + cw.text.size())) {
        return std::pair{i + cw.text.size(), std::string(cw.code)};
      }
    }
    return std::nullopt;
  }

  void push_date(size_t start, size_t end, int y, int m, int d) {
    Number n;
    n.start = start;
    n.end = end;
    n.unit = Unit::kDate;
    n.year = y;
    n.month = m;
    n.day = d;
    out_.push_back(std::move(n));
    floor_ = end;
  }

  // Numeric dates: 2026-09-10; 10.09.2026 and 10/09/2026 (month first in English).
  std::optional<size_t> numeric_date(size_t i) {
    if (digits_at(i) == 4 && i + 10 <= s_.size() && s_[i + 4] == '-' && s_[i + 7] == '-' && digits_at(i + 5) == 2 &&
        digits_at(i + 8) == 2 && !(i + 10 < s_.size() && is_digit(s_[i + 10]))) {
      const int y = std::stoi(std::string(s_.substr(i, 4))), m = std::stoi(std::string(s_.substr(i + 5, 2))),
                d = std::stoi(std::string(s_.substr(i + 8, 2)));
      if (day_from_civil(y, m, d)) {
        push_date(i, i + 10, y, m, d);
        return i + 10;
      }
      return std::nullopt;
    }
    const size_t a = digits_at(i);
    if (a < 1 || a > 2 || i + a >= s_.size()) return std::nullopt;
    const char sep = s_[i + a];
    if (sep != '.' && sep != '/' && sep != '-') return std::nullopt;
    const size_t b = digits_at(i + a + 1);
    if (b < 1 || b > 2 || i + a + 1 + b >= s_.size() || s_[i + a + 1 + b] != sep) return std::nullopt;
    const size_t yi = i + a + b + 2;
    if (digits_at(yi) != 4) return std::nullopt;
    int x = std::stoi(std::string(s_.substr(i, a))), z = std::stoi(std::string(s_.substr(i + a + 1, b)));
    const int y = std::stoi(std::string(s_.substr(yi, 4)));
    if (english_ && sep == '/') std::swap(x, z);
    if (!day_from_civil(y, z, x)) return std::nullopt;
    push_date(i, yi + 4, y, z, x);
    return yi + 4;
  }

  // "Sep 10", "September 10, 2026", "Sept. 10th" — the month before the day number at i.
  std::optional<size_t> month_first_date(size_t i, const Core& c) {
    if (c.grouped || c.decimals > 0 || c.int_digits > 2 || c.value < 1 || c.value > 31) return std::nullopt;
    size_t q = i;
    const size_t sp = space_before(s_, q);
    if (sp == 0) return std::nullopt;
    q -= sp;
    size_t w_end = q;
    if (q > 0 && s_[q - 1] == '.') --q;
    size_t w = q;
    while (w > floor_ && letter_before(s_, w)) w = prev_start(s_, w);
    if (w == q) return std::nullopt;
    size_t e = c.end;
    if (e + 2 <= s_.size()) {
      const std::string o = lower_window(s_, e, 2);
      if ((o == "st" || o == "nd" || o == "rd" || o == "th") && !letter_at(s_, e + 2)) e += 2;
    }
    int year = 0;
    size_t k = e;
    if (k < s_.size() && s_[k] == ',') ++k;
    if (const size_t sp2 = space_at(s_, k)) {
      if (const auto y = year_at(k + sp2)) {
        year = *y;
        e = k + sp2 + 4;
      }
    }
    const int m = month_of(s_.substr(w, w_end - w), year != 0);
    if (m == 0) return std::nullopt;
    const int d = static_cast<int>(c.value);
    if (!day_from_civil(year ? year : 2000, m, d)) return std::nullopt;
    push_date(w, e, year, m, d);
    return e;
  }

  // "10 September 2026", "10. September", "10 de septiembre de 2026" — the month after the day at j.
  std::optional<size_t> day_first_date(size_t i, size_t j, const Core& c) {
    if (c.grouped || c.decimals > 0 || c.int_digits > 2 || c.value < 1 || c.value > 31) return std::nullopt;
    size_t k = j;
    if (k < s_.size() && s_[k] == '.') ++k;
    size_t sp = space_at(s_, k);
    if (sp == 0) return std::nullopt;
    k += sp;
    auto filler = [&](size_t at) -> size_t {
      if (loc_ == nullptr || english_) return 0;
      const size_t we = word_end(at);
      const std::string w = text::fold_case(s_.substr(at, we - at));
      for (const std::string& f : loc_->filler_words) {
        if (w == f && space_at(s_, we)) return we - at + space_at(s_, we);
      }
      return 0;
    };
    k += filler(k);
    const size_t we = word_end(k);
    if (we == k) return std::nullopt;
    size_t e = we;
    int year = 0;
    size_t yk = we;
    if (yk < s_.size() && s_[yk] == ',') ++yk;
    if (const size_t sp2 = space_at(s_, yk)) {
      size_t at = yk + sp2;
      at += filler(at);
      if (const auto y = year_at(at)) {
        year = *y;
        e = at + 4;
      }
    }
    const int m = month_of(s_.substr(k, we - k), year != 0);
    if (m == 0) return std::nullopt;
    const int d = static_cast<int>(c.value);
    if (!day_from_civil(year ? year : 2000, m, d)) return std::nullopt;
    push_date(i, e, year, m, d);
    return e;
  }

  size_t scan_at(size_t i) {
    const size_t word = skip_word(i);
    std::string currency;
    size_t start = i;
    // "USD100" and "kr100" carry a currency; any other letter makes the digits part of a word.
    if (letter_before(s_, i) && !currency_before(i)) return word;
    if (i >= 2 && s_[i - 1] == '-' && letter_before(s_, i - 1)) return word;  // COVID-19
    if (i >= 1 && (s_[i - 1] == '#' || s_[i - 1] == '@' || s_[i - 1] == '/' || s_[i - 1] == '\\')) return word;
    if (const auto e = numeric_date(i)) return *e;
    // Times (10:30) are not figures of the answer.
    const size_t a = digits_at(i);
    if (a <= 2 && i + a < s_.size() && s_[i + a] == ':' && digits_at(i + a + 1) == 2) {
      return i + a + 3;
    }

    const Core c = read_core(i);
    size_t j = c.end;
    if (!c.grouped && c.decimals == 0 && line_start(i) && j < s_.size() && (s_[j] == '.' || s_[j] == ')') &&
        (j + 1 == s_.size() || space_at(s_, j + 1) || s_[j + 1] == '\n' || s_[j + 1] == '\r')) {
      return j + 1;  // a list marker
    }
    if (const auto e = month_first_date(i, c)) return *e;

    Number n;
    n.unit = Unit::kCount;
    double scale = 1;
    bool decided = false;
    bool letter_scale = false;  // "m" and "B" scale money only
    const auto percent_sign_at = [&](size_t k) -> size_t {
      if (k < s_.size() && s_[k] == '%') return 1;
      if (const size_t sp = space_at(s_, k); sp && k + sp < s_.size() && s_[k + sp] == '%') return sp + 1;
      return 0;
    };
    if (j < s_.size() && (s_[j] == 'x' || s_[j] == 'X')) {
      if (alnum_at(s_, j + 1)) return skip_word(j);  // 0x1F, 3xl
      n.unit = Unit::kMultiple;
      j += 1;
      decided = true;
    } else if (s_.substr(j).starts_with("\u00d7")) {
      n.unit = Unit::kMultiple;
      j += 2;
      decided = true;
    } else if (const size_t p = percent_sign_at(j)) {
      n.unit = Unit::kPercent;
      j += p;
      decided = true;
    } else if (letter_at(s_, j)) {
      const std::string w = lower_window(s_, j, 4);
      if (const auto [len, f] = phrase_at(s_, j, kPointWords); len > 0 && len <= 4) {
        n.unit = Unit::kPoints;
        j += len;
        decided = true;
      } else if (s_.substr(j).starts_with("bn") && !letter_at(s_, j + 2)) {
        scale = 1e9;
        j += 2;
      } else if ((s_[j] == 'k' || s_[j] == 'K' || s_[j] == 'M') && !letter_at(s_, j + 1)) {
        scale = s_[j] == 'M' ? 1e6 : 1e3;
        j += 1;
      } else if ((s_[j] == 'm' || s_[j] == 'B') && !letter_at(s_, j + 1)) {
        scale = s_[j] == 'm' ? 1e6 : 1e9;
        letter_scale = true;
        j += 1;
      } else if (s_[j] == 'd' && !letter_at(s_, j + 1)) {
        n.unit = Unit::kDays;
        j += 1;
        decided = true;
      } else if (const auto cur = currency_at(j); cur && (cur->first - j == 3)) {
        // "100USD": handled below as a currency after the number.
      } else if ((w.starts_with("st") || w.starts_with("nd") || w.starts_with("rd") || w.starts_with("th")) &&
                 !letter_at(s_, j + 2)) {
        return j + 2;  // an ordinal ("3rd"): a rank, not a figure
      } else {
        return skip_word(j);
      }
    } else if (j + 1 < s_.size() && s_[j] == '-' && letter_at(s_, j + 1)) {
      if (const auto [len, f] = phrase_at(s_, j + 1, kDayWords); len > 0) {
        n.unit = Unit::kDays;
        scale = f;
        j += 1 + len;
        decided = true;
      }
    }
    if (!decided) {
      if (const auto e = day_first_date(i, j, c)) return *e;
    }
    if (!decided) {
      if (const size_t sp = space_at(s_, j)) {
        const size_t k = j + sp;
        if (const auto [len, f] = phrase_at(s_, k, kPercentWords); len > 0) {
          n.unit = Unit::kPercent;
          j = k + len;
          decided = true;
        } else if (const auto [len2, f2] = phrase_at(s_, k, kPointWords); len2 > 0) {
          n.unit = Unit::kPoints;
          j = k + len2;
          decided = true;
        } else if (const auto [len3, f3] = phrase_at(s_, k, kDayWords); len3 > 0) {
          n.unit = Unit::kDays;
          scale = f3;
          j = k + len3;
          decided = true;
        } else if (const auto [len4, f4] = phrase_at(s_, k, kScaleWords); len4 > 0 && scale == 1) {
          scale = f4;
          j = k + len4;
        }
      }
    }
    // Currency: before the number (and its sign), or after it (and its scale).
    size_t sign_len = 0;
    bool minus = false;
    if (n.unit == Unit::kCount) {
      size_t s0 = i;
      std::tie(sign_len, minus) = sign_before(s0);
      if (const auto cur = currency_before(s0 - sign_len)) {
        currency = cur->second;
        start = cur->first;
        if (sign_len == 0) std::tie(sign_len, minus) = sign_before(start);
        if (sign_len > 0 && start >= sign_len && sign_before(start).first == sign_len) start -= sign_len;
      } else {
        start = i - sign_len;
        size_t k = j;
        if (const size_t sp = space_at(s_, k)) k += sp;
        if (const auto cur2 = currency_at(j)) {
          currency = cur2->second;
          j = cur2->first;
        } else if (const auto cur3 = currency_at(k); cur3 && k != j) {
          currency = cur3->second;
          j = cur3->first;
        }
      }
      if (!currency.empty()) n.unit = Unit::kMoney;
    } else {
      std::tie(sign_len, minus) = sign_before(i);
      start = i - sign_len;
    }
    if (letter_scale && n.unit != Unit::kMoney) return skip_word(c.end);
    n.start = start;
    n.end = j;
    n.has_sign = sign_len > 0;
    n.value = (minus ? -1 : 1) * c.value * scale;
    n.tolerance = 0.5 * scale / pow10(c.decimals);
    if (n.unit == Unit::kDays && scale == 7) n.tolerance = 0.5;
    n.currency = currency;
    n.maybe_year = n.unit == Unit::kCount && !c.grouped && c.decimals == 0 && scale == 1 && !n.has_sign &&
                   c.int_digits == 4 && c.value >= 1900 && c.value <= 2100;
    out_.push_back(std::move(n));
    floor_ = j;
    return j;
  }

  // "10–20%", "10 to 20 days": a bare number before a dash or "to" takes the unit of the one after.
  void join_ranges() {
    for (size_t k = 0; k + 1 < out_.size(); ++k) {
      Number& a = out_[k];
      const Number& b = out_[k + 1];
      if (a.unit != Unit::kCount || a.maybe_year || b.unit == Unit::kCount || b.unit == Unit::kDate) continue;
      const std::string between = text::fold_case(s_.substr(a.end, b.start - a.end));
      static constexpr std::string_view kJoins[] = {"-", "\u2013", "\u2014", " - ", " \u2013 ", " to ", " bis ", " à "};
      if (std::find(std::begin(kJoins), std::end(kJoins), between) == std::end(kJoins)) continue;
      a.unit = b.unit;
      a.currency = b.currency;
    }
  }
};

size_t next_cp(std::string_view s, size_t i) { return i < s.size() ? i + decode(s, i).second : i; }

double tiny(double v) { return 1e-9 * std::max(1.0, std::fabs(v)); }

bool currency_agrees(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty() || a == b) return true;
  // Symbols shared by several currencies ("kr", "¥") read as one of them.
  static constexpr std::string_view kKrona[] = {"SEK", "NOK", "DKK", "ISK"};
  const auto krona = [](std::string_view c) { return std::find(std::begin(kKrona), std::end(kKrona), c) != std::end(kKrona); };
  if (krona(a) && krona(b)) return true;
  return (a == "JPY" && b == "CNY") || (a == "CNY" && b == "JPY");
}

bool close_to(const Number& n, double v) {
  const double target = n.has_sign ? v : std::fabs(v);
  const double shown = n.has_sign ? n.value : std::fabs(n.value);
  return std::fabs(shown - target) <= n.tolerance + tiny(v);
}


}  // namespace

std::string_view unit_name(Unit u) {
  switch (u) {
    case Unit::kMoney: return "money";
    case Unit::kPercent: return "percent";
    case Unit::kPoints: return "points";
    case Unit::kMultiple: return "multiple";
    case Unit::kCount: return "count";
    case Unit::kDate: return "date";
    case Unit::kDays: return "days";
  }
  return "count";
}

std::optional<Unit> unit_from_name(std::string_view name) {
  for (Unit u : {Unit::kMoney, Unit::kPercent, Unit::kPoints, Unit::kMultiple, Unit::kCount, Unit::kDate, Unit::kDays}) {
    if (unit_name(u) == name) return u;
  }
  return std::nullopt;
}

std::vector<Number> extract(std::string_view text, const Reader& reader, std::span<const std::string> names,
                            size_t trusted_from) {
  return Scanner(text, reader).run(names, std::min(trusted_from, names.size()));
}

std::vector<Number> read_formatted(std::string_view formatted, const Reader& reader) { return extract(formatted, reader); }

bool matches(const Number& n, const Value& v) {
  if (n.unit == Unit::kDate || (n.maybe_year && v.unit == Unit::kDate)) {
    if (v.unit != Unit::kDate) return false;
    const int year = n.unit != Unit::kDate ? static_cast<int>(n.value) : n.month == 0 ? n.year : 0;
    const std::optional<Day> first = day_from_civil(v.year, v.month, v.day);
    if (!first) return year != 0 && year == v.year;  // a value of a year alone
    const Day last = *first + std::max(0, v.through);
    const int last_year = civil_from_day(last).year;
    if (year != 0) return year >= v.year && year <= last_year;
    for (int y = n.year != 0 ? n.year : v.year; y <= (n.year != 0 ? n.year : last_year); ++y) {
      const std::optional<Day> d = day_from_civil(y, n.month, n.day);
      if (d && *d >= *first && *d <= last) return true;
    }
    return false;
  }
  switch (n.unit) {
    case Unit::kMoney:
      if (v.unit != Unit::kMoney || !currency_agrees(n.currency, v.currency)) return false;
      break;
    case Unit::kPercent:
    case Unit::kPoints:
    case Unit::kMultiple:
      if (v.unit != n.unit) return false;
      break;
    case Unit::kCount:
      if (v.unit != Unit::kCount && v.unit != Unit::kMoney && v.unit != Unit::kMultiple && v.unit != Unit::kDays) {
        return false;
      }
      break;
    case Unit::kDays:
      if (v.unit != Unit::kDays && !(v.unit == Unit::kCount && v.id.ends_with("days"))) return false;
      break;
    case Unit::kDate: return false;
  }
  return close_to(n, v.value);
}

CheckResult check(std::string_view text, std::span<const Value> values, const Reader& reader,
                  std::span<const std::string> names, size_t trusted_from) {
  CheckResult r;
  r.numbers = extract(text, reader, names, trusted_from);
  std::string last_fact;
  for (const Number& n : r.numbers) {
    int pick = -1;
    for (size_t k = 0; k < values.size(); ++k) {
      if (!matches(n, values[k])) continue;
      if (pick < 0) pick = static_cast<int>(k);
      if (!last_fact.empty() && values[k].fact_id == last_fact) {
        pick = static_cast<int>(k);
        break;
      }
    }
    r.matched.push_back(pick);
    if (pick < 0) {
      r.verified = false;
      continue;
    }
    const std::string& f = values[static_cast<size_t>(pick)].fact_id;
    if (f.empty()) continue;
    last_fact = f;
    if (std::find(r.facts_used.begin(), r.facts_used.end(), f) == r.facts_used.end()) r.facts_used.push_back(f);
  }
  return r;
}

}  // namespace glint::grounding

// ---------------------------------------------------------------------------
// The Engine methods.

namespace glint {

namespace {

using json_out::Json;
using grounding::Number;
using grounding::Reader;
using grounding::Unit;
using grounding::Value;

CallResult fail(std::string_view message) {
  Json doc;
  doc["error"]["code"] = std::string(error_code_name(ErrorCode::kInvalidRequest));
  doc["error"]["message"] = std::string(message);
  return {ErrorCode::kInvalidRequest, json_out::dump(doc)};
}

const std::string* str(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}
std::optional<double> num(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  return std::isfinite(v) ? std::optional(v) : std::nullopt;
}

bool iso_day(const std::string* t, Day& out) {
  if (t == nullptr) return false;
  const std::optional<Day> d = parse_iso_date(*t);
  if (!d) return false;
  out = *d;
  return true;
}

Value date_value(std::string id, std::string fact_id, Day d) {
  const Civil c = civil_from_day(d);
  Value v;
  v.id = std::move(id);
  v.fact_id = std::move(fact_id);
  v.unit = Unit::kDate;
  v.year = c.year;
  v.month = c.month;
  v.day = c.day;
  return v;
}

// Every day from s to e: a date the text names inside a window the facts read.
Value window_value(std::string id, std::string fact_id, Day s, Day e) {
  Value v = date_value(std::move(id), std::move(fact_id), s);
  v.through = e - s;
  return v;
}

// The values one formatted field shows, each taking the raw value beside it
// when the field shows one number that the raw value rounds to.
void add_field(std::vector<Value>& out, const std::string& id, const std::string& fact_id, const std::string* formatted,
               std::optional<double> raw, std::optional<Unit> raw_unit, const std::string& currency,
               bool unknown_currency, const Reader& reader) {
  std::vector<Number> shown;
  if (formatted != nullptr) shown = grounding::read_formatted(*formatted, reader);
  const auto add = [&](const Number& n, double value) {
    Value v;
    v.id = id;
    v.fact_id = fact_id;
    v.unit = n.unit == Unit::kCount && n.maybe_year ? Unit::kCount : n.unit;
    v.value = value;
    v.currency = n.unit == Unit::kMoney ? n.currency : "";
    v.year = n.year;
    v.month = n.month;
    v.day = n.day;
    out.push_back(v);
    if (n.maybe_year) out.push_back(Value{id, fact_id, Unit::kDate, 0, "", static_cast<int>(n.value), 0, 0});
    if (n.unit == Unit::kCount && unknown_currency) {
      v.unit = Unit::kMoney;  // a figure of a fact whose currency is not known: money in any currency
      out.push_back(v);
    }
  };
  if (shown.size() == 1 && raw) {
    const Number& n = shown.front();
    const auto fits = [&](double x) { return std::fabs(n.value - x) <= n.tolerance + 1e-9 * std::max(1.0, std::fabs(x)); };
    double value = n.value;
    if ((n.unit == Unit::kPercent || n.unit == Unit::kPoints) && fits(*raw * 100)) {
      value = *raw * 100;
    } else if (n.unit != Unit::kDate && fits(*raw)) {
      value = *raw;
    }
    add(n, value);
    return;
  }
  if (!shown.empty()) {
    for (const Number& n : shown) add(n, n.value);
    return;
  }
  if (!raw || !raw_unit) return;
  Number n;
  n.unit = *raw_unit;
  n.currency = *raw_unit == Unit::kMoney ? currency : "";
  add(n, *raw_unit == Unit::kPercent || *raw_unit == Unit::kPoints ? *raw * 100 : *raw);
}

// Every value the facts, the date range and the request's extra values offer.
std::optional<std::string> collect_values(const Json& doc, const FactBook& book, const Reader& reader,
                                          std::vector<Value>& out, std::vector<std::string>& names, size_t* trusted_from = nullptr) {
  if (const auto it = doc.find("facts"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) return "'facts' must be an array of facts as report.highlight returns them";
    for (const Json& f : *it) {
      if (!f.is_object()) return "each of 'facts' must be an object";
      const std::string* fid = str(f, "id");
      if (fid == nullptr) return "each of 'facts' needs an 'id'";
      const std::string& id = *fid;
      const std::string* cur = str(f, "currency");
      const std::string currency = cur ? *cur : "";
      const bool unknown = currency.empty();
      add_field(out, id + "#value", id, str(f, "value"), num(f, "raw_value"), std::nullopt, currency, unknown, reader);
      add_field(out, id + "#previous", id, str(f, "previous_formatted"), num(f, "previous"), std::nullopt, currency,
                unknown, reader);
      const std::string* cu = str(f, "change_unit");
      add_field(out, id + "#change", id, str(f, "change"), num(f, "change_raw"),
                cu && *cu == "points" ? Unit::kPoints : Unit::kPercent, currency, false, reader);
      add_field(out, id + "#impact", id, str(f, "impact"), num(f, "impact_raw"), Unit::kMoney, currency, unknown, reader);
      const auto details = f.find("details");
      const auto raws = f.find("details_raw");
      const bool has_raws = raws != f.end() && raws->is_object();
      if (details != f.end() && details->is_object()) {
        for (const auto& [k, v] : details->items()) {
          std::optional<double> raw;
          if (has_raws) {
            if (const auto r = raws->find(k); r != raws->end() && r->is_number()) raw = r->get<double>();
          }
          add_field(out, id + "#details." + k, id, v.is_string() ? v.get_ptr<const std::string*>() : nullptr, raw,
                    std::nullopt, currency, unknown, reader);
        }
      }
      if (has_raws) {
        for (const auto& [k, v] : raws->items()) {
          const bool shown = details != f.end() && details->is_object() && details->contains(k);
          if (!shown && v.is_number()) {
            add_field(out, id + "#details." + k, id, nullptr, v.get<double>(), Unit::kCount, currency, unknown, reader);
          }
        }
      }
      if (const auto w = f.find("window"); w != f.end() && w->is_object()) {
        const std::string* ws = str(*w, "start");
        const std::string* we = str(*w, "end");
        Day s = 0, e = 0;
        const bool has_s = iso_day(ws, s), has_e = iso_day(we, e);
        if (has_s) out.push_back(date_value(id + "#window.start", id, s));
        if (has_e) out.push_back(date_value(id + "#window.end", id, e));
        if (has_s && has_e && e >= s) {
          out.push_back(Value{id + "#window.days", id, Unit::kDays, double(e - s + 1), "", 0, 0, 0});
          out.push_back(window_value(id + "#window", id, s, e));
        }
      }
      // The period it reads ("vs previous 30 days", "from 2026-01-01 to 2026-03-31").
      add_field(out, id + "#period", id, str(f, "period"), std::nullopt, std::nullopt, "", false, reader);
      // Numbers its template writes itself ("At the last 7 days' pace").
      if (const std::string* t = str(f, "template")) {
        if (const auto tp = book.templates.find(*t); tp != book.templates.end()) {
          std::string literal;
          bool in = false;
          for (char ch : tp->second) {
            if (ch == '{') in = true;
            if (!in) literal.push_back(ch);
            if (ch == '}') {
              in = false;
              literal.push_back(' ');
            }
          }
          add_field(out, id + "#template", id, &literal, std::nullopt, std::nullopt, "", false, reader);
        }
      }
      if (const auto e = f.find("entity"); e != f.end() && e->is_object()) {
        if (const std::string* n = str(*e, "name")) names.push_back(*n);
      }
    }
  }
  if (const auto it = doc.find("values"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) return "'values' must be an array of {id, value, unit, currency, formatted}";
    for (const Json& v : *it) {
      if (!v.is_object() || str(v, "id") == nullptr) return "each of 'values' must be an object with a string 'id'";
      const std::string* unit_name = str(v, "unit");
      std::optional<Unit> unit;
      if (unit_name != nullptr) {
        unit = grounding::unit_from_name(*unit_name);
        if (!unit) return "'values' unit must be one of money, percent, points, multiple, count, date, days";
      }
      const std::string* formatted = str(v, "formatted");
      const std::string* cur = str(v, "currency");
      const std::string currency = cur ? *cur : "";
      std::optional<double> raw = num(v, "value");
      const std::string* date_text = str(v, "value");
      if (!unit && formatted == nullptr) return "each of 'values' needs a 'unit' or a 'formatted' string";
      if (!raw && formatted == nullptr && date_text == nullptr) return "each of 'values' needs a 'value' or a 'formatted' string";
      const std::string& id = *str(v, "id");
      if (unit == Unit::kDate) {
        const std::string* t = date_text ? date_text : formatted;
        const auto d = t ? parse_iso_date(*t) : std::nullopt;
        if (d) {
          out.push_back(date_value(id, "", *d));
          continue;
        }
      }
      const size_t before = out.size();
      const std::vector<Number> shown = formatted ? grounding::read_formatted(*formatted, reader) : std::vector<Number>{};
      if (formatted != nullptr && (!unit || (shown.size() == 1 && shown.front().unit == *unit))) {
        add_field(out, id, "", formatted, raw, unit, currency, false, reader);
      } else if (raw) {
        // No formatted string, or one of another unit (a count shown for money): the raw value in its unit.
        add_field(out, id, "", nullptr, raw, unit, currency, false, reader);
      } else if (shown.size() == 1) {
        out.push_back(Value{id, "", *unit, shown.front().value, currency, 0, 0, 0});
      }
      for (size_t k = before; k < out.size(); ++k) {
        if (out[k].unit == Unit::kMoney && out[k].currency.empty()) out[k].currency = currency;
      }
    }
  }
  if (const auto it = doc.find("date_range"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return "'date_range' must be an object {days, start, end, previous_start, previous_end}";
    if (const auto d = num(*it, "days")) out.push_back(Value{"date_range.days", "", Unit::kDays, *d, "", 0, 0, 0});
    for (const char* k : {"start", "end", "previous_start", "previous_end"}) {
      if (const std::string* t = str(*it, k)) {
        if (const auto d = parse_iso_date(*t)) out.push_back(date_value(std::string("date_range.") + k, "", *d));
      }
    }
    Day s = 0, e = 0;
    if (iso_day(str(*it, "start"), s) && iso_day(str(*it, "end"), e) && e >= s) {
      out.push_back(window_value("date_range.window", "", s, e));
    }
    if (iso_day(str(*it, "previous_start"), s) && iso_day(str(*it, "previous_end"), e) && e >= s) {
      out.push_back(Value{"date_range.previous_days", "", Unit::kDays, double(e - s + 1), "", 0, 0, 0});
      out.push_back(window_value("date_range.previous_window", "", s, e));
    }
  }
  if (const auto it = doc.find("names"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) return "'names' must be an array of strings";
    if (trusted_from != nullptr) *trusted_from = names.size();
    for (const Json& n : *it) {
      if (!n.is_string()) return "'names' must be an array of strings";
      names.push_back(n.get<std::string>());
    }
  }
  return std::nullopt;
}

std::optional<std::string> read_reader(const Json& doc, const Locale& locale, Reader& out) {
  std::string tag = "en";
  if (const auto it = doc.find("locale"); it != doc.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 35) return "'locale' must be a language tag such as de-DE";
    tag = it->get<std::string>();
  }
  out.format = fmt::number_format(locale, tag);
  out.locale = &locale;
  return std::nullopt;
}

// About 20 characters either side of [start, end), on UTF-8 boundaries.
std::string context_of(std::string_view text, size_t start, size_t end) {
  size_t a = start, b = end;
  for (int k = 0; k < 20 && a > 0; ++k) a = grounding::prev_start(text, a);
  for (int k = 0; k < 20 && b < text.size(); ++k) b = grounding::next_cp(text, b);
  return std::string(text.substr(a, b - a));
}

Json number_value(const Number& n) {
  if (n.unit != Unit::kDate) return n.value;
  if (n.month == 0) return n.year;
  char buf[16];
  if (n.year != 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", n.year, n.month, n.day);
  } else {
    std::snprintf(buf, sizeof buf, "--%02d-%02d", n.month, n.day);
  }
  return std::string(buf);
}

CallResult check_call(const Json& doc, const FactBook& book, const Locale& locale) {
  const std::string* text = str(doc, "text");
  if (text == nullptr) return fail("'text' must be a string");
  Reader reader;
  if (auto e = read_reader(doc, locale, reader)) return fail(*e);
  std::vector<Value> values;
  std::vector<std::string> names;
  size_t trusted_from = SIZE_MAX;
  if (auto e = collect_values(doc, book, reader, values, names, &trusted_from)) return fail(*e);
  grounding::CheckResult r = grounding::check(*text, values, reader, names, trusted_from);
  Json numbers = Json::array(), unverified = Json::array();
  for (size_t k = 0; k < r.numbers.size(); ++k) {
    Number& n = r.numbers[k];
    const int m = r.matched[k];
    // A plain year-like integer reads as a year unless it matched a count.
    if (n.maybe_year && (m < 0 || values[static_cast<size_t>(m)].unit == Unit::kDate)) {
      n.unit = Unit::kDate;
      n.month = 0;
      n.year = static_cast<int>(n.value);
    }
    const std::string shown(text->substr(n.start, n.end - n.start));
    numbers.push_back({{"text", shown},
                       {"start", n.start},
                       {"end", n.end},
                       {"unit", std::string(grounding::unit_name(n.unit))},
                       {"value", number_value(n)},
                       {"currency", n.currency.empty() ? Json(nullptr) : Json(n.currency)},
                       {"matched", m < 0 ? Json(nullptr) : Json(values[static_cast<size_t>(m)].id)}});
    if (m < 0) {
      unverified.push_back({{"text", shown},
                            {"unit", std::string(grounding::unit_name(n.unit))},
                            {"value", number_value(n)},
                            {"context", context_of(*text, n.start, n.end)}});
    }
  }
  Json out;
  out["verified"] = r.verified;
  out["numbers"] = std::move(numbers);
  out["unverified_numbers"] = std::move(unverified);
  out["facts_used"] = r.facts_used;
  return {ErrorCode::kOk, json_out::dump(out)};
}

std::string_view heading_of(std::string_view type) {
  if (type == "grow") return "Where to grow";
  if (type == "optimize") return "What to optimize";
  if (type == "protect") return "What to protect";
  if (type == "summary") return "Summary";
  return "Highlights";
}

std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  return out;
}

// The sentence for a highlight without facts: the period from its date range,
// else its first note when every number in it comes from the highlight itself,
// else a sentence with no number at all.
std::string nothing_sentence(const Json& h, const FactBook& book, const Reader& reader) {
  if (const auto dr = h.find("date_range"); dr != h.end() && dr->is_object()) {
    const auto days = num(*dr, "days");
    const std::string* start = str(*dr, "start");
    const std::string* end = str(*dr, "end");
    if (days && *days >= 1) {
      std::string s = "Nothing stood out in the last " + fmt::count(*days, reader.format) + " days";
      if (start && end && parse_iso_date(*start) && parse_iso_date(*end)) s += " (" + *start + " to " + *end + ")";
      return s + ".";
    }
  }
  if (const auto notes = h.find("notes"); notes != h.end() && notes->is_array() && !notes->empty() &&
                                          notes->front().is_string()) {
    const std::string note = one_line(notes->front().get<std::string>());
    Json scope = Json::object();
    for (const char* k : {"facts", "date_range"}) {
      if (const auto it = h.find(k); it != h.end()) scope[k] = *it;
    }
    std::vector<Value> values;
    std::vector<std::string> names;
    if (!collect_values(scope, book, reader, values, names) && grounding::check(note, values, reader, names, SIZE_MAX).verified) {
      return note;
    }
  }
  return "Nothing stood out over the period.";
}

CallResult narrative_call(const Json& doc, const FactBook& book, const Locale& locale) {
  const auto hs = doc.find("highlights");
  if (hs == doc.end() || !hs->is_array()) return fail("'highlights' must be an array of report.highlight results");
  Reader fallback;
  if (auto e = read_reader(doc, locale, fallback)) return fail(*e);
  const bool locale_given = doc.contains("locale") && doc["locale"].is_string();
  std::string text;
  Json used = Json::array();
  const auto line = [&text](const std::string& l) {
    if (!text.empty()) text += "\n";
    text += l;
  };
  for (const Json& h : *hs) {
    if (!h.is_object()) return fail("each of 'highlights' must be a report.highlight result object");
    Reader reader = fallback;
    if (!locale_given) {
      // The locale the highlight's numbers were written in.
      if (const auto f = h.find("format"); f != h.end() && f->is_object()) {
        if (const std::string* tag = str(*f, "locale")) reader.format = fmt::number_format(locale, *tag);
      }
    }
    const std::string* type = str(h, "highlight_type");
    line(std::string(heading_of(type ? *type : "")));
    bool any = false;
    if (const auto facts = h.find("facts"); facts != h.end() && facts->is_array()) {
      for (const Json& f : *facts) {
        if (!f.is_object()) continue;
        const std::string* sentence = str(f, "sentence");
        const std::string* id = str(f, "id");
        if (sentence == nullptr || sentence->empty() || id == nullptr) continue;
        line("- " + one_line(*sentence));
        if (std::find(used.begin(), used.end(), Json(*id)) == used.end()) used.push_back(*id);
        any = true;
      }
    }
    if (!any) line("- " + nothing_sentence(h, book, reader));
  }
  Json out;
  out["text"] = text;
  out["facts_used"] = std::move(used);
  return {ErrorCode::kOk, json_out::dump(out)};
}

}  // namespace

std::optional<CallResult> call_grounding(std::string_view method, const json_out::Json& request, const FactBook& book,
                                         const Locale& locale) {
  if (method == "grounding.check") return check_call(request, book, locale);
  if (method == "narrative.write") return narrative_call(request, book, locale);
  return std::nullopt;
}

}  // namespace glint
