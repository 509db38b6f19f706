// The contract, served: GET /openapi.json (schemas/openapi.json, compiled in,
// with the report schemas it refers to bundled under components/schemas so
// that one document stands alone) and GET /docs (the interactive reference,
// a static page of the web build under /docs/).
#include <mutex>
#include <string_view>

#include "http/app.h"

namespace glint::native {

namespace contract {
extern const std::pair<std::string_view, std::string_view> k_files[];
extern const int k_file_count;
}  // namespace contract

namespace {

std::string_view embedded(std::string_view name) {
  for (int i = 0; i < contract::k_file_count; ++i) {
    if (contract::k_files[i].first == name) return contract::k_files[i].second;
  }
  throw std::runtime_error("schema " + std::string(name) + " is not compiled in");
}

// "#/…" inside schema `stem`, as seen from the bundle.
void rebase_local_refs(json& node, const std::string& base) {
  if (node.is_object()) {
    for (auto& [k, v] : node.items()) {
      if (k == "$ref" && v.is_string() && v.get<std::string>().rfind("#", 0) == 0) {
        v = base + v.get<std::string>().substr(1);
      } else {
        rebase_local_refs(v, base);
      }
    }
  } else if (node.is_array()) {
    for (json& v : node) rebase_local_refs(v, base);
  }
}

// Replaces every "file.schema.json#/pointer" reference by one into
// components/schemas/<file stem>, adding the file to `added` once.
void bundle_refs(json& node, json& added) {
  if (node.is_object()) {
    for (auto& [k, v] : node.items()) {
      if (k != "$ref" || !v.is_string() || v.get<std::string>().rfind("#", 0) == 0) {
        bundle_refs(v, added);
        continue;
      }
      const std::string ref = v.get<std::string>();
      const size_t hash = ref.find('#');
      const std::string file = ref.substr(0, hash), pointer = hash == std::string::npos ? "" : ref.substr(hash + 1);
      const std::string stem = file.substr(0, file.find('.'));
      if (!added.contains(stem)) {
        json s = json::parse(embedded(file));
        s.erase("$schema");
        s.erase("$id");  // its references are rebased onto the bundle instead
        rebase_local_refs(s, "#/components/schemas/" + stem);
        added[stem] = std::move(s);
      }
      v = "#/components/schemas/" + stem + pointer;
    }
  } else if (node.is_array()) {
    for (json& v : node) bundle_refs(v, added);
  }
}

const std::string& bundled_document() {
  static std::once_flag once;
  static std::string text;
  std::call_once(once, [] {
    json doc = json::parse(embedded("openapi.json"));
    json added = json::object();
    bundle_refs(doc["paths"], added);
    bundle_refs(doc["components"], added);
    doc["components"]["schemas"].update(added);
    text = doc.dump();
  });
  return text;
}

}  // namespace

void register_contract_routes(Router& r, App&) {
  r.add("GET", "/openapi.json", {.auth = false}, [](Ctx& c) { c.res.set_content(bundled_document(), "application/json"); });
  // The page lives at /docs/ (a folder of the web build, so its relative
  // links work from any static host too).
  r.add("GET", "/docs", {.auth = false}, [](Ctx& c) {
    c.res.set_header("Location", "/docs/");
    c.send(302, {{"location", "/docs/"}});
  });
}

}  // namespace glint::native
