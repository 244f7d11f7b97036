// SqlitePeer: the "peer" of the comparison. A straightforward SQLite
// implementation of the same commands and queries, written the way a
// competent developer would write a help desk on SQLite:
//
//   - tables `tickets` (one row per ticket, one column per view field),
//     `messages`, `events` (an audit log: one row per event with the ticket
//     columns it changed as JSON), `contacts`, the directory tables and
//     `commands` (idempotency);
//   - indexes for every list filter and both sort orders:
//     (account, updated_at, number), (account, created_at, number) and
//     (account, X, updated_at, number) for X in status, department,
//     operator, channel, contact; (account, number) unique;
//   - one transaction per command (BEGIN IMMEDIATE ... COMMIT): read the
//     ticket row, decide, insert the event rows and messages, update the
//     ticket row;
//   - lists with LIMIT 50 OFFSET n for page numbers, keyset pagination
//     (WHERE (updated_at, number) < (?, ?)) for cursors and COUNT(*) for
//     totals; the as-of view folds the event rows' changes with json_each.
//
// To make the comparison about storage and not about rules, the peer runs
// commands through the engine's own command handler (domain::Handle, which
// decides and evolves with the pure domain functions): both backends accept
// and refuse exactly the same commands and compute the same views.
//
// WAL journal; synchronous=FULL when `sync` (every commit is fsynced, like
// the engine's sync mode), synchronous=OFF otherwise (commits reach the OS
// cache only, like the engine's buffered mode).
//
// Connections come in two roles, as in the usual WAL set-up of one writer
// and a pool of readers. Readers (lists, views) get a 64 MiB page cache,
// as large as the engine's block cache. Writers keep SQLite's default
// (2 MB): with a large cache every write transaction pays for it once the
// cache has filled (most of a command's time goes to SQLite's page-cache
// truncation, pcache1TruncateUnsafe; measured on a 100,000-ticket account:
// 323 commands/s with 64 MiB, 1,240 with the default), while a large cache
// makes COUNT(*) and page reads 2-3x faster. Each role gets the better one.
//
// Thread-safety: one SqlitePeer is one connection, used by one thread.
// Writer threads each open their own on the same file; SQLite serialises
// their transactions (busy_timeout waits for the lock). The directory of an
// account is cached per connection, which is exact as long as each account
// has one writer (true of every workload here).
#ifndef TICKETLOG_BENCH_SQLITE_PEER_H_
#define TICKETLOG_BENCH_SQLITE_PEER_H_

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/sqlite_util.h"
#include "domain/decide.h"
#include "domain/handler.h"
#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::bench {

class SqlitePeer {
 public:
  enum class Role { kWriter, kReader };

  // Opens a connection to the database at `path`, creating the file and
  // the schema when missing.
  static StatusOr<std::unique_ptr<SqlitePeer>> Open(const std::string& path,
                                                    bool sync,
                                                    Role role = Role::kWriter);
  ~SqlitePeer();
  SqlitePeer(const SqlitePeer&) = delete;
  SqlitePeer& operator=(const SqlitePeer&) = delete;

  StatusOr<CommandResult> Execute(const Command& command);

  StatusOr<TicketView> GetTicket(const std::string& account,
                                 const std::string& ticket);
  // The ticket as it was at `at_us`, folded from its event rows.
  StatusOr<TicketView> GetTicketAsOf(const std::string& account,
                                     const std::string& ticket, TimeUs at_us);
  StatusOr<ListPage> List(const ListQuery& query);

 private:
  explicit SqlitePeer(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  using DirectoryPtr = std::shared_ptr<const domain::DirectoryState>;
  // The command handler's port over this connection.
  class Reads;

  StatusOr<CommandResult> ExecuteInTransaction(const Command& command);
  // Write a decision of domain::Handle as rows.
  StatusOr<CommandResult> WriteDirectory(const Command& command,
                                         const domain::Decision& decision);
  StatusOr<CommandResult> WriteTicket(const Command& command,
                                      const domain::Decision& decision);
  StatusOr<DirectoryPtr> LoadDirectory(const std::string& account);
  StatusOr<std::optional<TicketView>> ReadTicket(const std::string& account,
                                                 const std::string& ticket);
  StatusOr<std::optional<Customer>> ReadContact(const std::string& account,
                                                const std::string& contact);
  StatusOr<std::string> ContactHolding(const std::string& account,
                                       domain::ContactDetail detail,
                                       const std::string& value);
  Status WriteContact(const std::string& account, const Customer& customer);
  StatusOr<int64_t> InsertEvent(const Event& event, const std::string& type,
                                const std::string& data);
  StatusOr<std::optional<CommandResult>> LookupCommand(const Command& command);
  Status RecordCommand(const Command& command, const CommandResult& result);

  std::unique_ptr<SqliteDb> db_;
  std::unordered_map<std::string, DirectoryPtr> directories_;
};

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_SQLITE_PEER_H_
