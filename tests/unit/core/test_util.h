// Helpers the core unit tests share: fixture bytes and one call of a method.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "glint/engine.h"

namespace glint::testing {

// The bytes of tests/data/<name> (or of an absolute path).
inline std::string slurp(const std::filesystem::path& name) {
  std::ifstream in(name.is_absolute() ? name : std::filesystem::path(GLINT_TEST_DATA) / name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `method` on a fresh Engine with `request` and `bytes`; the response parsed.
inline nlohmann::json call_method(std::string_view method, const nlohmann::json& request, std::string_view bytes) {
  Engine e;
  const CallResult r = e.call(method, request.dump(), std::as_bytes(std::span(bytes.data(), bytes.size())));
  return nlohmann::json::parse(r.body);
}

}  // namespace glint::testing
