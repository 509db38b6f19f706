#include "support/json_schema.h"

#include <cmath>
#include <set>

namespace glint::testing {

using nlohmann::json;

namespace {

const std::set<std::string>& annotations() {
  static const std::set<std::string> k = {"description", "title", "default", "format", "examples", "example", "$comment", "$defs",
                                          "$schema", "$id", "contentMediaType", "deprecated", "readOnly", "writeOnly"};
  return k;
}

std::string type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return std::floor(v.get<double>()) == v.get<double>() ? "integer" : "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    default: return "object";
  }
}

bool has_type(const json& v, const std::string& t) {
  const std::string actual = type_of(v);
  return actual == t || (t == "number" && actual == "integer");
}

std::string shortened(const json& v) {
  std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

// JSON equality where 1 and 1.0 are the same number.
bool same(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

const json* JsonSchema::resolve(const std::string& ref) const {
  if (ref.rfind("#", 0) != 0) return nullptr;
  try {
    const json::json_pointer p(ref.substr(1));
    return root_.contains(p) ? &root_.at(p) : nullptr;
  } catch (const json::exception&) {
    return nullptr;
  }
}

const std::regex& JsonSchema::pattern(const std::string& p) const {
  auto it = patterns_.find(p);
  if (it == patterns_.end()) it = patterns_.emplace(p, std::regex(p, std::regex::ECMAScript)).first;
  return it->second;
}

std::vector<std::string> JsonSchema::problems(const json& doc, const json& schema, const std::string& where) const {
  std::vector<std::string> out;
  check(doc, schema, where, out, 0);
  return out;
}

void JsonSchema::check(const json& doc, const json& schema, const std::string& where, std::vector<std::string>& out, int depth) const {
  if (depth > 200) {
    out.push_back(where + ": schema nests too deep (a $ref cycle?)");
    return;
  }
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) out.push_back(where + ": not allowed here");
    return;
  }
  if (!schema.is_object()) {
    out.push_back(where + ": the schema is not an object");
    return;
  }
  for (const auto& [k, v] : schema.items()) {
    if (k == "$ref") {
      const json* target = resolve(v.get<std::string>());
      if (target == nullptr) {
        out.push_back(where + ": unresolvable $ref " + v.get<std::string>());
      } else {
        check(doc, *target, where, out, depth + 1);
      }
    } else if (k == "type") {
      bool ok = false;
      if (v.is_string()) ok = has_type(doc, v.get<std::string>());
      for (const json& t : v.is_array() ? v : json::array()) ok |= has_type(doc, t.get<std::string>());
      if (!ok) out.push_back(where + ": expected " + (v.is_string() ? v.get<std::string>() : v.dump()) + ", got " + shortened(doc));
    } else if (k == "enum") {
      bool ok = false;
      for (const json& e : v) ok |= same(doc, e);
      if (!ok) out.push_back(where + ": " + shortened(doc) + " is not one of " + shortened(v));
    } else if (k == "const") {
      if (!same(doc, v)) out.push_back(where + ": expected " + v.dump() + ", got " + shortened(doc));
    } else if (k == "required") {
      if (!doc.is_object()) continue;
      for (const json& name : v) {
        if (!doc.contains(name.get<std::string>())) out.push_back(where + "." + name.get<std::string>() + ": missing");
      }
    } else if (k == "properties") {
      if (!doc.is_object()) continue;
      for (const auto& [name, sub] : v.items()) {
        if (doc.contains(name)) check(doc[name], sub, where + "." + name, out, depth + 1);
      }
    } else if (k == "additionalProperties") {
      if (!doc.is_object()) continue;
      const json& props = schema.contains("properties") ? schema["properties"] : json::object();
      for (const auto& [name, value] : doc.items()) {
        if (props.contains(name)) continue;
        if (v.is_boolean() && !v.get<bool>()) {
          out.push_back(where + "." + name + ": not in the schema (additionalProperties is false)");
        } else {
          check(value, v, where + "." + name, out, depth + 1);
        }
      }
    } else if (k == "items") {
      if (!doc.is_array()) continue;
      for (size_t i = 0; i < doc.size(); ++i) check(doc[i], v, where + "[" + std::to_string(i) + "]", out, depth + 1);
    } else if (k == "allOf") {
      for (const json& sub : v) check(doc, sub, where, out, depth + 1);
    } else if (k == "anyOf" || k == "oneOf") {
      int matched = 0;
      std::vector<std::string> first;
      for (const json& sub : v) {
        std::vector<std::string> p;
        check(doc, sub, where, p, depth + 1);
        if (p.empty()) {
          ++matched;
        } else if (first.empty()) {
          first = p;
        }
      }
      if (matched == 0) {
        out.push_back(where + ": matches none of " + k + " (first: " + (first.empty() ? std::string("?") : first.front()) + ")");
      } else if (k == "oneOf" && matched > 1) {
        out.push_back(where + ": matches " + std::to_string(matched) + " branches of oneOf");
      }
    } else if (k == "minimum" || k == "maximum" || k == "exclusiveMinimum" || k == "exclusiveMaximum") {
      if (!doc.is_number()) continue;
      const double x = doc.get<double>(), b = v.get<double>();
      const bool ok = k == "minimum" ? x >= b : k == "maximum" ? x <= b : k == "exclusiveMinimum" ? x > b : x < b;
      if (!ok) out.push_back(where + ": " + doc.dump() + " violates " + k + " " + v.dump());
    } else if (k == "minLength" || k == "maxLength") {
      if (!doc.is_string()) continue;
      const size_t n = utf8_length(doc.get<std::string>());
      if (k == "minLength" ? n < v.get<size_t>() : n > v.get<size_t>()) out.push_back(where + ": length " + std::to_string(n) + " violates " + k);
    } else if (k == "pattern") {
      if (!doc.is_string()) continue;
      if (!std::regex_search(doc.get<std::string>(), pattern(v.get<std::string>()))) {
        out.push_back(where + ": " + shortened(doc) + " does not match " + v.get<std::string>());
      }
    } else if (k == "minItems" || k == "maxItems") {
      if (!doc.is_array()) continue;
      if (k == "minItems" ? doc.size() < v.get<size_t>() : doc.size() > v.get<size_t>()) {
        out.push_back(where + ": " + std::to_string(doc.size()) + " items violate " + k + " " + v.dump());
      }
    } else if (annotations().count(k) == 0) {
      out.push_back(where + ": the test validator does not know the keyword '" + k + "'");
    }
  }
}

}  // namespace glint::testing
