#include "bench/sqlite_peer.h"

#include <charconv>
#include <type_traits>
#include <utility>

#include "base/text.h"
#include "bench/flat_json.h"
#include "bench/ticket_columns.h"
#include "projections/contacts.h"

namespace ticketlog::bench {
namespace {

constexpr const char* kDirectory = "directory";

std::string Schema() {
  std::string columns;
  for (const auto& c : TicketColumns()) {
    columns += std::string(c.name) + " " + c.sql_type + ",\n";
  }
  return R"sql(
CREATE TABLE IF NOT EXISTS departments (
  account TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY (account, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS operators (
  account TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
  departments TEXT NOT NULL,
  PRIMARY KEY (account, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS statuses (
  account TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY (account, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contacts (
  account TEXT NOT NULL, contact TEXT NOT NULL, ext_id TEXT NOT NULL,
  name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL,
  PRIMARY KEY (account, contact));
CREATE INDEX IF NOT EXISTS contacts_ext_id ON contacts (account, ext_id);
CREATE INDEX IF NOT EXISTS contacts_email ON contacts (account, email);
CREATE INDEX IF NOT EXISTS contacts_phone ON contacts (account, phone);
CREATE TABLE IF NOT EXISTS tickets (
)sql" + columns +
         R"sql(
  PRIMARY KEY (account, ticket));
CREATE UNIQUE INDEX IF NOT EXISTS tickets_number ON tickets (account, number);
CREATE INDEX IF NOT EXISTS tickets_updated
  ON tickets (account, updated_at, number);
CREATE INDEX IF NOT EXISTS tickets_created
  ON tickets (account, created_at, number);
CREATE INDEX IF NOT EXISTS tickets_status
  ON tickets (account, status, updated_at, number);
CREATE INDEX IF NOT EXISTS tickets_department
  ON tickets (account, department, updated_at, number);
CREATE INDEX IF NOT EXISTS tickets_operator
  ON tickets (account, operator, updated_at, number);
CREATE INDEX IF NOT EXISTS tickets_channel
  ON tickets (account, channel, updated_at, number);
CREATE INDEX IF NOT EXISTS tickets_contact
  ON tickets (account, contact, updated_at, number);
CREATE TABLE IF NOT EXISTS messages (
  account TEXT NOT NULL, ticket TEXT NOT NULL, seq INTEGER NOT NULL,
  kind INTEGER NOT NULL, author INTEGER NOT NULL, author_id TEXT NOT NULL,
  private INTEGER NOT NULL, content TEXT NOT NULL, attachments TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account, ticket, seq));
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY, event_id TEXT NOT NULL,
  account TEXT NOT NULL, stream TEXT NOT NULL, version INTEGER NOT NULL,
  type TEXT NOT NULL, occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL, actor_kind INTEGER NOT NULL,
  actor_id TEXT NOT NULL, command_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS events_stream
  ON events (account, stream, version);
CREATE TABLE IF NOT EXISTS commands (
  account TEXT NOT NULL, command_id TEXT NOT NULL, ticket TEXT NOT NULL,
  number INTEGER NOT NULL, version INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (account, command_id)) WITHOUT ROWID;
)sql";
}

std::string EncodeAttachments(const std::vector<Attachment>& attachments) {
  std::string out = "[";
  for (size_t i = 0; i < attachments.size(); ++i) {
    const Attachment& a = attachments[i];
    if (i > 0) out.push_back(',');
    out += EncodeObject({{"name", a.name},
                         {"content_type", a.content_type},
                         {"size", static_cast<int64_t>(a.size_bytes)},
                         {"sha256", a.sha256}});
  }
  out.push_back(']');
  return out;
}

// The data column of a directory event.
std::string DirectoryData(const EventPayload& payload) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, DepartmentDefined>) {
          return EncodeObject({{"department", e.department}, {"name", e.name}});
        } else if constexpr (std::is_same_v<T, OperatorRegistered>) {
          return EncodeObject(
              {{"operator", e.operator_id},
               {"name", e.name},
               {"departments", EncodeStringArray(e.departments)}});
        } else if constexpr (std::is_same_v<T, OperatorRemoved>) {
          return EncodeObject({{"operator", e.operator_id}});
        } else if constexpr (std::is_same_v<T, StatusDefined>) {
          return EncodeObject({{"status", e.status}, {"name", e.name}});
        } else {
          return "{}";
        }
      },
      payload);
}

// Peer cursors: "page:time:number" of the last row of the previous page.
std::string EncodeCursor(uint32_t page, TimeUs time, uint64_t number) {
  return std::to_string(page) + ":" + std::to_string(time) + ":" +
         std::to_string(number);
}

bool DecodeCursor(const std::string& text, uint32_t& page, TimeUs& time,
                  int64_t& number) {
  size_t a = text.find(':');
  size_t b = a == std::string::npos ? a : text.find(':', a + 1);
  if (b == std::string::npos) return false;
  auto parse = [&](size_t from, size_t to, auto& out) {
    auto [end, ec] = std::from_chars(text.data() + from, text.data() + to, out);
    return ec == std::errc() && end == text.data() + to;
  };
  return parse(0, a, page) && parse(a + 1, b, time) &&
         parse(b + 1, text.size(), number) && page >= 1;
}

}  // namespace

