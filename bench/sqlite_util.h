// Thin RAII helpers over the SQLite C API for the peer: a connection that
// caches its prepared statements by SQL text, and a statement cursor with
// typed binds and columns. Errors become ticketlog::Status (io_error with
// SQLite's message) so that the peer reports like the engine.
//
// Thread-compatible: one SqliteDb per thread.
#ifndef TICKETLOG_BENCH_SQLITE_UTIL_H_
#define TICKETLOG_BENCH_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "ticketlog/status.h"

namespace ticketlog::bench {

// A column or parameter value: NULL, an integer or text.
using SqlValue = std::variant<std::monostate, int64_t, std::string>;

// A prepared statement in use. Reset (and unbound) when destroyed, so that
// the cached statement is ready for the next use.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const char* value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const SqlValue& value);
  Statement& BindNull(int index);

  // Advances to the next row: true with a row, false when done; a failed
  // step is reported by status().
  bool Step();
  // Runs a statement that returns no rows.
  Status Run();
  Status status() const { return status_; }

  // Columns are 0-based, as in SQLite.
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string_view TextView(int column) const;
  SqlValue Value(int column) const;

 private:
  sqlite3_stmt* stmt_;
  Status status_;
};

class SqliteDb {
 public:
  // Opens (creating when missing) the database file at `path`.
  static StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  // A statement for `sql`, prepared once per connection and reused.
  StatusOr<std::unique_ptr<Statement>> Prepare(const std::string& sql);
  int64_t LastInsertRowid() const;
  sqlite3* raw() const { return db_; }

 private:
  SqliteDb() = default;
  Status Error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_SQLITE_UTIL_H_
