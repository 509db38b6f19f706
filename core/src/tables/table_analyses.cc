#include "tables/table_analyses.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "glint/attribution.h"
#include "glint/funnel.h"
#include "glint/mathx.h"
#include "glint/profile.h"
#include "tables/table_util.h"
#include "base/text.h"

namespace glint {

namespace table {

// ---------------------------------------------------------------- hashing

uint64_t hash_bytes(std::string_view s, uint64_t seed) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = seed ^ (s.size() * kMul);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  for (size_t k = 0; i < s.size(); ++i, ++k)
    tail |= static_cast<uint64_t>(static_cast<unsigned char>(s[i])) << (8 * k);
  h = (h ^ tail) * kMul;
  // splitmix64 finaliser: every input bit reaches every output bit.
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 31;
  return h;
}

Interner::Interner() : starts_{0}, slots_(64, UINT32_MAX) {}

std::optional<uint32_t> Interner::find(std::string_view s) const {
  const uint64_t h = hash_bytes(s);
  const size_t mask = slots_.size() - 1;
  for (size_t i = static_cast<size_t>(h) & mask;; i = (i + 1) & mask) {
    const uint32_t id = slots_[i];
    if (id == UINT32_MAX) return std::nullopt;
    if (hashes_[id] == h && str(id) == s) return id;
  }
}

uint32_t Interner::intern(std::string_view s) {
  const uint64_t h = hash_bytes(s);
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(h) & mask;
  for (;; i = (i + 1) & mask) {
    const uint32_t id = slots_[i];
    if (id == UINT32_MAX) break;
    if (hashes_[id] == h && str(id) == s) return id;
  }
  const auto id = static_cast<uint32_t>(size());
  arena_.append(s);
  starts_.push_back(arena_.size());
  hashes_.push_back(h);
  slots_[i] = id;
  if (2 * size() > slots_.size()) grow();
  return id;
}

void Interner::grow() {
  std::vector<uint32_t> bigger(slots_.size() * 2, UINT32_MAX);
  const size_t mask = bigger.size() - 1;
  for (uint32_t id = 0; id < size(); ++id) {
    size_t i = static_cast<size_t>(hashes_[id]) & mask;
    while (bigger[i] != UINT32_MAX) i = (i + 1) & mask;
    bigger[i] = id;
  }
  slots_ = std::move(bigger);
}

// ---------------------------------------------------------------- timestamps

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int digits_at(std::string_view s, size_t i, size_t n, bool& ok) {
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    if (i + k >= s.size() || !is_digit(s[i + k])) {
      ok = false;
      return 0;
    }
    v = v * 10 + (s[i + k] - '0');
  }
  return v;
}

// Exactly "YYYY-MM-DD".
std::optional<Day> iso_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  bool ok = true;
  const int y = digits_at(s, 0, 4, ok), m = digits_at(s, 5, 2, ok), d = digits_at(s, 8, 2, ok);
  if (!ok) return std::nullopt;
  return day_from_civil(y, m, d);
}