StatusOr<std::unique_ptr<SqlitePeer>> SqlitePeer::Open(const std::string& path,
                                                       bool sync, Role role) {
  auto db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqlitePeer> peer(new SqlitePeer(std::move(*db)));
  SqliteDb& d = *peer->db_;
  TICKETLOG_RETURN_IF_ERROR(d.Exec("PRAGMA busy_timeout = 60000"));
  TICKETLOG_RETURN_IF_ERROR(d.Exec("PRAGMA journal_mode = WAL"));
  TICKETLOG_RETURN_IF_ERROR(
      d.Exec(std::string("PRAGMA synchronous = ") + (sync ? "FULL" : "OFF")));
  if (role == Role::kReader) {
    TICKETLOG_RETURN_IF_ERROR(d.Exec("PRAGMA cache_size = -65536"));
  }
  TICKETLOG_RETURN_IF_ERROR(d.Exec("BEGIN IMMEDIATE"));
  Status created = d.Exec(Schema());
  TICKETLOG_RETURN_IF_ERROR(d.Exec(created.ok() ? "COMMIT" : "ROLLBACK"));
  TICKETLOG_RETURN_IF_ERROR(created);
  return peer;
}

SqlitePeer::~SqlitePeer() = default;

StatusOr<CommandResult> SqlitePeer::Execute(const Command& command) {
  TICKETLOG_RETURN_IF_ERROR(domain::ValidateEnvelope(command));
  // IMMEDIATE takes the write lock up front: two connections that both read
  // and then write would otherwise deadlock on the upgrade.
  TICKETLOG_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  auto result = ExecuteInTransaction(command);
  if (result.ok()) {
    Status committed = db_->Exec("COMMIT");
    if (committed.ok()) return result;
    result = committed;
  }
  // The directory cache may hold the refused command's changes.
  directories_.erase(command.account);
  Status rolled_back = db_->Exec("ROLLBACK");
  if (!rolled_back.ok()) return rolled_back;
  return result;
}

class SqlitePeer::Reads final : public domain::CommandReads {
 public:
  explicit Reads(SqlitePeer& peer) : peer_(peer) {}

  StatusOr<std::optional<TicketView>> Ticket(
      const std::string& account, const std::string& ticket) override {
    return peer_.ReadTicket(account, ticket);
  }
  StatusOr<DirectoryPtr> Directory(const std::string& account) override {
    return peer_.LoadDirectory(account);
  }
  StatusOr<std::optional<Customer>> FindContact(const std::string& account,
                                                const Customer& ref) override {
    return peer_.FindContact(account, ref);
  }
  StatusOr<uint64_t> LastNumber(const std::string& account) override {
    auto stmt = peer_.db_->Prepare(
        "SELECT COALESCE(MAX(number), 0) FROM tickets WHERE account = ?");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, account);
    uint64_t last = s.Step() ? static_cast<uint64_t>(s.Int(0)) : 0;
    TICKETLOG_RETURN_IF_ERROR(s.status());
    return last;
  }
  StatusOr<uint64_t> LinkedOpenTickets(
      const std::string& account, const std::string& operator_id) override {
    auto stmt = peer_.db_->Prepare(
        "SELECT COUNT(*) FROM tickets WHERE account = ? AND operator = ? "
        "AND status != 3");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, account).Bind(2, operator_id);
    uint64_t n = s.Step() ? static_cast<uint64_t>(s.Int(0)) : 1;
    TICKETLOG_RETURN_IF_ERROR(s.status());
    return n;
  }

 private:
  SqlitePeer& peer_;
};

