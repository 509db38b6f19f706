-- 009: synced email campaigns (Mailchimp, Brevo) and HubSpot deals are rows
-- of their own kinds beside the ads and web rows: 'email' (sent, delivered,
-- unique opens, unique clicks, bounces, unsubscribes, revenue in m0..m6) and
-- 'crm' (deals won, amount). The kind's CHECK widens, which SQLite does by
-- rebuilding the table the documented way (the runner turns foreign keys off
-- around each file and runs foreign_key_check before committing).
CREATE TABLE synced_rows_new (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  platform      TEXT NOT NULL,                 -- google_ads, meta_ads, ga4, mailchimp, brevo, hubspot
  kind          TEXT NOT NULL CHECK (kind IN ('ads', 'web', 'email', 'crm')),
  account_id    TEXT NOT NULL,
  level         TEXT NOT NULL,                 -- campaign, ad_group, adset, ad, traffic, pages, email, deals
  day           INTEGER NOT NULL,              -- days since 1970-01-01 in the account's zone
  currency      TEXT NOT NULL,
  dims          TEXT NOT NULL,                 -- JSON array in core's dimension order
  attrs         TEXT NOT NULL DEFAULT '',      -- JSON of campaign attributes ('' none)
  m0 INTEGER NOT NULL, m1 INTEGER NOT NULL, m2 INTEGER NOT NULL, m3 INTEGER NOT NULL,
  m4 INTEGER NOT NULL, m5 INTEGER NOT NULL, m6 INTEGER NOT NULL
) STRICT;
INSERT INTO synced_rows_new SELECT id, credential_id, platform, kind, account_id, level, day, currency, dims, attrs,
  m0, m1, m2, m3, m4, m5, m6 FROM synced_rows;
-- Ids stay never reused: the new table continues the old one's sequence.
DELETE FROM sqlite_sequence WHERE name = 'synced_rows_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'synced_rows_new', seq FROM sqlite_sequence WHERE name = 'synced_rows';
DROP TABLE synced_rows;
ALTER TABLE synced_rows_new RENAME TO synced_rows;
CREATE INDEX synced_rows_slice ON synced_rows(credential_id, account_id, level, day);
