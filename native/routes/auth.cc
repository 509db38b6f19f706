// /api/auth/* and /api/session/*: local accounts and sessions.
#include <regex>

#include "http/app.h"
#include "auth/crypto.h"

namespace glint::native {

namespace {

json user_json(const User& u) {
  return {{"id", u.public_id}, {"email", u.email}, {"name", u.name}, {"created_at", u.created_at}};
}

std::string required(Ctx& c, const json& body, const char* name, size_t max_len = 320) {
  const auto v = c.param(body, name);
  if (!v || v->empty()) throw HttpError{422, "missing_parameter", std::string("'") + name + "' is required"};
  if (v->size() > max_len) {
    throw HttpError{422, "invalid_parameter", std::string("'") + name + "' is longer than " + std::to_string(max_len) + " characters"};
  }
  return *v;
}

bool plausible_email(const std::string& e) {
  static const std::regex re(R"([^@\s]+@[^@\s]+\.[^@\s]+)");
  return std::regex_match(e, re);
}

// A new session: 256 random bits for the client, only their hash kept.
json open_session(Ctx& c, const User& u) {
  const std::string id = crypto::random_hex(32);
  const int64_t now = now_unix();
  const int64_t expires = now + static_cast<int64_t>(c.app.config.session_ttl_hours) * 3600;
  c.app.store.create_session(crypto::sha256_hex(id), u.id, now, expires);
  return {{"session_id", id}, {"expires_at", expires}, {"user", user_json(u)}};
}

}  // namespace

void register_auth_routes(Router& r, App&) {
  r.add("POST", "/api/auth/register", {.auth = false}, [](Ctx& c) {
    const json b = c.body();
    const std::string email = required(c, b, "email");
    const std::string password = required(c, b, "password", 1024);
    std::string name = c.param(b, "name").value_or("");
    if (name.size() > 200) throw HttpError{422, "invalid_parameter", "'name' is longer than 200 characters"};
    if (!plausible_email(email)) throw HttpError{422, "invalid_parameter", "'email' is not an e-mail address"};
    if (password.size() < 8) throw HttpError{422, "weak_password", "the password needs at least 8 characters"};
    if (name.empty()) name = email.substr(0, email.find('@'));
    Result<User> u = c.app.store.create_user(email, name, crypto::hash_password(password, c.app.config.pbkdf2_iterations));
    if (!u.ok()) throw HttpError{409, "email_taken", u.status().message()};
    c.send(201, open_session(c, u.value()));
  });

  r.add("POST", "/api/auth/login", {.auth = false}, [](Ctx& c) {
    const json b = c.body();
    const std::string email = required(c, b, "email");
    const std::string password = required(c, b, "password", 1024);
    std::string lowered = email;
    for (char& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string account_key = "account|" + lowered, address_key = "address|" + c.req.remote_addr;
    const int wait = std::max(c.app.throttle.retry_after(account_key), c.app.throttle.retry_after(address_key));
    if (wait > 0) {
      throw HttpError{429, "too_many_attempts", "too many failed sign-ins; try again later", {{"Retry-After", std::to_string(wait)}}};
    }
    const auto found = c.app.store.user_by_email(email);
    // Verify even for unknown accounts, so timing does not reveal which exist.
    const bool ok = found ? crypto::verify_password(password, found->second)
                          : (crypto::verify_password(password, crypto::hash_password("x", c.app.config.pbkdf2_iterations)), false);
    if (!ok) {
      c.app.throttle.failure(account_key);
      c.app.throttle.failure(address_key);
      throw HttpError{401, "invalid_credentials", "wrong e-mail address or password"};
    }
    c.app.throttle.success(account_key);
    c.app.store.purge_expired_sessions(now_unix());
    c.send(200, open_session(c, found->first));
  });

  r.add("POST", "/api/auth/logout", {}, [](Ctx& c) {
    c.app.store.delete_session(c.session_hash);
    c.send(200, {{"success", true}});
  });

  r.add("GET", "/api/auth/me", {}, [](Ctx& c) {
    json u = user_json(c.me());
    json tenants = json::array();
    for (const Tenant& t : c.app.store.tenants_of(c.me().id)) tenants.push_back({{"id", t.public_id}, {"name", t.name}, {"role", t.role}});
    c.send(200, {{"user", u}, {"tenants", tenants}});
  });

  r.add("GET", "/api/session/validate", {}, [](Ctx& c) {
    c.send(200, {{"valid", true}, {"user_id", c.me().public_id}, {"email", c.me().email}, {"expires_at", c.session->expires_at}});
  });

  r.add("GET", "/api/auth/platforms", {}, [](Ctx& c) {
    json platforms = json::array();
    for (const auto& [id, name, kind] : {std::tuple{"google_ads", "Google Ads", "oauth"}, std::tuple{"ga4", "Google Analytics 4", "oauth"},
                                         std::tuple{"meta_ads", "Meta Ads", "oauth"}, std::tuple{"hubspot", "HubSpot", "oauth"},
                                         std::tuple{"mailchimp", "Mailchimp", "oauth"}, std::tuple{"brevo", "Brevo", "api_key"}}) {
      platforms.push_back({{"id", id}, {"name", name}, {"auth", kind}, {"connected", false}, {"available", false}});
    }
    c.send(200, {{"platforms", platforms}, {"note", "platform connections arrive with the OAuth capability; CSV uploads work now"}});
  });
}

}  // namespace glint::native
