// glint/profile.h — what is in a table, column by column (exploratory profile).
//
// profile_report reads any CSV/TSV export (bytes) and describes each column:
// its inferred type (integer, decimal, money, percent, date, boolean,
// categorical, text, identifier; "empty" when every value is missing),
// missing values, distinct values, zeros and negatives, min/max/mean/stddev/
// skewness, quantiles (5, 25, 50, 75, 95), a histogram, the most frequent
// values, and for dates the range and the days missing from it. For the table:
// rows, duplicate rows, memory, Pearson and Spearman correlations between
// numeric columns, and alerts (constant column, all or many missing, high
// cardinality, heavy skew, many zeros, duplicate rows, date gaps, values that
// do not fit the column's type). With `html`, the same facts as one
// self-contained HTML page (inline CSS and SVG, no script, no network).
//
// Bounded memory: exact while cheap, then sketches with stated error bounds —
//   quantiles, histograms: exact up to kExactValues values per column, then a
//     deterministic compactor sketch (QuantileSketch) whose rank error is at
//     most n·L/k (L = levels compacted, k = 4096); the bound is reported;
//   distinct counts: exact (64-bit hashes) up to kExactDistinct values, then
//     HyperLogLog with 2^14 registers (relative standard error 0.81%);
//   top values: exact counts up to kExactTopValues distinct values, then
//     Misra–Gries with 1,000 counters; counts are lower bounds, the reported
//     `count_error` bounds the undercount;
//   duplicate rows: exact (64-bit row hashes) while the table has at most
//     kExactRows distinct rows; past that, later rows are checked against the
//     rows kept (a lower bound);
//   Spearman: on a systematic sample of at most kSpearmanRows rows (every
//     2^j-th row); Pearson uses every row.
// Formats (decimal mark, date format) are decided per column from the first
// 20,000 rows, as ingest does.
//
// Failure: errors are values (TableReader's codes; kNoData when no data row);
// odd rows become diagnostics. Pure and deterministic; no libm in results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glint/columns.h"
#include "glint/status.h"
#include "glint/values.h"

namespace glint {

enum class ColumnType : uint8_t {
  kEmpty,
  kInteger,
  kDecimal,
  kMoney,
  kPercent,
  kDate,
  kBoolean,
  kCategorical,
  kText,
  kIdentifier
};
std::string_view column_type_name(ColumnType t);  // "integer", "money", …

// When an alert is raised; defaults are the documented ones.
struct ProfileThresholds {
  double high_missing_share = 0.5;      // missing values / rows above this
  double high_cardinality_share = 0.5;  // distinct / non-missing above this (categorical or text)
  double skewness = 2.0;                // |sample skewness| above this
  double zeros_share = 0.5;             // zeros / non-missing above this
};

struct ProfileOptions {
  bool html = false;       // add the HTML report as "html"
  size_t top_values = 10;  // most frequent values listed per column
  size_t histogram_bins = 20;
  ProfileThresholds thresholds;
};

constexpr uint64_t kExactValues = 100'000;
constexpr uint64_t kExactDistinct = 100'000;
constexpr uint64_t kExactTopValues = 10'000;
constexpr uint64_t kExactRows = 4'000'000;
constexpr uint64_t kSpearmanRows = 65'536;

// Quantiles of a stream in bounded memory: exact up to `exact_limit` values,
// then compactors of capacity k: a full level is sorted and every other item
// (alternating offsets) moves up with twice the weight.
class QuantileSketch {
 public:
  explicit QuantileSketch(uint64_t exact_limit = kExactValues, size_t k = 4096);
  void add(double v);
  uint64_t count() const { return n_; }
  bool exact() const { return levels_.empty(); }
  // The p-quantile: exact (linear between closest ranks) while exact(), else
  // the smallest kept value whose weighted rank reaches p·n.
  double quantile(double p) const;
  // Counts of values in `bins` equal-width bins over [lo, hi] (values outside
  // go to the end bins); weighted (estimated) once compacting. They sum to count().
  std::vector<uint64_t> histogram(double lo, double hi, size_t bins) const;
  // Upper bound of the rank error of quantile() and of each histogram edge.
  uint64_t rank_error() const { return error_; }

 private:
  void compact(size_t level);
  uint64_t exact_limit_;
  size_t k_;
  uint64_t n_ = 0;
  uint64_t error_ = 0;
  std::vector<double> exact_;
  std::vector<std::vector<double>> levels_;  // level h: items of weight 2^h
  std::vector<uint8_t> offset_;              // per level: next compaction's offset
};

// Distinct values: exact (a set of 64-bit hashes) up to a limit, then HyperLogLog.
class DistinctCounter {
 public:
  explicit DistinctCounter(uint64_t exact_limit = kExactDistinct) : exact_limit_(exact_limit) {}
  void add(uint64_t hash);
  uint64_t estimate() const;
  bool exact() const { return registers_.empty(); }

 private:
  void insert(uint64_t hash);
  void to_registers();
  uint64_t exact_limit_;
  std::vector<uint64_t> set_;  // open addressing; 0 = empty (hash 0 is stored as 1)
  uint64_t size_ = 0;
  std::vector<uint8_t> registers_;  // 2^14 once past the limit
};

// The profile report (schemas/profile_report.schema.json) as JSON text.
Result<std::string> profile_report(std::string_view name, std::span<const std::byte> bytes,
                                   const ProfileOptions& options, const AliasTable& aliases,
                                   const Locale& locale);

}  // namespace glint
