// Store: sync tasks and synced rows (schemas/sql/008_sync.sql).
#include "auth/crypto.h"
#include <map>

#include "store/store.h"

namespace glint::native {

namespace detail {
void bump_data_version(db::Connection& c, int64_t tenant_id);
}  // namespace detail

namespace {

constexpr const char* kRunSelect =
    "SELECT id, public_id, credential_id, status, trigger, slices_total, slices_done, rows_written, done_units, failures, message, "
    "created_at, started_at, finished_at FROM sync_runs ";

SyncRun read_run(db::Stmt& st) {
  SyncRun r;
  r.id = st.integer(0);
  r.public_id = st.text(1);
  r.credential_id = st.integer(2);
  r.status = st.text(3);
  r.trigger = st.text(4);
  r.slices_total = st.integer(5);
  r.slices_done = st.integer(6);
  r.rows_written = st.integer(7);
  r.done_units = st.text(8);
  r.failures = st.text(9);
  r.message = st.text(10);
  r.created_at = st.integer(11);
  if (!st.is_null(12)) r.started_at = st.integer(12);
  if (!st.is_null(13)) r.finished_at = st.integer(13);
  return r;
}

constexpr const char* kRowSelect =
    "SELECT platform, kind, account_id, level, day, currency, dims, attrs, m0, m1, m2, m3, m4, m5, m6 FROM synced_rows ";

SyncedRow read_row(db::Stmt& st) {
  SyncedRow r;
  r.platform = st.text(0);
  r.kind = st.text(1);
  r.account_id = st.text(2);
  r.level = st.text(3);
  r.day = static_cast<int32_t>(st.integer(4));
  r.currency = st.text(5);
  r.dims = st.text(6);
  r.attrs = st.text(7);
  for (int i = 0; i < 7; ++i) r.m[static_cast<size_t>(i)] = st.integer(8 + i);
  return r;
}

}  // namespace

std::pair<SyncRun, bool> Store::enqueue_sync(int64_t credential_id, const std::string& trigger) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  {
    db::Stmt st = c->prepare(std::string(kRunSelect) + "WHERE credential_id = ? AND status IN ('queued', 'running')");
    st.bind(1, credential_id);
    if (st.step()) return {read_run(st), false};
  }
  const std::string pid = crypto::random_hex(12);
  c->prepare("INSERT INTO sync_runs (public_id, credential_id, status, trigger, created_at) VALUES (?, ?, 'queued', ?, ?)")
      .bind(1, pid)
      .bind(2, credential_id)
      .bind(3, trigger)
      .bind(4, now_unix())
      .run();
  db::Stmt st = c->prepare(std::string(kRunSelect) + "WHERE public_id = ?");
  st.bind(1, pid);
  st.step();
  SyncRun out = read_run(st);
  tx.commit();
  return {out, true};
}

std::optional<SyncRun> Store::claim_sync(int64_t now) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  db::Stmt st = c->prepare(std::string(kRunSelect) + "WHERE status = 'queued' ORDER BY id LIMIT 1");
  if (!st.step()) return std::nullopt;
  SyncRun r = read_run(st);
  c->prepare("UPDATE sync_runs SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ?").bind(1, now).bind(2, r.id).run();
  tx.commit();
  r.status = "running";
  if (!r.started_at) r.started_at = now;
  return r;
}

int64_t Store::requeue_running_syncs() {
  auto c = pool_.acquire();
  c->prepare("UPDATE sync_runs SET status = 'queued' WHERE status = 'running'").run();
  return c->changes();
}

void Store::save_sync_progress(const SyncRun& r) {
  auto c = pool_.acquire();
  c->prepare("UPDATE sync_runs SET slices_total = ?, slices_done = ?, rows_written = ?, done_units = ?, failures = ? WHERE id = ?")
      .bind(1, r.slices_total)
      .bind(2, r.slices_done)
      .bind(3, r.rows_written)
      .bind(4, r.done_units)
      .bind(5, r.failures)
      .bind(6, r.id)
      .run();
}

