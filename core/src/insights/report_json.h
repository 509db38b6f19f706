// Serialising reports to the documents in schemas/ (private to core).
#pragma once

#include <optional>
#include <span>

#include "glint/ingest.h"
#include "glint/analysis.h"
#include "glint/insights.h"
#include "glint/rollup.h"
#include "base/json_out.h"

namespace glint {

// The "inputs" entry of one ingested file.
json_out::Json input_json(const InputReport& r);

// Base and derived metrics of `s` into `out`. A metric no input has a column
// for is null (not 0), and so is every ratio built on it; money is null when
// `no_money` (currencies mixed).
void put_metrics(json_out::Json& out, const Sums& s, DataKind kind, uint32_t present, bool no_money = false);

// The analyze report (schemas/analyze_report.schema.json).
// With `analysis`, the performance analysis is added as "analysis".
json_out::Json analyze_report_json(std::span<const Dataset* const> inputs, int days,
                                   std::optional<Day> anchor, const FactBook* book = nullptr,
                                   const AnalysisOptions* analysis = nullptr);
// The same with every option: the roll-up's (coverage anchor, currency,
// overlaps) and the format numbers are written in (stated as "format").
json_out::Json analyze_report_json(std::span<const Dataset* const> inputs, const RollupOptions& rollup,
                                   const FactBook* book, const AnalysisOptions* analysis,
                                   const json_out::Json& format_info);

// Relative change of every metric from `previous` to `current` (null where
// unknown, not comparable, or money across currencies); the proportions'
// change in points into `points` when given.
json_out::Json change_json(const Sums& current, const Sums& previous, DataKind kind, uint32_t present, bool mixed,
                           bool comparable, json_out::Json* points = nullptr);
// The "overlaps" entry: inputs holding the same campaigns on the same days.
json_out::Json overlaps_json(const Rollup& ads, const Rollup& web);

// The bronze highlight response (schemas/highlight_response.schema.json).
json_out::Json highlight_json(const HighlightResult& r, HighlightType type);

// The performance analysis (schemas/performance_analysis.schema.json).
json_out::Json analysis_json(const Rollup& ads, const Rollup& web, const FactBook& book, const AnalysisOptions& options);

}  // namespace glint
