// storage — the server's SQLite database.
//
// One file in WAL mode; the migrations in schemas/sql/NNN_name.sql (compiled
// into the binary) are applied at open, in order, each in its own
// BEGIN IMMEDIATE transaction, and PRAGMA user_version records the last one
// applied. Statements are always prepared. A Database is used by one thread
// at a time; open one per worker when needed (WAL lets readers run alongside
// the single writer).
#pragma once

#include <memory>
#include <string>

#include "glint/status.h"

struct sqlite3;

namespace glint::native {

class Database {
 public:
  // Opens (creating it and its folder if needed) and migrates `path`.
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // PRAGMA user_version: the number of the last migration applied.
  int schema_version() const;
  // Number of migrations compiled into this binary.
  static int latest_version();
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  Status migrate();

  sqlite3* db_;
};

}  // namespace glint::native
