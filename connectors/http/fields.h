// Reading fields of an upstream's JSON answer without trusting its shape:
// a missing field, a field of another type or a body that is not an object
// reads as empty or 0, never as an exception. Shared by every connector.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace glint::connectors::fields {

// A string field ("" otherwise).
inline std::string text(const nlohmann::json& body, const char* name) {
  if (!body.is_object()) return "";
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

// An id that some answers send as a string and others as a number.
inline std::string id_text(const nlohmann::json& body, const char* name) {
  if (!body.is_object()) return "";
  auto it = body.find(name);
  if (it == body.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

// An id of digits (as a string or a number) as a number; 0 when it is not one.
inline int64_t id_number(const nlohmann::json& body, const char* name) {
  const std::string s = id_text(body, name);
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) return 0;
  return std::stoll(s);
}

// A count (a JSON number; a fractional one is rounded); 0 otherwise.
inline int64_t count(const nlohmann::json& body, const char* name) {
  if (!body.is_object()) return 0;
  auto it = body.find(name);
  if (it == body.end() || !it->is_number()) return 0;
  return it->is_number_float() ? std::llround(it->get<double>()) : it->get<int64_t>();
}

}  // namespace glint::connectors::fields
