#include "glint/profile.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>

#include "glint/dates.h"
#include "glint/format.h"
#include "glint/mathx.h"
#include "glint/metrics.h"
#include "tables/table_util.h"
#include "base/text.h"

namespace glint {

using table::Json;

std::string_view column_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::kEmpty:
      return "empty";
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kDecimal:
      return "decimal";
    case ColumnType::kMoney:
      return "money";
    case ColumnType::kPercent:
      return "percent";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kCategorical:
      return "categorical";
    case ColumnType::kText:
      return "text";
    case ColumnType::kIdentifier:
      break;
  }
  return "identifier";
}

// ------------------------------------------------------------ QuantileSketch

QuantileSketch::QuantileSketch(uint64_t exact_limit, size_t k)
    : exact_limit_(exact_limit), k_(std::max<size_t>(k, 8)) {}

void QuantileSketch::add(double v) {
  ++n_;
  if (levels_.empty()) {
    exact_.push_back(v);
    if (exact_.size() <= exact_limit_) return;
    levels_.push_back(std::move(exact_));
    exact_ = {};
    offset_.push_back(0);
    compact(0);
    return;
  }
  levels_[0].push_back(v);
  if (levels_[0].size() >= k_) compact(0);
}

void QuantileSketch::compact(size_t level) {
  for (size_t h = level; h < levels_.size() && levels_[h].size() >= k_; ++h) {
    if (h + 1 == levels_.size()) {  // before taking references into levels_
      levels_.emplace_back();
      offset_.push_back(0);
    }
    std::vector<double>& buf = levels_[h];
    std::sort(buf.begin(), buf.end());
    std::optional<double> kept;
    if (buf.size() % 2 == 1) {
      kept = buf.back();
      buf.pop_back();
    }
    std::vector<double>& up = levels_[h + 1];
    for (size_t i = offset_[h]; i < buf.size(); i += 2) up.push_back(buf[i]);
    offset_[h] ^= 1;
    error_ += uint64_t{1} << h;
    levels_[h].clear();
    if (kept) levels_[h].push_back(*kept);
  }
}

double QuantileSketch::quantile(double p) const {
  if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
  if (levels_.empty()) {
    std::vector<double> s = exact_;
    std::sort(s.begin(), s.end());
    return table::quantile_sorted(s, p);
  }
  std::vector<std::pair<double, uint64_t>> items;
  uint64_t total = 0;
  for (size_t h = 0; h < levels_.size(); ++h) {
    for (double v : levels_[h]) items.emplace_back(v, uint64_t{1} << h);
    total += levels_[h].size() << h;
  }
  std::sort(items.begin(), items.end());
  const double target = p * static_cast<double>(total);
  uint64_t cum = 0;
  for (const auto& [v, w] : items) {
    cum += w;
    if (static_cast<double>(cum) >= target) return v;
  }
  return items.back().first;
}

std::vector<uint64_t> QuantileSketch::histogram(double lo, double hi, size_t bins) const {
  std::vector<uint64_t> out(bins, 0);
  if (bins == 0) return out;
  const double width = hi - lo;
  auto put = [&](double v, uint64_t w) {
    size_t b = 0;
    if (width > 0) {
      const double x = (v - lo) / width * static_cast<double>(bins);
      b = x <= 0 ? 0 : std::min(bins - 1, static_cast<size_t>(x));
    }
    out[b] += w;
  };
  for (double v : exact_) put(v, 1);
  for (size_t h = 0; h < levels_.size(); ++h) {
    for (double v : levels_[h]) put(v, uint64_t{1} << h);
  }
  return out;
}

// ----------------------------------------------------------- DistinctCounter

namespace {
constexpr int kHllBits = 14;
constexpr size_t kHllRegisters = size_t{1} << kHllBits;
}  // namespace

void DistinctCounter::insert(uint64_t hash) {
  if (hash == 0) hash = 1;
  if (set_.empty()) set_.assign(64, 0);
  const size_t mask = set_.size() - 1;
  size_t i = static_cast<size_t>(hash) & mask;
  while (set_[i] != 0) {
    if (set_[i] == hash) return;
    i = (i + 1) & mask;
  }
  set_[i] = hash;
  ++size_;
  if (2 * size_ > set_.size()) {
    std::vector<uint64_t> old = std::move(set_);
    set_.assign(old.size() * 2, 0);
    const size_t m2 = set_.size() - 1;
    for (uint64_t h : old) {
      if (h == 0) continue;
      size_t j = static_cast<size_t>(h) & m2;
      while (set_[j] != 0) j = (j + 1) & m2;
      set_[j] = h;
    }
  }
}

void DistinctCounter::to_registers() {
  registers_.assign(kHllRegisters, 0);
  const std::vector<uint64_t> old = std::move(set_);
  set_ = {};
  for (uint64_t h : old) {
    if (h != 0) add(h);
  }
}

void DistinctCounter::add(uint64_t hash) {
  if (registers_.empty()) {
    insert(hash);
    if (size_ > exact_limit_) to_registers();
    return;
  }
  const size_t idx = static_cast<size_t>(hash >> (64 - kHllBits));
  const uint64_t rest = (hash << kHllBits) | (uint64_t{1} << (kHllBits - 1));
  const auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  if (rank > registers_[idx]) registers_[idx] = rank;
}

uint64_t DistinctCounter::estimate() const {
  if (registers_.empty()) return size_;
  const double m = static_cast<double>(kHllRegisters);
  double z = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    z += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0;
  }
  double e = (0.7213 / (1.0 + 1.079 / m)) * m * m / z;
  if (e <= 2.5 * m && zeros > 0) e = m * mathx::log(m / static_cast<double>(zeros));
  return static_cast<uint64_t>(std::floor(e + 0.5));
}

// ------------------------------------------------------------------ profile

