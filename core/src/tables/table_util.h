// Plumbing shared by the table analyses — funnel, attribution, profile —
// (private to core; implemented in table_analyses.cc).
//
// - SampledSink: a TableSink that holds the first rows back until the formats
//   of its columns are decided from them (dates, decimal marks), then sees
//   every row in file order; rows are never reordered or dropped silently.
// - Interner: strings → dense ids in first-seen order, with our own hash, so
//   ids (and therefore every output order built on them) are the same natively
//   and in wasm (std::hash differs between libstdc++ and libc++).
// - TimestampColumn: cells → milliseconds since 1970-01-01 (offsets applied).
// - Request reading, column roles, diagnostics and input description as JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glint/columns.h"
#include "glint/diagnostics.h"
#include "glint/status.h"
#include "glint/table.h"
#include "glint/values.h"
#include "base/json_out.h"

namespace glint::table {

using json_out::Json;

// 64-bit hash of bytes (lookup keys and sketches; never written out as is).
uint64_t hash_bytes(std::string_view s, uint64_t seed = 0);

class Interner {
 public:
  Interner();
  // The id of `s`, adding it when new (ids count up from 0).
  uint32_t intern(std::string_view s);
  // intern() with a one-entry cache: files often repeat a value on consecutive rows.
  uint32_t intern_repeated(std::string_view s) {
    if (last_ != UINT32_MAX && str(last_) == s) return last_;
    return last_ = intern(s);
  }
  std::optional<uint32_t> find(std::string_view s) const;
  std::string_view str(uint32_t id) const {
    return std::string_view(arena_).substr(starts_[id], starts_[id + 1] - starts_[id]);
  }
  size_t size() const { return starts_.size() - 1; }

 private:
  void grow();
  std::string arena_;
  std::vector<size_t> starts_;    // id → offset in arena_; one past the last at the end
  std::vector<uint64_t> hashes_;  // id → hash
  std::vector<uint32_t> slots_;   // open addressing; UINT32_MAX = empty
  uint32_t last_ = UINT32_MAX;
};

// A cell's date text and its time-of-day text ("2026-03-15" / "10:30:00Z").
struct DateTimeParts {
  std::string_view date;
  std::string_view time;  // empty when the cell carries no time of day
};
DateTimeParts split_date_time(std::string_view cell);

// Milliseconds since 1970-01-01T00:00:00 of timestamps written as
// "YYYY-MM-DD HH:MM[:SS[.fff]]", ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]"
// (the offset is applied), any date format glint reads followed by a time
// (one format per column, decided from a sample), a date alone (midnight),
// and epoch seconds (9–10 digits, optional decimals), milliseconds (12–13)
// or microseconds (15–16, as GA4's event_timestamp).
class TimestampColumn {
 public:
  void observe(std::string_view cell, const Locale& locale);
  void decide(bool prefer_dmy);
  std::optional<int64_t> parse(std::string_view cell, const Locale& locale) const;
  DateFormat date_format() const { return format_; }
  bool ambiguous() const { return ambiguous_; }

