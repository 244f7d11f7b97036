// EngineImpl: the facade behind ticketlog::Engine. It runs a command through
// domain::Handle (which reads the ticket's view and the directory through
// the engine's port), encodes the events, computes the projection updates
// and appends everything in one atomic write.
//
// Concurrency: commands of one account are serialised by a striped mutex
// (the per-account counters, ticket numbers and contacts are read-modified-
// written under it); commands of different accounts run concurrently and
// share group commits in the store. Rebuild and Verify take the engine
// exclusively.
#ifndef TICKETLOG_ENGINE_ENGINE_IMPL_H_
#define TICKETLOG_ENGINE_ENGINE_IMPL_H_

#include <array>
#include <atomic>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "domain/decide.h"
#include "domain/handler.h"
#include "projections/contacts.h"
#include "projections/ticket_projection.h"
#include "projections/view_builder.h"
#include "search/search_index.h"
#include "store/event_store.h"
#include "ticketlog/engine.h"

namespace ticketlog::engine {

class EngineImpl final : public Engine {
 public:
  explicit EngineImpl(std::unique_ptr<store::EventStore> store)
      : store_(std::move(store)) {}
  // Stops the indexer and commits what it indexed.
  ~EngineImpl() override;

  StatusOr<CommandResult> Execute(const Command& command) override;
  StatusOr<TicketView> GetTicket(const std::string& account,
                                 const std::string& ticket) override;
  StatusOr<MessagePage> GetMessages(const std::string& account,
                                    const std::string& ticket,
                                    uint32_t page) override;
  StatusOr<ListPage> List(const ListQuery& query) override;
  StatusOr<TicketView> GetTicketByNumber(const std::string& account,
                                         uint64_t number) override;
  StatusOr<ContactView> GetContact(const std::string& account,
                                   const std::string& ref) override;
  StatusOr<ContactPage> ListContacts(const std::string& account,
                                     uint32_t page) override;
  StatusOr<std::vector<Event>> History(const std::string& account,
                                       const std::string& ticket) override;
  StatusOr<TicketView> GetTicketAtVersion(const std::string& account,
                                          const std::string& ticket,
                                          uint64_t version) override;
  StatusOr<TicketView> GetTicketAsOf(const std::string& account,
                                     const std::string& ticket,
                                     TimeUs at_us) override;
  StatusOr<Stats> GetStats(const std::string& account) override;
  StatusOr<Report> GetReport(const ReportQuery& query) override;
  StatusOr<SearchPage> Search(const SearchQuery& query) override;
  Status ReadLog(uint64_t from_position,
                 const std::function<bool(const Event&)>& fn) override;
  StatusOr<LogHead> Head() override;
  WriteStats GetWriteStats() override;
  uint64_t WaitForAppend(uint64_t position, int64_t timeout_ms) override;
  Status Rebuild() override;
  // Records that an empty store's views are in the current format.
  Status SetViewsFormat();
  // The upgrade of a store made before format 5: puts each event's messages
  // into its stream index entry (MessagesPayload), where format 5 reads
  // them. Writes in synced batches and may be run again: an interrupted
  // upgrade leaves the store in its old format, and the next writer's open
  // starts over.
  Status IndexMessages();
  // Opens the search index (engine_search.cc): a writer's is caught up with
  // the log here and then kept up by the indexer thread; a reader's is
  // opened at its first search.
  Status OpenSearch(const Options& options);
  StatusOr<VerifyReport> Verify(const std::optional<LogHead>& expect) override;

 private:
  static constexpr size_t kAccountStripes = 64;

