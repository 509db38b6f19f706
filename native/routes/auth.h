// What the sign-in aliases (Stratum's /api/v1/auth/*, Metricx's /auth/*)
// share with /api/auth/*: one sign-in path, so every alias is throttled,
// hashed and checked exactly as /api/auth/login is.
#pragma once

#include "http/app.h"

namespace glint::native {

// A user as every auth route shows it.
json user_json(const User& u);
// Checks `email` and `password` of `body` (throttled per account and
// address, a password hash spent on every path, rehash on success); the
// user, or HttpError 401/422/429.
User sign_in(Ctx& c, const json& body);
// Opens a session of `ttl_s` seconds for `u` (only its hash is stored);
// returns its id.
std::string open_session_id(Ctx& c, const User& u, int64_t ttl_s);

// /api/v1/auth/* and /auth/*: access and refresh tokens over the sessions.
void register_auth_alias_routes(Router& r);

}  // namespace glint::native