// "HH:MM[:SS[.fff]] [AM|PM] [Z|UTC|GMT][±hh[:mm]]" → ms of day minus the offset.
std::optional<int64_t> parse_time_of_day(std::string_view t) {
  size_t i = 0;
  bool ok = true;
  int h = 0;
  if (t.size() >= 2 && is_digit(t[0]) && is_digit(t[1])) {
    h = digits_at(t, 0, 2, ok);
    i = 2;
  } else if (!t.empty() && is_digit(t[0])) {
    h = t[0] - '0';
    i = 1;
  } else {
    return std::nullopt;
  }
  if (i >= t.size() || t[i] != ':') return std::nullopt;
  const int mi = digits_at(t, i + 1, 2, ok);
  i += 3;
  int sec = 0, ms = 0;
  if (i < t.size() && t[i] == ':') {
    sec = digits_at(t, i + 1, 2, ok);
    i += 3;
    if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
      ++i;
      int scale = 100;
      while (i < t.size() && is_digit(t[i])) {
        ms += (t[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
    }
  }
  if (!ok || mi > 59 || sec > 60) return std::nullopt;
  std::string_view rest = text::trim_spaces(t.substr(i));
  const std::string lower = text::ascii_lower(rest);
  if (lower.starts_with("am") || lower.starts_with("pm") || lower.starts_with("a.m.") ||
      lower.starts_with("p.m.")) {
    if (h < 1 || h > 12) return std::nullopt;
    const bool pm = lower[0] == 'p';
    h = (h % 12) + (pm ? 12 : 0);
    rest = text::trim_spaces(rest.substr(lower[1] == '.' ? 4 : 2));
  }
  if (h > 23) return std::nullopt;
  int64_t offset_min = 0;
  if (!rest.empty()) {
    if (rest == "Z" || rest == "z") {
      rest = {};
    } else if (rest.starts_with("UTC") || rest.starts_with("GMT")) {
      rest = text::trim_spaces(rest.substr(3));
    }
    if (!rest.empty()) {
      if (rest[0] != '+' && rest[0] != '-') return std::nullopt;
      const int sign = rest[0] == '-' ? -1 : 1;
      const std::string_view z = rest.substr(1);
      bool zok = true;
      int oh = 0, om = 0;
      if (z.size() == 2) {
        oh = digits_at(z, 0, 2, zok);
      } else if (z.size() == 4) {
        oh = digits_at(z, 0, 2, zok);
        om = digits_at(z, 2, 2, zok);
      } else if (z.size() == 5 && z[2] == ':') {
        oh = digits_at(z, 0, 2, zok);
        om = digits_at(z, 3, 2, zok);
      } else {
        return std::nullopt;
      }
      if (!zok || oh > 18 || om > 59) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    }
  }
  return ((static_cast<int64_t>(h) * 60 + mi) * 60 + sec) * 1000 + ms - offset_min * 60'000;
}

// Epoch seconds (9–10 digits, optional decimals) or milliseconds (12–13).
std::optional<int64_t> parse_epoch(std::string_view s) {
  size_t whole = 0;
  while (whole < s.size() && is_digit(s[whole])) ++whole;
  if (whole == 0) return std::nullopt;
  size_t end = whole;
  int64_t frac_ms = 0;
  if (end < s.size() && s[end] == '.') {
    int scale = 100;
    ++end;
    if (end == s.size()) return std::nullopt;
    while (end < s.size() && is_digit(s[end])) {
      frac_ms += (s[end] - '0') * scale;
      scale /= 10;
      ++end;
    }
  }
  if (end != s.size()) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < whole; ++i) v = v * 10 + (s[i] - '0');
  if (whole == 9 || whole == 10) return v * 1000 + frac_ms;
  if ((whole == 12 || whole == 13) && end == whole) return v;
  if ((whole == 15 || whole == 16) && end == whole)
    return v / 1000;  // microseconds (GA4 event_timestamp)
  return std::nullopt;
}

bool looks_epoch(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  return n >= 9 && n != 11 && n != 14 && n <= 16 && (n == s.size() || s[n] == '.');
}

}  // namespace

DateTimeParts split_date_time(std::string_view cell) {
  // The common case first: "YYYY-MM-DD HH:MM…" / "YYYY-MM-DDTHH:MM…".
  if (cell.size() >= 16 && (cell[10] == ' ' || cell[10] == 'T') && cell[4] == '-' &&
      is_digit(cell[11]) && is_digit(cell[12]) && cell[13] == ':') {
    return {cell.substr(0, 10), cell.substr(11)};
  }
  for (size_t i = 0; i + 3 < cell.size(); ++i) {
    if (!is_digit(cell[i])) continue;
    if (i > 0 && cell[i - 1] != ' ' && cell[i - 1] != 'T' && cell[i - 1] != ',') continue;
    size_t j = i + 1;
    if (is_digit(cell[j])) ++j;
    if (j + 2 < cell.size() + 0 && cell[j] == ':' && is_digit(cell[j + 1]) && j + 2 < cell.size() &&
        is_digit(cell[j + 2])) {
      std::string_view date = cell.substr(0, i);
      while (!date.empty() && (date.back() == ' ' || date.back() == 'T' || date.back() == ',')) {
        date.remove_suffix(1);
      }
      return {text::trim_spaces(date), cell.substr(i)};
    }
  }
  return {cell, {}};
}