  static size_t AccountStripe(const std::string& account);
  std::mutex& AccountMutex(const std::string& account);
  // The command path's read of a ticket: from ticket_records_ when this
  // engine wrote the ticket lately, else from the views. The account's
  // stripe must be held.
  StatusOr<std::optional<TicketView>> ReadTicketForCommand(
      const std::string& account, const std::string& ticket);
  // Keeps the ticket records (view key, bytes) a committed command wrote;
  // the account's stripe must be held. Never throws: without memory, the
  // stripe keeps none.
  void RememberTicketRecords(
      const std::string& account,
      std::vector<std::pair<std::string, std::string>> records);
  // GetTicket for a caller that holds engine_mu_ (shared).
  StatusOr<TicketView> GetTicketLocked(const std::string& account,
                                       const std::string& ticket);
  // The account's directory. Snapshots are immutable and shared: a command
  // that changes the directory installs a new one.
  using DirectoryPtr = std::shared_ptr<const domain::DirectoryState>;
  StatusOr<DirectoryPtr> LoadDirectory(const std::string& account);
  // The command handler's port over this engine (engine_commands.cc).
  class Reads;
  // Persist a decision of domain::Handle: encode its events, add the view
  // updates they imply and append them in one write.
  StatusOr<CommandResult> AppendDirectory(const Command& command,
                                          const domain::Decision& decision);
  StatusOr<CommandResult> AppendTicket(const Command& command,
                                       const domain::Decision& decision);
  // Encodes `events` into `bodies`, their messages into `payloads` (their
  // stream index entries' payloads) and adds the view ops they imply beyond
  // the ticket's own entries: contact, number.
  Status AddEventOps(const Command& command, const std::vector<Event>& events,
                     std::vector<std::string>& bodies,
                     std::vector<std::string>& payloads,
                     std::vector<store::ViewOp>& ops);
  StatusOr<std::optional<TicketView>> ReadTicket(const std::string& account,
                                                 const std::string& ticket);
  projections::ViewReader MakeViewReader();
  Status AddContactOps(const Event& event, const Customer& customer,
                       std::vector<store::ViewOp>& ops);
  // The first result of a command whose command_id was recorded, or
  // idempotency_mismatch when the record is another command's.
  StatusOr<CommandResult> RepeatedCommand(const Command& command,
                                          const store::AppendResult& stored);
  // The ticket views' customers with their contacts' current details.
  Status WithCurrentContacts(std::vector<TicketView*> views);
  Status WithAuthorNames(const std::string& account,
                         std::vector<Message>& messages);
  StatusOr<ContactView> ContactViewOf(const std::string& account,
                                      projections::ContactRecord record);
  void AddCounterOps(const projections::Counters& deltas,
                     std::vector<store::ViewOp>& ops);
  // Replays a ticket's stream while `keep(event)` holds.
  StatusOr<TicketView> Replay(const std::string& account,
                              const std::string& ticket,
                              const std::function<bool(const Event&)>& keep);
  // Every view entry the log implies, sorted by key: `sorted` views into
  // `bytes`, which holds every key and value in a few large blocks (millions
  // of short strings, one allocation each, had cost a rebuild a fifth of its
  // time).
  struct ViewEntries {
    std::unique_ptr<std::pmr::monotonic_buffer_resource> bytes =
        std::make_unique<std::pmr::monotonic_buffer_resource>();
    std::vector<std::pair<std::string_view, std::string_view>> sorted;
  };
  // A sink that copies each entry into `out` (unsorted until SortEntries).
  static projections::EntrySink CollectInto(ViewEntries& out);
  static void SortEntries(ViewEntries& out);
  StatusOr<ViewEntries> ExpectedViews();
  // Hands every event of the log, in order, to `apply` on the calling
  // thread, while a second thread reads the log ahead of it (rebuild: two
  // cores instead of one). Events come without their hashes (ToEvent's
  // `with_hashes`). Stops at the first error of either.
  Status FoldLog(const std::function<Status(const Event&)>& apply);

  // What Verify's one pass over the log gathers besides the chain's
  // problems: what the stream index and the idempotency records must hold,
  // and the views the log implies.
  struct LogFacts {
    // A stream of the log, by its store stream key (StreamName).
    struct Stream {
      std::string ticket;    // the event's stream: "" for the directory
      uint64_t version = 0;  // of its last event so far
      uint64_t number = 0;   // the ticket's, from its TicketOpened
    };
    struct Command {
      uint64_t version = 0;
      uint64_t position = 0;
      uint32_t stream = 0;  // index into `stream_list`
    };
    // False when a record failed to verify: the other checks then have no
    // log to compare with (the chain's problems say why).
    bool readable = true;
    // The log's streams, in the order of their first event, and their
    // indexes by store stream key.
    std::vector<Stream> stream_list;
    std::unordered_map<std::string, uint32_t> stream_ids;
    // What a stream index entry must hold: the event's position and a
    // digest of its messages (MessagesPayload). The digest is XXH3's 128
    // bits: kept whole, the messages were a third of verify's memory and
    // the page faults of copying them a tenth of its folding thread, and
    // XXH3 hashes at memory speed where SHA-256 would double the log's
    // hashing. The index is derived data: what matters is telling an entry
    // that differs from the log, which 128 bits do but by a 2^-128 chance;
    // the log's own hash chain stays SHA-256.
    struct StreamEntry {
      uint64_t position = 0;
      uint64_t digest_low = 0;
      uint64_t digest_high = 0;
    };
    // The stream index entries by key (held in `stream_bytes`: one
    // allocation per entry had cost verify a tenth of its time in malloc
    // and sorting), with the index of each one's stream in
    // `entry_streams`. True while every stream's versions rise in log
    // order: then SortFamilyFacts groups the entries by stream instead of
    // sorting them (a stable sort of all entries was a quarter of verify's
    // time, docs/benchmarks.md).
    std::vector<std::pair<std::string_view, StreamEntry>> streams;
    std::vector<uint32_t> entry_streams;
    bool versions_rise = true;
    std::unique_ptr<std::pmr::monotonic_buffer_resource> stream_bytes =
        std::make_unique<std::pmr::monotonic_buffer_resource>();
    // By command key (held in `stream_bytes`).
    std::vector<std::pair<std::string_view, Command>> commands;
    // The number of the ticket a store stream key names; 0 for none.
    uint64_t NumberOf(const std::string& stream) const {
      auto it = stream_ids.find(stream);
      return it == stream_ids.end() ? 0 : stream_list[it->second].number;
    }
    Status views_status;  // of folding the views; corruption: not compared
    // The views folded from the log (until the first event that cannot be
    // folded); Verify finishes them into `views` beside its other checks.
    std::unique_ptr<projections::ViewBuilder> builder =
        std::make_unique<projections::ViewBuilder>();
    ViewEntries views;
  };
  // Walks the log once: checks the hash chain, positions and stream
  // versions into `report`, and gathers `facts` (all but `views`).
  Status VerifyLog(VerifyReport& report, LogFacts& facts);
  // Sorts `facts.streams` and `facts.commands` by key and keeps, of each
  // key, its last entry in log order (of the events of one command, the
  // last one's record answers the command).
  static void SortFamilyFacts(LogFacts& facts);
  // The digest of a stream index entry's messages (LogFacts::StreamEntry).
  static LogFacts::StreamEntry StreamEntryOf(uint64_t position,
                                             std::string_view payload);
  // Check the stream index over the part of its key space that
  // facts.streams[from, to) covers, the stream heads and the idempotency
  // records, and the views, against what the log implies (`facts` sorted by
  // SortFamilyFacts, `expected` by SortEntries). Each may run on its own
  // thread beside the others: they only read what they are given; each
  // reports into its own `report` and counts what it found beyond the cap
  // in `suppressed`.
  Status VerifyStreamIndex(VerifyReport& report, size_t& suppressed,
                           const LogFacts& facts, size_t from, size_t to);
  Status VerifyHeadsAndCommands(VerifyReport& report, size_t& suppressed,
                                const LogFacts& facts);
  // Compares the live views over the part of their key space that
  // expected.sorted[from, to) covers (sorted by SortEntries) with it.
  Status CompareViews(VerifyReport& report, size_t& suppressed,
                      const ViewEntries& expected, size_t from, size_t to);
  // Adds the search index's differences from a fresh build to `report`;
  // a check that cannot run is one problem more, never an error.
  Status VerifySearch(VerifyReport& report);
  Status CheckSearch(VerifyReport& report);

