// glint/insights.h — bronze facts: what changed, why it matters, what to do.
//
// Template-based and computed from the data alone, in well under a
// millisecond. A Fact is data (metric, value, previous, change, trend,
// entity, severity, confidence, impact) plus its sentence, rendered from
// schemas/facts.json. Every number in a sentence is one of the fact's
// formatted fields, formatted once (format.h) from the raw value beside it.
//
// Guards: volume floors for every fact; rate changes must pass a two-
// proportion z-test and count changes a Poisson test (confidence = 1 − p)
// before they are stated as trends; anomalies use a median/MAD baseline that
// excludes the day tested. Facts are ranked by their impact in money, then
// by id: the same data always gives the same facts in the same order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "glint/format.h"
#include "glint/rollup.h"
#include "glint/status.h"

namespace glint {

enum class HighlightType { kSummary, kGrow, kOptimize, kProtect };
std::string_view highlight_type_name(HighlightType t);
std::optional<HighlightType> highlight_type_from_name(std::string_view name);

struct FactEntity {
  std::string level;  // account | platform | campaign | ad_group | ad
  std::string id, name, platform;
};

struct Fact {
  std::string id;        // stable: type.template.entity
  std::string type;      // summary | grow | optimize | protect
  std::string template_id;
  std::string metric;
  std::string value;     // formatted
  double raw_value = 0;
  std::optional<std::string> previous;
  std::optional<double> raw_previous;
  std::optional<std::string> change;  // "+23%" or "+0.5 pts"
  std::optional<double> change_raw;   // fraction, or points as a fraction (0.005)
  bool change_in_points = false;
  std::string trend = "flat";          // up | down | flat
  std::string period;                  // "vs previous 30 days"
  std::optional<std::pair<Day, Day>> window;  // the days the fact reads (none: an undated export's whole period)
  std::string yardstick;               // what a campaign was measured against: target | account | peers | "" 
  FactEntity entity;
  std::string severity = "info";       // positive | info | warning | critical
  double confidence = 1.0;             // 0..1
  std::optional<double> impact_raw;    // money at stake, in `currency`
  std::optional<std::string> impact;
  std::string currency;
  std::vector<std::pair<std::string, std::string>> details;  // other numbers shown, formatted
  std::vector<std::pair<std::string, double>> details_raw;   // …and their raw values
  std::string sentence;
};

// Templates, labels and thresholds from schemas/facts.json.
struct FactBook {
  std::map<std::string, std::string, std::less<>> templates;
  std::map<std::string, std::string, std::less<>> labels;
  std::map<std::string, double, std::less<>> thresholds;
  std::map<std::string, std::string, std::less<>> spans, notes;  // the period a fact reads; report notes
  std::map<std::string, std::vector<std::string>, std::less<>> lists;  // classifying words (folded)
  double threshold(std::string_view key, double fallback) const;
  // Whether `cell`, case-folded, contains one of lists[list] (or equals one, when `whole`).
  bool listed(std::string_view list, std::string_view cell, bool whole = false) const;
};
FactBook parse_fact_book(std::string_view json_text);

// Yardsticks given with a request for one campaign (by id or name); each
// overrides the export's own column.
struct CampaignTargets {
  std::optional<double> target_cpa, target_roas, budget;
};

struct HighlightOptions {
  HighlightType type = HighlightType::kSummary;
  int max_facts = 5;
  fmt::NumberFormat format;  // how numbers are written in sentences
  std::map<std::string, CampaignTargets, std::less<>> targets;  // campaign id or name → targets
};

// How a campaign's type and status decide what judges it.
enum class Objective { kConversions, kAwareness, kTraffic };
Objective campaign_objective(const Group& g, const FactBook& book);
bool campaign_inactive(const Group& g, const FactBook& book);       // paused, removed, ended
bool campaign_budget_limited(const Group& g, const FactBook& book);  // its status says so

struct HighlightResult {
  std::vector<Fact> facts;
  int days = 0;
  Day start = 0, end = 0, previous_start = 0, previous_end = 0;
  bool has_period = false;
  // The website's windows when they differ from the ads' (web data ending on another day).
  std::optional<std::pair<Day, Day>> web_window, web_previous;
  std::optional<DeclaredPeriod> declared;  // an undated export's own period
  bool undated = false;
  std::vector<std::string> notes;          // what the facts could not say, and why
};

// Facts of one type from the rolled-up ads and web data (either may be empty;
// both need `periods`).
HighlightResult highlight(const Rollup& ads, const Rollup& web, const HighlightOptions& options,
                          const FactBook& book);

}  // namespace glint
