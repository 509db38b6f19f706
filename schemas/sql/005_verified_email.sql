-- 005: verified e-mail addresses. An invite is accepted only by the account
-- whose verified address it names; sign-up answers the same for new and
-- existing addresses and proves ownership with a one-time code.
ALTER TABLE users ADD COLUMN email_verified_at TEXT;

-- One live code per user and purpose, stored hashed; a sign-up over an
-- unverified account waits here with its password until the code is given.
CREATE TABLE email_codes (
  user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose           TEXT NOT NULL CHECK (purpose IN ('verify')),
  code_hash         TEXT NOT NULL,
  new_password_hash TEXT,
  expires_at        INTEGER NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, purpose)
) STRICT;
