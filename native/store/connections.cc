// Store: connections, OAuth states, discovered accounts, preferences and the
// audit trail (the tables of migrations 006 and 007).
#include "auth/crypto.h"
#include "store/store.h"

namespace glint::native {

namespace detail {
Credential read_credential_row(db::Stmt& st);
const char* credential_select();
}  // namespace detail

namespace {

constexpr const char* kAccountSelect =
    "SELECT id, public_id, credential_id, kind, external_id, name, details, linked, selected, "
    "status, discovered_at, updated_at "
    "FROM platform_accounts ";

PlatformAccount read_account(db::Stmt& st) {
  PlatformAccount a;
  a.id = st.integer(0);
  a.public_id = st.text(1);
  a.credential_id = st.integer(2);
  a.kind = st.text(3);
  a.external_id = st.text(4);
  a.name = st.text(5);
  a.details = st.text(6);
  a.linked = st.integer(7) != 0;
  a.selected = st.integer(8) != 0;
  a.status = st.text(9);
  a.discovered_at = st.text(10);
  a.updated_at = st.text(11);
  return a;
}

std::optional<Credential> credential_where(db::Connection& c, const char* where, int64_t id) {
  db::Stmt st = c.prepare(std::string(detail::credential_select()) + where);
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return detail::read_credential_row(st);
}

}  // namespace

Credential Store::upsert_credential(
    const std::string& owner_kind, int64_t owner_id, const std::string& provider,
    const std::string& account_id, const std::string& label, const std::string& details,
    int64_t created_by, std::optional<int64_t> expires_at, bool only_one,
    const std::function<std::pair<int64_t, std::string>(const std::string& public_id)>& seal) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  const std::string now = now_iso();
  std::optional<int64_t> existing;
  std::string pid;
  {
    db::Stmt st = c->prepare(
        "SELECT id, public_id FROM credentials WHERE owner_kind = ? AND owner_id = ? AND provider "
        "= ? AND account_id = ?");
    st.bind(1, owner_kind).bind(2, owner_id).bind(3, provider).bind(4, account_id);
    if (st.step()) {
      existing = st.integer(0);
      pid = st.text(1);
    }
  }
  if (only_one) {
    c->prepare(
         "DELETE FROM credentials WHERE owner_kind = ? AND owner_id = ? AND provider = ? AND "
         "account_id <> ?")
        .bind(1, owner_kind)
        .bind(2, owner_id)
        .bind(3, provider)
        .bind(4, account_id)
        .run();
  }
  if (pid.empty()) pid = crypto::random_hex(16);
  const auto [key_id, sealed] = seal(pid);
  int64_t id = 0;
  if (existing) {
    c->prepare(
         "UPDATE credentials SET label = ?, details = ?, key_id = ?, sealed = ?, status = "
         "'active', status_note = '', "
         "expires_at = ?, updated_at = ? WHERE id = ?")
        .bind(1, label)
        .bind(2, details)
        .bind(3, key_id)
        .bind(4, sealed)
        .bind(5, expires_at)
        .bind(6, now)
        .bind(7, *existing)
        .run();
    id = *existing;
  } else {
    db::Stmt primary = c->prepare(
        "SELECT COUNT(*) FROM credentials WHERE owner_kind = ? AND owner_id = ? AND provider = ? "
        "AND is_primary = 1");
    primary.bind(1, owner_kind).bind(2, owner_id).bind(3, provider);
    primary.step();
    const bool first = primary.integer(0) == 0;
    c->prepare(
         "INSERT INTO credentials (public_id, owner_kind, owner_id, provider, account_id, label, "
         "details, key_id, sealed, "
         "status, expires_at, created_by, created_at, updated_at, is_primary) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)")
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
        .bind(14, first ? 1 : 0)
        .run();
    id = c->last_insert_id();
  }
  Credential out = *credential_where(*c, "WHERE id = ?", id);
  tx.commit();
  return out;
}

std::vector<Credential> Store::credentials_of(const std::string& owner_kind, int64_t owner_id,
                                              const std::string& provider) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(detail::credential_select()) +
                           "WHERE owner_kind = ? AND owner_id = ? AND ((? = '' AND provider NOT LIKE 'llm:%') OR provider = ?) "
                           "ORDER BY provider, is_primary DESC, id");
  st.bind(1, owner_kind).bind(2, owner_id).bind(3, provider).bind(4, provider);
  std::vector<Credential> out;
  while (st.step()) out.push_back(detail::read_credential_row(st));
  return out;
}

std::optional<Credential> Store::credential_by_id(int64_t id) {
  auto c = pool_.acquire();
  return credential_where(*c, "WHERE id = ?", id);
}

bool Store::replace_credential_secret(int64_t id, const std::string& expected_sealed,
                                      int64_t key_id, const std::string& sealed,
                                      std::optional<int64_t> expires_at) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  c->prepare(
       "UPDATE credentials SET key_id = ?, sealed = ?, expires_at = COALESCE(?, expires_at), "
       "status = 'active', status_note = '', "
       "updated_at = ? WHERE id = ? AND sealed = ?")
      .bind(1, key_id)
      .bind(2, sealed)
      .bind(3, expires_at)
      .bind(4, now_iso())
      .bind(5, id)
      .bind(6, expected_sealed)
      .run();
  const bool replaced = c->changes() > 0;
  tx.commit();
  return replaced;
}

