// glint/rollup.h — the aggregates of one or more inputs, rolled up.
//
// Sums per platform, per campaign (ads) or per source / medium (web), per
// day, and for two comparable periods. Money is never added across
// currencies: every group carries its currency, and totals are split by
// currency when the inputs hold several (their money in `totals` is then not
// meaningful and the report writes null).
#pragma once

#include <cstdint>
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
  std::string currency;
  std::string id;     // campaign id (ads) when the export has one
  std::string name;   // campaign name (ads), "source / medium" (web)
  std::string account_id;
  std::string source, medium;  // web only
  Sums sums;
  DaySeries by_day;  // filled for campaigns and sources
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

struct Periods {
  int days = 0;
  Day anchor = 0;
  PeriodSums current, previous;
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
};

// Rolls up the inputs of one kind. `days` > 0 sets the period length;
// `anchor` (default: the last date in the data) ends the current period.
Rollup roll_up(std::span<const Dataset* const> inputs, DataKind kind, int days,
               std::optional<Day> anchor);

}  // namespace glint
