// The grounding checker and the embedded narrative (insights/written.h).
#include "insights/written.h"

namespace glint {

std::optional<CallResult> call_grounding(std::string_view, const json_out::Json&, const FactBook&, const Locale&) {
  return std::nullopt;  // filled in by the grounding work (issue 16)
}

}  // namespace glint
