// glint/ingest.h — an ad or web-analytics export → exact aggregates.
//
// DatasetBuilder is the TableSink behind `analyze`: it maps the header to
// canonical fields (columns.h), decides each column's number and date format
// from its first 20,000 values (values.h), then reads every row into sums per
// entity (the finest grain the file has: ad, ad group or campaign; or source /
// medium / campaign / landing page / device for web data) and day. Memory is
// bounded by those aggregates, never by the file.
//
// Imperfect rows lose only what is wrong in them:
//  - a cell that is not a number is an error diagnostic; only that cell is missing;
//  - `--`, `-`, empty, `N/A` are plain nulls, no diagnostic;
//  - a row with the wrong number of fields is rejected whole, with a diagnostic;
//  - a row whose date cannot be read counts in totals and per-campaign
//    figures but not per day, with a diagnostic;
//  - summary rows are excluded and listed, each checked against the sums of
//    the rows it summarises (InputReport::checks). A row is a summary when a
//    total label ("Total: …", "Grand total", "Resultados totales", in any
//    column; schemas/columns.json) comes with blank dimension cells, when its
//    name cells are all blank (Meta's account row, GA4's totals row), or when
//    a labelled or nameless row's additive metrics equal the sums of all data
//    rows or of the rows above or below it; a labelled row with its own names
//    and other sums ("Total Fitness – Brand") is data;
//  - footers are excluded and listed;
//  - an empty date cell gets the same diagnostic as an unreadable one;
//  - a data row that repeats an earlier one cell for cell (with a name or a
//    date in it) is reported and, unless IngestOptions says otherwise,
//    counted once, with a warning (a 64-bit key per row: 16 bytes a cell).
#pragma once

#include <climits>
#include <deque>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "glint/columns.h"
#include "glint/dates.h"
#include "glint/diagnostics.h"
#include "glint/metrics.h"
#include "glint/table.h"
#include "glint/values.h"