void Store::finish_sync(int64_t run_id, const std::string& status, const std::string& message, const std::string& failures, int64_t now) {
  auto c = pool_.acquire();
  c->prepare("UPDATE sync_runs SET status = ?, message = ?, failures = ?, finished_at = ? WHERE id = ?")
      .bind(1, status)
      .bind(2, message)
      .bind(3, failures)
      .bind(4, now)
      .bind(5, run_id)
      .run();
}

std::optional<SyncRun> Store::sync_run(const std::string& public_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kRunSelect) + "WHERE public_id = ?");
  st.bind(1, public_id);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::vector<SyncRun> Store::sync_runs_of(int64_t credential_id, int limit) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kRunSelect) + "WHERE credential_id = ? ORDER BY id DESC LIMIT ?");
  st.bind(1, credential_id).bind(2, limit);
  std::vector<SyncRun> out;
  while (st.step()) out.push_back(read_run(st));
  return out;
}

int64_t Store::replace_slices(int64_t credential_id, const std::string& account_id, const std::string& level, int32_t first, int32_t last,
                              const std::vector<SyncedRow>& rows, int32_t provisional_from, int64_t now) {
  auto c = pool_.acquire();
  db::Transaction tx(*c);
  c->prepare("DELETE FROM synced_rows WHERE credential_id = ? AND account_id = ? AND level = ? AND day BETWEEN ? AND ?")
      .bind(1, credential_id)
      .bind(2, account_id)
      .bind(3, level)
      .bind(4, int64_t{first})
      .bind(5, int64_t{last})
      .run();
  std::map<int32_t, int64_t> per_day;
  for (int32_t d = first; d <= last; ++d) per_day[d] = 0;
  for (const SyncedRow& r : rows) {
    if (r.day < first || r.day > last) continue;  // outside the slices asked: not this call's to write
    c->prepare("INSERT INTO synced_rows (credential_id, platform, kind, account_id, level, day, currency, dims, attrs, m0, m1, m2, m3, m4, "
               "m5, m6) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, credential_id)
        .bind(2, r.platform)
        .bind(3, r.kind)
        .bind(4, account_id)
        .bind(5, level)
        .bind(6, int64_t{r.day})
        .bind(7, r.currency)
        .bind(8, r.dims)
        .bind(9, r.attrs)
        .bind(10, r.m[0])
        .bind(11, r.m[1])
        .bind(12, r.m[2])
        .bind(13, r.m[3])
        .bind(14, r.m[4])
        .bind(15, r.m[5])
        .bind(16, r.m[6])
        .run();
    ++per_day[r.day];
  }
  for (const auto& [day, n] : per_day) {
    c->prepare("INSERT INTO synced_slices (credential_id, account_id, level, day, rows, fetched_at, provisional) VALUES (?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (credential_id, account_id, level, day) DO UPDATE SET rows = excluded.rows, fetched_at = excluded.fetched_at, "
               "provisional = excluded.provisional")
        .bind(1, credential_id)
        .bind(2, account_id)
        .bind(3, level)
        .bind(4, int64_t{day})
        .bind(5, n)
        .bind(6, now)
        .bind(7, day >= provisional_from ? 1 : 0)
        .run();
  }
  db::Stmt owner = c->prepare("SELECT owner_kind, owner_id FROM credentials WHERE id = ?");
  owner.bind(1, credential_id);
  if (owner.step() && owner.text(0) == "tenant") detail::bump_data_version(*c, owner.integer(1));
  tx.commit();
  int64_t written = 0;
  for (const auto& [day, n] : per_day) written += n;
  return written;
}

std::vector<SyncedRow> Store::synced_rows(int64_t credential_id, const std::string& account_id, const std::string& level, int32_t first,
                                          int32_t last) {
  auto c = pool_.acquire();
  std::vector<SyncedRow> out;
  {
    // Sized first (from the index alone): growing a vector of hundreds of
    // thousands of rows costs more than reading them.
    db::Stmt n = c->prepare("SELECT COUNT(*) FROM synced_rows WHERE credential_id = ? AND account_id = ? AND level = ? AND day BETWEEN ? AND ?");
    n.bind(1, credential_id).bind(2, account_id).bind(3, level).bind(4, int64_t{first}).bind(5, int64_t{last});
    if (n.step()) out.reserve(static_cast<size_t>(n.integer(0)));
  }
  db::Stmt st = c->prepare(std::string(kRowSelect) + "WHERE credential_id = ? AND account_id = ? AND level = ? AND day BETWEEN ? AND ? ORDER BY day, id");
  st.bind(1, credential_id).bind(2, account_id).bind(3, level).bind(4, int64_t{first}).bind(5, int64_t{last});
  while (st.step()) out.push_back(read_row(st));
  return out;
}

std::vector<SyncedRow> Store::tenant_synced_rows(int64_t tenant_id, const std::string& level) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kRowSelect) +
                           "WHERE level = ? AND credential_id IN (SELECT id FROM credentials WHERE owner_kind = 'tenant' AND owner_id = ?) "
                           "ORDER BY platform, account_id, day, id");
  st.bind(1, level).bind(2, tenant_id);
  std::vector<SyncedRow> out;
  while (st.step()) out.push_back(read_row(st));
  return out;
}

