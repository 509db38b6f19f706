#include "table_analyses.h"

namespace glint {

std::optional<CallResult> call_table_analysis(std::string_view, const nlohmann::ordered_json&,
                                              std::span<const std::byte>, const AliasTable&, const Locale&) {
  return std::nullopt;
}

}  // namespace glint