void TimestampColumn::observe(std::string_view cell, const Locale& locale) {
  cell = text::trim_spaces(cell);
  if (cell.empty() || looks_epoch(cell)) return;
  stats_.add(split_date_time(cell).date, locale);
}

void TimestampColumn::decide(bool prefer_dmy) { format_ = stats_.decide(prefer_dmy, &ambiguous_); }

std::optional<int64_t> TimestampColumn::parse(std::string_view cell, const Locale& locale) const {
  cell = text::trim_spaces(cell);
  if (cell.empty()) return std::nullopt;
  if (looks_epoch(cell)) return parse_epoch(cell);
  const DateTimeParts parts = split_date_time(cell);
  std::optional<Day> day;
  if (!last_date_.empty() && parts.date == last_date_) {
    day = last_day_;
  } else {
    day = iso_day(parts.date);
    if (!day && format_ != DateFormat::kUnknown) day = parse_date(parts.date, format_, locale);
    last_date_.assign(parts.date);
    last_day_ = day;
  }
  if (!day) return std::nullopt;
  int64_t ms = static_cast<int64_t>(*day) * 86'400'000;
  if (!parts.time.empty()) {
    const auto t = parse_time_of_day(parts.time);
    if (!t) return std::nullopt;
    ms += *t;
  }
  return ms;
}

std::string quote_cell(std::string_view cell) {
  std::string s(cell.substr(0, 60));
  if (cell.size() > 60) s += "…";
  return "'" + s + "'";
}

// ---------------------------------------------------------------- reading

void SampledSink::on_header(const TableInfo& info) {
  header_ = info.header;
  delimiter_ = info.dialect.delimiter;
  begin(info);
}

void SampledSink::on_row(std::span<const std::string_view> fields, uint64_t line) {
  ++rows_read_;
  if (!decided_) {
    held_.push_back({{fields.begin(), fields.end()}, line});
    if (held_.size() >= sample_rows_) flush();
    return;
  }
  row(fields, line);
}

void SampledSink::on_skipped(uint64_t line, std::string_view reason) {
  log_.add({line, "", reason == "comment line" ? Severity::kInfo : Severity::kError,
            std::string(reason)});
}

void SampledSink::flush() {
  if (decided_) return;
  decided_ = true;
  decide(held_);
  std::vector<std::string_view> views;
  for (const HeldRow& h : held_) {
    views.assign(h.fields.begin(), h.fields.end());
    row(views, h.line);
  }
  held_.clear();
  held_.shrink_to_fit();
}

bool SampledSink::fit_width(std::span<const std::string_view>& fields, uint64_t line) {
  const size_t width = header_.size();
  if (fields.size() > width) {
    bool extra_empty = true;
    for (size_t i = width; i < fields.size(); ++i)
      extra_empty &= text::trim_spaces(fields[i]).empty();
    if (extra_empty) fields = fields.subspan(0, width);
  }
  if (fields.size() == width) return true;
  log_.add({line, "", Severity::kError,
            "row has " + std::to_string(fields.size()) + " fields, the header has " +
                std::to_string(width) + "; row skipped"});
  return false;
}

Status read_table(std::string_view name, std::span<const std::byte> bytes,
                  const AliasTable& aliases, SampledSink& sink, TableInfo* info) {
  TableReader reader{std::string(name), aliases, sink};
  // In slices, so the decoder never holds a second copy of a large input.
  constexpr size_t kSlice = size_t{4} << 20;
  for (size_t at = 0; at < bytes.size(); at += kSlice)
    reader.feed(bytes.subspan(at, std::min(kSlice, bytes.size() - at)));
  if (Status s = reader.finish(); !s.ok()) return s;
  sink.flush();
  if (const uint64_t bad = reader.replacements(); bad > 0) {
    sink.diagnostics().add({reader.first_replacement_line(), "", Severity::kWarning,
                            std::to_string(bad) + " invalid UTF-8 sequence" +
                                (bad == 1 ? "" : "s") +
                                " replaced by U+FFFD (the first on this line)"});
  }
  if (info != nullptr) *info = reader.info();
  return Status::Ok();
}

