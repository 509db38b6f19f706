// Checks HTTP responses against an OpenAPI 3.1 document (glint's
// schemas/openapi.json as the server serves it, references bundled), for the
// server suites: every response a test receives goes through `check`.
//
// A response matches when its path (query stripped) matches one of the
// document's path templates (the most literal one wins), the method is an
// operation there, the status is listed (or a `default` is), every header the
// response object marks required is present, and the body has the declared
// media type and — for JSON — validates against its schema. Responses to
// paths or methods the document does not have must be its Error shape
// (the server's 404/405 and the request guard's refusals).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/json_schema.h"

namespace glint::testing {

class OpenApi {
 public:
  explicit OpenApi(nlohmann::json doc) : doc_(std::move(doc)), schema_(doc_) {}
  OpenApi(const OpenApi&) = delete;  // schema_ refers to doc_
  OpenApi& operator=(const OpenApi&) = delete;
  const nlohmann::json& doc() const { return doc_; }
  const JsonSchema& schema() const { return schema_; }

  // Problems of one response; empty when the document describes it.
  // `headers` are the response's (name, value) pairs.
  std::vector<std::string> check(const std::string& method, const std::string& target, int status,
                                 const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) const;
  // The path template `path` falls under, or "" (query strings are ignored).
  std::string template_for(const std::string& path) const;
  // Every operation as (METHOD, path template).
  std::vector<std::pair<std::string, std::string>> operations() const;
  // The response object of an operation for `status` (or its default), with
  // references followed; nullptr when there is none.
  const nlohmann::json* response(const std::string& method, const std::string& path_template, int status) const;
  // A schema with a top-level "$ref" followed (repeatedly).
  const nlohmann::json& follow(const nlohmann::json& node) const;

 private:
  nlohmann::json doc_;
  JsonSchema schema_;
};

// A route pattern or path template reduced for comparison: "/a/(re)/b" and
// "/a/{name}/b" both become "/a/{}/b".
std::string normalized_route(const std::string& pattern_or_template);

}  // namespace glint::testing
