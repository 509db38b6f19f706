// Stratum's /api/v1/auth/* and Metricx's /auth/*: the same accounts and
// sessions as /api/auth/*, in the token vocabulary those front ends speak.
//
// The access token is a session id (valid as X-Session-ID, session_id or
// Authorization: Bearer on every route), living an hour at most. The refresh
// token is a second random secret kept as a session row under the hash of
// "refresh:" + token, so it is never accepted as an access token; each use
// replaces it (rotation), and every way of ending an account's sessions
// (sign out everywhere, a new password) ends its refresh tokens too.
// Errors here take the Stratum shape {"success": false, "error", "code",
// "details"}.
#include "auth/crypto.h"
#include "routes/auth.h"

namespace glint::native {

namespace {

constexpr int64_t kAccessSeconds = 3600;

std::string refresh_hash(const std::string& token) { return crypto::sha256_hex("refresh:" + token); }

json token_pair(Ctx& c, const User& u, std::optional<int64_t> tenant_id) {
  const int64_t refresh_ttl = static_cast<int64_t>(c.app.config.session_ttl_hours) * 3600;
  const int64_t access_ttl = std::min(kAccessSeconds, refresh_ttl);
  const std::string access = open_session_id(c, u, access_ttl);
  const std::string refresh = crypto::random_hex(32);
  const int64_t now = now_unix();
  c.app.store.create_session(refresh_hash(refresh), u.id, now, now + refresh_ttl);
  if (tenant_id) {
    c.app.store.set_session_tenant(crypto::sha256_hex(access), tenant_id);
    c.app.store.set_session_tenant(refresh_hash(refresh), tenant_id);
  }
  return {{"success", true}, {"access_token", access}, {"refresh_token", refresh}, {"token_type", "bearer"},
          {"expires_in", access_ttl}, {"user", user_json(u)}};
}

// OAuth2 password forms (Metricx) name the e-mail address `username`.
json credentials(Ctx& c) {
  json b = c.body();
  if (!b.contains("email") && b.contains("username")) b["email"] = b["username"];
  return b;
}

std::optional<std::string> refresh_param(Ctx& c, const json& b) {
  auto t = c.param(b, "refresh_token");
  if (t && (t->empty() || t->size() > 128)) t.reset();
  return t;
}

}  // namespace

void register_auth_alias_routes(Router& r) {
  const RouteOptions open{.auth = false, .max_body = kSmallBody, .errors = ErrorShape::kStratum};
  const RouteOptions signed_in{.auth = true, .max_body = kSmallBody, .errors = ErrorShape::kStratum};
  for (const std::string prefix : {"/api/v1/auth", "/auth"}) {
    r.add("POST", prefix + "/login", open, [](Ctx& c) {
      const User u = sign_in(c, credentials(c));
      c.send(200, token_pair(c, u, std::nullopt));
    });
    r.add("POST", prefix + "/refresh", open, [](Ctx& c) {
      const auto token = refresh_param(c, c.body());
      if (!token) throw HttpError{422, "missing_parameter", "'refresh_token' is required"};
      const std::string hash = refresh_hash(*token);
      const auto s = c.app.store.session(hash, now_unix());
      const auto u = s ? c.app.store.user_by_id(s->user_id) : std::nullopt;
      if (!u) throw HttpError{401, "invalid_refresh_token", "the refresh token is unknown, used or expired; sign in again"};
      c.app.store.delete_session(hash);  // one use
      c.send(200, token_pair(c, *u, s->current_tenant_id));
    });
    r.add("POST", prefix + "/logout", signed_in, [](Ctx& c) {
      c.app.store.delete_session(c.session_hash);
      if (const auto token = refresh_param(c, c.body())) {
        const std::string hash = refresh_hash(*token);
        if (const auto s = c.app.store.session(hash, now_unix()); s && s->user_id == c.me().id) c.app.store.delete_session(hash);
      }
      c.send(200, {{"success", true}});
    });
    r.add("GET", prefix + "/me", signed_in, [](Ctx& c) {
      c.send(200, {{"success", true}, {"user", user_json(c.me())}, {"data", user_json(c.me())}});
    });
  }
}

}  // namespace glint::native
