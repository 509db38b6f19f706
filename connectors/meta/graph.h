// Pieces of the Graph API client that meta.cc and insights.cc share; not for
// callers (they are defined in meta.cc).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "meta/meta.h"

namespace glint::connectors::meta::detail {

// "v25.0": anything else would let configuration rewrite the request path.
bool valid_version(const std::string& v);
UpstreamError misconfigured_version();
// https://graph.facebook.com/{version}/{path}, through upstream_url.
std::string graph(const Config& cfg, const std::string& path);
// HMAC-SHA256 of `message` under `key`, lower-case hex (appsecret_proof).
std::string hex_hmac_sha256(const std::string& key, const std::string& message);
// Meta sends some numbers as strings and some ids as numbers: either as text.
std::string text_of(const nlohmann::json& v);
std::string field(const nlohmann::json& obj, const char* name);
UpstreamError unreadable(std::string_view what);

}  // namespace glint::connectors::meta::detail
