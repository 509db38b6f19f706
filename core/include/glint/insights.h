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
  double threshold(std::string_view key, double fallback) const;
};
FactBook parse_fact_book(std::string_view json_text);

struct HighlightOptions {
  HighlightType type = HighlightType::kSummary;
  int max_facts = 5;
};

struct HighlightResult {
  std::vector<Fact> facts;
  int days = 0;
  Day start = 0, end = 0, previous_start = 0, previous_end = 0;
  bool has_period = false;
};

// Facts of one type from the rolled-up ads and web data (either may be empty;
// both need `periods`).
HighlightResult highlight(const Rollup& ads, const Rollup& web, const HighlightOptions& options,
                          const FactBook& book);

}  // namespace glint
