-- 010: written insights.
-- * insight_tasks: durable async insight tasks (pending → processing with
--   progress → completed | failed | cancelled), owned by one user in one
--   workspace; a restart puts a processing task back in the queue once
--   (attempts), a second interruption fails it with the reason. None vanishes.
-- * chat_messages: the copilot's history per user and workspace, with what
--   each answer stood on (verified, facts, provider) and the user's feedback.
CREATE TABLE insight_tasks (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id     TEXT NOT NULL UNIQUE,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('grow', 'optimize', 'protect', 'summary')),
  request       TEXT NOT NULL,                 -- JSON: the request's options
  status        TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
  progress      INTEGER NOT NULL DEFAULT 0,    -- 0..100
  message       TEXT NOT NULL DEFAULT '',
  result        TEXT,                          -- JSON, when completed
  error         TEXT,                          -- why, when failed
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  started_at    INTEGER,
  completed_at  INTEGER
) STRICT;
CREATE INDEX insight_tasks_queue ON insight_tasks(status, id);

CREATE TABLE chat_messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id       TEXT NOT NULL UNIQUE,
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content         TEXT NOT NULL,
  meta            TEXT NOT NULL DEFAULT '{}',  -- JSON: verified, facts, provider, model, tool calls
  feedback        TEXT,                        -- JSON: rating, comment, at
  created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX chat_messages_of ON chat_messages(user_id, tenant_id, id);