void Store::set_credential_status(int64_t id, const std::string& status, const std::string& note) {
  auto c = pool_.acquire();
  c->prepare("UPDATE credentials SET status = ?, status_note = ?, updated_at = ? WHERE id = ?")
      .bind(1, status)
      .bind(2, note)
      .bind(3, now_iso())
      .bind(4, id)
      .run();
}

void Store::set_credential_details(int64_t id, const std::string& details) {
  auto c = pool_.acquire();
  c->prepare("UPDATE credentials SET details = ?, updated_at = ? WHERE id = ?")
      .bind(1, details)
      .bind(2, now_iso())
      .bind(3, id)
      .run();
}

void Store::set_primary_credential(int64_t id) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  c->prepare(
       "UPDATE credentials SET is_primary = (id = ?) WHERE (owner_kind, owner_id, provider) = "
       "(SELECT owner_kind, owner_id, provider FROM credentials WHERE id = ?)")
      .bind(1, id)
      .bind(2, id)
      .run();
  tx.commit();
}

bool Store::delete_credential_by_id(int64_t id) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  std::optional<Credential> gone = credential_where(*c, "WHERE id = ?", id);
  if (!gone) return false;
  c->prepare("DELETE FROM platform_accounts WHERE credential_id = ?").bind(1, id).run();
  c->prepare("DELETE FROM credentials WHERE id = ?").bind(1, id).run();
  if (gone->is_primary) {  // another connection to the provider takes over
    c->prepare(
         "UPDATE credentials SET is_primary = 1 WHERE id = (SELECT MIN(id) FROM credentials WHERE "
         "owner_kind = ? AND "
         "owner_id = ? AND provider = ?)")
        .bind(1, gone->owner_kind)
        .bind(2, gone->owner_id)
        .bind(3, gone->provider)
        .run();
  }
  tx.commit();
  return true;
}

void Store::save_oauth_state(const std::string& state_hash, const OAuthState& s) {
  auto c = pool_.acquire();
  c->prepare(
       "INSERT INTO oauth_states (state_hash, provider, user_id, session_hash, owner_kind, "
       "owner_id, redirect_uri, return_to, "
       "verifier_sealed, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, state_hash)
      .bind(2, s.provider)
      .bind(3, s.user_id)
      .bind(4, s.session_hash)
      .bind(5, s.owner_kind)
      .bind(6, s.owner_id)
      .bind(7, s.redirect_uri)
      .bind(8, s.return_to)
      .bind(9, s.verifier_sealed)
      .bind(10, s.created_at)
      .bind(11, s.expires_at)
      .run();
}

std::optional<OAuthState> Store::consume_oauth_state(const std::string& state_hash, int64_t now) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(
      "SELECT id, provider, user_id, session_hash, owner_kind, owner_id, redirect_uri, return_to, "
      "verifier_sealed, created_at, "
      "expires_at, consumed_at FROM oauth_states WHERE state_hash = ?");
  st.bind(1, state_hash);
  if (!st.step()) return std::nullopt;
  OAuthState s;
  s.id = st.integer(0);
  s.provider = st.text(1);
  s.user_id = st.integer(2);
  s.session_hash = st.text(3);
  s.owner_kind = st.text(4);
  s.owner_id = st.integer(5);
  s.redirect_uri = st.text(6);
  s.return_to = st.text(7);
  s.verifier_sealed = st.text(8);
  s.created_at = st.integer(9);
  s.expires_at = st.integer(10);
  if (!st.is_null(11)) s.consumed_at = st.integer(11);
  if (!s.consumed_at) {
    // The verifier is not needed again: it is wiped with the consumption.
    c->prepare("UPDATE oauth_states SET consumed_at = ?, verifier_sealed = '' WHERE id = ?")
        .bind(1, now)
        .bind(2, s.id)
        .run();
  }
  tx.commit();
  return s;
}

int64_t Store::purge_oauth_states(int64_t now) {
  auto c = pool_.acquire();
  // Consumed or expired states are kept a day, so a replay is recognised as one.
  c->prepare("DELETE FROM oauth_states WHERE expires_at < ?").bind(1, now - 86400).run();
  return c->changes();
}

