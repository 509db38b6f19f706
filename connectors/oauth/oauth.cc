#include "oauth/oauth.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <nlohmann/json.hpp>

namespace glint::connectors::oauth {

namespace {

using nlohmann::json;

std::string base64url(const unsigned char* data, size_t n) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63]};
  } else if (n - i == 2) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63]};
  }
  return out;
}

std::string random_base64url(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    std::abort();  // no randomness: no secrets
  return base64url(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string text_field(const json& body, const char* name) {
  if (!body.is_object()) return "";
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t int_field(const json& body, const char* name) {
  if (!body.is_object()) return 0;
  auto it = body.find(name);
  if (it == body.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number()) return static_cast<int64_t>(it->get<double>());
  if (it->is_string())
    return std::atoll(it->get<std::string>().c_str());  // some providers quote numbers
  return 0;
}

}  // namespace

std::string url_escape(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string form_encode(const Form& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    out += url_escape(k) + "=" + url_escape(v);
  }
  return out;
}

std::string with_query(const std::string& base, const Form& query) {
  if (query.empty()) return base;
  return base + (base.find('?') == std::string::npos ? "?" : "&") + form_encode(query);
}

UpstreamError token_error(const HttpResponse& r, std::string_view provider) {
  const json body = json::parse(r.body, nullptr, false);
  const std::string error = text_field(body, "error");
  std::string description = text_field(body, "error_description");
  if (description.empty()) description = text_field(body, "message");
  if (description.size() > 200) description.resize(200);
  const std::string who(provider);
  UpstreamError e{UpstreamError::Kind::kUnavailable,
                  who + " answered HTTP " + std::to_string(r.status)};
  e.upstream_code = error;
  if (error == "invalid_grant") {
    e.kind = UpstreamError::Kind::kReauthRequired;
    e.message = who + " no longer accepts this connection (invalid_grant" +
                (description.empty() ? "" : ": " + description) + "); connect it again";
  } else if (error == "invalid_client" || error == "unauthorized_client") {
    e.kind = UpstreamError::Kind::kMisconfigured;
    e.message = who + " refused glint's client credentials (" + error +
                "); check the client id and secret settings";
  } else if (!error.empty() && r.status >= 400 && r.status < 500 && r.status != 429) {
    e.kind = UpstreamError::Kind::kInvalidRequest;
    e.message = who + " refused the token request (" + error +
                (description.empty() ? "" : ": " + description) + ")";
  } else if (r.status == 429) {
    e.kind = UpstreamError::Kind::kRateLimited;
    e.retry_after_s = std::max(1, std::atoi(r.header("retry-after").c_str()));
    e.message = who + "'s token endpoint is rate limited";
  } else if (r.status >= 200 && r.status < 300) {
    e.kind = UpstreamError::Kind::kMalformed;
    e.message = who + "'s token answer could not be read";
  }
  return e;
}

Upstream<Tokens> parse_token_answer(const HttpResponse& r, std::string_view provider) {
  if (r.status != 200) return {std::nullopt, token_error(r, provider)};
  const json body = json::parse(r.body, nullptr, false);
  Tokens t;
  t.access_token = text_field(body, "access_token");
  if (t.access_token.empty()) return {std::nullopt, token_error(r, provider)};
  t.refresh_token = text_field(body, "refresh_token");
  t.token_type = text_field(body, "token_type");
  t.scope = text_field(body, "scope");
  t.id_token = text_field(body, "id_token");
  t.expires_in = std::max<int64_t>(0, int_field(body, "expires_in"));
  t.refresh_token_expires_in = std::max<int64_t>(0, int_field(body, "refresh_token_expires_in"));
  return {t, std::nullopt};
}

Upstream<Tokens> token_request(const std::string& token_url, const Form& form,
                               std::string_view provider) {
  HttpRequest req;
  req.method = "POST";
  req.url = token_url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = form_encode(form);
  req.total_timeout_ms = 20000;
  req.max_response_bytes = 1u << 20;
  Result<HttpResponse> r = send(req);
  if (!r.ok())
    return {std::nullopt, UpstreamError{UpstreamError::Kind::kUnavailable, r.status().message()}};
  return parse_token_answer(r.value(), provider);
}

std::string pkce_verifier() { return random_base64url(32); }

std::string pkce_challenge_s256(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return base64url(digest, sizeof digest);
}

std::string random_token() { return random_base64url(32); }

}  // namespace glint::connectors::oauth
