#include "store/store.h"

#include <chrono>
#include <cctype>
#include <ctime>
#include <set>
#include <nlohmann/json.hpp>

#include "auth/crypto.h"

namespace glint::native {

using nlohmann::json;

std::string iso_of(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string now_iso() { return iso_of(now_unix()); }

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

User read_user(db::Stmt& st, int from = 0) {
  return {st.integer(from), st.text(from + 1), st.text(from + 2), st.text(from + 3), st.text(from + 4), !st.is_null(from + 5)};
}

constexpr const char* kUserCols = "u.id, u.public_id, u.email, u.name, u.created_at, u.email_verified_at";

// Pending invites someone made, once they may no longer invite.
void revoke_invites_by(db::Connection& c, int64_t tenant_id, int64_t user_id) {
  c.prepare("UPDATE invites SET revoked_at = ? WHERE tenant_id = ? AND created_by = ? AND accepted_at IS NULL AND revoked_at IS NULL")
      .bind(1, now_iso())
      .bind(2, tenant_id)
      .bind(3, user_id)
      .run();
}

Tenant read_tenant(db::Stmt& st) {
  Tenant t;
  t.id = st.integer(0);
  t.public_id = st.text(1);
  t.name = st.text(2);
  t.slug = st.text(3);
  t.created_at = st.text(4);
  t.role = st.text(5);
  t.members = st.integer(6);
  return t;
}

constexpr const char* kTenantSelect =
    "SELECT t.id, t.public_id, t.name, t.slug, t.created_at, m.role, "
    "(SELECT COUNT(*) FROM memberships x WHERE x.tenant_id = t.id) "
    "FROM tenants t JOIN memberships m ON m.tenant_id = t.id ";

std::string slugify(const std::string& name) {
  std::string out;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 48) out.resize(48);
  return out.empty() ? "workspace" : out;
}

Invite read_invite(db::Stmt& st) {
  Invite i;
  i.id = st.integer(0);
  i.public_id = st.text(1);
  i.email = st.text(2);
  i.role = st.text(3);
  i.created_at = st.text(4);
  i.expires_at = st.integer(5);
  i.tenant_id = st.integer(6);
  i.tenant_public_id = st.text(7);
  i.tenant_name = st.text(8);
  if (!st.is_null(9)) i.accepted_at = st.text(9);
  if (!st.is_null(10)) i.revoked_at = st.text(10);
  if (!st.is_null(11)) {
    i.created_by_id = st.text(11);
    i.created_by_email = st.text(12);
    i.created_by_name = st.text(13);
  }
  return i;
}

constexpr const char* kInviteSelect =
    "SELECT i.id, i.public_id, i.email, i.role, i.created_at, i.expires_at, i.tenant_id, t.public_id, t.name, "
    "i.accepted_at, i.revoked_at, cb.public_id, cb.email, cb.name FROM invites i JOIN tenants t ON t.id = i.tenant_id "
    "LEFT JOIN users cb ON cb.id = i.created_by ";

// The next number of the server-wide sequence (never repeats: AUTOINCREMENT).
void bump_version(db::Connection& c, int64_t tenant_id) {
  c.prepare("INSERT INTO data_version_seq DEFAULT VALUES").run();
  const int64_t v = c.last_insert_id();
  c.prepare("DELETE FROM data_version_seq WHERE n < ?").bind(1, v).run();
  c.prepare("INSERT INTO data_versions (tenant_id, version) VALUES (?, ?) "
            "ON CONFLICT(tenant_id) DO UPDATE SET version = excluded.version")
      .bind(1, tenant_id)
      .bind(2, v)
      .run();
}

int64_t count_owners(db::Connection& c, int64_t tenant_id) {
  db::Stmt st = c.prepare("SELECT COUNT(*) FROM memberships WHERE tenant_id = ? AND role = 'owner'");
  st.bind(1, tenant_id);
  st.step();
  return st.integer(0);
}

}  // namespace

Store::Store(std::string path, size_t connections) : pool_(std::move(path), connections) {}

Result<User> Store::create_user(const std::string& email, const std::string& name, const std::string& password_hash) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  {
    db::Stmt st = c->prepare("SELECT 1 FROM users WHERE email = ?");
    st.bind(1, email);
    if (st.step()) return Status(ErrorCode::kInvalidRequest, "an account with this e-mail address already exists");
  }
  User u{0, crypto::random_hex(16), email, name, now_iso()};
  c->prepare("INSERT INTO users (public_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, u.public_id)
      .bind(2, email)
      .bind(3, name)
      .bind(4, password_hash)
      .bind(5, u.created_at)
      .run();
  u.id = c->last_insert_id();
  tx.commit();
  return u;
}

