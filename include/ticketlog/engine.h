// Engine: the ticket engine embedded in a host application. It validates
// commands against the ticket's state, appends their events to the log and
// updates the views, all in one atomic write; it answers queries from the
// views and audits, replays and time-travels the log.
//
// Thread-safety: an Engine is thread-safe. Any number of threads may run
// commands and queries at once. Commands of one account are serialised;
// commands of different accounts run concurrently and share group commits.
//
// Ownership: Engine::Open returns the sole owner of the database directory;
// a second Open of the same directory (in this or another process) fails
// with busy until the first Engine is destroyed.
#ifndef TICKETLOG_ENGINE_H_
#define TICKETLOG_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/options.h"
#include "ticketlog/sla.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog {

// The last event of the log.
struct LogHead {
  uint64_t position = 0;  // 0 for an empty log
  std::string hash;       // 64 hex digits; empty for an empty log
};

// What Verify found. ok() when the chain verifies, the views equal a rebuild
// and the expected head (if any) is in the log.
struct VerifyReport {
  uint64_t events_checked = 0;
  uint64_t view_keys_checked = 0;
  std::vector<std::string> problems;  // one line per difference found
  bool ok() const { return problems.empty(); }
};

// What Repair kept and what it had to drop.
struct RepairReport {
  LogHead head;                    // the last event kept; the log ends here
  uint64_t events_dropped = 0;     // log records after it that were removed
  std::vector<Event> dropped;      // those of them that still decode, in order
  std::vector<std::string> notes;  // what else was found and rewritten
};

// What an engine has written to its store since it was opened: RocksDB
// write batches (a group commit is one), the keys they wrote (puts, deletes
// and merges, across every column family) and their bytes as RocksDB
// encodes them. For measurements.
struct WriteStats {
  uint64_t batches = 0;
  uint64_t keys = 0;
  uint64_t bytes = 0;
};

class Engine {
 public:
  // Opens (or creates) the database at options.path.
  // Returns busy when another Engine holds it, io_error when the directory
  // cannot be opened, corruption when its metadata fails verification.
  static StatusOr<std::unique_ptr<Engine>> Open(const Options& options);

  // Recovers a store that Open refuses with corruption (a damaged
  // write-ahead log) or that Verify finds inconsistent. It keeps the longest
  // prefix of the log whose records read intact, are dense from position 1
  // and chain by hash; removes every log record after it (returning those
  // that still decode, so that the caller can keep them elsewhere); rewrites
  // the stream index and idempotency records from the kept log (and clears
  // format 1's stream heads); and rebuilds the views. Nothing acknowledged
  // and intact is dropped unless it follows a lost event, whose successors
  // can no longer be chained. Needs the store exclusively: busy when an
  // Engine holds it; io_error when it cannot be read or written; corruption
  // when a table file itself is damaged (Repair mends the write-ahead log
  // and the families derived from the log, not damaged table files).
  static StatusOr<RepairReport> Repair(const Options& options);

  virtual ~Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- Commands ------------------------------------------------------------

  // Validates `command` against the current state and, when accepted,
  // appends its events and updates the views atomically.
  // Returns the result, or one of the spec's error codes; on error nothing
  // is written.
  virtual StatusOr<CommandResult> Execute(const Command& command) = 0;

  // ---- Queries -------------------------------------------------------------

  // Returns the ticket's view, or not_found (also for another account's).
  // Views show the customer's current contact details (a contact updated
  // after the ticket was opened shows as it is now).
  virtual StatusOr<TicketView> GetTicket(const std::string& account,
                                         const std::string& ticket) = 0;

  // Returns the view of the account's ticket with protocol number
  // `number`, or not_found.
  virtual StatusOr<TicketView> GetTicketByNumber(const std::string& account,
                                                 uint64_t number) = 0;
  // Returns page `page` (1-based) of the ticket's messages, oldest first,
  // each with its author's current name. Customer-invisible notes are
  // included; check Message::kind.
  virtual StatusOr<MessagePage> GetMessages(const std::string& account,
                                            const std::string& ticket,
                                            uint32_t page) = 0;

