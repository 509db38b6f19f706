-- 008: synced platform data.
-- * sync_runs: durable sync tasks (queued → running with progress → done |
--   failed), at most one queued or running per connection; a restart puts
--   running ones back in the queue and they resume after the last slice done.
-- * synced_rows: the platforms' daily rows, in core's metric slots (micro-
--   units), replaced a whole slice — (connection, account, level, day in the
--   account's zone) — at a time, never appended.
-- * synced_slices: which slices exist, when they were fetched and whether
--   they are still inside the platform's restatement window.
-- * synced_accounts: per connection and account: zone, currency, last
--   successful sync, newest complete day.
CREATE TABLE sync_runs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id     TEXT NOT NULL UNIQUE,
  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  trigger       TEXT NOT NULL,                 -- 'manual', 'schedule', 'connect'
  slices_total  INTEGER NOT NULL DEFAULT 0,
  slices_done   INTEGER NOT NULL DEFAULT 0,
  rows_written  INTEGER NOT NULL DEFAULT 0,
  done_units    TEXT NOT NULL DEFAULT '[]',    -- JSON: units (account × level × range) finished, for resuming
  failures      TEXT NOT NULL DEFAULT '[]',    -- JSON: per-account failures
  message       TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX sync_runs_one_active ON sync_runs(credential_id) WHERE status IN ('queued', 'running');
CREATE INDEX sync_runs_queue ON sync_runs(status, id);

CREATE TABLE synced_rows (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  platform      TEXT NOT NULL,                 -- google_ads, meta_ads, ga4, mailchimp, brevo, hubspot
  kind          TEXT NOT NULL CHECK (kind IN ('ads', 'web')),
  account_id    TEXT NOT NULL,
  level         TEXT NOT NULL,                 -- campaign, ad_group, ad, traffic, email, deal
  day           INTEGER NOT NULL,              -- days since 1970-01-01 in the account's zone
  currency      TEXT NOT NULL,
  dims          TEXT NOT NULL,                 -- JSON array in core's dimension order
  attrs         TEXT NOT NULL DEFAULT '',      -- JSON of campaign attributes ('' none)
  m0 INTEGER NOT NULL, m1 INTEGER NOT NULL, m2 INTEGER NOT NULL, m3 INTEGER NOT NULL,
  m4 INTEGER NOT NULL, m5 INTEGER NOT NULL, m6 INTEGER NOT NULL
) STRICT;
CREATE INDEX synced_rows_slice ON synced_rows(credential_id, account_id, level, day);

CREATE TABLE synced_slices (
  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  account_id    TEXT NOT NULL,
  level         TEXT NOT NULL,
  day           INTEGER NOT NULL,
  rows          INTEGER NOT NULL,
  fetched_at    INTEGER NOT NULL,
  provisional   INTEGER NOT NULL CHECK (provisional IN (0, 1)),
  PRIMARY KEY (credential_id, account_id, level, day)
) STRICT;

CREATE TABLE synced_accounts (
  credential_id  INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  account_id     TEXT NOT NULL,
  platform       TEXT NOT NULL,
  name           TEXT NOT NULL,
  currency       TEXT NOT NULL,
  time_zone      TEXT NOT NULL,
  last_success   INTEGER,                      -- unix seconds
  newest_day     INTEGER,                      -- the newest complete day (yesterday in its zone at the last success)
  last_error     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (credential_id, account_id)
) STRICT;