std::optional<std::pair<User, std::string>> Store::user_by_email(const std::string& email) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string("SELECT ") + kUserCols + ", u.password_hash FROM users u WHERE u.email = ?");
  st.bind(1, email);
  if (!st.step()) return std::nullopt;
  return std::make_pair(read_user(st), st.text(6));
}

std::optional<User> Store::user_by_id(int64_t id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string("SELECT ") + kUserCols + " FROM users u WHERE u.id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_user(st);
}

void Store::set_password(int64_t user_id, const std::string& password_hash, const std::string& keep_session_hash) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  c->prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(1, password_hash).bind(2, user_id).run();
  c->prepare("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?").bind(1, user_id).bind(2, keep_session_hash).run();
  tx.commit();
}

void Store::rehash_password(int64_t user_id, const std::string& password_hash) {
  auto c = pool_.acquire();
  c->prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(1, password_hash).bind(2, user_id).run();
}

void Store::mark_email_verified(int64_t user_id) {
  auto c = pool_.acquire();
  c->prepare("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?").bind(1, now_iso()).bind(2, user_id).run();
}

int64_t Store::delete_sessions_of(int64_t user_id, const std::string& keep_session_hash) {
  auto c = pool_.acquire();
  c->prepare("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?").bind(1, user_id).bind(2, keep_session_hash).run();
  return c->changes();
}

void Store::save_email_code(int64_t user_id, const std::string& code_hash, std::optional<std::string> new_password_hash,
                            int64_t expires_at) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(
      "INSERT INTO email_codes (user_id, purpose, code_hash, new_password_hash, expires_at, attempts) VALUES (?, 'verify', ?, ?, ?, 0) "
      "ON CONFLICT(user_id, purpose) DO UPDATE SET code_hash = excluded.code_hash, "
      "new_password_hash = COALESCE(excluded.new_password_hash, email_codes.new_password_hash), "
      "expires_at = excluded.expires_at, attempts = 0");
  st.bind(1, user_id).bind(2, code_hash);
  if (new_password_hash) {
    st.bind(3, *new_password_hash);
  } else {
    st.bind_null(3);
  }
  st.bind(4, expires_at).run();
}

Result<User> Store::verify_email_code(const std::string& email, const std::function<std::string(const User&)>& code_hash_of,
                                      int64_t now) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(std::string("SELECT ") + kUserCols +
                           ", e.code_hash, e.new_password_hash, e.expires_at, e.attempts FROM users u "
                           "JOIN email_codes e ON e.user_id = u.id AND e.purpose = 'verify' WHERE u.email = ?");
  st.bind(1, email);
  const Status wrong(ErrorCode::kNoData, "the code is wrong or has expired; ask for a new one");
  if (!st.step()) return wrong;
  User u = read_user(st);
  const std::string stored = st.text(6);
  const std::optional<std::string> new_hash = st.is_null(7) ? std::nullopt : std::optional<std::string>(st.text(7));
  if (st.integer(8) <= now || st.integer(9) >= 5) return wrong;
  if (!crypto::constant_time_equal(code_hash_of(u), stored)) {
    c->prepare("UPDATE email_codes SET attempts = attempts + 1 WHERE user_id = ? AND purpose = 'verify'").bind(1, u.id).run();
    tx.commit();
    return wrong;
  }
  c->prepare("DELETE FROM email_codes WHERE user_id = ? AND purpose = 'verify'").bind(1, u.id).run();
  c->prepare("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?").bind(1, now_iso()).bind(2, u.id).run();
  if (new_hash) {
    // The address's owner chose a password: whatever was set before, and any
    // session opened with it, is gone.
    c->prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(1, *new_hash).bind(2, u.id).run();
    c->prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, u.id).run();
  }
  tx.commit();
  u.email_verified = true;
  return u;
}

void Store::create_session(const std::string& id_hash, int64_t user_id, int64_t now, int64_t expires_at) {
  auto c = pool_.acquire();
  c->prepare("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
      .bind(1, id_hash)
      .bind(2, user_id)
      .bind(3, now)
      .bind(4, expires_at)
      .run();
}

std::optional<Session> Store::session(const std::string& id_hash, int64_t now) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT user_id, current_tenant_id, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?");
  st.bind(1, id_hash).bind(2, now);
  if (!st.step()) return std::nullopt;
  Session s;
  s.user_id = st.integer(0);
  if (!st.is_null(1)) s.current_tenant_id = st.integer(1);
  s.expires_at = st.integer(2);
  return s;
}

