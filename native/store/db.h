// db — a thin, safe layer over SQLite: prepared statements only, a pool of
// connections (one per worker at a time; WAL lets readers run beside the one
// writer), and BEGIN IMMEDIATE transactions that roll back unless committed.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace glint::native::db {

// Thrown for SQLite failures; routes turn it into a 500 (or 503 when busy).
struct Error : std::runtime_error {
  explicit Error(const std::string& what, int sqlite_code = SQLITE_ERROR) : std::runtime_error(what), code(sqlite_code) {}
  int code;
};

class Connection;

// A prepared statement; bind with 1-based indexes, step, read columns.
class Stmt {
 public:
  Stmt(Connection& c, sqlite3_stmt* s) : conn_(c), s_(s) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i);
  Stmt& bind(int i, std::optional<int64_t> v) { return v ? bind(i, *v) : bind_null(i); }

  bool step();  // true while a row is available
  void run() {
    while (step()) {
    }
  }
  int64_t integer(int col) const { return sqlite3_column_int64(s_, col); }
  std::string text(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  Connection& conn_;
  sqlite3_stmt* s_;
};

class Connection {
 public:
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A fresh statement each time; compiled statements are cached by SQL text.
  Stmt prepare(std::string_view sql);
  void exec(const char* sql);  // for PRAGMAs and migrations (no parameters)
  int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }
  void release(sqlite3_stmt* s);

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> cache_;
  std::unordered_map<sqlite3_stmt*, std::string> sql_of_;
};

// BEGIN IMMEDIATE … COMMIT; rolls back if destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Connection& c);
  ~Transaction();
  void commit();

 private:
  Connection& c_;
  bool done_ = false;
};

class Pool;

// A connection borrowed from the pool for one unit of work.
class Lease {
 public:
  Lease(Pool& p, std::unique_ptr<Connection> c) : pool_(p), c_(std::move(c)) {}
  ~Lease();
  Lease(Lease&&) = default;
  Connection& operator*() { return *c_; }
  Connection* operator->() { return c_.get(); }

 private:
  Pool& pool_;
  std::unique_ptr<Connection> c_;
};

class Pool {
 public:
  Pool(std::string path, size_t max_connections);
  Lease acquire();
  void give_back(std::unique_ptr<Connection> c);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  size_t max_;
  size_t open_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace glint::native::db
