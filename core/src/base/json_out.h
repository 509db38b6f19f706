// JSON writing helpers shared by core's report serialisers (private to core).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "glint/metrics.h"

namespace glint::json_out {

using Json = nlohmann::ordered_json;

// A micro-unit sum as a JSON number: an integer when whole, else the decimal.
inline Json micros(int64_t v) {
  if (v % kMicros == 0) return Json(v / kMicros);
  return Json(from_micros(v));
}

inline Json optional(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

// Serialises with invalid UTF-8 replaced (never throws on odd input bytes).
inline std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace glint::json_out