void Store::delete_session(const std::string& id_hash) {
  auto c = pool_.acquire();
  c->prepare("DELETE FROM sessions WHERE id_hash = ?").bind(1, id_hash).run();
}

void Store::set_session_tenant(const std::string& id_hash, std::optional<int64_t> tenant_id) {
  auto c = pool_.acquire();
  c->prepare("UPDATE sessions SET current_tenant_id = ? WHERE id_hash = ?").bind(1, tenant_id).bind(2, id_hash).run();
}

int64_t Store::purge_expired_sessions(int64_t now) {
  auto c = pool_.acquire();
  c->prepare("DELETE FROM sessions WHERE expires_at <= ?").bind(1, now).run();
  return c->changes();
}

Tenant Store::create_tenant(int64_t user_id, const std::string& name) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  const std::string base = slugify(name);
  std::string slug = base;
  for (int n = 2;; ++n) {
    db::Stmt st = c->prepare("SELECT 1 FROM tenants WHERE slug = ?");
    st.bind(1, slug);
    if (!st.step()) break;
    slug = base + "-" + std::to_string(n);
  }
  Tenant t;
  t.public_id = crypto::random_hex(16);
  t.name = name;
  t.slug = slug;
  t.created_at = now_iso();
  t.role = "owner";
  t.members = 1;
  c->prepare("INSERT INTO tenants (public_id, name, slug, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, t.public_id)
      .bind(2, name)
      .bind(3, slug)
      .bind(4, user_id)
      .bind(5, t.created_at)
      .run();
  t.id = c->last_insert_id();
  c->prepare("INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)")
      .bind(1, t.id)
      .bind(2, user_id)
      .bind(3, t.created_at)
      .run();
  tx.commit();
  return t;
}

std::vector<Tenant> Store::tenants_of(int64_t user_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kTenantSelect) + "WHERE m.user_id = ? ORDER BY t.name, t.id");
  st.bind(1, user_id);
  std::vector<Tenant> out;
  while (st.step()) out.push_back(read_tenant(st));
  return out;
}

std::optional<Tenant> Store::tenant_for(const std::string& public_id, int64_t user_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kTenantSelect) + "WHERE t.public_id = ? AND m.user_id = ?");
  st.bind(1, public_id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return read_tenant(st);
}

std::optional<Tenant> Store::tenant_by_id_for(int64_t tenant_id, int64_t user_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kTenantSelect) + "WHERE t.id = ? AND m.user_id = ?");
  st.bind(1, tenant_id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return read_tenant(st);
}

void Store::rename_tenant(int64_t tenant_id, const std::string& name) {
  auto c = pool_.acquire();
  c->prepare("UPDATE tenants SET name = ? WHERE id = ?").bind(1, name).bind(2, tenant_id).run();
}

void Store::delete_tenant(int64_t tenant_id) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  // Children first (foreign keys cascade too; explicit keeps it one transaction
  // whatever the pragma): a crash leaves the workspace wholly there or gone.
  c->prepare("DELETE FROM dataset_cells WHERE dataset_id IN (SELECT id FROM datasets WHERE tenant_id = ?)").bind(1, tenant_id).run();
  c->prepare("DELETE FROM dataset_entities WHERE dataset_id IN (SELECT id FROM datasets WHERE tenant_id = ?)").bind(1, tenant_id).run();
  c->prepare("DELETE FROM datasets WHERE tenant_id = ?").bind(1, tenant_id).run();
  c->prepare("DELETE FROM invites WHERE tenant_id = ?").bind(1, tenant_id).run();
  c->prepare("DELETE FROM credentials WHERE owner_kind = 'tenant' AND owner_id = ?").bind(1, tenant_id).run();
  c->prepare("DELETE FROM memberships WHERE tenant_id = ?").bind(1, tenant_id).run();
  c->prepare("UPDATE sessions SET current_tenant_id = NULL WHERE current_tenant_id = ?").bind(1, tenant_id).run();
  c->prepare("DELETE FROM data_versions WHERE tenant_id = ?").bind(1, tenant_id).run();
  c->prepare("DELETE FROM tenants WHERE id = ?").bind(1, tenant_id).run();
  tx.commit();
}

