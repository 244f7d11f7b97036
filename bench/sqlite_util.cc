#include "bench/sqlite_util.h"

namespace ticketlog::bench {

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: the caller's buffer may not outlive the bind.
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, const SqlValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return Bind(index, *i);
  if (const auto* s = std::get_if<std::string>(&value)) {
    return Bind(index, std::string_view(*s));
  }
  return BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    status_ = Status::IoError(std::string("sqlite: ") +
                              sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  return false;
}

Status Statement::Run() {
  while (Step()) {
  }
  return status_;
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::Text(int column) const {
  return std::string(TextView(column));
}

std::string_view Statement::TextView(int column) const {
  const auto* text =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string_view(text, sqlite3_column_bytes(stmt_, column));
}

SqlValue Statement::Value(int column) const {
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_NULL:
      return std::monostate{};
    case SQLITE_INTEGER:
      return Int(column);
    default:
      return Text(column);
  }
}

StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  std::unique_ptr<SqliteDb> db(new SqliteDb());
  int rc = sqlite3_open_v2(
      path.c_str(), &db->db_,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) return db->Error("opening " + path);
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  if (db_) sqlite3_close(db_);
}

Status SqliteDb::Error(std::string_view what) const {
  return Status::IoError("sqlite: " + std::string(what) + ": " +
                         (db_ ? sqlite3_errmsg(db_) : "out of memory"));
}

Status SqliteDb::Exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::OK();
  std::string text = message ? message : "unknown error";
  sqlite3_free(message);
  return Status::IoError("sqlite: " + text + " in: " + sql.substr(0, 80));
}

StatusOr<std::unique_ptr<Statement>> SqliteDb::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error("preparing " + sql.substr(0, 80));
    it = statements_.emplace(sql, stmt).first;
  }
  return std::make_unique<Statement>(it->second);
}

int64_t SqliteDb::LastInsertRowid() const {
  return sqlite3_last_insert_rowid(db_);
}

}  // namespace ticketlog::bench