namespace {

constexpr size_t kTopCounters = 1000;
constexpr size_t kCorrelationColumns = 20;
constexpr Day kMaxDayRange = 200 * 366;

// Most frequent values: exact counts, then Misra–Gries (lower bounds).
class TopValues {
 public:
  void add(std::string_view v) {
    if (const auto id = names_.find(v)) {
      ++counts_[*id];
      return;
    }
    if (exact_ && names_.size() >= kExactTopValues) to_summary();
    if (names_.size() < (exact_ ? kExactTopValues : kTopCounters)) {
      names_.intern(v);
      counts_.push_back(1);
      return;
    }
    // Full: every counter loses one (the new value too), the empty ones go.
    ++error_;
    rebuild(1);
  }
  bool exact() const { return exact_; }
  uint64_t error() const { return error_; }
  // The `n` largest, ties by value.
  std::vector<std::pair<std::string, uint64_t>> top(size_t n) const {
    std::vector<uint32_t> ids(names_.size());
    std::iota(ids.begin(), ids.end(), 0u);
    std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
      if (counts_[a] != counts_[b]) return counts_[a] > counts_[b];
      return names_.str(a) < names_.str(b);
    });
    std::vector<std::pair<std::string, uint64_t>> out;
    for (size_t i = 0; i < ids.size() && i < n; ++i)
      out.emplace_back(names_.str(ids[i]), counts_[ids[i]]);
    return out;
  }

 private:
  void to_summary() {
    exact_ = false;
    // Keep the kTopCounters most frequent (ties: seen first); the largest
    // dropped count bounds every later undercount.
    std::vector<uint32_t> ids(names_.size());
    std::iota(ids.begin(), ids.end(), 0u);
    std::stable_sort(ids.begin(), ids.end(),
                     [&](uint32_t a, uint32_t b) { return counts_[a] > counts_[b]; });
    if (ids.size() > kTopCounters) {
      error_ = counts_[ids[kTopCounters]];
      ids.resize(kTopCounters);
    }
    std::sort(ids.begin(), ids.end());
    keep(ids, 0);
  }
  // Values whose count − `minus` stays positive.
  void rebuild(uint64_t minus) {
    std::vector<uint32_t> ids;
    for (uint32_t id = 0; id < names_.size(); ++id) {
      if (counts_[id] > minus) ids.push_back(id);
    }
    keep(ids, minus);
  }
  void keep(const std::vector<uint32_t>& ids, uint64_t minus) {
    table::Interner names;
    std::vector<uint64_t> counts;
    for (uint32_t id : ids) {
      names.intern(names_.str(id));
      counts.push_back(counts_[id] - minus);
    }
    names_ = std::move(names);
    counts_ = std::move(counts);
  }
  table::Interner names_;
  std::vector<uint64_t> counts_;
  bool exact_ = true;
  uint64_t error_ = 0;
};

struct Column {
  // decided from the sample
  Field field = Field::kNone;
  DecimalMark mark = DecimalMark::kPoint;
  DateFormat date_format = DateFormat::kUnknown;
  bool try_dates = false;
  bool numbers_likely = false;
  int corr_slot = -1;
  // counts
  uint64_t missing = 0, non_null = 0, numbers = 0, integers = 0, percents = 0, currencies = 0,
           dates = 0, bool_tokens = 0, zero_one = 0, with_space = 0, with_time = 0, zeros = 0,
           negatives = 0, bytes = 0;
  size_t min_len = std::numeric_limits<size_t>::max(), max_len = 0;
  std::string currency;
  std::vector<std::string> not_numbers, not_dates;  // first examples
  // numbers (micro-units; doubles for moments)
  int64_t min = 0, max = 0;
  double mean = 0, m2 = 0, m3 = 0;
  QuantileSketch values;
  // dates
  Day min_day = 0, max_day = 0, day_base = 0;
  std::vector<uint8_t> day_seen;
  QuantileSketch days;
  // distinct and frequent values
  DistinctCounter distinct;
  TopValues top;
};

struct PairStats {
  uint64_t n = 0;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
};

bool is_bool_token(std::string_view v) {
  if (v.empty() || v.size() > 5) return false;
  char f[5];
  for (size_t i = 0; i < v.size(); ++i)
    f[i] = v[i] >= 'A' && v[i] <= 'Z' ? static_cast<char>(v[i] + 32) : v[i];
  const std::string_view w(f, v.size());
  return w == "true" || w == "false" || w == "yes" || w == "no" || w == "y" || w == "n" ||
         w == "t" || w == "f";
}

bool is_id_field(Field f) {
  switch (f) {
    case Field::kUserId:
    case Field::kSessionId:
    case Field::kAccountId:
    case Field::kCampaignId:
    case Field::kAdGroupId:
    case Field::kAdId:
      return true;
    default:
      return false;
  }
}

bool is_money_field(Field f) {
  return f == Field::kSpend || f == Field::kConversionValue || f == Field::kRevenue ||
         f == Field::kValue;
}

bool is_date_field(Field f) {
  return f == Field::kDate || f == Field::kDateStart || f == Field::kDateEnd ||
         f == Field::kTimestamp;
}

// "id", "user_id", "Campaign ID", "userId".
bool id_like_header(std::string_view h) {
  h = text::trim_spaces(h);
  const std::string f = text::ascii_lower(h);
  if (f == "id" || f.ends_with("_id") || f.ends_with(" id") || f.ends_with("-id")) return true;
  return h.size() > 2 && h.ends_with("Id") && h[h.size() - 3] >= 'a' && h[h.size() - 3] <= 'z';
}

bool numeric(ColumnType t) {
  return t == ColumnType::kInteger || t == ColumnType::kDecimal || t == ColumnType::kMoney ||
         t == ColumnType::kPercent;
}