std::vector<Member> Store::members(int64_t tenant_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(
      "SELECT u.public_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id "
      "WHERE m.tenant_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.email");
  st.bind(1, tenant_id);
  std::vector<Member> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4)});
  return out;
}

Status Store::set_role(int64_t tenant_id, const std::string& user_public_id, const std::string& role) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(
      "SELECT m.user_id, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? AND u.public_id = ?");
  st.bind(1, tenant_id).bind(2, user_public_id);
  if (!st.step()) return Status(ErrorCode::kNoData, "no such member");
  const int64_t uid = st.integer(0);
  const std::string current = st.text(1);
  if (current == "owner" && role != "owner" && count_owners(*c, tenant_id) <= 1) {
    return Status(ErrorCode::kInvalidRequest, "the last owner cannot be demoted; make someone else owner first");
  }
  c->prepare("UPDATE memberships SET role = ? WHERE tenant_id = ? AND user_id = ?").bind(1, role).bind(2, tenant_id).bind(3, uid).run();
  if (role == "member") revoke_invites_by(*c, tenant_id, uid);
  tx.commit();
  return Status::Ok();
}

Status Store::remove_member(int64_t tenant_id, const std::string& user_public_id) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(
      "SELECT m.user_id, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? AND u.public_id = ?");
  st.bind(1, tenant_id).bind(2, user_public_id);
  if (!st.step()) return Status(ErrorCode::kNoData, "no such member");
  const int64_t uid = st.integer(0);
  if (st.text(1) == "owner" && count_owners(*c, tenant_id) <= 1) {
    return Status(ErrorCode::kInvalidRequest, "the last owner cannot be removed");
  }
  c->prepare("DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?").bind(1, tenant_id).bind(2, uid).run();
  revoke_invites_by(*c, tenant_id, uid);
  c->prepare("UPDATE sessions SET current_tenant_id = NULL WHERE user_id = ? AND current_tenant_id = ?").bind(1, uid).bind(2, tenant_id).run();
  tx.commit();
  return Status::Ok();
}

Invite Store::create_invite(int64_t tenant_id, const std::string& email, const std::string& role,
                            const std::string& token_hash, int64_t expires_at, int64_t by_user) {
  auto c = pool_.acquire();
  const std::string pid = crypto::random_hex(16);
  c->prepare("INSERT INTO invites (public_id, tenant_id, email, role, token_hash, created_by, created_at, expires_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, pid)
      .bind(2, tenant_id)
      .bind(3, email)
      .bind(4, role)
      .bind(5, token_hash)
      .bind(6, by_user)
      .bind(7, now_iso())
      .bind(8, expires_at)
      .run();
  db::Stmt st = c->prepare(std::string(kInviteSelect) + "WHERE i.public_id = ?");
  st.bind(1, pid);
  st.step();
  return read_invite(st);
}

std::vector<Invite> Store::invites(int64_t tenant_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kInviteSelect) +
                           "WHERE i.tenant_id = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL ORDER BY i.id");
  st.bind(1, tenant_id);
  std::vector<Invite> out;
  while (st.step()) out.push_back(read_invite(st));
  return out;
}

bool Store::revoke_invite(int64_t tenant_id, const std::string& invite_public_id) {
  auto c = pool_.acquire();
  c->prepare("UPDATE invites SET revoked_at = ? WHERE tenant_id = ? AND public_id = ? AND revoked_at IS NULL AND accepted_at IS NULL")
      .bind(1, now_iso())
      .bind(2, tenant_id)
      .bind(3, invite_public_id)
      .run();
  return c->changes() > 0;
}

std::optional<Invite> Store::invite_by_token_hash(const std::string& token_hash) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kInviteSelect) + "WHERE i.token_hash = ?");
  st.bind(1, token_hash);
  if (!st.step()) return std::nullopt;
  return read_invite(st);
}