StatusOr<CommandResult> SqlitePeer::ExecuteInTransaction(
    const Command& command) {
  if (!command.command_id.empty()) {
    auto seen = LookupCommand(command);
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) return **seen;
  }
  TimeUs now = base::NowUs();
  Reads reads(*this);
  auto decision = domain::Handle(
      command, reads,
      domain::Stamp{
          .now_us = now, .recorded_at_us = now, .new_id = base::NewUuid});
  if (!decision.ok()) return decision.status();
  auto result = decision->directory ? WriteDirectory(command, *decision)
                                    : WriteTicket(command, *decision);
  if (!result.ok() || command.command_id.empty()) return result;
  TICKETLOG_RETURN_IF_ERROR(RecordCommand(command, *result));
  return result;
}

StatusOr<std::optional<CommandResult>> SqlitePeer::LookupCommand(
    const Command& command) {
  auto stmt = db_->Prepare(
      "SELECT ticket, number, version, position FROM commands "
      "WHERE account = ? AND command_id = ?");
  if (!stmt.ok()) return stmt.status();
  Statement& s = **stmt;
  s.Bind(1, command.account).Bind(2, command.command_id);
  if (!s.Step()) {
    TICKETLOG_RETURN_IF_ERROR(s.status());
    return std::optional<CommandResult>();
  }
  CommandResult r;
  r.ticket = s.Text(0);
  r.number = static_cast<uint64_t>(s.Int(1));
  r.version = static_cast<uint64_t>(s.Int(2));
  r.position = static_cast<uint64_t>(s.Int(3));
  return std::optional<CommandResult>(std::move(r));
}

Status SqlitePeer::RecordCommand(const Command& command,
                                 const CommandResult& result) {
  auto stmt = db_->Prepare(
      "INSERT INTO commands (account, command_id, ticket, number, version, "
      "position) VALUES (?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  return (*stmt)
      ->Bind(1, command.account)
      .Bind(2, command.command_id)
      .Bind(3, result.ticket)
      .Bind(4, static_cast<int64_t>(result.number))
      .Bind(5, static_cast<int64_t>(result.version))
      .Bind(6, static_cast<int64_t>(result.position))
      .Run();
}

StatusOr<int64_t> SqlitePeer::InsertEvent(const Event& event,
                                          const std::string& type,
                                          const std::string& data) {
  auto stmt = db_->Prepare(
      "INSERT INTO events (event_id, account, stream, version, type, "
      "occurred_at, recorded_at, actor_kind, actor_id, command_id, data) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  TICKETLOG_RETURN_IF_ERROR((*stmt)
                                ->Bind(1, event.event_id)
                                .Bind(2, event.account)
                                .Bind(3, event.stream)
                                .Bind(4, static_cast<int64_t>(event.version))
                                .Bind(5, type)
                                .Bind(6, event.occurred_at_us)
                                .Bind(7, event.recorded_at_us)
                                .Bind(8, static_cast<int64_t>(event.actor.kind))
                                .Bind(9, event.actor.id)
                                .Bind(10, event.command_id)
                                .Bind(11, data)
                                .Run());
  return db_->LastInsertRowid();
}

StatusOr<SqlitePeer::DirectoryPtr> SqlitePeer::LoadDirectory(
    const std::string& account) {
  auto cached = directories_.find(account);
  if (cached != directories_.end()) return cached->second;
  domain::DirectoryState state;
  {
    auto stmt =
        db_->Prepare("SELECT id, name FROM departments WHERE account = ?");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, account);
    while (s.Step()) state.departments[s.Text(0)] = s.Text(1);
    TICKETLOG_RETURN_IF_ERROR(s.status());
  }
  {
    auto stmt = db_->Prepare(
        "SELECT id, name, departments FROM operators WHERE account = ?");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, account);
    while (s.Step()) {
      auto departments = DecodeStringArray(s.TextView(2));
      if (!departments) return Status::Corruption("operators.departments");
      state.operators[s.Text(0)] = {s.Text(1), std::move(*departments)};
    }
    TICKETLOG_RETURN_IF_ERROR(s.status());
  }
  {
    auto stmt = db_->Prepare("SELECT id, name FROM statuses WHERE account = ?");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, account);
    while (s.Step()) state.statuses[s.Text(0)] = s.Text(1);
    TICKETLOG_RETURN_IF_ERROR(s.status());
  }
  {
    auto stmt = db_->Prepare(
        "SELECT version, occurred_at FROM events WHERE account = ? AND "
        "stream = 'directory' ORDER BY version DESC LIMIT 1");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, account);
    if (s.Step()) {
      state.version = static_cast<uint64_t>(s.Int(0));
      state.updated_at_us = s.Int(1);
    }
    TICKETLOG_RETURN_IF_ERROR(s.status());
  }
  auto loaded =
      std::make_shared<const domain::DirectoryState>(std::move(state));
  directories_[account] = loaded;
  return loaded;
}

