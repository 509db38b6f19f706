-- 003: uploaded exports, stored as core's canonical aggregates, and EDA reports.
CREATE TABLE datasets (
  id         INTEGER PRIMARY KEY,
  public_id  TEXT NOT NULL UNIQUE,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  platform   TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('ads', 'web')),
  bytes      INTEGER NOT NULL,
  rows       INTEGER NOT NULL,
  metrics_present INTEGER NOT NULL,  -- bit per metric slot the export has a column for
  date_min   TEXT,
  date_max   TEXT,
  report     TEXT NOT NULL,   -- the ingest report: encoding, platform, diagnostics …
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX datasets_tenant ON datasets(tenant_id);

-- Entities (campaign/ad or source/medium …) of a dataset: dims is a JSON array.
CREATE TABLE dataset_entities (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  idx        INTEGER NOT NULL,
  platform   TEXT NOT NULL,
  currency   TEXT NOT NULL,
  account_id TEXT NOT NULL,
  dims       TEXT NOT NULL,
  PRIMARY KEY (dataset_id, idx)
) STRICT;

-- Sums per entity and day, in micro-units; day is days since 1970-01-01, NULL when unknown.
CREATE TABLE dataset_cells (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  entity_idx INTEGER NOT NULL,
  day        INTEGER,
  rows       INTEGER NOT NULL,
  m0 INTEGER NOT NULL, m1 INTEGER NOT NULL, m2 INTEGER NOT NULL, m3 INTEGER NOT NULL,
  m4 INTEGER NOT NULL, m5 INTEGER NOT NULL, m6 INTEGER NOT NULL
) STRICT;
CREATE INDEX dataset_cells_dataset ON dataset_cells(dataset_id, day);

CREATE TABLE eda_reports (
  id         TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  html       TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- Bumped in the same transaction as any change to a workspace's data, so
-- caches of analysed data know when to reload.
CREATE TABLE data_versions (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  version   INTEGER NOT NULL
) STRICT;
