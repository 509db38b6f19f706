// glint/analysis.h — the performance analysis behind `glint analyze --full`.
//
// From the rolled-up ads data: a summary, top and bottom performers (the best
// and worst 10% of campaigns by ROAS, or by CPA when there is no revenue,
// above a spend floor), campaign and platform comparisons, trends (daily
// series, 7-day moving averages, week over week, least-squares slope and R²),
// recommendations and an action plan built from the bronze facts (one verdict
// per campaign: a primary action, the others as supporting notes, raises set
// aside where the verdict cuts), a budget
// reallocation under a diminishing-returns model, and a forecast that keeps
// weekday seasonality, with its backtest error on the data's last 14 days.
//
// The plan and the reallocation read the same period as the facts (the
// current window; an undated export's whole period); paused and removed
// campaigns get no budget, and a campaign the plan cuts is not raised.
//
// Every figure is computed here, so the CLI, the server and the page show the
// same numbers; the assumptions behind the estimates are stated in the output.
#pragma once

#include <string>

#include "glint/insights.h"
#include "glint/rollup.h"

namespace glint {

struct AnalysisOptions {
  int forecast_days = 30;
  double budget_increase_limit = 0.5;  // no campaign raised by more than this fraction
  double spend_floor_share = 0.01;     // performers need at least this share of spend
  double elasticity = 0.7;             // revenue ∝ spend^elasticity (diminishing returns)
  fmt::NumberFormat format;            // how the facts behind the plan write numbers
  std::map<std::string, CampaignTargets, std::less<>> targets;  // campaign id or name → yardsticks
};

// The analysis as a JSON document (schemas/performance_analysis.schema.json).
std::string performance_analysis_json(const Rollup& ads, const Rollup& web, const FactBook& book,
                                      const AnalysisOptions& options);

}  // namespace glint