  // ---- Search (engine_search.cc) ----
  // Brings the index up to the store's head; search_mu_ held. A reader's
  // index is opened here the first time. With `yield` (the indexer), stops
  // early, with OK, once a caller waits in LockSearch or the engine closes.
  Status CatchUpSearchLocked(bool yield = false);
  // Applies the log from index.checkpoint() + 1 to the store's head (with
  // `yield`, as CatchUpSearchLocked).
  Status CatchUp(search::SearchIndex& index, bool yield = false);
  // Locks search_mu_ for a search, a rebuild, a verify or the close. The
  // indexer runs at the lowest CPU priority and hands the lock over between
  // two events while such a caller waits: on busy cores, holding it through
  // a whole catch-up ran the caller at the indexer's pace (a demo's rebuild
  // beside a compiler took 10.6 s instead of 1).
  std::unique_lock<std::mutex> LockSearch();
  Status RebuildSearch();
  // The indexer thread: follows the store's head and commits in batches.
  void IndexLoop();

  std::unique_ptr<store::EventStore> store_;
  // Shared by commands and queries; exclusive for Rebuild and Verify.
  std::shared_mutex engine_mu_;
  std::array<std::mutex, kAccountStripes> account_mu_;
  // Ticket records as this engine's commands last wrote them, by view key,
  // one map per account stripe, guarded by the stripe's mutex: a command on
  // a ticket written lately decodes it from here instead of reading the
  // views (a point read, 7% of a buffered writer's time,
  // docs/benchmarks.md, session 10). Views change only through
  // commands, which keep these maps, and Rebuild, which empties them under
  // engine_mu_ held exclusively. A stripe's map is emptied when its keys
  // and records pass kMaxRecordBytes (the map's nodes add about 100 bytes
  // per ticket). Queries read the views.
  struct TicketRecords {
    static constexpr size_t kMaxRecordBytes = size_t{512} << 10;
    std::unordered_map<std::string, std::string> records;
    size_t bytes = 0;
    void Clear() noexcept {
      records.clear();
      bytes = 0;
    }
  };
  std::array<TicketRecords, kAccountStripes> ticket_records_;
  std::mutex directory_mu_;
  // guarded by directory_mu_; an entry is only changed under its account's
  // stripe.
  std::unordered_map<std::string, DirectoryPtr> directories_;

  // Search: all guarded by search_mu_ but the settings and the thread.
  bool search_enabled_ = false;
  bool read_only_ = false;
  std::string search_dir_;
  uint32_t search_commit_events_ = 0;
  std::mutex search_mu_;
  std::unique_ptr<search::SearchIndex> search_;  // guarded by search_mu_
  uint64_t uncommitted_events_ = 0;              // guarded by search_mu_
  std::atomic<uint32_t> search_waiting_{0};  // callers waiting in LockSearch
  std::atomic<bool> stop_indexer_{false};
  std::thread indexer_;
};

}  // namespace ticketlog::engine

#endif  // TICKETLOG_ENGINE_ENGINE_IMPL_H_
