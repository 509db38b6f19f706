// json_bounded — JSON parsing that cannot be made to recurse without bound.
//
// nlohmann::json's serialiser, comparison and copy recurse once per nesting
// level, so a document of 100,000 `[` (200 KB) overflows the stack when
// anything walks it. Every JSON that comes from outside (core's request
// documents, the server's bodies) is parsed through parse_json_bounded, which
// first measures the nesting depth in one pass without recursion and refuses
// deeper documents. Pure, allocation-free check; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

namespace glint {

// Default nesting limit for documents from outside: far above any real
// request (the deepest core reads is 4), far below any stack.
inline constexpr int kMaxJsonDepth = 64;

// The deepest nesting of arrays and objects in `text` (strings and escapes
// understood), stopping early once `limit` is exceeded (returns limit + 1).
int json_nesting_depth(std::string_view text, int limit = kMaxJsonDepth);

// Parses `text` as J (nlohmann::json or ordered_json); a discarded value
// (is_discarded()) when it is not JSON or nests deeper than `max_depth`.
// `too_deep`, when given, tells which.
template <class J = nlohmann::json>
J parse_json_bounded(std::string_view text, int max_depth = kMaxJsonDepth, bool* too_deep = nullptr) {
  const bool deep = json_nesting_depth(text, max_depth) > max_depth;
  if (too_deep != nullptr) *too_deep = deep;
  if (deep) return J(J::value_t::discarded);
  return J::parse(text, nullptr, false);
}

}  // namespace glint