StatusOr<CommandResult> SqlitePeer::WriteDirectory(
    const Command& command, const domain::Decision& decision) {
  int64_t position = 0;
  for (const Event& event : decision.events) {
    auto inserted =
        InsertEvent(event, std::string(EventTypeName(event.payload)),
                    DirectoryData(event.payload));
    if (!inserted.ok()) return inserted.status();
    position = *inserted;

    Status write = std::visit(
        [&](const auto& e) -> Status {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, DepartmentDefined>) {
            auto s = db_->Prepare(
                "INSERT INTO departments (account, id, name) VALUES (?, ?, ?) "
                "ON CONFLICT (account, id) DO UPDATE SET name = excluded.name");
            if (!s.ok()) return s.status();
            return (*s)
                ->Bind(1, command.account)
                .Bind(2, e.department)
                .Bind(3, e.name)
                .Run();
          } else if constexpr (std::is_same_v<T, OperatorRegistered>) {
            auto s = db_->Prepare(
                "INSERT INTO operators (account, id, name, departments) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (account, id) DO UPDATE SET "
                "name = excluded.name, departments = excluded.departments");
            if (!s.ok()) return s.status();
            return (*s)
                ->Bind(1, command.account)
                .Bind(2, e.operator_id)
                .Bind(3, e.name)
                .Bind(4, EncodeStringArray(e.departments))
                .Run();
          } else if constexpr (std::is_same_v<T, OperatorRemoved>) {
            auto s = db_->Prepare(
                "DELETE FROM operators WHERE account = ? AND id = ?");
            if (!s.ok()) return s.status();
            return (*s)->Bind(1, command.account).Bind(2, e.operator_id).Run();
          } else if constexpr (std::is_same_v<T, StatusDefined>) {
            auto s = db_->Prepare(
                "INSERT INTO statuses (account, id, name) VALUES (?, ?, ?) "
                "ON CONFLICT (account, id) DO UPDATE SET name = excluded.name");
            if (!s.ok()) return s.status();
            return (*s)
                ->Bind(1, command.account)
                .Bind(2, e.status)
                .Bind(3, e.name)
                .Run();
          } else {
            return Status::OK();
          }
        },
        event.payload);
    TICKETLOG_RETURN_IF_ERROR(write);
  }
  uint32_t appended = static_cast<uint32_t>(decision.events.size());
  if (appended == 0) {
    auto stmt = db_->Prepare(
        "SELECT position FROM events WHERE account = ? AND stream = ? AND "
        "version = ?");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, command.account)
        .Bind(2, kDirectory)
        .Bind(3, static_cast<int64_t>(decision.base_version));
    if (s.Step()) position = s.Int(0);
    TICKETLOG_RETURN_IF_ERROR(s.status());
  }
  directories_[command.account] = decision.directory_after;
  return CommandResult{"", 0, decision.directory_after->version,
                       static_cast<uint64_t>(position), appended};
}

