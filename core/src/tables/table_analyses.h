// Engine methods over raw tables rather than ad/web aggregates: funnels,
// attribution and the column profile (private to core).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

#include "glint/columns.h"
#include "glint/engine.h"
#include "glint/values.h"

namespace glint {

// Handles "funnel", "attribution" and "profile"; nullopt for any other method.
// `request` is the parsed request object; `payload` the file's bytes.
std::optional<CallResult> call_table_analysis(std::string_view method, const nlohmann::ordered_json& request,
                                              std::span<const std::byte> payload, const AliasTable& aliases,
                                              const Locale& locale);

}  // namespace glint