 private:
  ColumnDateStats stats_;
  DateFormat format_ = DateFormat::kUnknown;
  bool ambiguous_ = false;
  // The last date text read and its day: rows of one day usually follow each other.
  mutable std::string last_date_;
  mutable std::optional<Day> last_day_;
};

// What the table analyses say about a cell they could not use.
std::string quote_cell(std::string_view cell);

// A row of the sample held back while formats are decided.
struct HeldRow {
  std::vector<std::string> fields;
  uint64_t line;
};

// TableSink base: holds the first `sample_rows` rows, calls decide() once on
// them, then row() for each row in file order (held ones first).
class SampledSink : public TableSink {
 public:
  explicit SampledSink(size_t sample_rows = 20'000) : sample_rows_(sample_rows) {}
  void on_header(const TableInfo& info) final;
  void on_row(std::span<const std::string_view> fields, uint64_t line) final;
  void on_skipped(uint64_t line, std::string_view reason) override;
  // Decides on the held rows (if not yet) and replays them.
  void flush();

  const std::vector<std::string>& header() const { return header_; }
  DiagnosticLog& diagnostics() { return log_; }
  const DiagnosticLog& diagnostics() const { return log_; }
  uint64_t rows_read() const { return rows_read_; }

 protected:
  virtual void begin(const TableInfo& info) = 0;
  virtual void decide(std::span<const HeldRow> sample) = 0;
  virtual void row(std::span<const std::string_view> fields, uint64_t line) = 0;
  // `fields` cut to the header's width when only empty cells are past it;
  // false (and a diagnostic) when the row's width differs from the header's.
  bool fit_width(std::span<const std::string_view>& fields, uint64_t line);
  char delimiter() const { return delimiter_; }

 private:
  size_t sample_rows_;
  bool decided_ = false;
  char delimiter_ = ',';
  std::vector<std::string> header_;
  std::vector<HeldRow> held_;
  DiagnosticLog log_{200};
  uint64_t rows_read_ = 0;
};

// Feeds `bytes` through a TableReader into `sink`; the reader's failure
// (empty, binary, no rows) as a Status. `info` receives what was detected.
Status read_table(std::string_view name, std::span<const std::byte> bytes,
                  const AliasTable& aliases, SampledSink& sink, TableInfo* info);

// Columns found for the roles an analysis needs.
class Roles {
 public:
  Roles(const std::vector<std::string>& header, const AliasTable& aliases);
  // The first column mapped to one of `fields`, in the order given.
  std::optional<size_t> find(std::initializer_list<Field> fields) const;
  // A column named by a person: its header (any case) or a canonical field name.
  std::optional<size_t> by_name(std::string_view name) const;
  const std::vector<std::string>& headers() const { return mapping_.headers; }
  Field field(size_t col) const { return mapping_.fields[col]; }
  // "a, b, c" — the header, for messages.
  std::string header_list() const;

 private:
  ColumnMapping mapping_;
};

// Resolves one role: the request's "columns" override (role → header or field
// name) first, then the first column mapped to one of `fields`. Fails with
// kInvalidRequest when the override names no column.
Result<std::optional<size_t>> resolve_role(const Roles& roles,
                                           const std::map<std::string, std::string>& overrides,
                                           const char* role, std::initializer_list<Field> fields);

// Reading request members with errors that name the member.
struct RequestReader {
  const Json& doc;
  Status string(const char* key, std::string& out) const;
  Status number(const char* key, double lo, double hi, double& out) const;
  Status integer(const char* key, int64_t lo, int64_t hi, int64_t& out) const;
  Status boolean(const char* key, bool& out) const;
  // An array of strings, or one string of comma-separated names.
  Status string_list(const char* key, std::vector<std::string>& out) const;
};

// "7d", "36h", "90m", "3600s", "3600" (seconds), or a JSON number of seconds;
// "none" = no window. Milliseconds; nullopt when unreadable.
std::optional<int64_t> parse_duration_ms(std::string_view text);

// {"total": n, "entries": [{row, column, severity, message}]}.
Json diagnostics_json(const DiagnosticLog& log);
// What was detected about the file (name, bytes, encoding, delimiter, header row).
Json input_json(const TableInfo& info);

// Splits `total` (micro-units) in proportion to `shares` (non-negative, any
// sum > 0): floors first, then the leftover units one each to the largest
// fractional parts (ties to the lower index). The parts sum to `total` exactly.
void largest_remainder(std::span<const double> shares, int64_t total, std::span<int64_t> out);

// The p-quantile (0..1) of sorted values, linear between closest ranks.
double quantile_sorted(std::span<const double> sorted, double p);

// A cell read as a number of micro-units through the locale (fast path first);
// nullopt when null or not a number.
std::optional<int64_t> read_micros(std::string_view cell, const Locale& locale, DecimalMark mark);

// The decimal mark of column `col`, from the sample's values. `count`: a
// whole-number column, where "1,234" can only be a thousand unless the column
// itself proves otherwise.
DecimalMark decide_mark(std::span<const HeldRow> sample, size_t col, const Locale& locale,
                        char delimiter, bool count);

// True/yes/1 → 1e6 micro-units; false/no/0/empty → 0; other numbers as read.
std::optional<int64_t> read_flag_micros(std::string_view cell, const Locale& locale);

// A double for JSON, rounded to `digits` decimals (deterministic); null when not finite.
Json rounded(double v, int digits = 6);

}  // namespace glint::table