Roles::Roles(const std::vector<std::string>& header, const AliasTable& aliases) {
  const std::vector<std::string_view> cells(header.begin(), header.end());
  mapping_ = map_columns(cells, aliases);
}

std::optional<size_t> Roles::find(std::initializer_list<Field> fields) const {
  for (Field f : fields) {
    for (size_t i = 0; i < mapping_.fields.size(); ++i) {
      if (mapping_.fields[i] == f) return i;
    }
  }
  return std::nullopt;
}

std::optional<size_t> Roles::by_name(std::string_view name) const {
  const std::string key = normalise_header(name).key;
  for (size_t i = 0; i < mapping_.headers.size(); ++i) {
    if (normalise_header(mapping_.headers[i]).key == key) return i;
  }
  if (const auto f = field_from_name(name)) return find({*f});
  return std::nullopt;
}

std::string Roles::header_list() const {
  std::string out;
  for (const std::string& h : mapping_.headers) out += (out.empty() ? "" : ", ") + h;
  return out;
}

Result<std::optional<size_t>> resolve_role(const Roles& roles,
                                           const std::map<std::string, std::string>& overrides,
                                           const char* role, std::initializer_list<Field> fields) {
  const auto it = overrides.find(role);
  if (it != overrides.end() && !it->second.empty()) {
    const auto col = roles.by_name(it->second);
    if (!col) {
      return Status(ErrorCode::kInvalidRequest, std::string("'columns.") + role +
                                                    "': no column named '" + it->second +
                                                    "' (columns: " + roles.header_list() + ")");
    }
    return std::optional<size_t>(*col);
  }
  return roles.find(fields);
}

// ---------------------------------------------------------------- requests

Status RequestReader::string(const char* key, std::string& out) const {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return Status::Ok();
  if (!it->is_string())
    return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status RequestReader::number(const char* key, double lo, double hi, double& out) const {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return Status::Ok();
  if (!it->is_number() || !(it->get<double>() >= lo) || !(it->get<double>() <= hi)) {
    return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must be a number from " +
                                                  json_out::dump(Json(lo)) + " to " +
                                                  json_out::dump(Json(hi)));
  }
  out = it->get<double>();
  return Status::Ok();
}

Status RequestReader::integer(const char* key, int64_t lo, int64_t hi, int64_t& out) const {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    return Status(ErrorCode::kInvalidRequest, std::string("'") + key +
                                                  "' must be an integer from " +
                                                  std::to_string(lo) + " to " + std::to_string(hi));
  }
  out = it->get<int64_t>();
  return Status::Ok();
}

Status RequestReader::boolean(const char* key, bool& out) const {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return Status::Ok();
  if (!it->is_boolean())
    return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must be true or false");
  out = it->get<bool>();
  return Status::Ok();
}

Status RequestReader::string_list(const char* key, std::vector<std::string>& out) const {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return Status::Ok();
  out.clear();
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      const std::string_view item =
          text::trim_spaces(std::string_view(s).substr(start, comma - start));
      if (!item.empty()) out.emplace_back(item);
      start = comma + 1;
    }
    return Status::Ok();
  }
  if (it->is_array()) {
    for (const Json& v : *it) {
      if (!v.is_string())
        return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must list strings");
      const std::string_view item = text::trim_spaces(v.get_ref<const std::string&>());
      if (!item.empty()) out.emplace_back(item);
    }
    return Status::Ok();
  }
  return Status(
      ErrorCode::kInvalidRequest,
      std::string("'") + key + "' must be an array of strings or one comma-separated string");
}

