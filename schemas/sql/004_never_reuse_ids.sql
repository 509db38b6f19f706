-- 004: ids that are never reused. SQLite hands a deleted table's largest
-- rowid to the next insert unless the key is AUTOINCREMENT, and anything
-- cached by id (a workspace's loaded data) would then answer for a stranger.
-- Tables are rebuilt the documented way (the runner turns foreign keys off
-- around this file and runs foreign_key_check before committing).
CREATE TABLE users_new (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id     TEXT NOT NULL UNIQUE,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL
) STRICT;
INSERT INTO users_new SELECT id, public_id, email, name, password_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE tenants_new (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id  TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  slug       TEXT NOT NULL UNIQUE,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL
) STRICT;
INSERT INTO tenants_new SELECT id, public_id, name, slug, created_by, created_at FROM tenants;
DROP TABLE tenants;
ALTER TABLE tenants_new RENAME TO tenants;

CREATE TABLE invites_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id   TEXT NOT NULL UNIQUE,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email       TEXT NOT NULL COLLATE NOCASE,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  token_hash  TEXT NOT NULL UNIQUE,
  created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at  TEXT NOT NULL,
  expires_at  INTEGER NOT NULL,
  accepted_at TEXT,
  revoked_at  TEXT
) STRICT;
INSERT INTO invites_new SELECT id, public_id, tenant_id, email, role, token_hash, created_by, created_at, expires_at,
                               accepted_at, revoked_at FROM invites;
DROP TABLE invites;
ALTER TABLE invites_new RENAME TO invites;
CREATE INDEX invites_tenant ON invites(tenant_id);

CREATE TABLE datasets_new (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id  TEXT NOT NULL UNIQUE,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  platform   TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('ads', 'web')),
  bytes      INTEGER NOT NULL,
  rows       INTEGER NOT NULL,
  metrics_present INTEGER NOT NULL,
  date_min   TEXT,
  date_max   TEXT,
  report     TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL
) STRICT;
INSERT INTO datasets_new SELECT id, public_id, tenant_id, name, platform, kind, bytes, rows, metrics_present, date_min,
                                date_max, report, created_by, created_at FROM datasets;
DROP TABLE datasets;
ALTER TABLE datasets_new RENAME TO datasets;
CREATE INDEX datasets_tenant ON datasets(tenant_id);

-- Data versions come from one server-wide sequence, so a version number is
-- never seen twice, whatever is deleted.
CREATE TABLE data_version_seq (n INTEGER PRIMARY KEY AUTOINCREMENT) STRICT;
INSERT INTO data_version_seq (n) SELECT COALESCE(MAX(version), 0) + 1 FROM data_versions;
UPDATE data_versions SET version = (SELECT MAX(n) FROM data_version_seq);
