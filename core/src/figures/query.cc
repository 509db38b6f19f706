// report.query: the query_metrics tool (insights/written.h).
#include "insights/written.h"

namespace glint {

CallResult query_metrics_call(const json_out::Json&, std::span<const Dataset* const>, const fmt::NumberFormat&,
                              const json_out::Json&) {
  return {ErrorCode::kUnknownMethod, R"({"error":{"code":"unknown_method","message":"report.query is not built yet"}})"};
}

}  // namespace glint
