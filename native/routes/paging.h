// The Stratum seed's list pagination, on every list route: ?page= (from 1)
// and ?limit= (1 to 500, default 100 so that clients written before paging
// still see whole lists of ordinary size). The answer names the page's items
// `items` and under the route's own names, beside total, page, limit, pages,
// has_next and has_prev.
#pragma once

#include <initializer_list>

#include "http/app.h"

namespace glint::native {

inline int paging_param(const Ctx& c, const char* name, int fallback, int max) {
  if (!c.req.has_param(name)) return fallback;
  const std::string v = c.req.get_param_value(name);
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 1 || n > max) {
    throw HttpError{422, "invalid_parameter", std::string("'") + name + "' must be a whole number from 1 to " + std::to_string(max)};
  }
  return static_cast<int>(n);
}

inline json page_of(const Ctx& c, const json& all, std::initializer_list<const char*> names) {
  const int limit = paging_param(c, "limit", 100, 500);
  const int page = paging_param(c, "page", 1, 1000000);
  const int64_t total = static_cast<int64_t>(all.size());
  const int64_t pages = std::max<int64_t>(1, (total + limit - 1) / limit);
  json items = json::array();
  for (int64_t i = static_cast<int64_t>(page - 1) * limit; i < total && i < static_cast<int64_t>(page) * limit; ++i) {
    items.push_back(all[static_cast<size_t>(i)]);
  }
  json out = {{"items", items}, {"total", total}, {"page", page}, {"limit", limit}, {"pages", pages},
              {"has_next", page < pages}, {"has_prev", page > 1}};
  for (const char* n : names) out[n] = items;
  return out;
}

}  // namespace glint::native
