// oauth — the pieces of RFC 6749 / 7636 / 7009 every OAuth provider shares.
//
// Token requests are form-encoded POSTs; answers are parsed into Tokens or
// into an UpstreamError whose kind says what glint must do (invalid_grant →
// kReauthRequired, invalid_client → kMisconfigured, …). Nothing here logs;
// no message holds a token, code or secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_client.h"

namespace glint::connectors::oauth {

using Form = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded (RFC 3986 unreserved kept, space as %20).
std::string form_encode(const Form& fields);
// Percent-encodes one value for a query string.
std::string url_escape(std::string_view value);
// `base` + "?" + the encoded query.
std::string with_query(const std::string& base, const Form& query);

struct Tokens {
  std::string access_token, refresh_token, token_type, scope, id_token;
  int64_t expires_in = 0;                // seconds; 0 when the token does not expire
  int64_t refresh_token_expires_in = 0;  // seconds; 0 when not given
};

// POST `form` to `token_url` (already through upstream_url) and read an
// RFC 6749 §5.1 answer. `provider` names the upstream in messages.
Upstream<Tokens> token_request(const std::string& token_url, const Form& form, std::string_view provider);

// Reads a §5.1 success body (also used for Meta's GET token calls).
Upstream<Tokens> parse_token_answer(const HttpResponse& r, std::string_view provider);

// The UpstreamError for an RFC 6749 §5.2 error answer (or anything else a
// token endpoint sends that is not a success).
UpstreamError token_error(const HttpResponse& r, std::string_view provider);

// RFC 7636: a verifier from 32 random bytes (43 base64url characters) and
// its S256 challenge.
std::string pkce_verifier();
std::string pkce_challenge_s256(std::string_view verifier);

// 256 random bits as base64url (for `state`).
std::string random_token();

}  // namespace glint::connectors::oauth
