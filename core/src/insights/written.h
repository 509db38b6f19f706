// Engine methods behind written insights (private to core): the grounding
// checker, the embedded narrative and query_metrics. See insights/README.md.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "glint/engine.h"
#include "glint/format.h"
#include "glint/ingest.h"
#include "glint/insights.h"
#include "glint/values.h"
#include "base/json_out.h"

namespace glint {

// "grounding.check" and "narrative.write"; nullopt for any other method.
std::optional<CallResult> call_grounding(std::string_view method, const json_out::Json& request, const FactBook& book,
                                         const Locale& locale);

// "report.query": metrics over the inputs for a period, grouped and filtered
// (the query_metrics tool a model calls). `nf` is the format chosen for the request.
CallResult query_metrics_call(const json_out::Json& request, std::span<const Dataset* const> inputs,
                              const fmt::NumberFormat& nf, const json_out::Json& format);

}  // namespace glint
