-- 006: platform connections and their credentials, sealed by the vault.
-- A credential belongs to a workspace (owner_kind 'tenant') or to a user;
-- `sealed` is AES-256-GCM under the key named in it, bound to this row's
-- owner, provider and public id. Nothing secret is stored in clear.
CREATE TABLE credentials (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id    TEXT NOT NULL UNIQUE,
  owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('tenant', 'user')),
  owner_id     INTEGER NOT NULL,
  provider     TEXT NOT NULL,
  account_id   TEXT NOT NULL,        -- the upstream's id of what is connected
  label        TEXT NOT NULL,        -- what a person recognises (an e-mail, a company)
  details      TEXT NOT NULL,        -- JSON, nothing secret
  key_id       INTEGER NOT NULL,
  sealed       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'reconnect_required')),
  expires_at   INTEGER,
  created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  UNIQUE (owner_kind, owner_id, provider)
) STRICT;
CREATE INDEX credentials_key ON credentials(key_id);
