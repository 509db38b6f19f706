// Store: async insight tasks and the copilot's history (schemas/sql/010_insights.sql).
#include "auth/crypto.h"
#include "store/store.h"

namespace glint::native {

namespace {

constexpr const char* kTaskSelect =
    "SELECT id, public_id, user_id, tenant_id, kind, request, status, progress, message, result, error, attempts, created_at, "
    "started_at, completed_at FROM insight_tasks ";

InsightTask read_task(db::Stmt& st) {
  InsightTask t;
  t.id = st.integer(0);
  t.public_id = st.text(1);
  t.user_id = st.integer(2);
  t.tenant_id = st.integer(3);
  t.kind = st.text(4);
  t.request = st.text(5);
  t.status = st.text(6);
  t.progress = st.integer(7);
  t.message = st.text(8);
  if (!st.is_null(9)) t.result = st.text(9);
  if (!st.is_null(10)) t.error = st.text(10);
  t.attempts = st.integer(11);
  t.created_at = st.integer(12);
  if (!st.is_null(13)) t.started_at = st.integer(13);
  if (!st.is_null(14)) t.completed_at = st.integer(14);
  return t;
}

std::optional<InsightTask> task_where(db::Connection& c, const char* where, int64_t id) {
  db::Stmt st = c.prepare(std::string(kTaskSelect) + where);
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_task(st);
}

constexpr const char* kChatSelect =
    "SELECT id, public_id, user_id, tenant_id, conversation_id, role, content, meta, feedback, created_at FROM chat_messages ";

ChatMessage read_chat(db::Stmt& st) {
  ChatMessage m;
  m.id = st.integer(0);
  m.public_id = st.text(1);
  m.user_id = st.integer(2);
  m.tenant_id = st.integer(3);
  m.conversation_id = st.text(4);
  m.role = st.text(5);
  m.content = st.text(6);
  m.meta = st.text(7);
  if (!st.is_null(8)) m.feedback = st.text(8);
  m.created_at = st.integer(9);
  return m;
}

}  // namespace

InsightTask Store::create_insight_task(int64_t user_id, int64_t tenant_id, const std::string& kind, const std::string& request) {
  auto c = pool_.acquire();
  c->prepare("INSERT INTO insight_tasks (public_id, user_id, tenant_id, kind, request, status, message, created_at) "
             "VALUES (?, ?, ?, ?, ?, 'pending', 'queued', ?)")
      .bind(1, "task_" + crypto::random_hex(16))
      .bind(2, user_id)
      .bind(3, tenant_id)
      .bind(4, kind)
      .bind(5, request)
      .bind(6, now_unix())
      .run();
  return *task_where(*c, "WHERE id = ?", c->last_insert_id());
}

std::optional<InsightTask> Store::claim_insight_task(int64_t now) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(std::string(kTaskSelect) + "WHERE status = 'pending' ORDER BY id LIMIT 1");
  if (!st.step()) return std::nullopt;
  InsightTask t = read_task(st);
  c->prepare("UPDATE insight_tasks SET status = 'processing', attempts = attempts + 1, started_at = ?, progress = 5, "
             "message = 'starting' WHERE id = ?")
      .bind(1, now)
      .bind(2, t.id)
      .run();
  tx.commit();
  t.status = "processing";
  t.attempts += 1;
  t.started_at = now;
  t.progress = 5;
  t.message = "starting";
  return t;
}

std::pair<int64_t, int64_t> Store::recover_insight_tasks(int max_attempts, int64_t now) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  c->prepare("UPDATE insight_tasks SET status = 'pending', progress = 0, "
             "message = 'queued again: the server stopped while it ran' WHERE status = 'processing' AND attempts < ?")
      .bind(1, max_attempts)
      .run();
  const int64_t requeued = c->changes();
  c->prepare("UPDATE insight_tasks SET status = 'failed', completed_at = ?, message = 'failed', "
             "error = 'the server stopped while this task ran, ' || attempts || ' times; start it again' "
             "WHERE status = 'processing'")
      .bind(1, now)
      .run();
  const int64_t failed = c->changes();
  tx.commit();
  return {requeued, failed};
}

