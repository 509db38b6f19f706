// glint/rollup.h — the aggregates of one or more inputs, rolled up.
//
// Sums per platform, per campaign (ads) or per source / medium (web), per
// day, and for two comparable periods. Money is never added across
// currencies: every group carries its currency, and totals are split by
// currency when the inputs hold several (their money in `totals` is then not
// meaningful and the report writes null).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "glint/ingest.h"

namespace glint {

// A metric series by day: sorted, one point per day with data (sparse, so a
// campaign active on two days three years apart costs two points).
class DaySeries {
 public:
  using Point = std::pair<Day, Sums>;
  const std::vector<Point>& points() const { return points_; }
  // Sums of `day`, or nullptr when it has no data.
  const Sums* at(Day day) const;
  // Sums over [start, end], inclusive.
  Sums window(Day start, Day end) const;
  // Index of the first point on or after `day`.
  size_t lower_bound(Day day) const;
  bool empty() const { return points_.empty(); }

  // Building: add in any order, then seal() once.
  void add(Day day, const Sums& s) { points_.emplace_back(day, s); }
  void seal();

 private:
  std::vector<Point> points_;
};

struct Group {
  Platform platform = Platform::kGeneric;
  CampaignAttributes attrs;  // ads: the campaign's type, status, targets (from its first entity that has any)
  std::string currency;
  std::string id;     // campaign id (ads) when the export has one
  std::string name;   // campaign name (ads), "source / medium" (web)
  std::string account_id;
  std::string source, medium;  // web only
  Sums sums;
  DaySeries by_day;  // filled for campaigns and sources
  // Coverage of its inputs (see Periods): every input it comes from covers
  // the whole current window / both windows.
  bool covers_current = true;
  bool compared = true;
};

struct DayGroup {
  Day day;
  std::string currency;
  Sums sums;
};

struct PeriodSums {
  Day start = 0, end = 0;
  Sums sums;                                 // money meaningful only with one currency
  std::map<std::string, Sums> by_currency;  // filled when currencies are mixed
};

// The days one input (a source) covers, and how much of each window that is.
struct SourceCoverage {
  std::string name;  // the input's file name (no folders)
  Platform platform = Platform::kGeneric;
  std::optional<Day> first, last;  // its first and last dated row; none when undated
  int current_days = 0, previous_days = 0;  // days of each window within [first, last]
  bool compared = false;  // covers the whole current window and at least half of the previous
  std::string note;       // why not: "Google Ads has no data after 2026-03-31"
};

// What the current window is compared with.
enum class CompareMode : uint8_t {
  kPrevious,  // the `days` days just before it
  kYear,      // the same calendar dates one year earlier (29 Feb → 28 Feb)
  kCustom,    // a window the caller gives (any length)
  kNone,      // nothing: every change is null
};
std::string_view compare_mode_name(CompareMode m);

struct Periods {
  int days = 0;
  Day anchor = 0;
  CompareMode compare = CompareMode::kPrevious;
  bool chosen_start = false;  // the caller gave the first day (a range, not "the last N days")
  int previous_days_length = 0;  // days of the previous window (= days unless custom; 0 for none)
  PeriodSums current, previous;
  // Coverage-aware comparison: changes are computed from the sources that
  // cover both windows only, over `compared_current` vs `compared_previous`;
  // `comparable` is false when no source does (changes are then null).
  std::vector<SourceCoverage> coverage;
  int current_covered = 0, previous_covered = 0;  // days of each window some source covers
  bool comparable = true;
  bool partial = false;  // some source left out of the comparison
  PeriodSums compared_current, compared_previous;
};

// Two inputs holding the same platform / account / campaign on the same days:
// the overlap is counted once, from the input given last (the newest).
struct Overlap {
  std::string kept, dropped;  // input file names (no folders)
  Platform platform = Platform::kGeneric;
  Day first = 0, last = 0;    // the days in common
  int64_t days = 0, campaigns = 0, cells = 0;
  bool counted_once = true;
};

struct RollupOptions {
  int days = 0;                    // > 0: period length
  std::optional<Day> anchor;       // default: the last date in the data
  std::optional<Day> start;        // the first day of the current window: days = anchor - start + 1
  CompareMode compare = CompareMode::kPrevious;
  Day compare_start = 0, compare_end = 0;  // kCustom's window
  // A breakdown below the campaign (report.breakdown): the row an entity
  // belongs to, or nullopt to leave it out (outside the drilled-into parent).
  // Cells are counted as in the rest of the roll-up (overlaps once).
  std::function<std::optional<std::string>(const Entity&)> breakdown_key;
  std::string currency;            // for inputs that state none
  bool dedupe_overlaps = true;     // count an overlap of two inputs once
};

// One row of a breakdown: the entities sharing a breakdown key.
struct BreakdownRow {
  std::string key;
  Platform platform = Platform::kGeneric;
  std::string currency;
  std::vector<std::string> dims;  // the first entity's dimensions (name the row)
  uint32_t dims_present = 0;      // bit per dimension slot: some entity of the row has it
  Sums total, current, previous;  // all days; the current and previous windows
  bool compared = true;           // every input it comes from is compared (see Periods)
};

struct Rollup {
  DataKind kind = DataKind::kAds;
  std::vector<std::string> currencies;  // distinct, sorted ("" = not stated)
  uint32_t metrics_present = 0;         // bit per Sums slot: some input has the column
  bool mixed_currencies() const { return currencies.size() > 1; }
  Sums totals;
  std::map<std::string, Sums> totals_by_currency;
  std::vector<Group> by_platform;
  std::vector<Group> groups;  // campaigns (ads) or source / medium (web)
  std::vector<DayGroup> by_day;
  std::optional<Day> date_min, date_max;
  std::optional<Periods> periods;
  // Inputs with no day per row: the period they state (union), if any.
  std::optional<DeclaredPeriod> declared;
  bool undated = false;  // rows but not one dated row
  std::vector<Overlap> overlaps;
  std::vector<BreakdownRow> breakdown;  // with RollupOptions::breakdown_key, in first-seen order
};

// Rolls up the inputs of one kind. `days` > 0 sets the period length;
// `anchor` (default: the last date in the data) ends the current period.
Rollup roll_up(std::span<const Dataset* const> inputs, DataKind kind, int days,
               std::optional<Day> anchor);
Rollup roll_up(std::span<const Dataset* const> inputs, DataKind kind, const RollupOptions& options);

}  // namespace glint