std::optional<int32_t> Store::first_provisional_day(int64_t credential_id, const std::string& account_id, const std::string& level) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare("SELECT MIN(day) FROM synced_slices WHERE credential_id = ? AND account_id = ? AND level = ? AND provisional = 1");
  st.bind(1, credential_id).bind(2, account_id).bind(3, level);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return static_cast<int32_t>(st.integer(0));
}

void Store::save_synced_account(const SyncedAccount& a) {
  auto c = pool_.acquire();
  c->prepare("INSERT INTO synced_accounts (credential_id, account_id, platform, name, currency, time_zone, last_success, newest_day, "
             "last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credential_id, account_id) DO UPDATE SET platform = excluded.platform, "
             "name = excluded.name, currency = excluded.currency, time_zone = excluded.time_zone, "
             "last_success = COALESCE(excluded.last_success, last_success), newest_day = COALESCE(excluded.newest_day, newest_day), "
             "last_error = excluded.last_error")
      .bind(1, a.credential_id)
      .bind(2, a.account_id)
      .bind(3, a.platform)
      .bind(4, a.name)
      .bind(5, a.currency)
      .bind(6, a.time_zone)
      .bind(7, a.last_success)
      .bind(8, a.newest_day ? std::optional<int64_t>(*a.newest_day) : std::nullopt)
      .bind(9, a.last_error)
      .run();
}

namespace {

constexpr const char* kAccountSelect =
    "SELECT credential_id, account_id, platform, name, currency, time_zone, last_success, newest_day, last_error FROM synced_accounts ";

std::vector<SyncedAccount> read_accounts(db::Stmt& st) {
  std::vector<SyncedAccount> out;
  while (st.step()) {
    SyncedAccount a;
    a.credential_id = st.integer(0);
    a.account_id = st.text(1);
    a.platform = st.text(2);
    a.name = st.text(3);
    a.currency = st.text(4);
    a.time_zone = st.text(5);
    if (!st.is_null(6)) a.last_success = st.integer(6);
    if (!st.is_null(7)) a.newest_day = static_cast<int32_t>(st.integer(7));
    a.last_error = st.text(8);
    out.push_back(a);
  }
  return out;
}

}  // namespace

std::vector<SyncedAccount> Store::synced_accounts(int64_t credential_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kAccountSelect) + "WHERE credential_id = ? ORDER BY account_id");
  st.bind(1, credential_id);
  return read_accounts(st);
}

std::vector<SyncedAccount> Store::tenant_synced_accounts(int64_t tenant_id) {
  auto c = pool_.acquire();
  db::Stmt st = c->prepare(std::string(kAccountSelect) +
                           "WHERE credential_id IN (SELECT id FROM credentials WHERE owner_kind = 'tenant' AND owner_id = ?) "
                           "ORDER BY platform, account_id");
  st.bind(1, tenant_id);
  return read_accounts(st);
}

}  // namespace glint::native