Result<Tenant> Store::accept_invite(const std::string& token_hash, const User& user, int64_t now) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(std::string(kInviteSelect) + "WHERE i.token_hash = ?");
  st.bind(1, token_hash);
  if (!st.step()) return Status(ErrorCode::kNoData, "no such invite");
  const Invite inv = read_invite(st);
  if (inv.revoked_at || inv.accepted_at || inv.expires_at <= now) {
    return Status(ErrorCode::kNoData, "this invite is no longer valid");
  }
  std::string a = inv.email, b = user.email;
  for (auto* s : {&a, &b}) {
    for (char& ch : *s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  if (a != b) return Status(ErrorCode::kNoData, "this invite is for another e-mail address");
  if (!user.email_verified) {
    return Status(ErrorCode::kNoData, "verify your e-mail address first (POST /api/auth/verify-email/resend sends a code)");
  }
  c->prepare("INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?) "
             "ON CONFLICT(tenant_id, user_id) DO NOTHING")
      .bind(1, inv.tenant_id)
      .bind(2, user.id)
      .bind(3, inv.role)
      .bind(4, now_iso())
      .run();
  c->prepare("UPDATE invites SET accepted_at = ? WHERE id = ?").bind(1, now_iso()).bind(2, inv.id).run();
  tx.commit();
  auto t = tenant_by_id_for(inv.tenant_id, user.id);
  if (!t) return Status(ErrorCode::kInternal, "membership vanished");
  return *t;
}

std::vector<Invite> Store::pending_invites_for(const std::string& email, int64_t now) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kInviteSelect) +
                           "WHERE i.email = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ? ORDER BY i.id");
  st.bind(1, email).bind(2, now);
  std::vector<Invite> out;
  while (st.step()) out.push_back(read_invite(st));
  return out;
}

Onboarding Store::onboarding(int64_t user_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT step, status, data, updated_at FROM onboarding WHERE user_id = ?");
  st.bind(1, user_id);
  if (!st.step()) return {"welcome", "in_progress", "{}", ""};
  return {st.text(0), st.text(1), st.text(2), st.text(3)};
}

void Store::save_onboarding(int64_t user_id, const Onboarding& o) {
  auto c = pool_.acquire();
  c->prepare("INSERT INTO onboarding (user_id, step, status, data, updated_at) VALUES (?, ?, ?, ?, ?) "
             "ON CONFLICT(user_id) DO UPDATE SET step = excluded.step, status = excluded.status, data = excluded.data, "
             "updated_at = excluded.updated_at")
      .bind(1, user_id)
      .bind(2, o.step)
      .bind(3, o.status)
      .bind(4, o.data)
      .bind(5, now_iso())
      .run();
}

namespace {

DatasetMeta read_dataset(db::Stmt& st) {
  DatasetMeta m;
  m.id = st.integer(0);
  m.public_id = st.text(1);
  m.name = st.text(2);
  m.platform = st.text(3);
  m.kind = st.text(4);
  m.bytes = st.integer(5);
  m.rows = st.integer(6);
  if (!st.is_null(7)) m.date_min = st.text(7);
  if (!st.is_null(8)) m.date_max = st.text(8);
  m.report = st.text(9);
  m.created_at = st.text(10);
  return m;
}

constexpr const char* kDatasetSelect =
    "SELECT id, public_id, name, platform, kind, bytes, rows, date_min, date_max, report, created_at FROM datasets ";

}  // namespace

