// /api/auth/* and /api/session/*: local accounts and sessions.
//
// Sign-up answers the same way whether the address is new or taken (202; the
// address's owner gets a one-time code, or a notice), so it tells nobody
// which addresses have accounts; the code, given to /verify-email, opens the
// first session. Sign-in costs one password hash on every path, and is
// throttled per (account, address) and per address (LoginThrottle).
#include <openssl/rand.h>

#include <regex>

#include "routes/auth.h"
#include "routes/connections.h"

#include "auth/crypto.h"
#include "auth/passwords.h"

namespace glint::native {

json user_json(const User& u) {
  // `user_id` beside `id`: the seeds' session documents name it so.
  return {{"id", u.public_id}, {"user_id", u.public_id}, {"email", u.email}, {"name", u.name}, {"created_at", u.created_at},
          {"email_verified", u.email_verified}};
}

namespace {

constexpr int64_t kCodeMinutes = 30;

std::string required(Ctx& c, const json& body, const char* name, size_t max_len = 320) {
  const auto v = c.param(body, name);
  if (!v || v->empty()) throw HttpError{422, "missing_parameter", std::string("'") + name + "' is required"};
  if (v->size() > max_len) {
    throw HttpError{422, "invalid_parameter", std::string("'") + name + "' is longer than " + std::to_string(max_len) + " characters"};
  }
  return *v;
}

bool plausible_email(const std::string& e) {
  static const std::regex re(R"([^@\s<>"',;:\\()\[\]]+@[^@\s<>"',;:\\()\[\]]+\.[^@\s<>"',;:\\()\[\]]+)");
  return std::regex_match(e, re);
}

std::string lowered(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string email_param(Ctx& c, const json& b) {
  const std::string email = required(c, b, "email");
  if (!plausible_email(email)) throw HttpError{422, "invalid_parameter", "'email' is not an e-mail address"};
  return email;
}

// Six decimal digits, uniform (rejection sampling over 32 random bits).
std::string six_digits() {
  for (;;) {
    uint32_t v = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) throw std::runtime_error("RAND_bytes failed");
    if (v < 4'294'000'000u) {
      char out[8];
      std::snprintf(out, sizeof out, "%06u", v % 1'000'000u);
      return out;
    }
  }
}

std::string code_hash(const User& u, const std::string& code) { return crypto::sha256_hex(u.public_id + ":" + code); }

void send_code(Ctx& c, const User& u, std::optional<std::string> pending_password_hash) {
  const std::string code = six_digits();
  c.app.store.save_email_code(u.id, code_hash(u, code), std::move(pending_password_hash), now_unix() + kCodeMinutes * 60);
  c.app.mailer.send(u.email, "Your glint verification code",
                    "Your glint verification code is " + code + ". It expires in " + std::to_string(kCodeMinutes) +
                        " minutes.\r\n\r\nIf you did not sign up for glint, ignore this message.");
}

json open_session(Ctx& c, const User& u) {
  const int64_t ttl = static_cast<int64_t>(c.app.config.session_ttl_hours) * 3600;
  const std::string id = open_session_id(c, u, ttl);
  return {{"session_id", id}, {"expires_at", now_unix() + ttl}, {"user", user_json(u)}};
}

void throttled(Ctx& c, const std::string& account, const std::string& address) {
  const int wait = c.app.throttle.retry_after(account, address);
  if (wait > 0) {
    throw HttpError{429, "too_many_attempts", "too many failed attempts; try again later", {{"Retry-After", std::to_string(wait)}}};
  }
}

const json kSignupAnswer = {
    {"success", true},
    {"verification_required", true},
    {"detail", "If this address can be registered, a six-digit code is on its way to it: confirm it with "
               "POST /api/auth/verify-email {email, code} to sign in."}};

}  // namespace

// A new session: 256 random bits for the client, only their hash kept.
std::string open_session_id(Ctx& c, const User& u, int64_t ttl_s) {
  const std::string id = crypto::random_hex(32);
  const int64_t now = now_unix();
  c.app.store.create_session(crypto::sha256_hex(id), u.id, now, now + ttl_s);
  return id;
}

User sign_in(Ctx& c, const json& b) {
  const std::string email = required(c, b, "email");
  const std::string password = required(c, b, "password", passwords::kMaxLength);
  const std::string account = lowered(email), address = client_address(c.req, c.app.config.trusted_proxies);
  throttled(c, account, address);
  const auto found = c.app.store.user_by_email(email);
  // Verify even for unknown accounts, so timing does not reveal which exist.
  const bool ok = found ? crypto::verify_password(password, found->second)
                        : (crypto::verify_password(password, crypto::hash_password("x", c.app.config.pbkdf2_iterations)), false);
  if (!ok) {
    c.app.throttle.failure(account, address);
    throw HttpError{401, "invalid_credentials", "wrong e-mail address or password"};
  }
  c.app.throttle.success(account, address);
  if (passwords::needs_rehash(found->second, c.app.config.pbkdf2_iterations)) {
    c.app.store.rehash_password(found->first.id, crypto::hash_password(password, c.app.config.pbkdf2_iterations));
  }
  c.app.store.purge_expired_sessions(now_unix());
  return found->first;
}

void register_auth_routes(Router& r, App&) {
  r.add("POST", "/api/auth/register", {.auth = false, .max_body = kSmallBody}, [](Ctx& c) {
    const json b = c.body();
    const std::string address = client_address(c.req, c.app.config.trusted_proxies);
    const RateLimiter::Decision d = c.app.limiter.take("signup|" + address, c.app.config.signups_per_hour, 3600);
    if (!d.allowed) {
      throw HttpError{429, "rate_limited", "too many sign-ups from your address; try again later",
                      {{"Retry-After", std::to_string(std::max(1, d.reset_s))}}};
    }
    const std::string email = email_param(c, b);
    const std::string password = required(c, b, "password", passwords::kMaxLength);
    std::string name = c.param(b, "name").value_or("");
    if (name.size() > 200) throw HttpError{422, "invalid_parameter", "'name' is longer than 200 characters"};
    if (auto weak = passwords::weakness(password, email)) throw HttpError{422, "weak_password", *weak};
    if (name.empty()) name = email.substr(0, email.find('@'));
    // Hashed on every path: the answer takes as long for a taken address.
    const std::string hash = crypto::hash_password(password, c.app.config.pbkdf2_iterations);
    auto existing = c.app.store.user_by_email(email);
    if (!existing) {
      Result<User> u = c.app.store.create_user(email, name, hash);
      if (u.ok()) {
        send_code(c, u.value(), std::nullopt);
      } else {
        existing = c.app.store.user_by_email(email);  // made at the same moment by another request
      }
    }
    if (existing && !existing->first.email_verified) {
      send_code(c, existing->first, hash);  // the password applies once the code proves the address
    } else if (existing) {
      c.app.mailer.send(existing->first.email, "Someone tried to sign up with your address",
                        "Someone (perhaps you) tried to create a glint account with this address, which already has "
                        "one. If it was you, sign in instead. Nothing was changed.");
    }
    c.send(202, kSignupAnswer);
  });

  r.add("POST", "/api/auth/verify-email", {.auth = false, .max_body = kSmallBody}, [](Ctx& c) {
    const json b = c.body();
    const std::string email = email_param(c, b);
    const std::string code = required(c, b, "code", 16);
    const std::string address = client_address(c.req, c.app.config.trusted_proxies);
    const std::string account = "verify|" + lowered(email);
    throttled(c, account, address);
    Result<User> u = c.app.store.verify_email_code(email, [&](const User& who) { return code_hash(who, code); }, now_unix());
    if (!u.ok()) {
      c.app.throttle.failure(account, address);
      throw HttpError{400, "invalid_code", u.status().message()};
    }
    c.app.throttle.success(account, address);
    c.send(200, open_session(c, u.value()));
  });

  r.add("POST", "/api/auth/verify-email/resend", {.auth = false, .max_body = kSmallBody}, [](Ctx& c) {
    const json b = c.body();
    const std::string address = client_address(c.req, c.app.config.trusted_proxies);
    const RateLimiter::Decision d = c.app.limiter.take("signup|" + address, c.app.config.signups_per_hour, 3600);
    if (!d.allowed) {
      throw HttpError{429, "rate_limited", "too many requests from your address; try again later",
                      {{"Retry-After", std::to_string(std::max(1, d.reset_s))}}};
    }
    const std::string email = email_param(c, b);
    if (auto existing = c.app.store.user_by_email(email); existing && !existing->first.email_verified) {
      send_code(c, existing->first, std::nullopt);
      // A new code gets its own tries (the resends are limited per address).
      c.app.throttle.success("verify|" + lowered(email), address);
    }
    c.send(202, kSignupAnswer);
  });

  r.add("POST", "/api/auth/login", {.auth = false, .max_body = kSmallBody}, [](Ctx& c) {
    const User u = sign_in(c, c.body());
    c.send(200, open_session(c, u));
  });

  r.add("POST", "/api/auth/password", {.max_body = kSmallBody}, [](Ctx& c) {
    const json b = c.body();
    const std::string current = required(c, b, "current_password", passwords::kMaxLength);
    const std::string next = required(c, b, "new_password", passwords::kMaxLength);
    const std::string account = "password|" + c.me().public_id, address = client_address(c.req, c.app.config.trusted_proxies);
    throttled(c, account, address);
    const auto found = c.app.store.user_by_email(c.me().email);
    if (!found || !crypto::verify_password(current, found->second)) {
      c.app.throttle.failure(account, address);
      throw HttpError{401, "invalid_credentials", "the current password is wrong"};
    }
    if (auto weak = passwords::weakness(next, c.me().email)) throw HttpError{422, "weak_password", *weak};
    const int64_t others = c.app.store.delete_sessions_of(c.me().id, c.session_hash);
    c.app.store.set_password(c.me().id, crypto::hash_password(next, c.app.config.pbkdf2_iterations), c.session_hash);
    c.send(200, {{"success", true}, {"signed_out_sessions", others}});
  });

  r.add("POST", "/api/auth/logout", {}, [](Ctx& c) {
    c.app.store.delete_session(c.session_hash);
    c.send(200, {{"success", true}});
  });

  // Sign out everywhere: every session of the account, this one included.
  r.add("POST", "/api/auth/logout-all", {}, [](Ctx& c) {
    const int64_t n = c.app.store.delete_sessions_of(c.me().id);
    c.send(200, {{"success", true}, {"signed_out_sessions", n}});
  });

  r.add("GET", "/api/auth/me", {}, [](Ctx& c) {
    json u = user_json(c.me());
    json tenants = json::array();
    for (const Tenant& t : c.app.store.tenants_of(c.me().id)) tenants.push_back({{"id", t.public_id}, {"name", t.name}, {"role", t.role}});
    c.send(200, {{"user", u}, {"tenants", tenants}});
  });

  // The seeds' shape: the session, its user, the selected account (the
  // session's workspace), and per-platform sign-in and connection flags
  // (no Google/Meta sign-in or connection exists yet: all false).
  r.add("GET", "/api/session/validate", {}, [](Ctx& c) {
    json selected = nullptr;
    try {
      const Tenant t = c.current_tenant();
      selected = {{"id", t.public_id}, {"name", t.name}, {"role", t.role}};
    } catch (const HttpError&) {
    }
    const json platforms = {{"google", false}, {"meta", false}};
    c.send(200, {{"valid", true}, {"session_id", c.session_id}, {"user", user_json(c.me())}, {"selected_account", selected},
                 {"user_authenticated", {{"google", false}, {"meta", false}, {"local", true}}}, {"platforms", platforms},
                 {"user_id", c.me().public_id}, {"email", c.me().email}, {"expires_at", c.session->expires_at}});
  });

  r.add("GET", "/api/auth/platforms", {}, [](Ctx& c) {
    c.send(200, {{"platforms", platform_catalogue(c.app, owner_of(c, json::object(), "member"))}});
  });

  register_auth_alias_routes(r);
}

}  // namespace glint::native