  // Returns one page of the account's tickets that match `query`. With
  // query.sla, the tickets breached or at risk (sla.h) at query.now_us, or
  // at the engine's clock when it is unset.
  // invalid_argument for a malformed cursor or a cursor of another query.
  virtual StatusOr<ListPage> List(const ListQuery& query) = 0;

  // Returns the ticket's events, oldest first.
  virtual StatusOr<std::vector<Event>> History(const std::string& account,
                                               const std::string& ticket) = 0;

  // Returns the ticket as it was right after its event `version`, replayed
  // from the log. not_found when the ticket or version does not exist.
  virtual StatusOr<TicketView> GetTicketAtVersion(const std::string& account,
                                                  const std::string& ticket,
                                                  uint64_t version) = 0;

  // Returns the ticket as it was at time `at_us` (its events that occurred
  // at or before it), replayed from the log. not_found when the ticket did
  // not exist yet.
  virtual StatusOr<TicketView> GetTicketAsOf(const std::string& account,
                                             const std::string& ticket,
                                             TimeUs at_us) = 0;

  // Returns the contact `ref` names: a contact id, else a customer id, an
  // email or a phone (email and phone in any spelling). not_found when none.
  virtual StatusOr<ContactView> GetContact(const std::string& account,
                                           const std::string& ref) = 0;
  // Returns page `page` (1-based, 50 per page) of the account's contacts
  // with their total. invalid_argument for page 0.
  virtual StatusOr<ContactPage> ListContacts(const std::string& account,
                                             uint32_t page) = 0;
  // Returns one page of the account's tickets whose subject or messages
  // match `query`, best first, with the total. It sees every command
  // acknowledged before the call. invalid_argument naming "query" when the
  // text has no words, "page" for page 0; io_error when the index cannot be
  // read or Options::search is off.
  virtual StatusOr<SearchPage> Search(const SearchQuery& query) = 0;

  // Returns the account's counters and medians.
  virtual StatusOr<Stats> GetStats(const std::string& account) = 0;

  // Returns the SLA report (sla.h) of the account's tickets created in
  // [query.from_us, query.to_us), grouped by query.by, with breaches as of
  // query.now_us (the engine's clock when unset). Reads every ticket view of
  // the window at one snapshot. invalid_argument for a malformed account or
  // a window whose start is after its end.
  virtual StatusOr<Report> GetReport(const ReportQuery& query) = 0;

  // ---- The log --------------------------------------------------------------

  // Calls `fn` for each event from `from_position` on, in log order, until it
  // returns false. Stored bytes are verified; a bad record is corruption.
  virtual Status ReadLog(uint64_t from_position,
                         const std::function<bool(const Event&)>& fn) = 0;

  // Returns the position and hash of the last event.
  virtual StatusOr<LogHead> Head() = 0;

  // Returns the store writes made since Open. Thread-safe.
  virtual WriteStats GetWriteStats() = 0;

  // Waits until the log's last position is past `position`, at most
  // `timeout_ms`, and returns the last position then. Each append of this
  // Engine wakes the waiters at once; a read-only Engine never sees appends
  // and waits the whole timeout. For followers in the host's process
  // (ticketlog::Follower::Attach).
  virtual uint64_t WaitForAppend(uint64_t position, int64_t timeout_ms) = 0;

  // Drops every view and the search index and rebuilds them from the log.
  virtual Status Rebuild() = 0;

  // Checks the hash chain of the whole log, that views rebuilt from the log
  // equal the live ones, that the search index is caught up with the log
  // and holds the documents a fresh build would, and, when `expect` is set,
  // that the log still holds that event with that hash. Returns io_error or
  // corruption only when the check itself cannot run; differences are listed in
  // the report.
  virtual StatusOr<VerifyReport> Verify(
      const std::optional<LogHead>& expect = std::nullopt) = 0;

 protected:
  Engine() = default;
};

}  // namespace ticketlog

#endif  // TICKETLOG_ENGINE_H_
