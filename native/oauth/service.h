// oauth — glint's side of OAuth 2.0 (RFC 6749, RFC 7636 PKCE, RFC 9700).
//
// * Settings: each provider's client id, secret and scopes from GLINT_*
//   settings; a provider without them is "not configured" and says which
//   settings are missing. One exact redirect URI per provider:
//   GLINT_PUBLIC_URL + /api/oauth/<provider>/callback (the listening address
//   when GLINT_PUBLIC_URL is unset, which is only right on loopback).
// * States: 256 random bits, stored hashed with the session, owner,
//   provider, redirect URI and the PKCE verifier (sealed by the vault),
//   expiring in 10 minutes, consumed once by the callback.
// * Tokens: a connection's secret document is {"access_token",
//   "refresh_token", "access_expires_at", …}, sealed by the vault. An access
//   token is refreshed when it is about to expire or when the upstream
//   answers 401 — single-flight per connection (concurrent callers wait for
//   the one refresh and use its result); the new document (with a rotated
//   refresh token) is stored before the new access token is handed out;
//   invalid_grant puts the connection in reconnect_required.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "google/google.h"
#include "hubspot/hubspot.h"
#include "mailchimp/mailchimp.h"
#include "meta/meta.h"
#include "store/store.h"

namespace glint::native {

class Vault;

struct OAuthSettings {
  std::string public_url;                     // GLINT_PUBLIC_URL, no trailing slash
  std::vector<std::string> frontend_origins;  // GLINT_FRONTEND_ORIGINS (comma-separated origins a
                                              // callback may return to)
  connectors::google::Config google;
  std::vector<std::string> google_scopes;
  connectors::meta::Config meta;
  std::vector<std::string> meta_scopes;
  connectors::hubspot::Config hubspot;
  std::vector<std::string> hubspot_scopes, hubspot_optional_scopes;
  connectors::mailchimp::Config mailchimp;
  // Reads the GLINT_* settings; a malformed one is an error message.
  static std::string from_env(OAuthSettings& out);
};

// The OAuth providers glint knows, by the id used in routes and storage.
inline constexpr const char* kOAuthProviders[] = {"google", "meta", "hubspot", "mailchimp"};
bool is_oauth_provider(const std::string& id);
const char* provider_name(const std::string& id);  // "Google", "Meta", …

// The secret document of a connection.
struct Secret {
  std::string access_token, refresh_token, token_type, scope;
  int64_t access_expires_at = 0;  // unix seconds; 0 = does not expire
  std::string to_json() const;
  static std::optional<Secret> from_json(const std::string& text);
};

class OAuth {
 public:
  explicit OAuth(OAuthSettings s) : s_(std::move(s)) {}
  const OAuthSettings& settings() const { return s_; }
  // Called once the server listens, for the default public URL.
  void set_listening(const std::string& host, int port);
  std::string public_url() const;
  std::string redirect_uri(const std::string& provider) const;
  std::vector<std::string> missing_settings(const std::string& provider) const;
  // An absolute URL whose origin is the public URL's or a configured front-end origin.
  bool may_return_to(const std::string& url) const;
  // The origin a callback page may post its message to for `return_to`.
  std::string message_origin(const std::string& return_to) const;

  // Seals `secret` for credential row `public_id` of this owner and provider.
  static std::pair<int64_t, std::string> seal(const Vault& vault, const std::string& owner_kind,
                                              int64_t owner_id, const std::string& provider,
                                              const std::string& public_id, const Secret& secret);
  static Result<Secret> open(const Vault& vault, const Credential& c);

  // The access token to use for `credential_id`: refreshed first when it has
  // expired (or within a minute of it), or when `stale` is the token an
  // upstream just refused. Errors are upstream errors (kReauthRequired after
  // marking the connection, kUnavailable, …).
  connectors::Upstream<std::string> access_token(Store& store, const Vault& vault,
                                                 int64_t credential_id,
                                                 const std::string& stale = "");

  // Runs `call(token)`; on kTokenExpired refreshes once and retries once; on
  // kReauthRequired marks the connection. `T` is the call's value type.
  template <class T, class F>
  connectors::Upstream<T> with_token(Store& store, const Vault& vault, int64_t credential_id,
                                     F call) {
    connectors::Upstream<std::string> token = access_token(store, vault, credential_id);
    if (!token.ok()) return {std::nullopt, token.error};
    connectors::Upstream<T> r = call(*token.value);
    if (!r.ok() && r.error->kind == connectors::UpstreamError::Kind::kTokenExpired) {
      token = access_token(store, vault, credential_id, *token.value);
      if (!token.ok()) return {std::nullopt, token.error};
      r = call(*token.value);
    }
    if (!r.ok() && (r.error->kind == connectors::UpstreamError::Kind::kReauthRequired ||
                    r.error->kind == connectors::UpstreamError::Kind::kTokenExpired)) {
      store.set_credential_status(credential_id, "reconnect_required", r.error->message);
    }
    return r;
  }

  // Counts refreshes that reached the provider (for tests and /metrics).
  int64_t refreshes() const { return refreshes_.load(); }

 private:
  std::shared_ptr<std::mutex> lock_for(int64_t credential_id);
  connectors::Upstream<connectors::oauth::Tokens> refresh_upstream(const Credential& c,
                                                                   const Secret& s);
  OAuthSettings s_;
  mutable std::mutex mu_;
  std::string listening_url_;
  std::map<int64_t, std::weak_ptr<std::mutex>> locks_;
  std::atomic<int64_t> refreshes_{0};
};

}  // namespace glint::native