std::optional<int64_t> parse_duration_ms(std::string_view text_in) {
  const std::string s = text::ascii_lower(text::trim_spaces(text_in));
  if (s == "none" || s == "unlimited" || s == "off") return std::numeric_limits<int64_t>::max();
  size_t n = 0;
  while (n < s.size() && (is_digit(s[n]) || s[n] == '.')) ++n;
  if (n == 0) return std::nullopt;
  const auto micros = text::parse_plain_micros(std::string_view(s).substr(0, n));
  if (!micros || *micros < 0) return std::nullopt;
  const std::string unit(text::trim_spaces(std::string_view(s).substr(n)));
  int64_t unit_ms = 0;
  if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "second" ||
      unit == "seconds") {
    unit_ms = 1000;
  } else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" ||
             unit == "minutes") {
    unit_ms = 60'000;
  } else if (unit == "h" || unit == "hr" || unit == "hour" || unit == "hours") {
    unit_ms = 3'600'000;
  } else if (unit == "d" || unit == "day" || unit == "days") {
    unit_ms = 86'400'000;
  } else if (unit == "w" || unit == "week" || unit == "weeks") {
    unit_ms = 604'800'000;
  } else {
    return std::nullopt;
  }
  if (*micros > std::numeric_limits<int64_t>::max() / unit_ms) return std::nullopt;
  return *micros * unit_ms / kMicros;
}

// ---------------------------------------------------------------- output

Json diagnostics_json(const DiagnosticLog& log) {
  Json entries = Json::array();
  for (const Diagnostic& d : log.entries()) {
    entries.push_back({{"row", d.row},
                       {"column", d.column},
                       {"severity", std::string(severity_name(d.severity))},
                       {"message", d.message}});
  }
  return {{"total", log.total()}, {"entries", std::move(entries)}};
}

Json input_json(const TableInfo& info) {
  Json j;
  j["name"] = info.name;
  j["bytes"] = info.bytes;
  j["encoding"] = std::string(encoding_name(info.encoding));
  j["delimiter"] = std::string(1, info.dialect.delimiter);
  j["header_row"] = info.header_row;
  j["columns"] = info.header;
  return j;
}

void largest_remainder(std::span<const double> shares, int64_t total, std::span<int64_t> out) {
  const size_t n = shares.size();
  std::fill(out.begin(), out.end(), 0);
  if (n == 0 || total == 0) return;
  const bool negative = total < 0;
  const int64_t amount = negative ? -total : total;
  double sum = 0;
  for (double s : shares) sum += s > 0 ? s : 0;
  if (!(sum > 0)) {
    out[0] = total;
    return;
  }
  std::vector<double> frac(n);
  int64_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    const double exact = (shares[i] > 0 ? shares[i] / sum : 0.0) * static_cast<double>(amount);
    const double fl = std::floor(exact);
    out[i] = static_cast<int64_t>(fl);
    frac[i] = exact - fl;
    given += out[i];
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  int64_t left = amount - given;
  if (left > 0) {
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return frac[a] > frac[b]; });
    for (size_t k = 0; left > 0; k = (k + 1) % n) {
      if (shares[order[k]] <= 0 && k + 1 < n)
        continue;  // nothing for a zero share unless it is all there is
      ++out[order[k]];
      --left;
    }
  } else if (left < 0) {
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return frac[a] < frac[b]; });
    for (size_t k = 0; left < 0; k = (k + 1) % n) {
      if (out[order[k]] == 0) continue;
      --out[order[k]];
      ++left;
    }
  }
  if (negative) {
    for (int64_t& v : out) v = -v;
  }
}

double quantile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(lo);
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
}

std::optional<int64_t> read_micros(std::string_view cell, const Locale& locale, DecimalMark mark) {
  int64_t v = 0;
  if (parse_plain_fast(cell, v)) return v;
  const NumberCell c = parse_number(cell, locale, mark);
  if (c.status != CellStatus::kValue) return std::nullopt;
  return c.micros;
}

