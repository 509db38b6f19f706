// A JSON Schema validator for the subset glint's contracts use (draft
// 2020-12, as OpenAPI 3.1 documents it), for the C++ test suites.
//
// Assertions: type (one or a list), enum, const, properties, required,
// additionalProperties (false or a schema), items, allOf, anyOf, oneOf,
// $ref (JSON pointers into the root document: "#/…"), minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern
// (ECMAScript, whole-string search), minItems, maxItems. Annotations
// (description, title, default, format, examples, $comment, $defs,
// contentMediaType, …) are ignored. Any other keyword is reported as a
// problem, so a schema can never lean on a check this validator silently
// skips. Not thread-safe (it caches compiled patterns).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

namespace glint::testing {

class JsonSchema {
 public:
  // `root` holds every schema that "$ref"s may point to; it must outlive this.
  explicit JsonSchema(const nlohmann::json& root) : root_(root) {}
  // Problems of `doc` against `schema` ("$.a.b: expected string, got 3"); empty when valid.
  std::vector<std::string> problems(const nlohmann::json& doc, const nlohmann::json& schema, const std::string& where = "$") const;
  // The node a "#/…" reference names, or nullptr.
  const nlohmann::json* resolve(const std::string& ref) const;

 private:
  void check(const nlohmann::json& doc, const nlohmann::json& schema, const std::string& where, std::vector<std::string>& out,
             int depth) const;
  const std::regex& pattern(const std::string& p) const;
  const nlohmann::json& root_;
  mutable std::map<std::string, std::regex> patterns_;
};

}  // namespace glint::testing
