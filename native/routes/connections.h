// What the connection routes share: whose connection a request addresses,
// how a connection is shown, and how an upstream failure is answered.
#pragma once

#include <optional>
#include <string>

#include "http/app.h"
#include "http/http_client.h"

namespace glint::native {

struct Owner {
  std::string kind;  // "tenant" or "user"
  int64_t id = 0;
  std::string public_id;
};

// The connection's owner for this request: the workspace named by
// `tenant_id` (else the session's current one; else the user), with at
// least `min_role` there (403), or 404 for a workspace the caller is not in.
Owner owner_of(Ctx& c, const json& body, const char* min_role);

// A connection as any member may see it: never a secret.
json status_json(const std::string& platform, const Owner& o,
                 const std::optional<Credential>& cred);

// An upstream failure as the answer to the request (throws HttpError).
// `rejected_code` names a refused credential ("invalid_api_key" for keys).
[[noreturn]] void upstream_failed(const connectors::UpstreamError& e,
                                  const char* rejected_code = "upstream_rejected");

// Revokes upstream where the provider can, then forgets the connection.
json disconnect_connection(App& app, const Credential& cred);
// Every platform with this owner's connection status (tenant integrations).
json integrations_json(App& app, const Owner& o);
// Every platform with whether this server is configured for it (and, given
// an owner, whether it is connected).
json platform_catalogue(App& app, const std::optional<Owner>& o);

// Reads what `cred` reaches from its provider and records it (new accounts
// unlinked, missing ones marked vanished); one failing account never stops
// the others. `error` is set when the connection itself failed (reconnect).
struct Discovery {
  json found = json::object();  // kind → how many
  int64_t vanished = 0;
  json failures = json::array();
  std::optional<connectors::UpstreamError> error;
};
Discovery discover_accounts(App& app, const Credential& cred);
json discovery_json(const Discovery& d);
// A discovered account as the routes show it (nothing secret).
json account_json(const PlatformAccount& a);

}  // namespace glint::native