Result<std::vector<DatasetMeta>> Store::insert_datasets(int64_t tenant_id, int64_t user_id, bool may_replace_others,
                                                        const std::vector<NewDataset>& sets) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  std::vector<DatasetMeta> out;
  std::vector<int64_t> inserted;
  for (const NewDataset& nd : sets) {
    const json doc = json::parse(nd.export_json);
    DatasetMeta m = nd.meta;
    m.public_id = crypto::random_hex(16);
    m.created_at = now_iso();
    const auto& entities = doc["entities"];
    const auto& cells = doc["cells"];
    // Day range of the new data, to replace what earlier uploads said about it.
    std::optional<int64_t> lo, hi;
    for (const json& cell : cells) {
      if (cell[1].is_null()) continue;
      const int64_t d = cell[1].get<int64_t>();
      if (!lo || d < *lo) lo = d;
      if (!hi || d > *hi) hi = d;
    }
    if (lo) {
      std::set<std::pair<std::string, std::string>> keys;  // platform, account id
      for (const json& e : entities) keys.emplace(e["platform"].get<std::string>(), e["dims"][0].get<std::string>());
      constexpr const char* kOverlap =
          "FROM dataset_cells WHERE dataset_id IN (SELECT id FROM datasets WHERE tenant_id = ? AND kind = ?) "
          "AND day BETWEEN ? AND ? AND EXISTS (SELECT 1 FROM dataset_entities e WHERE e.dataset_id = dataset_cells.dataset_id "
          "AND e.idx = dataset_cells.entity_idx AND e.platform = ? AND e.account_id = ?)";
      for (const auto& [platform, account] : keys) {
        if (!may_replace_others) {
          // A member replaces only what they uploaded: anyone else's overlapping
          // rows stay, and the upload is refused rather than counted twice.
          db::Stmt st = c->prepare(std::string("SELECT DISTINCT d.name FROM datasets d WHERE d.id IN (SELECT dataset_id ") + kOverlap +
                                   ") AND (d.created_by IS NULL OR d.created_by != ?) ORDER BY d.name LIMIT 5");
          st.bind(1, tenant_id).bind(2, m.kind).bind(3, *lo).bind(4, *hi).bind(5, platform).bind(6, account).bind(7, user_id);
          std::string names;
          while (st.step()) names += (names.empty() ? "" : ", ") + st.text(0);
          if (!names.empty()) {
            return Status(ErrorCode::kInvalidRequest,
                          "'" + m.name + "' covers days already uploaded by someone else (" + names +
                              "); only an admin may replace another member's data");
          }
        }
        c->prepare(std::string("DELETE ") + kOverlap)
            .bind(1, tenant_id)
            .bind(2, m.kind)
            .bind(3, *lo)
            .bind(4, *hi)
            .bind(5, platform)
            .bind(6, account)
            .run();
      }
    }
    c->prepare("INSERT INTO datasets (public_id, tenant_id, name, platform, kind, bytes, rows, metrics_present, date_min, "
               "date_max, report, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, m.public_id)
        .bind(2, tenant_id)
        .bind(3, m.name)
        .bind(4, m.platform)
        .bind(5, m.kind)
        .bind(6, m.bytes)
        .bind(7, m.rows)
        .bind(8, doc.value("metrics_present", int64_t{0}))
        .bind(9, m.date_min ? *m.date_min : std::string())
        .bind(10, m.date_max ? *m.date_max : std::string())
        .bind(11, m.report)
        .bind(12, user_id)
        .bind(13, m.created_at)
        .run();
    m.id = c->last_insert_id();
    inserted.push_back(m.id);
    int64_t idx = 0;
    for (const json& e : entities) {
      db::Stmt st = c->prepare("INSERT INTO dataset_entities (dataset_id, idx, platform, currency, account_id, dims) VALUES (?, ?, ?, ?, ?, ?)");
      st.bind(1, m.id).bind(2, idx++).bind(3, e["platform"].get<std::string>()).bind(4, e["currency"].get<std::string>());
      st.bind(5, e["dims"][0].get<std::string>()).bind(6, e["dims"].dump());
      st.run();
    }
    for (const json& cell : cells) {
      db::Stmt st = c->prepare("INSERT INTO dataset_cells (dataset_id, entity_idx, day, rows, m0, m1, m2, m3, m4, m5, m6) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      st.bind(1, m.id).bind(2, cell[0].get<int64_t>());
      if (cell[1].is_null()) {
        st.bind_null(3);
      } else {
        st.bind(3, cell[1].get<int64_t>());
      }
      st.bind(4, cell[2].get<int64_t>());
      for (int i = 0; i < 7; ++i) st.bind(5 + i, cell[static_cast<size_t>(3 + i)].get<int64_t>());
      st.run();
    }
    out.push_back(m);
  }
  // Datasets that lost rows to a replacement: rows, days and bytes follow
  // what is left (bytes pro rata of rows); those left empty go.
  constexpr const char* kLeft = "(SELECT COALESCE(SUM(rows), 0) FROM dataset_cells WHERE dataset_id = datasets.id)";
  c->prepare(std::string("UPDATE datasets SET bytes = CASE WHEN rows > 0 THEN bytes * ") + kLeft + " / rows ELSE bytes END, rows = " + kLeft +
             ", date_min = COALESCE((SELECT date(MIN(day) * 86400, 'unixepoch') FROM dataset_cells WHERE dataset_id = datasets.id), ''), "
             "date_max = COALESCE((SELECT date(MAX(day) * 86400, 'unixepoch') FROM dataset_cells WHERE dataset_id = datasets.id), '') "
             "WHERE tenant_id = ? AND rows != " + kLeft)
      .bind(1, tenant_id)
      .run();
  c->prepare("DELETE FROM dataset_entities WHERE dataset_id IN (SELECT id FROM datasets WHERE tenant_id = ? AND rows = 0)").bind(1, tenant_id).run();
  c->prepare("DELETE FROM datasets WHERE tenant_id = ? AND rows = 0").bind(1, tenant_id).run();
  // A new dataset can itself lose rows to a later file of the same upload.
  for (DatasetMeta& m : out) {
    db::Stmt st = c->prepare(std::string(kDatasetSelect) + "WHERE id = ?");
    st.bind(1, m.id);
    if (st.step()) {
      m = read_dataset(st);
    } else {
      m.public_id.clear();
    }
  }
  std::erase_if(out, [&](const DatasetMeta& m) { return m.public_id.empty(); });
  bump_version(*c, tenant_id);
  tx.commit();
  return out;
}

std::vector<DatasetMeta> Store::datasets(int64_t tenant_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kDatasetSelect) + "WHERE tenant_id = ? ORDER BY id");
  st.bind(1, tenant_id);
  std::vector<DatasetMeta> out;
  while (st.step()) out.push_back(read_dataset(st));
  return out;
}