namespace glint {

enum class DataKind : uint8_t { kAds, kWeb };
std::string_view data_kind_name(DataKind k);

// Dimension slots of an ads entity and of a web entity.
enum class AdDim : uint8_t { kAccountId, kAccountName, kCampaignId, kCampaign, kAdGroupId, kAdGroup, kAdId, kAd, kKeyword, kSearchTerm };
constexpr int kAdDims = 10;
enum class WebDim : uint8_t { kSource, kMedium, kCampaign, kLandingPage, kDevice };
constexpr int kWebDims = 5;

constexpr Day kNoDay = INT32_MIN;

// What an export says about a campaign besides its figures: never summed;
// on daily rows the last row's value stands (a status as of the latest day).
struct CampaignAttributes {
  std::string type;          // "Search", "Performance Max", Meta's "Awareness" objective…
  std::string status;        // "Enabled", "Paused", "Limited by budget"…
  std::string bid_strategy;  // "Target CPA", "Maximize conversions"…
  std::optional<int64_t> target_cpa, budget;  // micro-units of the row's currency
  std::optional<int64_t> target_roas;         // ×1e6 (400% → 4'000'000)
  std::optional<int64_t> lost_is_budget;      // share of search impressions lost to budget, ×1e6
  bool empty() const {
    return type.empty() && status.empty() && bid_strategy.empty() && !target_cpa && !budget && !target_roas &&
           !lost_is_budget;
  }
};

struct Entity {
  Platform platform = Platform::kGeneric;
  std::string currency;           // ISO code; empty when the file does not say
  std::vector<std::string> dims;  // AdDim or WebDim slots
};

struct Cell {
  uint32_t entity = 0;
  Day day = kNoDay;  // kNoDay: rows whose date is unknown (totals only)
  Sums sums;
};

struct ExcludedRow {
  uint64_t row = 0;
  std::string reason;
};

// An export's own summary row compared with glint's sums of the rows it
// summarises: the proof that nothing was lost or counted twice.
struct SummaryCheck {
  uint64_t row = 0;      // physical line of the summary row
  std::string label;     // "Total: Campaigns"; for an unlabelled row, why it is one
  bool matches = false;  // every additive metric equal within the export's rounding
  std::string scope;     // what it was compared with: "all rows", "rows above", "rows below"
  uint64_t rows = 0;     // data rows in that scope
  struct Difference {
    std::string metric;
    int64_t total = 0, sum = 0;  // micro-units: the row's figure, glint's sum
  };
  std::vector<Difference> differences;  // when it does not match (against all rows)
  std::string note;                     // a likely reason for the difference
};

// One table of a file that holds several (GA4's Reports snapshot).
struct SectionReport {
  uint64_t header_row = 0;
  std::vector<std::string> header;
  uint64_t rows = 0;  // data rows under it
  bool used = false;  // the table the report is made of
};

struct ColumnReport {
  std::string header;
  Field field = Field::kNone;
  std::string note;  // e.g. "duplicate of Link clicks", "decimal mark: comma"
};

// Data rows that repeat an earlier row cell for cell.
struct DuplicateRows {
  uint64_t count = 0;      // repeats found
  bool counted_once = true;  // dropped (the default) or counted as written
  std::vector<std::pair<uint64_t, uint64_t>> first;  // (line, the line it repeats), first 20
};

// What the ingest of one input found, for the report's "inputs" entry.
struct InputReport {
  TableInfo table;
  Platform platform = Platform::kGeneric;
  DataKind kind = DataKind::kAds;
  std::string currency;  // the file's one currency; empty when unknown or several
  std::vector<std::string> currencies;  // every currency its rows are in
  uint32_t metrics_present = 0;  // bit per Sums slot: the file has a column for it
  uint64_t rows = 0;     // data rows that counted
  uint64_t rows_without_date = 0;
  std::optional<Day> date_min, date_max;
  std::vector<ColumnReport> columns;
  std::vector<std::string> unmapped;
  DateFormat date_format = DateFormat::kUnknown;
  std::vector<ExcludedRow> excluded_rows;  // first 1000
  uint64_t excluded_total = 0;
  std::vector<SummaryCheck> checks;        // one per summary row with figures, first 1000
  std::vector<SectionReport> sections;     // only when the file holds several tables
  DuplicateRows duplicates;
  // The period the export states (preamble line, or Meta's reporting start /
  // end columns) when its rows have no day of their own.
  std::optional<DeclaredPeriod> period;
  std::string lang;                        // UI language of its headers ("de"); "" when unknown
  DecimalMark decimal_mark = DecimalMark::kUnknown;  // how its numbers write decimals
  DiagnosticLog diagnostics;
};

struct Dataset {
  InputReport report;
  std::vector<Entity> entities;
  // Per entity, when the file has campaign attribute columns (else empty):
  // kept apart so the entities the hot path compares stay small.
  std::vector<CampaignAttributes> attributes;
  std::deque<Cell> cells;  // chunked: growing never copies (or doubles) the aggregates
};

// Context shared by every ingest: parsed schemas.
struct IngestContext {
  const AliasTable& aliases;
  const Locale& locale;
};

// Per input choices.
struct IngestOptions {
  bool dedupe_rows = true;  // a data row repeating an earlier one cell for cell counts once
};

// One input, fed in chunks: bytes → Dataset.
class Ingest {
 public:
  Ingest(std::string name, const IngestContext& context, IngestOptions options = {});
  ~Ingest();
  Ingest(const Ingest&) = delete;
  Ingest& operator=(const Ingest&) = delete;

  // Lets `segments` tokenize large chunks on other threads (native callers;
  // the result is the same bytes with or without).
  void use_segments(std::unique_ptr<CsvSegments> segments);
  void feed(std::span<const std::byte> bytes);
  uint64_t bytes_fed() const;
  uint64_t rows() const;
  // Ends the input; fails when nothing could be read.
  Result<Dataset> finish();

 private:
  class Builder;
  class Sections;
  std::unique_ptr<CsvSegments> segments_;  // outlives the reader that uses it
  std::unique_ptr<Sections> sections_;
  std::unique_ptr<TableReader> reader_;
};

}  // namespace glint