StatusOr<std::optional<TicketView>> SqlitePeer::ReadTicket(
    const std::string& account, const std::string& ticket) {
  auto stmt = db_->Prepare("SELECT " + TicketColumnList() +
                           " FROM tickets WHERE account = ? AND ticket = ?");
  if (!stmt.ok()) return stmt.status();
  Statement& s = **stmt;
  s.Bind(1, account).Bind(2, ticket);
  if (!s.Step()) {
    TICKETLOG_RETURN_IF_ERROR(s.status());
    return std::optional<TicketView>();
  }
  TicketView view;
  const auto& columns = TicketColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].set(view, s.Value(static_cast<int>(i)))) {
      return Status::Corruption(std::string("tickets.") + columns[i].name);
    }
  }
  return std::optional<TicketView>(std::move(view));
}

StatusOr<std::optional<Customer>> SqlitePeer::FindContact(
    const std::string& account, const Customer& ref) {
  static const std::pair<const char*, const std::string Customer::*>
      kLookups[] = {{"ext_id", &Customer::id},
                    {"email", &Customer::email},
                    {"phone", &Customer::phone}};
  for (const auto& [column, member] : kLookups) {
    const std::string& value = ref.*member;
    if (value.empty()) continue;
    auto stmt = db_->Prepare(
        std::string("SELECT contact, ext_id, name, email, phone FROM contacts "
                    "WHERE account = ? AND ") +
        column + " = ? LIMIT 1");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, account).Bind(2, value);
    if (!s.Step()) {
      TICKETLOG_RETURN_IF_ERROR(s.status());
      continue;
    }
    Customer c{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)};
    return std::optional<Customer>(
        projections::WithMissingDetails(std::move(c), ref));
  }
  return std::optional<Customer>();
}

StatusOr<CommandResult> SqlitePeer::WriteTicket(
    const Command& command, const domain::Decision& decision) {
  const std::string& ticket = decision.ticket;
  const TicketView& after = decision.after;
  int64_t position = 0;
  // An event row records the columns that event changed; the decision has
  // the states around the whole command, so each event is folded again.
  TicketView previous = decision.before.value_or(TicketView{});
  for (const Event& event : decision.events) {
    TicketView next = previous;
    domain::EvolveTicket(next, event);
    auto changes = ChangedColumns(previous, next);
    previous = std::move(next);

    const Message* message = nullptr;
    if (const auto* opened = std::get_if<TicketOpened>(&event.payload)) {
      if (opened->message) message = &*opened->message;
      const Customer& c = opened->customer;
      auto stmt = db_->Prepare(
          "INSERT INTO contacts (account, contact, ext_id, name, email, phone) "
          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, contact) DO UPDATE "
          "SET ext_id = excluded.ext_id, name = excluded.name, "
          "email = excluded.email, phone = excluded.phone");
      if (!stmt.ok()) return stmt.status();
      TICKETLOG_RETURN_IF_ERROR((*stmt)
                                    ->Bind(1, command.account)
                                    .Bind(2, c.contact)
                                    .Bind(3, c.id)
                                    .Bind(4, c.name)
                                    .Bind(5, c.email)
                                    .Bind(6, c.phone)
                                    .Run());
    } else if (const auto* added = std::get_if<MessageAdded>(&event.payload)) {
      message = &added->message;
    }
    if (message) {
      changes.emplace_back("message_seq", static_cast<int64_t>(message->seq));
      auto stmt = db_->Prepare(
          "INSERT INTO messages (account, ticket, seq, kind, author, "
          "author_id, private, content, attachments, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      if (!stmt.ok()) return stmt.status();
      TICKETLOG_RETURN_IF_ERROR(
          (*stmt)
              ->Bind(1, command.account)
              .Bind(2, ticket)
              .Bind(3, static_cast<int64_t>(message->seq))
              .Bind(4, static_cast<int64_t>(message->kind))
              .Bind(5, static_cast<int64_t>(message->author))
              .Bind(6, message->author_id)
              .Bind(7, static_cast<int64_t>(message->is_private))
              .Bind(8, message->content)
              .Bind(9, EncodeAttachments(message->attachments))
              .Bind(10, event.occurred_at_us)
              .Run());
    }
    auto inserted =
        InsertEvent(event, std::string(EventTypeName(event.payload)),
                    EncodeObject(changes));
    if (!inserted.ok()) return inserted.status();
    position = *inserted;
  }

  uint32_t appended = static_cast<uint32_t>(decision.events.size());
  uint64_t base_version = decision.base_version;
  if (appended == 0) {
    auto stmt = db_->Prepare(
        "SELECT position FROM events WHERE account = ? AND stream = ? AND "
        "version = ?");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.Bind(1, command.account)
        .Bind(2, ticket)
        .Bind(3, static_cast<int64_t>(base_version));
    if (s.Step()) position = s.Int(0);
    TICKETLOG_RETURN_IF_ERROR(s.status());
    return CommandResult{ticket, after.number, base_version,
                         static_cast<uint64_t>(position), 0};
  }

  const auto& columns = TicketColumns();
  std::string sql;
  if (decision.before) {
    sql = "UPDATE tickets SET ";
    for (size_t i = 2; i < columns.size(); ++i) {
      if (i > 2) sql += ", ";
      sql += std::string(columns[i].name) + " = ?" + std::to_string(i + 1);
    }
    sql += " WHERE ticket = ?1 AND account = ?2";
  } else {
    sql = "INSERT INTO tickets (" + TicketColumnList() + ") VALUES (";
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += i > 0 ? ", ?" : "?";
    }
    sql += ")";
  }
  auto stmt = db_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  for (size_t i = 0; i < columns.size(); ++i) {
    (*stmt)->Bind(static_cast<int>(i + 1), columns[i].get(after));
  }
  TICKETLOG_RETURN_IF_ERROR((*stmt)->Run());
  return CommandResult{ticket, after.number, after.version,
                       static_cast<uint64_t>(position), appended};
}