bool Store::delete_dataset(int64_t tenant_id, const std::string& public_id) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare("SELECT id FROM datasets WHERE tenant_id = ? AND public_id = ?");
  st.bind(1, tenant_id).bind(2, public_id);
  if (!st.step()) return false;
  const int64_t id = st.integer(0);
  c->prepare("DELETE FROM dataset_cells WHERE dataset_id = ?").bind(1, id).run();
  c->prepare("DELETE FROM dataset_entities WHERE dataset_id = ?").bind(1, id).run();
  c->prepare("DELETE FROM datasets WHERE id = ?").bind(1, id).run();
  bump_version(*c, tenant_id);
  tx.commit();
  return true;
}

std::vector<StoredDataset> Store::tenant_data(int64_t tenant_id) {
  auto c = pool_.acquire();
  std::vector<StoredDataset> out;
  std::vector<std::pair<DatasetMeta, int64_t>> metas;
  {
    db::Stmt st = c->prepare(
        "SELECT id, public_id, name, platform, kind, bytes, rows, date_min, date_max, report, created_at, metrics_present "
        "FROM datasets WHERE tenant_id = ? ORDER BY id");
    st.bind(1, tenant_id);
    while (st.step()) metas.emplace_back(read_dataset(st), st.integer(11));
  }
  for (auto& [meta, present] : metas) {
    json doc;
    doc["kind"] = meta.kind;
    doc["name"] = meta.name;
    doc["platform"] = meta.platform;
    doc["metrics_present"] = present;
    json entities = json::array();
    {
      db::Stmt st = c->prepare("SELECT platform, currency, dims FROM dataset_entities WHERE dataset_id = ? ORDER BY idx");
      st.bind(1, meta.id);
      while (st.step()) entities.push_back({{"platform", st.text(0)}, {"currency", st.text(1)}, {"dims", json::parse(st.text(2))}});
    }
    json cells = json::array();
    {
      db::Stmt st = c->prepare("SELECT entity_idx, day, rows, m0, m1, m2, m3, m4, m5, m6 FROM dataset_cells WHERE dataset_id = ?");
      st.bind(1, meta.id);
      while (st.step()) {
        json row = json::array({st.integer(0), st.is_null(1) ? json(nullptr) : json(st.integer(1)), st.integer(2)});
        for (int i = 3; i < 10; ++i) row.push_back(st.integer(i));
        cells.push_back(std::move(row));
      }
    }
    doc["entities"] = std::move(entities);
    doc["cells"] = std::move(cells);
    out.push_back({meta, doc.dump()});
  }
  return out;
}

int64_t Store::data_version(int64_t tenant_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT version FROM data_versions WHERE tenant_id = ?");
  st.bind(1, tenant_id);
  return st.step() ? st.integer(0) : 0;
}

namespace {
constexpr const char* kCredentialSelect =
    "SELECT id, public_id, owner_kind, owner_id, provider, account_id, label, details, key_id, sealed, status, expires_at, "
    "created_at, updated_at, is_primary, status_note FROM credentials ";

Credential read_credential(db::Stmt& st) {
  Credential c;
  c.id = st.integer(0);
  c.public_id = st.text(1);
  c.owner_kind = st.text(2);
  c.owner_id = st.integer(3);
  c.provider = st.text(4);
  c.account_id = st.text(5);
  c.label = st.text(6);
  c.details = st.text(7);
  c.key_id = st.integer(8);
  c.sealed = st.text(9);
  c.status = st.text(10);
  if (!st.is_null(11)) c.expires_at = st.integer(11);
  c.created_at = st.text(12);
  c.updated_at = st.text(13);
  c.is_primary = st.integer(14) != 0;
  c.status_note = st.text(15);
  return c;
}
}  // namespace