// Average ranks (ties share their mean rank).
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](size_t a, size_t b) { return v[a] != v[b] ? v[a] < v[b] : a < b; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

Json pearson(uint64_t n, double sx, double sy, double sxx, double syy, double sxy) {
  if (n < 2) return nullptr;
  const double nn = static_cast<double>(n);
  const double vx = nn * sxx - sx * sx, vy = nn * syy - sy * sy;
  if (!(vx > 0) || !(vy > 0)) return nullptr;
  return table::rounded(std::clamp((nn * sxy - sx * sy) / std::sqrt(vx * vy), -1.0, 1.0), 4);
}

class ProfileSink final : public table::SampledSink {
 public:
  ProfileSink(const ProfileOptions& o, const AliasTable& aliases, const Locale& locale)
      : o_(o), aliases_(aliases), locale_(locale) {}

  Result<Json> report(const TableInfo& info);

 protected:
  void begin(const TableInfo& info) override;
  void decide(std::span<const table::HeldRow> sample) override;
  void row(std::span<const std::string_view> fields, uint64_t line) override;

 private:
  void cell(Column& c, std::string_view v, uint64_t hash, double& corr_value);
  ColumnType infer(const Column& c, const std::string& header) const;
  Json column_json(const Column& c, const std::string& header, ColumnType type, Json& alerts) const;

  const ProfileOptions& o_;
  const AliasTable& aliases_;
  const Locale& locale_;
  std::vector<Column> cols_;
  uint64_t rows_ = 0;
  // duplicates
  std::vector<uint64_t> row_set_;
  uint64_t row_set_size_ = 0;
  uint64_t duplicates_ = 0;
  bool rows_exact_ = true;
  // correlations
  std::vector<size_t> corr_cols_;
  std::vector<double> corr_shift_;
  std::vector<PairStats> pairs_;  // upper triangle, row-major
  std::vector<double> sample_;    // kept rows × corr columns (NaN: missing)
  uint64_t stride_ = 1;
  std::vector<double> corr_row_;
};

void ProfileSink::begin(const TableInfo&) {
  const table::Roles r(header(), aliases_);
  cols_.resize(header().size());
  for (size_t i = 0; i < cols_.size(); ++i) cols_[i].field = r.field(i);
}

void ProfileSink::decide(std::span<const table::HeldRow> sample) {
  const DecimalMark fallback = delimiter() == ';' ? DecimalMark::kComma : DecimalMark::kPoint;
  for (size_t i = 0; i < cols_.size(); ++i) {
    Column& c = cols_[i];
    ColumnNumberStats ns;
    ColumnDateStats ds;
    uint64_t non_null = 0, numbers = 0;
    std::optional<double> first;
    for (const table::HeldRow& h : sample) {
      if (i >= h.fields.size()) continue;
      const std::string_view v = text::trim_spaces(h.fields[i]);
      if (v.empty() || is_null_token(v, locale_)) continue;
      ++non_null;
      const NumberCell n = parse_number(v, locale_);
      ns.add(n);
      if (n.status == CellStatus::kValue) {
        ++numbers;
        if (!first) first = static_cast<double>(n.micros) / static_cast<double>(kMicros);
      }
      ds.add(table::split_date_time(v).date, locale_);
    }
    c.mark = ns.decide(fallback);
    bool ambiguous = false;
    c.date_format = ds.decide(fallback == DecimalMark::kComma, &ambiguous);
    c.try_dates =
        c.date_format != DateFormat::kUnknown && non_null > 0 &&
        2 * ds.parses[static_cast<size_t>(c.date_format)] >= static_cast<int64_t>(non_null);
    if (c.try_dates && ambiguous) {
      diagnostics().add({0, header()[i], Severity::kWarning,
                         "every date here reads as day/month and as month/day; read as " +
                             std::string(date_format_name(c.date_format))});
    }
    c.numbers_likely = non_null > 0 && 2 * numbers >= non_null;
    const bool date_like =
        c.try_dates && (c.date_format != DateFormat::kCompact || is_date_field(c.field));
    if (non_null > 0 && 10 * numbers >= 9 * non_null && !date_like && !is_id_field(c.field) &&
        corr_cols_.size() < kCorrelationColumns) {
      c.corr_slot = static_cast<int>(corr_cols_.size());
      corr_cols_.push_back(i);
      corr_shift_.push_back(first.value_or(0.0));
    }
  }
  const size_t m = corr_cols_.size();
  pairs_.assign(m * m, {});
  corr_row_.assign(m, 0.0);
}

void ProfileSink::cell(Column& c, std::string_view v, uint64_t hash, double& corr_value) {
  ++c.non_null;
  c.bytes += v.size();
  c.min_len = std::min(c.min_len, v.size());
  c.max_len = std::max(c.max_len, v.size());
  c.distinct.add(hash);
  c.top.add(v);
  if (is_bool_token(v)) ++c.bool_tokens;
  if (v.find(' ') != std::string_view::npos) ++c.with_space;
  // Numbers: the fast path, then the full reader where numbers are likely or
  // the cell does not start with a letter.
  int64_t micros = 0;
  bool ok = parse_plain_fast(v, micros);
  bool percent = false;
  if (!ok && v.size() > 1 && v.back() == '%' &&
      parse_plain_fast(v.substr(0, v.size() - 1), micros) && micros % 100 == 0) {
    micros /= 100;  // "12.5%" as parse_number reads it, without its currency scan
    ok = percent = true;
  }
  // The full reader (separators, currencies, signs) where the sample says the
  // column holds numbers; elsewhere the plain forms above are enough.
  if (!ok) {
    if (c.numbers_likely) {
      const NumberCell n = parse_number(v, locale_, c.mark);
      if (n.status == CellStatus::kValue) {
        ok = true;
        micros = n.micros;
        percent = n.percent;
        if (!n.currency.empty()) {
          ++c.currencies;
          if (c.currency.empty()) c.currency = std::string(n.currency);
        }
      }
    }
  }
  if (ok) {
    if (c.numbers == 0 || micros < c.min) c.min = micros;
    if (c.numbers == 0 || micros > c.max) c.max = micros;
    ++c.numbers;
    if (percent) ++c.percents;
    if (!percent && micros % kMicros == 0) ++c.integers;
    if (micros == 0) ++c.zeros;
    if (micros < 0) ++c.negatives;
    if (micros == 0 || micros == kMicros) ++c.zero_one;
    // Welford / Pébay: mean, M2, M3 in one pass.
    const double x = static_cast<double>(micros) / static_cast<double>(kMicros);
    const double n1 = static_cast<double>(c.numbers - 1), n = static_cast<double>(c.numbers);
    const double delta = x - c.mean, delta_n = delta / n, term = delta * delta_n * n1;
    c.mean += delta_n;
    c.m3 += term * delta_n * (n - 2) - 3 * delta_n * c.m2;
    c.m2 += term;
    c.values.add(x);
    corr_value = x;
  } else if (c.not_numbers.size() < 3) {
    c.not_numbers.emplace_back(v.substr(0, 40));
  }
  if (c.try_dates) {
    const table::DateTimeParts parts = table::split_date_time(v);
    std::optional<Day> d = parse_iso_date(parts.date);
    if (!d) d = parse_date(parts.date, c.date_format, locale_);
    if (d) {
      if (c.dates == 0) {
        c.min_day = c.max_day = c.day_base = *d;
      }
      c.min_day = std::min(c.min_day, *d);
      c.max_day = std::max(c.max_day, *d);
      ++c.dates;
      if (!parts.time.empty()) ++c.with_time;
      // Days seen, as a byte per day from the first date (bounded span).
      if (*d < c.day_base && c.day_base - *d <= kMaxDayRange &&
          c.day_seen.size() + static_cast<size_t>(c.day_base - *d) <=
              static_cast<size_t>(kMaxDayRange)) {
        c.day_seen.insert(c.day_seen.begin(), static_cast<size_t>(c.day_base - *d), 0);
        c.day_base = *d;
      }
      if (*d >= c.day_base && *d - c.day_base < kMaxDayRange) {
        const auto at = static_cast<size_t>(*d - c.day_base);
        if (at >= c.day_seen.size()) c.day_seen.resize(at + 1, 0);
        c.day_seen[at] = 1;
      }
      c.days.add(static_cast<double>(*d));
    } else if (c.not_dates.size() < 3) {
      c.not_dates.emplace_back(v.substr(0, 40));
    }
  }
}

void ProfileSink::row(std::span<const std::string_view> fields, uint64_t line) {
  if (!fit_width(fields, line)) return;
  ++rows_;
  uint64_t row_hash = 0x51ED27A1C3B5F00Dull;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::fill(corr_row_.begin(), corr_row_.end(), nan);
  for (size_t i = 0; i < cols_.size(); ++i) {
    Column& c = cols_[i];
    const std::string_view v = text::trim_spaces(fields[i]);
    const uint64_t h = table::hash_bytes(v, 0x9E37);
    row_hash =
        table::hash_bytes(std::string_view(reinterpret_cast<const char*>(&h), sizeof h), row_hash);
    if (v.empty() || is_null_token(v, locale_)) {
      ++c.missing;
      continue;
    }
    double corr = nan;
    cell(c, v, h, corr);
    if (c.corr_slot >= 0) corr_row_[static_cast<size_t>(c.corr_slot)] = corr;
  }
  // Duplicate rows: a set of row hashes (open addressing; 0 stored as 1).
  if (row_hash == 0) row_hash = 1;
  if (row_set_.empty()) row_set_.assign(1024, 0);
  {
    const size_t mask = row_set_.size() - 1;
    size_t i = static_cast<size_t>(row_hash) & mask;
    bool seen = false;
    while (row_set_[i] != 0) {
      if (row_set_[i] == row_hash) {
        seen = true;
        break;
      }
      i = (i + 1) & mask;
    }
    if (seen) {
      ++duplicates_;
    } else if (row_set_size_ < kExactRows) {
      row_set_[i] = row_hash;
      if (2 * ++row_set_size_ > row_set_.size()) {
        std::vector<uint64_t> old = std::move(row_set_);
        row_set_.assign(old.size() * 2, 0);
        const size_t m2 = row_set_.size() - 1;
        for (uint64_t x : old) {
          if (x == 0) continue;
          size_t j = static_cast<size_t>(x) & m2;
          while (row_set_[j] != 0) j = (j + 1) & m2;
          row_set_[j] = x;
        }
      }
    } else {
      rows_exact_ = false;
    }
  }
  // Correlations: pairwise sums over every row (shifted for accuracy), and
  // a systematic sample of rows for Spearman.
  const size_t m = corr_cols_.size();
  if (m == 0) return;
  for (size_t a = 0; a < m; ++a) {
    const double x = corr_row_[a];
    if (x != x) continue;
    const double dx = x - corr_shift_[a];
    for (size_t b = a + 1; b < m; ++b) {
      const double y = corr_row_[b];
      if (y != y) continue;
      const double dy = y - corr_shift_[b];
      PairStats& p = pairs_[a * m + b];
      ++p.n;
      p.sx += dx;
      p.sy += dy;
      p.sxx += dx * dx;
      p.syy += dy * dy;
      p.sxy += dx * dy;
    }
  }
  if ((rows_ - 1) % stride_ == 0) {
    sample_.insert(sample_.end(), corr_row_.begin(), corr_row_.end());
    if (sample_.size() / m >= kSpearmanRows) {
      // Keep every other kept row; from now on take every (2·stride)-th row.
      const size_t kept = sample_.size() / m;
      size_t w = 0;
      for (size_t r = 0; r < kept; r += 2, ++w) {
        std::copy(sample_.begin() + static_cast<std::ptrdiff_t>(r * m),
                  sample_.begin() + static_cast<std::ptrdiff_t>((r + 1) * m),
                  sample_.begin() + static_cast<std::ptrdiff_t>(w * m));
      }
      sample_.resize(w * m);
      stride_ *= 2;
    }
  }
}

ColumnType ProfileSink::infer(const Column& c, const std::string& header) const {
  if (c.non_null == 0) return ColumnType::kEmpty;
  const auto most = [&](uint64_t k) { return 50 * k >= 49 * c.non_null; };  // 98%
  if (most(c.bool_tokens)) return ColumnType::kBoolean;
  const std::string lower = text::ascii_lower(header);
  if (c.numbers == c.non_null && c.zero_one == c.non_null && c.distinct.estimate() == 2 &&
      (c.field == Field::kConverted || lower.starts_with("is_") || lower.starts_with("has_"))) {
    return ColumnType::kBoolean;
  }
  if (most(c.dates) &&
      (c.date_format != DateFormat::kCompact || is_date_field(c.field) ||
       lower.find("date") != std::string::npos || lower.find("day") != std::string::npos)) {
    return ColumnType::kDate;
  }
  if (most(c.numbers)) {
    if (is_id_field(c.field) || (id_like_header(header) && c.integers == c.numbers))
      return ColumnType::kIdentifier;
    if (2 * c.percents >= c.numbers) return ColumnType::kPercent;
    if (2 * c.currencies >= c.numbers || is_money_field(c.field)) return ColumnType::kMoney;
    if (c.integers == c.numbers) return ColumnType::kInteger;
    return ColumnType::kDecimal;
  }
  const uint64_t distinct = c.distinct.estimate();
  if (is_id_field(c.field)) return ColumnType::kIdentifier;
  if (distinct >= c.non_null && c.non_null >= 2 && c.with_space == 0 && c.max_len <= 64) {
    return ColumnType::kIdentifier;
  }
  if (distinct < c.non_null && (distinct <= 50 || 20 * distinct <= c.non_null))
    return ColumnType::kCategorical;
  return ColumnType::kText;
}

Json ProfileSink::column_json(const Column& c, const std::string& header, ColumnType type,
                              Json& alerts) const {
  const auto& th = o_.thresholds;
  const auto alert = [&](const char* kind, const char* severity, std::string message, Json value) {
    alerts.push_back({{"type", kind},
                      {"column", header},
                      {"severity", severity},
                      {"message", std::move(message)},
                      {"value", std::move(value)}});
  };
  const uint64_t distinct = c.distinct.estimate();
  const double rows = static_cast<double>(rows_);
  Json j;
  j["name"] = header;
  j["field"] = c.field == Field::kNone ? Json(nullptr) : Json(std::string(field_name(c.field)));
  j["type"] = std::string(column_type_name(type));
  j["count"] = c.non_null;
  j["missing"] = c.missing;
  j["missing_share"] =
      rows_ > 0 ? table::rounded(static_cast<double>(c.missing) / rows) : Json(nullptr);
  j["distinct"] = distinct;
  j["distinct_exact"] = c.distinct.exact();
  j["lengths"] = c.non_null > 0 ? Json{{"min", c.min_len}, {"max", c.max_len}} : Json(nullptr);
  uint64_t conforming = c.non_null;
  if (numeric(type)) conforming = c.numbers;
  if (type == ColumnType::kDate) conforming = c.dates;
  if (type == ColumnType::kBoolean) conforming = std::max(c.bool_tokens, c.zero_one);
  j["nonconforming"] = c.non_null - conforming;
  const bool num = numeric(type);
  j["zeros"] = num ? Json(c.zeros) : Json(nullptr);
  j["negatives"] = num ? Json(c.negatives) : Json(nullptr);
  j["currency"] =
      type == ColumnType::kMoney && !c.currency.empty() ? Json(c.currency) : Json(nullptr);
  if (num && c.numbers > 0) {
    const double n = static_cast<double>(c.numbers);
    const double var = c.numbers > 1 ? c.m2 / (n - 1) : std::numeric_limits<double>::quiet_NaN();
    const double skew = c.numbers > 2 && c.m2 > 0 ? std::sqrt(n) * c.m3 / (c.m2 * std::sqrt(c.m2))
                                                  : std::numeric_limits<double>::quiet_NaN();
    j["min"] = json_out::micros(c.min);
    j["max"] = json_out::micros(c.max);
    j["mean"] = table::rounded(c.mean);
    j["stddev"] = table::rounded(var > 0 ? std::sqrt(var) : (c.numbers > 1 ? 0.0 : var));
    j["skewness"] = table::rounded(skew, 4);
    j["quantiles"] = {{"p05", table::rounded(c.values.quantile(0.05))},
                      {"p25", table::rounded(c.values.quantile(0.25))},
                      {"p50", table::rounded(c.values.quantile(0.50))},
                      {"p75", table::rounded(c.values.quantile(0.75))},
                      {"p95", table::rounded(c.values.quantile(0.95))}};
    j["quantiles_exact"] = c.values.exact();
    j["quantile_rank_error"] = c.values.rank_error();
    // Histogram: unit bins for a small integer range, else equal widths.
    const double lo = static_cast<double>(c.min) / static_cast<double>(kMicros);
    const double hi = static_cast<double>(c.max) / static_cast<double>(kMicros);
    size_t bins = o_.histogram_bins;
    const bool unit = type == ColumnType::kInteger && hi - lo + 1 <= static_cast<double>(bins);
    double bin_lo = lo, bin_hi = hi;
    if (unit) {
      bins = static_cast<size_t>(hi - lo) + 1;
      bin_lo = lo - 0.5;
      bin_hi = hi + 0.5;
    } else if (hi == lo) {
      bins = 1;
    }
    const std::vector<uint64_t> counts = c.values.histogram(bin_lo, bin_hi, bins);
    Json hist = Json::array();
    for (size_t b = 0; b < bins; ++b) {
      const double l =
          bin_lo + (bin_hi - bin_lo) * static_cast<double>(b) / static_cast<double>(bins);
      const double u =
          bin_lo + (bin_hi - bin_lo) * static_cast<double>(b + 1) / static_cast<double>(bins);
      hist.push_back({{"lower", table::rounded(unit ? l + 0.5 : l)},
                      {"upper", table::rounded(unit ? u - 0.5 : u)},
                      {"count", counts[b]}});
    }
    j["histogram"] = std::move(hist);
    if (std::isfinite(skew) && std::fabs(skew) > th.skewness) {
      alert("skewed", "info",
            "heavily skewed (skewness " + json_out::dump(table::rounded(skew, 2)) + ")",
            table::rounded(skew, 4));
    }
    if (c.zeros > 0 && static_cast<double>(c.zeros) > th.zeros_share * n) {
      alert("many_zeros", "info",
            fmt::percent(static_cast<double>(c.zeros) / n) + " of the values are 0",
            table::rounded(static_cast<double>(c.zeros) / n));
    }
  } else {
    for (const char* k : {"min", "max", "mean", "stddev", "skewness", "quantiles"}) j[k] = nullptr;
    j["quantiles_exact"] = nullptr;
    j["quantile_rank_error"] = nullptr;
    j["histogram"] = nullptr;
  }
  if (type == ColumnType::kDate && c.dates > 0) {
    // Missing days between the first and last date, and the longest run of them.
    uint64_t missing_days = 0;
    Json gaps = Json::array();
    Json longest = nullptr;
    int64_t longest_len = 0;
    const bool tracked = c.min_day >= c.day_base && c.max_day - c.day_base < kMaxDayRange;
    if (tracked) {
      const auto lo = static_cast<size_t>(c.min_day - c.day_base),
                 hi = static_cast<size_t>(c.max_day - c.day_base);
      for (size_t d = lo; d <= hi;) {
        if (d < c.day_seen.size() && c.day_seen[d]) {
          ++d;
          continue;
        }
        size_t e = d;
        while (e <= hi && !(e < c.day_seen.size() && c.day_seen[e])) ++e;
        const auto len = static_cast<int64_t>(e - d);
        missing_days += static_cast<uint64_t>(len);
        const Day s = c.day_base + static_cast<Day>(d), t = c.day_base + static_cast<Day>(e - 1);
        Json g = {{"start", iso_date(s)}, {"end", iso_date(t)}, {"days", len}};
        if (len > longest_len) {
          longest_len = len;
          longest = g;
        }
        if (gaps.size() < 10) gaps.push_back(std::move(g));
        d = e;
      }
    }
    const auto q = [&](double p) {
      return iso_date(static_cast<Day>(std::floor(c.days.quantile(p))));
    };
    j["date"] = {{"min", iso_date(c.min_day)},
                 {"max", iso_date(c.max_day)},
                 {"span_days", static_cast<int64_t>(c.max_day) - c.min_day + 1},
                 {"with_time", c.with_time},
                 {"format", std::string(date_format_name(c.date_format))},
                 {"missing_days", tracked ? Json(missing_days) : Json(nullptr)},
                 {"longest_gap", longest},
                 {"gaps", std::move(gaps)},
                 {"quantiles",
                  {{"p05", q(0.05)},
                   {"p25", q(0.25)},
                   {"p50", q(0.5)},
                   {"p75", q(0.75)},
                   {"p95", q(0.95)}}}};
    const size_t bins =
        std::min<size_t>(o_.histogram_bins, static_cast<size_t>(c.max_day - c.min_day) + 1);
    const double lo = static_cast<double>(c.min_day), hi = static_cast<double>(c.max_day) + 1;
    const std::vector<uint64_t> counts = c.days.histogram(lo, hi, bins);
    Json hist = Json::array();
    for (size_t b = 0; b < bins; ++b) {
      const auto from = static_cast<Day>(
          std::ceil(lo + (hi - lo) * static_cast<double>(b) / static_cast<double>(bins)));
      const auto to = static_cast<Day>(std::ceil(lo + (hi - lo) * static_cast<double>(b + 1) /
                                                          static_cast<double>(bins))) -
                      1;
      hist.push_back({{"lower", iso_date(from)},
                      {"upper", iso_date(std::max(from, to))},
                      {"count", counts[b]}});
    }
    j["histogram"] = std::move(hist);
    if (tracked && missing_days > 0) {
      alert("date_gaps", "warning",
            std::to_string(missing_days) + " day(s) between " + iso_date(c.min_day) + " and " +
                iso_date(c.max_day) + " have no row (longest gap " + std::to_string(longest_len) +
                " day(s) from " + longest["start"].get<std::string>() + ")",
            missing_days);
    }
  } else {
    j["date"] = nullptr;
  }
  Json top = Json::array();
  for (const auto& [value, count] : c.top.top(o_.top_values))
    top.push_back({{"value", value}, {"count", count}});
  j["top_values"] = std::move(top);
  j["top_values_exact"] = c.top.exact();
  j["top_values_count_error"] = c.top.error();
  Json examples = Json::array();
  if (j["nonconforming"].get<uint64_t>() > 0) {
    for (const std::string& e : type == ColumnType::kDate ? c.not_dates : c.not_numbers)
      examples.push_back(e);
  }
  j["nonconforming_examples"] = std::move(examples);
  // Column alerts.
  if (type == ColumnType::kEmpty) {
    alert("all_missing", "warning", "every value is missing", rows_);
  } else {
    if (distinct == 1) alert("constant", "warning", "one value only: " + c.top.top(1)[0].first, 1);
    const double missing_share = static_cast<double>(c.missing) / rows;
    if (missing_share > th.high_missing_share) {
      alert("high_missing", "warning", fmt::percent(missing_share) + " of the values are missing",
            table::rounded(missing_share));
    }
    const double card = static_cast<double>(distinct) / static_cast<double>(c.non_null);
    if ((type == ColumnType::kCategorical || type == ColumnType::kText) && distinct > 50 &&
        card > th.high_cardinality_share) {
      alert("high_cardinality", "info",
            fmt::count(static_cast<double>(distinct)) + " distinct values", distinct);
    }
    const uint64_t odd = j["nonconforming"].get<uint64_t>();
    if (odd > 0) {
      alert("mixed_types", "warning",
            fmt::count(static_cast<double>(odd)) + " value(s) are not " +
                std::string(column_type_name(type)) +
                (examples.empty()
                     ? std::string()
                     : " (e.g. " + table::quote_cell(examples[0].get<std::string>()) + ")"),
            odd);
    }
  }
  const uint64_t per_cell = type == ColumnType::kBoolean ? 1
                            : type == ColumnType::kDate  ? 4
                            : num                        ? 8
                                                         : 16;
  j["memory_bytes"] =
      rows_ * per_cell +
      (num || type == ColumnType::kDate || type == ColumnType::kBoolean ? 0 : c.bytes);
  return j;
}

Result<Json> ProfileSink::report(const TableInfo& info) {
  if (rows_ == 0) {
    return Status(ErrorCode::kNoData, info.name + ": a header was found (line " +
                                          std::to_string(info.header_row) +
                                          ") but no data row could be read");
  }
  Json doc;
  doc["kind"] = "profile";
  Json in = table::input_json(info);
  in["rows"] = rows_read();
  in["rows_used"] = rows_;
  doc["input"] = std::move(in);
  Json alerts = Json::array();
  Json columns = Json::array();
  std::vector<ColumnType> types;
  uint64_t missing = 0, memory = 0, cell_bytes = 0;
  for (size_t i = 0; i < cols_.size(); ++i) {
    const ColumnType t = infer(cols_[i], header()[i]);
    types.push_back(t);
    Json cj = column_json(cols_[i], header()[i], t, alerts);
    memory += cj["memory_bytes"].get<uint64_t>();
    missing += cols_[i].missing;
    cell_bytes += cols_[i].bytes;
    columns.push_back(std::move(cj));
  }
  const double cells = static_cast<double>(rows_) * static_cast<double>(cols_.size());
  Json tbl;
  tbl["rows"] = rows_;
  tbl["columns"] = cols_.size();
  tbl["missing_cells"] = missing;
  tbl["missing_share"] =
      cells > 0 ? table::rounded(static_cast<double>(missing) / cells) : Json(nullptr);
  tbl["duplicate_rows"] = duplicates_;
  tbl["duplicate_rows_exact"] = rows_exact_;
  tbl["memory"] = {
      {"input_bytes", info.bytes}, {"cell_bytes", cell_bytes}, {"estimated_table_bytes", memory}};
  Json type_counts = Json::object();
  for (ColumnType t : types) {
    const std::string name(column_type_name(t));
    type_counts[name] = type_counts.value(name, 0) + 1;
  }
  tbl["types"] = std::move(type_counts);
  doc["table"] = std::move(tbl);
  if (duplicates_ > 0) {
    alerts.push_back({{"type", "duplicate_rows"},
                      {"column", nullptr},
                      {"severity", "warning"},
                      {"message", fmt::count(static_cast<double>(duplicates_)) +
                                      " row(s) repeat an earlier row exactly"},
                      {"value", duplicates_}});
  }

  // Correlations among the columns that turned out numeric.
  std::vector<size_t> slots;
  Json names = Json::array();
  for (size_t s = 0; s < corr_cols_.size(); ++s) {
    if (numeric(types[corr_cols_[s]])) {
      slots.push_back(s);
      names.push_back(header()[corr_cols_[s]]);
    }
  }
  const size_t m = corr_cols_.size();
  const size_t kept = m > 0 ? sample_.size() / m : 0;
  // Ranks of each column over the sampled rows, when it has a value in all of them.
  std::vector<std::vector<double>> full_ranks(m);
  for (size_t a : slots) {
    std::vector<double> xs(kept);
    bool complete = true;
    for (size_t r = 0; r < kept && complete; ++r) {
      xs[r] = sample_[r * m + a];
      complete = xs[r] == xs[r];
    }
    if (complete) full_ranks[a] = ranks(xs);
  }
  Json pear = Json::array(), spear = Json::array();
  for (size_t a : slots) {
    Json prow = Json::array(), srow = Json::array();
    for (size_t b : slots) {
      if (a == b) {
        prow.push_back(1);
        srow.push_back(1);
        continue;
      }
      const size_t lo = std::min(a, b), hi = std::max(a, b);
      const PairStats& p = pairs_[lo * m + hi];
      prow.push_back(pearson(p.n, p.sx, p.sy, p.sxx, p.syy, p.sxy));
      std::vector<double> rx, ry;
      if (kept > 0 && !full_ranks[lo].empty() && !full_ranks[hi].empty()) {
        rx = full_ranks[lo];
        ry = full_ranks[hi];
      } else {
        std::vector<double> xs, ys;
        for (size_t r = 0; r < kept; ++r) {
          const double x = sample_[r * m + lo], y = sample_[r * m + hi];
          if (x == x && y == y) {
            xs.push_back(x);
            ys.push_back(y);
          }
        }
        rx = ranks(xs);
        ry = ranks(ys);
      }
      double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      const double mid = (static_cast<double>(rx.size()) + 1) / 2;
      for (size_t r = 0; r < rx.size(); ++r) {
        const double dx = rx[r] - mid, dy = ry[r] - mid;
        sx += dx;
        sy += dy;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      }
      srow.push_back(pearson(rx.size(), sx, sy, sxx, syy, sxy));
    }
    pear.push_back(std::move(prow));
    spear.push_back(std::move(srow));
  }
  doc["correlations"] = {{"columns", std::move(names)},
                         {"pearson", std::move(pear)},
                         {"spearman", std::move(spear)},
                         {"spearman_rows", kept},
                         {"spearman_exact", stride_ == 1}};
  doc["alerts"] = std::move(alerts);
  doc["columns"] = std::move(columns);
  doc["approximations"] = {
      {"quantiles", "exact up to " + std::to_string(kExactValues) +
                        " values per column; beyond, a deterministic compactor sketch (k = 4096) "
                        "whose rank error is "
                        "at most n·levels/4096 (≈0.2% of n at a million values), reported as "
                        "quantile_rank_error; "
                        "histogram counts share that bound at each bin edge"},
      {"distinct", "exact (64-bit hashes) up to " + std::to_string(kExactDistinct) +
                       " distinct values; beyond, HyperLogLog with 16,384 registers (relative "
                       "standard error 0.81%)"},
      {"top_values", "exact counts up to " + std::to_string(kExactTopValues) +
                         " distinct values; beyond, Misra–Gries with 1,000 counters: counts are "
                         "lower bounds, short "
                         "by at most top_values_count_error"},
      {"duplicate_rows", "exact (64-bit row hashes) up to " + std::to_string(kExactRows) +
                             " distinct rows; beyond, a lower bound"},
      {"spearman", "on a systematic sample of at most " + std::to_string(kSpearmanRows) +
                       " rows (every 2^j-th row); standard error about 1/sqrt(rows − 1); Pearson "
                       "uses every row"}};
  doc["diagnostics"] = table::diagnostics_json(diagnostics());
  return doc;
}

// ------------------------------------------------------------------- HTML

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

std::string num_text(const Json& v) {
  if (v.is_null()) return "–";
  if (v.is_string()) return esc(v.get<std::string>());
  const double x = v.get<double>();
  if (v.is_number_integer() || v.is_number_unsigned() ||
      (x == std::floor(x) && std::fabs(x) < 1e15)) {
    return fmt::count(x);
  }
  return esc(json_out::dump(table::rounded(x, std::fabs(x) >= 100 ? 2 : 4)));
}

std::string share_text(const Json& v) { return v.is_null() ? "–" : fmt::percent(v.get<double>()); }

std::string bars_svg(const Json& hist) {
  uint64_t top = 1;
  for (const Json& b : hist) top = std::max<uint64_t>(top, b["count"].get<uint64_t>());
  const size_t n = hist.size();
  const int width = 320, height = 80;
  std::string s = "<svg class=\"hist\" viewBox=\"0 0 " + std::to_string(width) + " " +
                  std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
                  std::to_string(height) + "\" role=\"img\" aria-label=\"histogram\">";
  for (size_t i = 0; i < n; ++i) {
    const uint64_t c = hist[i]["count"].get<uint64_t>();
    const int w = static_cast<int>(static_cast<uint64_t>(width) / (n == 0 ? 1 : n));
    const int h = static_cast<int>(c * static_cast<uint64_t>(height - 2) / top);
    s += "<rect x=\"" + std::to_string(static_cast<int>(i) * w + 1) + "\" y=\"" +
         std::to_string(height - h) + "\" width=\"" + std::to_string(std::max(1, w - 2)) +
         "\" height=\"" + std::to_string(h) + "\"><title>" + num_text(hist[i]["lower"]) + " – " +
         num_text(hist[i]["upper"]) + ": " + fmt::count(static_cast<double>(c)) + "</title></rect>";
  }
  return s + "</svg>";
}

std::string corr_cell(const Json& v) {
  if (v.is_null()) return "<td class=\"na\">–</td>";
  const double r = v.get<double>();
  const int alpha = static_cast<int>(std::fabs(r) * 60.0 + 0.5);
  const char* hue = r >= 0 ? "37,99,235" : "220,38,38";
  return "<td style=\"background:rgba(" + std::string(hue) + ",0." + (alpha < 10 ? "0" : "") +
         std::to_string(alpha) + ")\">" + esc(json_out::dump(table::rounded(r, 2))) + "</td>";
}

std::string profile_html(const Json& doc) {
  const Json& t = doc["table"];
  std::string h =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><title>Profile of " +
      esc(doc["input"]["name"].get<std::string>()) +
      "</title><style>"
      "body{font:15px/1.5 system-ui,-apple-system,Segoe "
      "UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}"
      "main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:24px;margin:0 0 "
      "4px}h2{font-size:19px;margin:32px 0 "
      "12px}h3{font-size:16px;margin:0}.muted{color:#636c76}.grid{display:grid;grid-template-"
      "columns:repeat(auto-fill,"
      "minmax(160px,1fr));gap:12px}.stat{background:#fff;border:1px solid "
      "#d8dee4;border-radius:8px;padding:10px 14px}"
      ".stat b{display:block;font-size:20px}.card{background:#fff;border:1px solid "
      "#d8dee4;border-radius:8px;padding:16px;"
      "margin:0 0 16px}.card "
      "header{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin-bottom:10px}"
      ".type{font-size:12px;background:#eef1f4;border-radius:10px;padding:1px "
      "8px}.cols{display:flex;gap:24px;flex-wrap:"
      "wrap}table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px 3px "
      "0;text-align:left;vertical-align:"
      "top}th{color:#636c76;font-weight:500}td.n{text-align:right;font-variant-numeric:tabular-"
      "nums}.hist rect{fill:"
      "#3b82f6}.alerts li{margin:4px 0}.warning{color:#9a6700}.info{color:#0969da}.corr td,.corr "
      "th{text-align:center;"
      "padding:4px 8px;border:1px solid "
      "#eef1f4}.axis{display:flex;justify-content:space-between;width:320px;font-size:12px;color:#"
      "636c76}.na{color:#aaa}.bar{display:inline-block;height:8px;background:#93c5fd;"
      "border-radius:2px;vertical-align:middle;margin-left:6px}"
      "</style></head><body><main>";
  h += "<h1>Profile of " + esc(doc["input"]["name"].get<std::string>()) + "</h1>";
  h += "<p class=\"muted\">" + fmt::count(t["rows"].get<double>()) + " rows × " +
       fmt::count(t["columns"].get<double>()) + " columns · " +
       esc(doc["input"]["encoding"].get<std::string>()) + ", delimiter “" +
       esc(doc["input"]["delimiter"].get<std::string>()) + "”, header on line " +
       std::to_string(doc["input"]["header_row"].get<uint64_t>()) + "</p>";
  h += "<div class=\"grid\">";
  auto stat = [&](const std::string& label, const std::string& value) {
    h += "<div class=\"stat\"><span class=\"muted\">" + label + "</span><b>" + value + "</b></div>";
  };
  stat("Rows", fmt::count(t["rows"].get<double>()));
  stat("Columns", fmt::count(t["columns"].get<double>()));
  stat("Missing cells", share_text(t["missing_share"]));
  stat("Duplicate rows", fmt::count(t["duplicate_rows"].get<double>()));
  stat("Input size", fmt::count(t["memory"]["input_bytes"].get<double>() / 1024.0) + " KiB");
  stat("In memory (est.)",
       fmt::count(t["memory"]["estimated_table_bytes"].get<double>() / 1024.0) + " KiB");
  h += "</div>";
  h += "<h2>Alerts</h2>";
  if (doc["alerts"].empty()) {
    h += "<p class=\"muted\">Nothing stands out.</p>";
  } else {
    h += "<ul class=\"alerts\">";
    for (const Json& a : doc["alerts"]) {
      const std::string sev = a["severity"].get<std::string>();
      h += "<li class=\"" + esc(sev) + "\"><b>" +
           (a["column"].is_null() ? std::string("table") : esc(a["column"].get<std::string>())) +
           "</b> — " + esc(a["message"].get<std::string>()) + "</li>";
    }
    h += "</ul>";
  }
  h += "<h2>Columns</h2>";
  for (const Json& c : doc["columns"]) {
    h += "<section class=\"card\"><header><h3>" + esc(c["name"].get<std::string>()) +
         "</h3><span class=\"type\">" + esc(c["type"].get<std::string>()) + "</span>";
    if (!c["field"].is_null())
      h += "<span class=\"muted\">read as " + esc(c["field"].get<std::string>()) + "</span>";
    h += "</header><div class=\"cols\"><table>";
    auto row = [&](const std::string& k, const std::string& v) {
      h += "<tr><th>" + k + "</th><td class=\"n\">" + v + "</td></tr>";
    };
    row("values", num_text(c["count"]));
    row("missing", num_text(c["missing"]) + " (" + share_text(c["missing_share"]) + ")");
    row(c["distinct_exact"].get<bool>() ? "distinct" : "distinct (≈)", num_text(c["distinct"]));
    if (!c["zeros"].is_null())
      row("zeros / negatives", num_text(c["zeros"]) + " / " + num_text(c["negatives"]));
    if (!c["min"].is_null()) {
      row("min / max", num_text(c["min"]) + " / " + num_text(c["max"]));
      row("mean ± sd", num_text(c["mean"]) + " ± " + num_text(c["stddev"]));
      const Json& q = c["quantiles"];
      row(c["quantiles_exact"].get<bool>() ? "5 · 25 · 50 · 75 · 95%"
                                           : "5 · 25 · 50 · 75 · 95% (≈)",
          num_text(q["p05"]) + " · " + num_text(q["p25"]) + " · " + num_text(q["p50"]) + " · " +
              num_text(q["p75"]) + " · " + num_text(q["p95"]));
    }
    if (!c["date"].is_null()) {
      const Json& d = c["date"];
      row("range", esc(d["min"].get<std::string>()) + " → " + esc(d["max"].get<std::string>()));
      row("days missing", num_text(d["missing_days"]));
    }
    if (c["nonconforming"].get<uint64_t>() > 0)
      row("not " + esc(c["type"].get<std::string>()), num_text(c["nonconforming"]));
    h += "</table>";
    if (!c["histogram"].is_null() && !c["histogram"].empty()) {
      const Json& hist = c["histogram"];
      h += "<div>" + bars_svg(hist) + "<div class=\"axis\"><span>" +
           num_text(hist.front()["lower"]) + "</span><span>" + num_text(hist.back()["upper"]) +
           "</span></div></div>";
    }
    if (!c["top_values"].empty()) {
      uint64_t most = 1;
      for (const Json& v : c["top_values"])
        most = std::max<uint64_t>(most, v["count"].get<uint64_t>());
      h += "<table><tr><th>most frequent</th><th></th></tr>";
      size_t shown = 0;
      for (const Json& v : c["top_values"]) {
        if (shown++ == 5) break;
        const uint64_t cnt = v["count"].get<uint64_t>();
        h += "<tr><td>" + esc(v["value"].get<std::string>().substr(0, 40)) +
             "</td><td class=\"n\">" + fmt::count(static_cast<double>(cnt)) +
             "<span class=\"bar\" style=\"width:" + std::to_string(cnt * 80 / most) +
             "px\"></span></td></tr>";
      }
      h += "</table>";
    }
    h += "</div></section>";
  }
  const Json& corr = doc["correlations"];
  if (corr["columns"].size() >= 2) {
    for (const char* kind : {"pearson", "spearman"}) {
      h += std::string("<h2>") + (kind[0] == 'p' ? "Pearson" : "Spearman") +
           " correlations</h2><table class=\"corr\"><tr><th></th>";
      for (const Json& n : corr["columns"]) h += "<th>" + esc(n.get<std::string>()) + "</th>";
      h += "</tr>";
      for (size_t i = 0; i < corr["columns"].size(); ++i) {
        h += "<tr><th>" + esc(corr["columns"][i].get<std::string>()) + "</th>";
        for (const Json& v : corr[kind][i]) h += corr_cell(v);
        h += "</tr>";
      }
      h += "</table>";
    }
  }
  h += "<h2>How these figures were computed</h2><ul class=\"muted\">";
  for (const auto& [k, v] : doc["approximations"].items())
    h += "<li><b>" + esc(k) + "</b>: " + esc(v.get<std::string>()) + "</li>";
  h += "</ul>";
  if (doc["diagnostics"]["total"].get<uint64_t>() > 0) {
    h += "<h2>Rows glint could not read</h2><ul>";
    for (const Json& d : doc["diagnostics"]["entries"]) {
      h += "<li>line " + std::to_string(d["row"].get<uint64_t>()) + ": " +
           esc(d["message"].get<std::string>()) + "</li>";
    }
    h += "</ul>";
  }
  h += "<p class=\"muted\">Made by glint profile. This page loads nothing from the "
       "network.</p></main></body></html>\n";
  return h;
}

}  // namespace

Result<std::string> profile_report(std::string_view name, std::span<const std::byte> bytes,
                                   const ProfileOptions& options, const AliasTable& aliases,
                                   const Locale& locale) {
  ProfileSink sink(options, aliases, locale);
  TableInfo info;
  if (Status s = table::read_table(name, bytes, aliases, sink, &info); !s.ok()) return s;
  Result<Json> doc = sink.report(info);
  if (!doc.ok()) return doc.status();
  if (options.html) doc.value()["html"] = profile_html(doc.value());
  return json_out::dump(doc.value());
}

}  // namespace glint