StatusOr<TicketView> SqlitePeer::GetTicket(const std::string& account,
                                           const std::string& ticket) {
  auto id = base::ParseUuid(ticket);
  if (!id) return Status::NotFound("no ticket " + ticket);
  auto view = ReadTicket(account, *id);
  if (!view.ok()) return view.status();
  if (!view->has_value()) {
    return Status::NotFound("no ticket " + ticket + " in account " + account);
  }
  return std::move(**view);
}

StatusOr<TicketView> SqlitePeer::GetTicketAsOf(const std::string& account,
                                               const std::string& ticket,
                                               TimeUs at_us) {
  auto id = base::ParseUuid(ticket);
  if (!id) return Status::NotFound("no ticket " + ticket);
  auto stmt = db_->Prepare(
      "SELECT j.key, j.value FROM events AS e, json_each(e.data) AS j "
      "WHERE e.account = ? AND e.stream = ? AND e.occurred_at <= ? "
      "ORDER BY e.version, j.id");
  if (!stmt.ok()) return stmt.status();
  Statement& s = **stmt;
  s.Bind(1, account).Bind(2, *id).Bind(3, at_us);
  TicketView view;
  bool any = false;
  const auto& columns = TicketColumns();
  while (s.Step()) {
    any = true;
    int column = TicketColumnIndex(s.TextView(0));
    if (column < 0) continue;  // message_seq and other non-view keys
    if (!columns[column].set(view, s.Value(1))) {
      return Status::Corruption("events.data of ticket " + ticket);
    }
  }
  TICKETLOG_RETURN_IF_ERROR(s.status());
  if (!any) {
    return Status::NotFound("ticket " + ticket + " did not exist at " +
                            base::FormatTime(at_us));
  }
  return view;
}