void Store::insight_task_progress(int64_t id, int progress, const std::string& message) {
  auto c = pool_.acquire();
  c->prepare("UPDATE insight_tasks SET progress = ?, message = ? WHERE id = ? AND status = 'processing'")
      .bind(1, progress)
      .bind(2, message)
      .bind(3, id)
      .run();
}

bool Store::finish_insight_task(int64_t id, const std::string& status, const std::optional<std::string>& result,
                                const std::optional<std::string>& error, int64_t now) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(
      "UPDATE insight_tasks SET status = ?, progress = CASE WHEN ? = 'completed' THEN 100 ELSE progress END, "
      "message = ?, result = ?, error = ?, completed_at = ? WHERE id = ? AND status = 'processing'");
  st.bind(1, status).bind(2, status).bind(3, status == "completed" ? "done" : status);
  if (result) {
    st.bind(4, *result);
  } else {
    st.bind_null(4);
  }
  if (error) {
    st.bind(5, *error);
  } else {
    st.bind_null(5);
  }
  st.bind(6, now).bind(7, id).run();
  return c->changes() > 0;
}

std::optional<InsightTask> Store::insight_task(const std::string& public_id, int64_t user_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kTaskSelect) + "WHERE public_id = ? AND user_id = ?");
  st.bind(1, public_id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return read_task(st);
}

std::optional<InsightTask> Store::cancel_insight_task(const std::string& public_id, int64_t user_id, int64_t now) {
  auto c = pool_.acquire();
  c->prepare("UPDATE insight_tasks SET status = 'cancelled', message = 'cancelled', completed_at = ? "
             "WHERE public_id = ? AND user_id = ? AND status IN ('pending', 'processing')")
      .bind(1, now)
      .bind(2, public_id)
      .bind(3, user_id)
      .run();
  db::Stmt st = c->prepare(std::string(kTaskSelect) + "WHERE public_id = ? AND user_id = ?");
  st.bind(1, public_id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return read_task(st);
}

ChatMessage Store::add_chat_message(int64_t user_id, int64_t tenant_id, const std::string& conversation_id, const std::string& role,
                                    const std::string& content, const std::string& meta) {
  auto c = pool_.acquire();
  c->prepare("INSERT INTO chat_messages (public_id, user_id, tenant_id, conversation_id, role, content, meta, created_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, "msg_" + crypto::random_hex(16))
      .bind(2, user_id)
      .bind(3, tenant_id)
      .bind(4, conversation_id)
      .bind(5, role)
      .bind(6, content)
      .bind(7, meta)
      .bind(8, now_unix())
      .run();
  db::Stmt st = c->prepare(std::string(kChatSelect) + "WHERE id = ?");
  st.bind(1, c->last_insert_id());
  st.step();
  return read_chat(st);
}

std::vector<ChatMessage> Store::chat_messages(int64_t user_id, int64_t tenant_id, const std::string& conversation_id, int limit) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT * FROM (" + std::string(kChatSelect) +
                           "WHERE user_id = ? AND tenant_id = ? AND (? = '' OR conversation_id = ?) ORDER BY id DESC LIMIT ?) "
                           "ORDER BY id");
  st.bind(1, user_id).bind(2, tenant_id).bind(3, conversation_id).bind(4, conversation_id).bind(5, limit);
  std::vector<ChatMessage> out;
  while (st.step()) out.push_back(read_chat(st));
  return out;
}

bool Store::chat_feedback(const std::string& message_public_id, int64_t user_id, const std::string& feedback) {
  auto c = pool_.acquire();
  c->prepare("UPDATE chat_messages SET feedback = ? WHERE public_id = ? AND user_id = ? AND role = 'assistant'")
      .bind(1, feedback)
      .bind(2, message_public_id)
      .bind(3, user_id)
      .run();
  return c->changes() > 0;
}

}  // namespace glint::native