DecimalMark decide_mark(std::span<const HeldRow> sample, size_t col, const Locale& locale,
                        char delimiter, bool count) {
  ColumnNumberStats stats;
  for (const HeldRow& h : sample) {
    if (col < h.fields.size()) stats.add(parse_number(h.fields[col], locale));
  }
  const bool own_evidence = stats.point_votes + stats.comma_votes > 0;
  if (count && !own_evidence) return DecimalMark::kIntegers;
  return stats.decide(delimiter == ';' ? DecimalMark::kComma : DecimalMark::kPoint);
}

std::optional<int64_t> read_flag_micros(std::string_view cell, const Locale& locale) {
  const std::string_view t = text::trim_spaces(cell);
  if (t.empty()) return 0;
  const std::string f = text::ascii_lower(t);
  if (f == "true" || f == "yes" || f == "y" || f == "t" || f == "x" || f == "converted")
    return kMicros;
  if (f == "false" || f == "no" || f == "n" || f == "f") return 0;
  if (is_null_token(t, locale)) return 0;
  return read_micros(t, locale, DecimalMark::kPoint);
}

Json rounded(double v, int digits) {
  if (!std::isfinite(v)) return nullptr;
  return mathx::round_to(v, digits);
}

}  // namespace table

namespace {

CallResult error_result(const Status& s) {
  json_out::Json doc;
  doc["error"]["code"] = std::string(error_code_name(s.code()));
  doc["error"]["message"] = s.message();
  return {s.code(), json_out::dump(doc)};
}

CallResult text_result(Result<std::string> r) {
  if (!r.ok()) return error_result(r.status());
  return {ErrorCode::kOk, std::move(r).value()};
}

// "columns": {"role": "header"} → the options' override map.
Status read_column_overrides(const json_out::Json& request,
                             std::map<std::string, std::string>& out) {
  const auto it = request.find("columns");
  if (it == request.end() || it->is_null()) return Status::Ok();
  if (!it->is_object())
    return Status(ErrorCode::kInvalidRequest, "'columns' must map roles to column headers");
  for (const auto& [role, header] : it->items()) {
    if (!header.is_string()) {
      return Status(ErrorCode::kInvalidRequest,
                    "'columns." + role + "' must be a column header (a string)");
    }
    out[role] = header.get<std::string>();
  }
  return Status::Ok();
}

Result<FunnelOptions> funnel_options(const json_out::Json& request) {
  const table::RequestReader req{request};
  FunnelOptions o;
  if (Status s = req.string_list("steps", o.steps); !s.ok()) return s;
  std::string order = std::string(funnel_order_name(o.order));
  if (Status s = req.string("order", order); !s.ok()) return s;
  const auto ord = funnel_order_from_name(order);
  if (!ord)
    return Status(ErrorCode::kInvalidRequest,
                  "'order' must be strict, ordered or any (got '" + order + "')");
  o.order = *ord;
  if (const auto w = request.find("window"); w != request.end() && !w->is_null()) {
    std::optional<int64_t> ms;
    if (w->is_number() && w->get<double>() >= 0 && w->get<double>() < 1e15) {
      ms = static_cast<int64_t>(std::floor(w->get<double>() * 1000.0 + 0.5));
    } else if (w->is_string()) {
      ms = table::parse_duration_ms(w->get<std::string>());
    }
    if (!ms) {
      return Status(ErrorCode::kInvalidRequest,
                    "'window' must be a duration such as 7d, 36h, 90m, 3600s (or seconds as a "
                    "number, or none)");
    }
    o.window_ms = *ms == 0 ? std::numeric_limits<int64_t>::max() : *ms;
  }
  if (Status s = req.string("breakdown", o.breakdown); !s.ok()) return s;
  int64_t max_values = static_cast<int64_t>(o.max_breakdown_values);
  if (Status s = req.integer("max_breakdown_values", 1, 1000, max_values); !s.ok()) return s;
  o.max_breakdown_values = static_cast<size_t>(max_values);
  if (Status s = read_column_overrides(request, o.columns); !s.ok()) return s;
  return o;
}

Result<AttributionOptions> attribution_options(const json_out::Json& request) {
  const table::RequestReader req{request};
  AttributionOptions o;
  std::string model = "all";
  if (Status s = req.string("model", model); !s.ok()) return s;
  if (model == "all") {
    o.models = {AttributionModel::kFirst,         AttributionModel::kLast,
                AttributionModel::kLinear,        AttributionModel::kTimeDecay,
                AttributionModel::kPositionBased, AttributionModel::kMarkov};
  } else {
    std::vector<std::string> names;
    if (Status s = req.string_list("model", names); !s.ok()) return s;
    for (const std::string& n : names) {
      const auto m = attribution_model_from_name(n);
      if (!m) {
        return Status(ErrorCode::kInvalidRequest,
                      "'model' must be first, last, linear, time_decay, position_based, markov or "
                      "all (got '" +
                          n + "')");
      }
      if (std::find(o.models.begin(), o.models.end(), *m) == o.models.end()) o.models.push_back(*m);
    }
    if (o.models.empty()) return Status(ErrorCode::kInvalidRequest, "'model' names no model");
  }
  if (Status s = req.number("half_life_days", 0.001, 36500, o.half_life_days); !s.ok()) return s;
  if (Status s = req.number("first_weight", 0, 1, o.first_weight); !s.ok()) return s;
  if (Status s = req.number("last_weight", 0, 1, o.last_weight); !s.ok()) return s;
  if (o.first_weight + o.last_weight > 1.0 + 1e-12) {
    return Status(ErrorCode::kInvalidRequest,
                  "'first_weight' + 'last_weight' must not exceed 1 (the middle gets the rest)");
  }
  if (Status s = read_column_overrides(request, o.columns); !s.ok()) return s;
  return o;
}

Result<ProfileOptions> profile_options(const json_out::Json& request) {
  const table::RequestReader req{request};
  ProfileOptions o;
  if (Status s = req.boolean("html", o.html); !s.ok()) return s;
  int64_t top = static_cast<int64_t>(o.top_values), bins = static_cast<int64_t>(o.histogram_bins);
  if (Status s = req.integer("top_values", 1, 100, top); !s.ok()) return s;
  if (Status s = req.integer("histogram_bins", 2, 100, bins); !s.ok()) return s;
  o.top_values = static_cast<size_t>(top);
  o.histogram_bins = static_cast<size_t>(bins);
  if (const auto t = request.find("thresholds"); t != request.end() && !t->is_null()) {
    if (!t->is_object())
      return Status(ErrorCode::kInvalidRequest, "'thresholds' must be an object");
    const table::RequestReader th{*t};
    if (Status s = th.number("high_missing_share", 0, 1, o.thresholds.high_missing_share); !s.ok())
      return s;
    if (Status s = th.number("high_cardinality_share", 0, 1, o.thresholds.high_cardinality_share);
        !s.ok())
      return s;
    if (Status s = th.number("skewness", 0, 1e6, o.thresholds.skewness); !s.ok()) return s;
    if (Status s = th.number("zeros_share", 0, 1, o.thresholds.zeros_share); !s.ok()) return s;
  }
  return o;
}

}  // namespace

std::optional<CallResult> call_table_analysis(std::string_view method,
                                              const nlohmann::ordered_json& request,
                                              std::span<const std::byte> payload,
                                              const AliasTable& aliases, const Locale& locale) {
  if (method != "funnel" && method != "attribution" && method != "profile") return std::nullopt;
  std::string name = "input.csv";
  if (Status s = table::RequestReader{request}.string("name", name); !s.ok())
    return error_result(s);
  if (method == "funnel") {
    Result<FunnelOptions> o = funnel_options(request);
    if (!o.ok()) return error_result(o.status());
    return text_result(funnel_report(name, payload, o.value(), aliases, locale));
  }
  if (method == "attribution") {
    Result<AttributionOptions> o = attribution_options(request);
    if (!o.ok()) return error_result(o.status());
    return text_result(attribution_report(name, payload, o.value(), aliases, locale));
  }
  Result<ProfileOptions> o = profile_options(request);
  if (!o.ok()) return error_result(o.status());
  return text_result(profile_report(name, payload, o.value(), aliases, locale));
}

}  // namespace glint
