#include "storage.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <utility>

namespace glint::native {

namespace sql {
extern const std::pair<std::string_view, std::string_view> k_files[];
extern const int k_file_count;
}  // namespace sql

namespace {

Status exec(sqlite3* db, const char* statement) {
  char* err = nullptr;
  if (sqlite3_exec(db, statement, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err != nullptr ? err : "unknown SQLite error";
    sqlite3_free(err);
    return Status(ErrorCode::kInternal, message);
  }
  return Status::Ok();
}

// "007_add_x.sql" → 7; 0 when the name does not start with a number.
int migration_number(std::string_view name) {
  int n = 0;
  for (char c : name) {
    if (c < '0' || c > '9') break;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status(ErrorCode::kInternal, "cannot create " + parent.string() + ": " + ec.message());
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) {
    return Status(ErrorCode::kInternal, "cannot open " + path + ": " + sqlite3_errstr(rc));
  }
  sqlite3_busy_timeout(raw, 5000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                             "PRAGMA foreign_keys=ON"}) {
    if (Status s = exec(raw, pragma); !s.ok()) return s;
  }
  if (Status s = db->migrate(); !s.ok()) return s;
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

int Database::schema_version() const {
  sqlite3_stmt* stmt = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return version;
}

int Database::latest_version() {
  int latest = 0;
  for (int i = 0; i < sql::k_file_count; ++i) {
    latest = std::max(latest, migration_number(sql::k_files[i].first));
  }
  return latest;
}

Status Database::migrate() {
  const int current = schema_version();
  for (int i = 0; i < sql::k_file_count; ++i) {
    const auto& [name, text] = sql::k_files[i];
    const int number = migration_number(name);
    if (number <= current) continue;
    if (Status s = exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
    Status s = exec(db_, std::string(text).c_str());
    if (s.ok()) s = exec(db_, ("PRAGMA user_version=" + std::to_string(number)).c_str());
    if (!s.ok()) {
      exec(db_, "ROLLBACK");
      return Status(ErrorCode::kInternal,
                    "migration " + std::string(name) + " failed: " + s.message());
    }
    if (Status c = exec(db_, "COMMIT"); !c.ok()) return c;
  }
  return Status::Ok();
}

}  // namespace glint::native