int64_t Store::record_accounts(int64_t credential_id, const std::vector<std::string>& kinds,
                               const std::vector<FoundAccount>& found) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  const std::string now = now_iso();
  // Everything of these kinds is provisionally missing; what is found again is active.
  int64_t before_vanished = 0;
  for (const std::string& kind : kinds) {
    db::Stmt n = c->prepare(
        "SELECT COUNT(*) FROM platform_accounts WHERE credential_id = ? AND kind = ? AND status = "
        "'vanished'");
    n.bind(1, credential_id).bind(2, kind);
    n.step();
    before_vanished += n.integer(0);
    c->prepare(
         "UPDATE platform_accounts SET status = 'vanished' WHERE credential_id = ? AND kind = ?")
        .bind(1, credential_id)
        .bind(2, kind)
        .run();
  }
  for (const FoundAccount& a : found) {
    c->prepare(
         "INSERT INTO platform_accounts (public_id, credential_id, kind, external_id, name, "
         "details, discovered_at, updated_at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credential_id, kind, external_id) DO UPDATE "
         "SET name = excluded.name, "
         "details = excluded.details, status = 'active', updated_at = excluded.updated_at")
        .bind(1, crypto::random_hex(12))
        .bind(2, credential_id)
        .bind(3, a.kind)
        .bind(4, a.external_id)
        .bind(5, a.name)
        .bind(6, a.details)
        .bind(7, now)
        .bind(8, now)
        .run();
  }
  int64_t after_vanished = 0;
  for (const std::string& kind : kinds) {
    db::Stmt n = c->prepare(
        "SELECT COUNT(*) FROM platform_accounts WHERE credential_id = ? AND kind = ? AND status = "
        "'vanished'");
    n.bind(1, credential_id).bind(2, kind);
    n.step();
    after_vanished += n.integer(0);
  }
  tx.commit();
  return std::max<int64_t>(0, after_vanished - before_vanished);
}

std::vector<PlatformAccount> Store::platform_accounts(int64_t credential_id,
                                                      const std::string& kind) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(
      std::string(kAccountSelect) +
      "WHERE credential_id = ? AND (? = '' OR kind = ?) ORDER BY kind, name, external_id");
  st.bind(1, credential_id).bind(2, kind).bind(3, kind);
  std::vector<PlatformAccount> out;
  while (st.step()) out.push_back(read_account(st));
  return out;
}

std::vector<std::string> Store::link_accounts(int64_t credential_id, const std::string& kind,
                                              const std::vector<std::string>& external_ids,
                                              bool exclusive) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  std::vector<std::string> unknown;
  for (const std::string& id : external_ids) {
    db::Stmt st = c->prepare(
        "SELECT 1 FROM platform_accounts WHERE credential_id = ? AND kind = ? AND external_id = ?");
    st.bind(1, credential_id).bind(2, kind).bind(3, id);
    if (!st.step()) unknown.push_back(id);
  }
  if (!unknown.empty()) return unknown;  // nothing changes when any id is not this connection's
  const std::string now = now_iso();
  if (exclusive) {
    c->prepare(
         "UPDATE platform_accounts SET linked = 0, selected = 0, updated_at = ? WHERE "
         "credential_id = ? AND kind = ?")
        .bind(1, now)
        .bind(2, credential_id)
        .bind(3, kind)
        .run();
  }
  for (const std::string& id : external_ids) {
    c->prepare(
         "UPDATE platform_accounts SET linked = 1, updated_at = ? WHERE credential_id = ? AND kind "
         "= ? AND external_id = ?")
        .bind(1, now)
        .bind(2, credential_id)
        .bind(3, kind)
        .bind(4, id)
        .run();
  }
  tx.commit();
  return unknown;
}

bool Store::select_account(int64_t credential_id, const std::string& kind,
                           const std::string& external_id) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(
      "SELECT 1 FROM platform_accounts WHERE credential_id = ? AND kind = ? AND external_id = ?");
  st.bind(1, credential_id).bind(2, kind).bind(3, external_id);
  if (!st.step()) return false;
  const std::string now = now_iso();
  c->prepare(
       "UPDATE platform_accounts SET selected = (external_id = ?), linked = CASE WHEN external_id "
       "= ? THEN 1 ELSE linked END, "
       "updated_at = ? WHERE credential_id = ? AND kind = ?")
      .bind(1, external_id)
      .bind(2, external_id)
      .bind(3, now)
      .bind(4, credential_id)
      .bind(5, kind)
      .run();
  tx.commit();
  return true;
}

std::optional<std::string> Store::platform_preferences(int64_t user_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT data FROM platform_preferences WHERE user_id = ?");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

void Store::set_platform_preferences(int64_t user_id, const std::string& data) {
  auto c = pool_.acquire();
  c->prepare(
       "INSERT INTO platform_preferences (user_id, data, updated_at) VALUES (?, ?, ?) ON CONFLICT "
       "(user_id) DO UPDATE SET "
       "data = excluded.data, updated_at = excluded.updated_at")
      .bind(1, user_id)
      .bind(2, data)
      .bind(3, now_iso())
      .run();
}

void Store::audit(const std::string& actor, const std::string& action, const std::string& target,
                  const std::string& detail, const std::string& address) {
  auto c = pool_.acquire();
  c->prepare(
       "INSERT INTO audit_log (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, "
       "?)")
      .bind(1, now_iso())
      .bind(2, actor)
      .bind(3, action)
      .bind(4, target)
      .bind(5, detail)
      .bind(6, address)
      .run();
}

int64_t Store::audit_count(const std::string& action) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT COUNT(*) FROM audit_log WHERE action = ?");
  st.bind(1, action);
  st.step();
  return st.integer(0);
}

}  // namespace glint::native