StatusOr<ListPage> SqlitePeer::List(const ListQuery& q) {
  if (q.cursor.empty() && q.page == 0) {
    return Status::InvalidArgument("page", "pages are numbered from 1");
  }
  std::string where = "account = ?";
  std::vector<SqlValue> binds = {q.account};
  if (!q.statuses.empty()) {
    where += " AND status IN (";
    for (size_t i = 0; i < q.statuses.size(); ++i) {
      where += i > 0 ? ", ?" : "?";
      binds.emplace_back(static_cast<int64_t>(q.statuses[i]));
    }
    where += ")";
  }
  auto equals = [&](const char* column, SqlValue value) {
    where += std::string(" AND ") + column + " = ?";
    binds.push_back(std::move(value));
  };
  if (q.department) equals("department", *q.department);
  if (q.operator_id) equals("operator", *q.operator_id);
  if (q.unassigned) equals("operator", std::string());
  if (q.customer) {
    where +=
        " AND contact IN (SELECT contact FROM contacts WHERE account = ? AND "
        "(contact = ? OR ext_id = ? OR email = ? OR phone = ?))";
    binds.emplace_back(q.account);
    for (int i = 0; i < 4; ++i) binds.emplace_back(*q.customer);
  }
  if (q.channel) equals("channel", static_cast<int64_t>(*q.channel));
  if (q.priority) equals("priority", static_cast<int64_t>(*q.priority));
  if (q.awaiting) equals("awaiting", static_cast<int64_t>(*q.awaiting));
  if (q.label) {
    where +=
        " AND EXISTS (SELECT 1 FROM json_each(tickets.labels) "
        "WHERE json_each.value = ?)";
    binds.emplace_back(*q.label);
  }
  auto range = [&](const char* column, const char* op,
                   const std::optional<TimeUs>& t) {
    if (!t) return;
    where += std::string(" AND ") + column + " " + op + " ?";
    binds.emplace_back(*t);
  };
  range("created_at", ">=", q.created_from_us);
  range("created_at", "<", q.created_to_us);
  range("updated_at", ">=", q.updated_from_us);
  range("updated_at", "<", q.updated_to_us);

  ListPage page;
  page.page = q.page;
  {
    auto stmt = db_->Prepare("SELECT COUNT(*) FROM tickets WHERE " + where);
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    for (size_t i = 0; i < binds.size(); ++i) {
      s.Bind(static_cast<int>(i + 1), binds[i]);
    }
    if (s.Step()) page.total = static_cast<uint64_t>(s.Int(0));
    TICKETLOG_RETURN_IF_ERROR(s.status());
  }

  const char* sort = q.sort == SortBy::kUpdated ? "updated_at" : "created_at";
  bool desc = q.order == SortOrder::kDesc;
  std::string sql =
      "SELECT " + TicketColumnList() + " FROM tickets WHERE " + where;
  int64_t offset = 0;
  if (!q.cursor.empty()) {
    TimeUs time = 0;
    int64_t number = 0;
    if (!DecodeCursor(q.cursor, page.page, time, number)) {
      return Status::InvalidArgument("cursor", "malformed cursor");
    }
    sql += std::string(" AND (") + sort + ", number) " + (desc ? "<" : ">") +
           " (?, ?)";
    binds.emplace_back(time);
    binds.emplace_back(number);
  } else {
    offset = int64_t{q.page - 1} * kPageSize;
  }
  const char* dir = desc ? "DESC" : "ASC";
  sql += std::string(" ORDER BY ") + sort + " " + dir + ", number " + dir +
         " LIMIT ? OFFSET ?";
  binds.emplace_back(int64_t{kPageSize + 1});
  binds.emplace_back(offset);

  auto stmt = db_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Statement& s = **stmt;
  for (size_t i = 0; i < binds.size(); ++i) {
    s.Bind(static_cast<int>(i + 1), binds[i]);
  }
  const auto& columns = TicketColumns();
  bool more = false;
  while (s.Step()) {
    if (page.items.size() == kPageSize) {
      more = true;
      break;
    }
    TicketView view;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i].set(view, s.Value(static_cast<int>(i)))) {
        return Status::Corruption(std::string("tickets.") + columns[i].name);
      }
    }
    page.items.push_back(std::move(view));
  }
  TICKETLOG_RETURN_IF_ERROR(s.status());
  if (more) {
    const TicketView& last = page.items.back();
    page.next_cursor = EncodeCursor(
        page.page + 1,
        q.sort == SortBy::kUpdated ? last.updated_at_us : last.created_at_us,
        last.number);
  }
  return page;
}

}  // namespace ticketlog::bench
