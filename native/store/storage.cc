#include "store/storage.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <utility>

#include "store/db.h"

namespace glint::native {

namespace sql {
extern const std::pair<std::string_view, std::string_view> k_files[];
extern const int k_file_count;
}  // namespace sql

namespace {

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

int latest_schema_version() {
  int latest = 0;
  for (int i = 0; i < sql::k_file_count; ++i) latest = std::max(latest, migration_number(sql::k_files[i].first));
  return latest;
}

Result<int> migrate_database(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status(ErrorCode::kInternal, "cannot create " + parent.string() + ": " + ec.message());
  try {
    db::Connection c(path);
    int version = 0;
    {
      db::Stmt st = c.prepare("PRAGMA user_version");
      if (st.step()) version = static_cast<int>(st.integer(0));
    }
    if (version > latest_schema_version()) {
      return Status(ErrorCode::kInternal, path + " has schema version " + std::to_string(version) +
                                              ", newer than this glint (" + std::to_string(latest_schema_version()) +
                                              "); upgrade glint");
    }
    for (int i = 0; i < sql::k_file_count; ++i) {
      const auto& [name, text] = sql::k_files[i];
      const int number = migration_number(name);
      if (number <= version) continue;
      // Foreign keys off around each file (a no-op inside a transaction), so
      // a migration may rebuild a table without cascading deletes; checked
      // before the commit.
      c.exec("PRAGMA foreign_keys=OFF");
      {
        db::Transaction tx(c);
        c.exec(std::string(text).c_str());
        db::Stmt check = c.prepare("PRAGMA foreign_key_check");
        if (check.step()) throw db::Error(std::string(name) + " leaves rows that break a foreign key", SQLITE_CONSTRAINT);
        c.exec(("PRAGMA user_version=" + std::to_string(number)).c_str());
        tx.commit();
      }
      c.exec("PRAGMA foreign_keys=ON");
      version = number;
    }
    return version;
  } catch (const db::Error& e) {
    return Status(ErrorCode::kInternal, "database " + path + ": " + e.what());
  }
}

}  // namespace glint::native
