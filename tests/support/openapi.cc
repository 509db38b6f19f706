#include "support/openapi.h"

#include <algorithm>
#include <cctype>

namespace glint::testing {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "/api/tenants/{tenant_id}" matches "/api/tenants/abc"; returns the number
// of literal characters matched (more literal = more specific), or -1.
int match_template(const std::string& tpl, const std::string& path) {
  size_t t = 0, p = 0;
  int literal = 0;
  while (t < tpl.size() && p <= path.size()) {
    if (tpl[t] == '{') {
      const size_t close = tpl.find('}', t);
      if (close == std::string::npos) return -1;
      const size_t seg_end = std::min(path.find('/', p), path.size());
      if (seg_end == p) return -1;  // an empty segment is no parameter
      p = seg_end;
      t = close + 1;
    } else {
      if (p >= path.size() || tpl[t] != path[p]) return -1;
      ++t;
      ++p;
      ++literal;
    }
  }
  return t == tpl.size() && p == path.size() ? literal : -1;
}

}  // namespace

std::string normalized_route(const std::string& s) {
  std::string out;
  int depth = 0;
  bool in_brace = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_brace) {
      in_brace = c != '}';
      continue;
    }
    if (depth > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
      continue;
    }
    if (c == '(') {
      depth = 1;
      out += "{}";
    } else if (c == '{') {
      in_brace = true;
      out += "{}";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const json& OpenApi::follow(const json& node) const {
  const json* n = &node;
  for (int i = 0; i < 16 && n->is_object() && n->contains("$ref"); ++i) {
    const json* next = schema_.resolve((*n)["$ref"].get<std::string>());
    if (next == nullptr) break;
    n = next;
  }
  return *n;
}

std::string OpenApi::template_for(const std::string& target) const {
  const std::string path = target.substr(0, target.find('?'));
  std::string best;
  int best_literal = -1;
  for (const auto& [tpl, item] : doc_["paths"].items()) {
    const int literal = match_template(tpl, path);
    if (literal > best_literal) {
      best_literal = literal;
      best = tpl;
    }
  }
  return best;
}

std::vector<std::pair<std::string, std::string>> OpenApi::operations() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [tpl, item] : doc_["paths"].items()) {
    for (const char* m : {"get", "put", "post", "delete", "patch", "head", "options"}) {
      if (item.contains(m)) {
        std::string upper(m);
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out.emplace_back(upper, tpl);
      }
    }
  }
  return out;
}

const json* OpenApi::response(const std::string& method, const std::string& tpl, int status) const {
  if (!doc_["paths"].contains(tpl)) return nullptr;
  const json& item = doc_["paths"][tpl];
  const std::string m = lower(method);
  if (!item.contains(m)) return nullptr;
  if (!item[m].contains("responses")) return nullptr;
  const json& responses = item[m]["responses"];
  const std::string code = std::to_string(status);
  const std::string range = code.substr(0, 1) + "XX";
  for (const std::string& key : {code, range, std::string("default")}) {
    if (responses.contains(key)) return &follow(responses[key]);
  }
  return nullptr;
}

std::vector<std::string> OpenApi::check(const std::string& method, const std::string& target, int status,
                                        const std::vector<std::pair<std::string, std::string>>& headers,
                                        const std::string& body) const {
  std::vector<std::string> out;
  const std::string what = method + " " + target.substr(0, target.find('?')) + " → " + std::to_string(status);
  auto header = [&](const std::string& name) -> const std::string* {
    for (const auto& [k, v] : headers) {
      if (lower(k) == lower(name)) return &v;
    }
    return nullptr;
  };
  const std::string* type_header = header("Content-Type");
  const std::string type = type_header ? lower(type_header->substr(0, type_header->find(';'))) : "";
  const json parsed = json::parse(body, nullptr, false);

  const std::string tpl = template_for(target);
  const json* resp = tpl.empty() ? nullptr : response(method, tpl, status);
  if (resp == nullptr) {
    // Not an operation of the document: only the error shape may answer.
    const json& error = doc_["components"]["schemas"]["Error"];
    if (type != "application/json") {
      out.push_back(what + ": not in the document, and not a JSON error (Content-Type '" + type + "')");
    } else {
      for (const std::string& p : schema_.problems(parsed, error, "$")) out.push_back(what + " (undocumented, checked as Error): " + p);
    }
    if (!tpl.empty() && status < 400) out.push_back(what + ": the document lists no " + method + " " + tpl + " answering " + std::to_string(status));
    if (tpl.empty() && status < 400) out.push_back(what + ": the document has no path for this");
    return out;
  }
  const json declared = resp->value("headers", json::object());
  for (const auto& [name, h] : declared.items()) {
    if (follow(h).value("required", false) && header(name) == nullptr) out.push_back(what + ": header " + name + " is missing");
  }
  if (!resp->contains("content")) {
    if (!body.empty()) out.push_back(what + ": the document declares no body, got " + std::to_string(body.size()) + " bytes");
    return out;
  }
  const json& content = (*resp)["content"];
  if (!content.contains(type)) {
    out.push_back(what + ": Content-Type '" + type + "' is not one the document declares (" + content.dump().substr(0, 120) + ")");
    return out;
  }
  if (type == "application/json") {
    if (parsed.is_discarded()) {
      out.push_back(what + ": the body is not JSON");
      return out;
    }
    for (const std::string& p : schema_.problems(parsed, content[type].value("schema", json::object()), "$")) out.push_back(what + ": " + p);
  }
  return out;
}

}  // namespace glint::testing