namespace detail {
void bump_data_version(db::Connection& c, int64_t tenant_id) { bump_version(c, tenant_id); }
Credential read_credential_row(db::Stmt& st) { return read_credential(st); }
const char* credential_select() { return kCredentialSelect; }
}  // namespace detail

Credential Store::save_credential(const std::string& owner_kind, int64_t owner_id, const std::string& provider,
                                  const std::string& account_id, const std::string& label, const std::string& details,
                                  int64_t created_by, std::optional<int64_t> expires_at,
                                  const std::function<std::pair<int64_t, std::string>(const std::string& public_id)>& seal) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  const std::string pid = crypto::random_hex(16);
  const auto [key_id, sealed] = seal(pid);
  const std::string now = now_iso();
  c->prepare("DELETE FROM credentials WHERE owner_kind = ? AND owner_id = ? AND provider = ?")
      .bind(1, owner_kind)
      .bind(2, owner_id)
      .bind(3, provider)
      .run();
  c->prepare("INSERT INTO credentials (public_id, owner_kind, owner_id, provider, account_id, label, details, key_id, sealed, "
             "status, expires_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)")
      .bind(1, pid)
      .bind(2, owner_kind)
      .bind(3, owner_id)
      .bind(4, provider)
      .bind(5, account_id)
      .bind(6, label)
      .bind(7, details)
      .bind(8, key_id)
      .bind(9, sealed)
      .bind(10, expires_at)
      .bind(11, created_by)
      .bind(12, now)
      .bind(13, now)
      .run();
  db::Stmt st = c->prepare(std::string(kCredentialSelect) + "WHERE public_id = ?");
  st.bind(1, pid);
  st.step();
  Credential out = read_credential(st);
  tx.commit();
  return out;
}

std::optional<Credential> Store::credential(const std::string& owner_kind, int64_t owner_id, const std::string& provider) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kCredentialSelect) + "WHERE owner_kind = ? AND owner_id = ? AND provider = ? ORDER BY is_primary DESC, id LIMIT 1");
  st.bind(1, owner_kind).bind(2, owner_id).bind(3, provider);
  if (!st.step()) return std::nullopt;
  return read_credential(st);
}

bool Store::delete_credential(const std::string& owner_kind, int64_t owner_id, const std::string& provider) {
  auto c = pool_.acquire();
  c->prepare("DELETE FROM credentials WHERE owner_kind = ? AND owner_id = ? AND provider = ?")
      .bind(1, owner_kind)
      .bind(2, owner_id)
      .bind(3, provider)
      .run();
  return c->changes() > 0;
}

std::vector<Credential> Store::credentials() {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kCredentialSelect) + "ORDER BY id");
  std::vector<Credential> out;
  while (st.step()) out.push_back(read_credential(st));
  return out;
}

int64_t Store::reseal_credentials(const std::function<std::pair<int64_t, std::string>(const Credential&)>& reseal) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  std::vector<Credential> all;
  {
    db::Stmt st = c->prepare(std::string(kCredentialSelect) + "ORDER BY id");
    while (st.step()) all.push_back(read_credential(st));
  }
  for (const Credential& cred : all) {
    const auto [key_id, sealed] = reseal(cred);
    c->prepare("UPDATE credentials SET key_id = ?, sealed = ? WHERE id = ?").bind(1, key_id).bind(2, sealed).bind(3, cred.id).run();
  }
  tx.commit();
  return static_cast<int64_t>(all.size());
}

std::optional<std::string> Store::setting(const std::string& key) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT value FROM settings WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

void Store::set_setting(const std::string& key, const std::string& value) {
  auto c = pool_.acquire();
  c->prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, key)
      .bind(2, value)
      .run();
}

void Store::save_eda(const std::string& id, int64_t user_id, const std::string& name, const std::string& html) {
  auto c = pool_.acquire();
  c->prepare("INSERT INTO eda_reports (id, user_id, name, html, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, user_id)
      .bind(3, name)
      .bind(4, html)
      .bind(5, now_iso())
      .run();
}

std::optional<std::string> Store::eda_html(const std::string& id, int64_t user_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT html FROM eda_reports WHERE id = ? AND user_id = ?");
  st.bind(1, id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

std::vector<User> Store::users() {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string("SELECT ") + kUserCols + " FROM users u ORDER BY u.id");
  std::vector<User> out;
  while (st.step()) out.push_back(read_user(st));
  return out;
}

int64_t Store::database_bytes() {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  return st.step() ? st.integer(0) : 0;
}

}  // namespace glint::native
