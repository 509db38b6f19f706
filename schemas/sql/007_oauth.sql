-- 007: OAuth connections.
-- * credentials: a provider may hold several connections per owner when it
--   grants one per upstream account (HubSpot portals, Mailchimp accounts);
--   one of them is the primary. Rebuilt the documented way (the runner turns
--   foreign keys off around this file); ids and the id sequence are kept, so
--   every sealed value still opens (its associated data names the public id).
-- * oauth_states: one-time authorization states, stored hashed, bound to the
--   session, owner, provider and redirect URI, with the PKCE verifier sealed.
-- * platform_accounts: what a connection reaches (ad accounts, GA4
--   properties, pages), discovered, linked and selected; nothing secret.
-- * platform_preferences, audit_log.
CREATE TABLE credentials_new (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id    TEXT NOT NULL UNIQUE,
  owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('tenant', 'user')),
  owner_id     INTEGER NOT NULL,
  provider     TEXT NOT NULL,
  account_id   TEXT NOT NULL,
  label        TEXT NOT NULL,
  details      TEXT NOT NULL,
  key_id       INTEGER NOT NULL,
  sealed       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'reconnect_required')),
  expires_at   INTEGER,
  created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  is_primary   INTEGER NOT NULL DEFAULT 1 CHECK (is_primary IN (0, 1)),
  status_note  TEXT NOT NULL DEFAULT '',
  UNIQUE (owner_kind, owner_id, provider, account_id)
) STRICT;
INSERT INTO credentials_new (id, public_id, owner_kind, owner_id, provider, account_id, label, details, key_id, sealed, status,
                             expires_at, created_by, created_at, updated_at)
  SELECT id, public_id, owner_kind, owner_id, provider, account_id, label, details, key_id, sealed, status, expires_at,
         created_by, created_at, updated_at FROM credentials;
DELETE FROM sqlite_sequence WHERE name = 'credentials_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'credentials_new', seq FROM sqlite_sequence WHERE name = 'credentials';
DROP TABLE credentials;
ALTER TABLE credentials_new RENAME TO credentials;
CREATE INDEX credentials_key ON credentials(key_id);
CREATE INDEX credentials_owner ON credentials(owner_kind, owner_id, provider);

CREATE TABLE oauth_states (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  state_hash      TEXT NOT NULL UNIQUE,      -- SHA-256 of the state value; the value itself is never stored
  provider        TEXT NOT NULL,
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  session_hash    TEXT NOT NULL,
  owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('tenant', 'user')),
  owner_id        INTEGER NOT NULL,
  redirect_uri    TEXT NOT NULL,
  return_to       TEXT NOT NULL,             -- '' when the callback page only closes itself
  verifier_sealed TEXT NOT NULL,             -- '' when the provider takes no PKCE
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  consumed_at     INTEGER
) STRICT;
CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);

CREATE TABLE platform_accounts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id     TEXT NOT NULL UNIQUE,
  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL,               -- google_ads, ga4, meta_ads, facebook_page
  external_id   TEXT NOT NULL,
  name          TEXT NOT NULL,
  details       TEXT NOT NULL,               -- JSON: currency, time zone, managers, status …
  linked        INTEGER NOT NULL DEFAULT 0 CHECK (linked IN (0, 1)),
  selected      INTEGER NOT NULL DEFAULT 0 CHECK (selected IN (0, 1)),
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'vanished')),
  discovered_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  UNIQUE (credential_id, kind, external_id)
) STRICT;

CREATE TABLE platform_preferences (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  data       TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT NOT NULL,
  detail  TEXT NOT NULL,
  address TEXT NOT NULL
) STRICT;
