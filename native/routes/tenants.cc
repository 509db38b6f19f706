// /api/tenants/* and /api/invites/*: workspaces, members, roles, invites.
// Outsiders get 404 for any workspace they do not belong to (its existence is
// not theirs to learn); members lacking the role get 403.
//
// Shapes follow the seeds (MIA backend): lists under `workspaces`, a created
// or current workspace under `tenant` (the flat fields glint answered with
// before stay beside it), invites under /api/tenants/invites/{token}/… with
// glint's /api/invites/{token}/… kept as aliases.
#include "http/app.h"
#include "routes/connections.h"
#include "auth/crypto.h"
#include "routes/paging.h"

namespace glint::native {

namespace {

constexpr int64_t kInviteDays = 7;

json tenant_json(Store& store, const Tenant& t) {
  json owner = nullptr;  // the first owner (a workspace may have several)
  for (const Member& m : store.members(t.id)) {
    if (m.role == "owner") {
      owner = m.user_id;
      break;
    }
  }
  return {{"id", t.public_id}, {"name", t.name}, {"slug", t.slug}, {"role", t.role}, {"member_count", t.members},
          {"owner_id", owner}, {"created_at", t.created_at}};
}

// The tenant's fields at the top, and again under `tenant` (the seeds' shape).
json wrapped(Store& store, const Tenant& t, json extra = json::object()) {
  json out = tenant_json(store, t);
  out["tenant"] = out;
  out.update(extra);
  return out;
}

json invite_json(const Invite& i) {
  return {{"id", i.public_id}, {"email", i.email}, {"role", i.role}, {"tenant_id", i.tenant_public_id},
          {"tenant_name", i.tenant_name}, {"created_at", i.created_at}, {"expires_at", i.expires_at},
          {"status", i.revoked_at ? "revoked" : i.accepted_at ? "accepted" : i.expires_at <= now_unix() ? "expired" : "pending"}};
}

// For the workspace's admins and owners: who made the invite.
json invite_json_with_author(const Invite& i) {
  json out = invite_json(i);
  out["created_by"] = i.created_by_id.empty()
                          ? json(nullptr)
                          : json{{"user_id", i.created_by_id}, {"email", i.created_by_email}, {"name", i.created_by_name}};
  return out;
}

std::string tenant_name(Ctx& c, const json& b) {
  auto name = c.param(b, "name");
  if (!name || name->empty()) throw HttpError{422, "missing_parameter", "'name' is required"};
  if (name->size() > 120) throw HttpError{422, "invalid_parameter", "'name' is longer than 120 characters"};
  return *name;
}

std::string role_param(Ctx& c, const json& b, bool allow_owner) {
  auto role = c.param(b, "role");
  if (!role) throw HttpError{422, "missing_parameter", "'role' is required"};
  if (*role == "admin" || *role == "member" || (allow_owner && *role == "owner")) return *role;
  throw HttpError{422, "invalid_parameter", allow_owner ? "'role' must be owner, admin or member" : "'role' must be admin or member"};
}

void switch_to(Ctx& c, const Tenant& t) {
  c.app.store.set_session_tenant(c.session_hash, t.id);
  c.send(200, {{"success", true}, {"tenant", tenant_json(c.app.store, t)}});
}

// Public: what a person needs to decide on an invite, nothing more.
void invite_details(Ctx& c) {
  const auto inv = c.app.store.invite_by_token_hash(crypto::sha256_hex(c.capture(1)));
  if (!inv) throw HttpError{404, "not_found", "no such invite"};
  json out = invite_json(*inv);
  out.erase("id");
  c.send(200, out);
}

void accept_invite(Ctx& c) {
  Result<Tenant> t = c.app.store.accept_invite(crypto::sha256_hex(c.capture(1)), c.me(), now_unix());
  if (!t.ok()) throw HttpError{404, "invite_unusable", t.status().message()};
  c.app.store.set_session_tenant(c.session_hash, t.value().id);
  c.send(200, {{"success", true}, {"tenant", tenant_json(c.app.store, t.value())}});
}

void pending_invites(Ctx& c) {
  json list = json::array();
  for (const Invite& i : c.app.store.pending_invites_for(c.me().email, now_unix())) list.push_back(invite_json(i));
  c.send(200, page_of(c, list, {"invites"}));
}

void set_member_role(Ctx& c) {
  const Tenant t = c.tenant(1, "admin");
  const std::string target = c.capture(2);
  const std::string role = role_param(c, c.body(), true);
  // Only an owner touches ownership: granting it, or changing an owner.
  bool target_is_owner = false;
  for (const Member& m : c.app.store.members(t.id)) target_is_owner |= m.user_id == target && m.role == "owner";
  if ((role == "owner" || target_is_owner) && t.role != "owner") {
    throw HttpError{403, "forbidden", "only an owner can grant or change the owner role"};
  }
  const Status s = c.app.store.set_role(t.id, target, role);
  if (s.code() == ErrorCode::kNoData) throw HttpError{404, "not_found", "no such member"};
  if (!s.ok()) throw HttpError{409, "last_owner", s.message()};
  c.send(200, {{"success", true}, {"user_id", target}, {"role", role}});
}

}  // namespace

void register_tenant_routes(Router& r, App&) {
  const std::string id = "/api/tenants/([^/]+)";

  r.add("POST", "/api/tenants", {}, [](Ctx& c) {
    const json b = c.body();
    const Tenant t = c.app.store.create_tenant(c.me().id, tenant_name(c, b));
    if (!c.session->current_tenant_id) c.app.store.set_session_tenant(c.session_hash, t.id);
    c.send(201, wrapped(c.app.store, t, {{"success", true}}));
  });
  r.add("GET", "/api/tenants", {}, [](Ctx& c) {
    json list = json::array();
    for (const Tenant& t : c.app.store.tenants_of(c.me().id)) list.push_back(tenant_json(c.app.store, t));
    c.send(200, page_of(c, list, {"workspaces", "tenants"}));
  });
  r.add("GET", "/api/tenants/current", {}, [](Ctx& c) { c.send(200, wrapped(c.app.store, c.current_tenant())); });
  r.add("GET", "/api/tenants/invites/pending", {}, pending_invites);
  r.add("GET", "/api/tenants/invites/([0-9a-f]{64})/details", {.auth = false}, invite_details);
  r.add("POST", "/api/tenants/invites/([0-9a-f]{64})/accept", {}, accept_invite);
  r.add("POST", "/api/tenants/switch", {}, [](Ctx& c) {
    const json b = c.body();
    const auto tid = c.param(b, "tenant_id");
    if (!tid) throw HttpError{422, "missing_parameter", "'tenant_id' is required"};
    const auto t = c.app.store.tenant_for(*tid, c.me().id);
    if (!t) throw HttpError{404, "not_found", "no such workspace"};
    switch_to(c, *t);
  });
  r.add("POST", id + "/switch", {}, [](Ctx& c) { switch_to(c, c.tenant(1)); });
  r.add("GET", id, {}, [](Ctx& c) {
    json out = tenant_json(c.app.store, c.tenant(1));
    out["connected_platforms"] = json::array();  // platform connections arrive with OAuth
    c.send(200, out);
  });
  for (const char* verb : {"PUT", "PATCH"}) {
    r.add(verb, id, {}, [](Ctx& c) {
      Tenant t = c.tenant(1, "admin");
      t.name = tenant_name(c, c.body());
      c.app.store.rename_tenant(t.id, t.name);
      c.send(200, tenant_json(c.app.store, t));
    });
  }
  r.add("DELETE", id, {}, [](Ctx& c) {
    const Tenant t = c.tenant(1, "owner");
    c.app.store.delete_tenant(t.id);
    c.app.engines.drop(t.public_id);
    c.send(200, {{"success", true}, {"deleted", t.public_id}});
  });

  r.add("GET", id + "/members", {}, [](Ctx& c) {
    const Tenant t = c.tenant(1);
    json list = json::array();
    for (const Member& m : c.app.store.members(t.id)) {
      list.push_back({{"user_id", m.user_id}, {"email", m.email}, {"name", m.name}, {"role", m.role}, {"joined_at", m.joined_at}});
    }
    c.send(200, page_of(c, list, {"members"}));
  });
  for (const char* verb : {"PUT", "PATCH"}) r.add(verb, id + "/members/([^/]+)", {}, set_member_role);
  r.add("PUT", id + "/members/([^/]+)/role", {}, set_member_role);
  r.add("DELETE", id + "/members/([^/]+)", {}, [](Ctx& c) {
    const std::string target = c.capture(2);
    const bool self = target == c.me().public_id;
    const Tenant t = c.tenant(1, self ? "member" : "admin");
    bool target_is_owner = false;
    for (const Member& m : c.app.store.members(t.id)) target_is_owner |= m.user_id == target && m.role == "owner";
    if (target_is_owner && t.role != "owner") throw HttpError{403, "forbidden", "an admin cannot remove an owner"};
    const Status s = c.app.store.remove_member(t.id, target);
    if (s.code() == ErrorCode::kNoData) throw HttpError{404, "not_found", "no such member"};
    if (!s.ok()) throw HttpError{409, "last_owner", s.message()};
    c.send(200, {{"success", true}, {"removed", target}});
  });

  r.add("POST", id + "/invites", {}, [](Ctx& c) {
    const Tenant t = c.tenant(1, "admin");
    const json b = c.body();
    const auto email = c.param(b, "email");
    if (!email || email->find('@') == std::string::npos || email->size() > 320) {
      throw HttpError{422, "invalid_parameter", "'email' must be an e-mail address"};
    }
    const std::string role = b.contains("role") || c.req.has_param("role") ? role_param(c, b, false) : "member";
    const std::string token = crypto::random_hex(32);
    const Invite inv = c.app.store.create_invite(t.id, *email, role, crypto::sha256_hex(token),
                                                 now_unix() + kInviteDays * 86400, c.me().id);
    json out = invite_json_with_author(inv);
    out["token"] = token;  // shown once, to the inviter, to pass on
    out["details_url"] = "/api/tenants/invites/" + token + "/details";
    out["accept_url"] = "/api/tenants/invites/" + token + "/accept";
    c.send(201, out);
  });
  r.add("GET", id + "/invites", {}, [](Ctx& c) {
    const Tenant t = c.tenant(1, "admin");
    json list = json::array();
    for (const Invite& i : c.app.store.invites(t.id)) list.push_back(invite_json_with_author(i));
    c.send(200, page_of(c, list, {"invites"}));
  });
  r.add("DELETE", id + "/invites/([^/]+)", {}, [](Ctx& c) {
    const Tenant t = c.tenant(1, "admin");
    if (!c.app.store.revoke_invite(t.id, c.capture(2))) throw HttpError{404, "not_found", "no such pending invite"};
    c.send(200, {{"success", true}, {"revoked", c.capture(2)}});
  });
  r.add("GET", id + "/integrations", {}, [](Ctx& c) {
    const Tenant t = c.tenant(1);
    json out = page_of(c, integrations_json(c.app, {"tenant", t.id, t.public_id}), {"integrations", "connections"});
    out["tenant_id"] = t.public_id;
    c.send(200, out);
  });

  // glint's first invite paths, kept as aliases of the seeds' ones above.
  r.add("GET", "/api/invites/pending", {}, pending_invites);
  r.add("GET", "/api/invites/([0-9a-f]{64})", {.auth = false}, invite_details);
  r.add("POST", "/api/invites/([0-9a-f]{64})/accept", {}, accept_invite);
}

}  // namespace glint::native
