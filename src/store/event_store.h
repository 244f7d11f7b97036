// EventStore: the append-only event log on RocksDB, with the stream index,
// stream heads, idempotency records, views and metadata in their own column
// families (docs/format.md has the key layout).
//
// Append writes a command's events, its stream head, its idempotency record
// and the caller's view updates as one WriteBatch. Concurrent appends are
// grouped (one leader writes the batches of every waiting appender in one
// RocksDB write), and positions and hash-chain links are assigned in commit
// order, so positions stay dense and the chain unbroken under concurrency.
//
// Thread-safety: all methods are thread-safe.
#ifndef TICKETLOG_STORE_EVENT_STORE_H_
#define TICKETLOG_STORE_EVENT_STORE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/family.h"
#include "store/read_view.h"
#include "ticketlog/options.h"
#include "ticketlog/status.h"

namespace rocksdb {
struct ColumnFamilyDescriptor;
class ColumnFamilyHandle;
struct DBOptions;
class WriteBatch;
struct WriteOptions;
}  // namespace rocksdb

namespace ticketlog::store {

// No expected-version check.
inline constexpr uint64_t kAnyVersion = UINT64_MAX;

// SHA-256 of nothing in particular: the prev_hash of position 1.
inline const std::string kZeroHash(32, '\0');

struct ViewOp {
  // kMerge adds `value` (be64, two's complement) to the counter at `key`.
  enum class Kind : uint8_t { kPut, kDelete, kMerge };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;
};

// Events of one stream within an AppendRequest.
struct StreamAppend {
  std::string stream;
  uint64_t expected_version = kAnyVersion;
  std::vector<std::string> events;  // encoded fb::Event bodies
  // As AppendRequest::index_payloads, for `events`.
  std::vector<std::string> index_payloads;
};

struct AppendRequest {
  // Opaque stream key chosen by the caller (< 65536 bytes).
  std::string stream;
  // kAnyVersion, or the version the stream must be at (0: must not exist).
  uint64_t expected_version = kAnyVersion;
  // Encoded fb::Event bodies, in stream order. May be empty when only the
  // idempotency record is to be written.
  std::vector<std::string> events;
  // Opaque bytes kept in the stream index entry of the event at the same
  // place in `events`, after its position: what the caller reads with a
  // stream's entries (ScanStreamIndex) without reading the log (a covering
  // index; the engine keeps a ticket's messages there). Empty, or one per
  // event (an empty string for none).
  std::vector<std::string> index_payloads;
  // Idempotency key; empty for none. A key already recorded makes the append
  // a duplicate: nothing is written and the first result is returned.
  std::string command_key;
  // Opaque bytes stored with the idempotency record and returned on repeats.
  std::string command_result;
  // Applied to the views family in the same WriteBatch.
  std::vector<ViewOp> view_ops;
  // Other streams the same command writes (a merge's source), appended
  // before `events`, in order, in the same batch; each is checked against
  // its own expected version, and a conflict on any refuses the whole
  // request. The result describes `stream`.
  std::vector<StreamAppend> other_streams;
};

struct AppendResult {
  uint64_t first_position = 0;  // 0 when nothing was appended
  uint64_t last_position = 0;   // the stream's last position
  uint64_t last_version = 0;    // the stream's version after the append
  bool duplicate = false;       // the command key was recorded already
  std::string command_result;   // on duplicates: the stored result
};

// One stored event, verified: the envelope fields and the raw body bytes.
// Copies and moves keep `body` pointing into their own `record`.
struct StoredEvent {
  uint64_t position = 0;
  uint64_t version = 0;
  std::string prev_hash;  // 32 raw bytes
  std::string hash;       // 32 raw bytes
  std::string record;     // the whole stored Envelope
  std::string_view body;  // the nested fb::Event, pointing into `record`
  // True when `body` was verified with its envelope (EventStore reads set
  // it): decoding it need not verify it again.
  bool body_verified = false;

  StoredEvent() = default;
  StoredEvent(const StoredEvent& other) { *this = other; }
  StoredEvent(StoredEvent&& other) noexcept { *this = std::move(other); }
  StoredEvent& operator=(const StoredEvent& other) {
    if (this == &other) return *this;
    size_t at = BodyAt(other);
    position = other.position;
    version = other.version;
    prev_hash = other.prev_hash;
    hash = other.hash;
    record = other.record;
    body = Rebound(other, at);
    body_verified = other.body_verified;
    return *this;
  }
  StoredEvent& operator=(StoredEvent&& other) noexcept {
    if (this == &other) return *this;
    size_t at = BodyAt(other);
    position = other.position;
    version = other.version;
    prev_hash = std::move(other.prev_hash);
    hash = std::move(other.hash);
    record = std::move(other.record);
    body = Rebound(other, at);
    body_verified = other.body_verified;
    // The moved-from event holds no body: nothing to decode unverified.
    other.body = {};
    other.body_verified = false;
    return *this;
  }

 private:
  static constexpr size_t kOutside = static_cast<size_t>(-1);
  // Where other.body starts in other.record; kOutside when it is not there.
  static size_t BodyAt(const StoredEvent& other) {
    const char* base = other.record.data();
    const char* at = other.body.data();
    if (other.body.empty() || at < base ||
        at + other.body.size() > base + other.record.size()) {
      return kOutside;
    }
    return static_cast<size_t>(at - base);
  }
  // other.body at `at` in this record (other.body itself when outside).
  std::string_view Rebound(const StoredEvent& other, size_t at) const {
    if (at == kOutside) return other.body;
    return std::string_view(record).substr(at, other.body.size());
  }
};

// SHA-256(prev_hash || be64(position) || be64(version) || body): the hash
// every stored event carries.
// The same into `out` (its buffer reused: no allocation once it holds a
// hash).
void ChainHash(std::string& out, std::string_view prev_hash, uint64_t position,
               uint64_t version, std::string_view body);
std::string ChainHash(std::string_view prev_hash, uint64_t position,
                      uint64_t version, std::string_view body);

// SHA-256 of `bytes`, 32 raw bytes.
std::string Sha256(std::string_view bytes);

// How Open treats damage found while replaying the write-ahead log.
enum class Recovery {
  // Refuse to open (corruption naming the log file). Only a torn last
  // record, which no acknowledged write can be, is tolerated.
  kStrict,
  // For repair: keep every write-ahead log record that reads intact, also
  // those after a damaged one. The families may then disagree and the log
  // have gaps: the caller must check what it got; see Engine::Repair.
  kSalvage,
};

// One write of a repair: a put or delete in any family.
struct FamilyOp {
  Family family = Family::kViews;
  ViewOp::Kind kind = ViewOp::Kind::kPut;
  std::string key;
  std::string value;
};

class EventStore {
 public:
  // Opens or creates the store at options.path. busy when the directory is
  // locked by another open store, io_error when it cannot be opened,
  // corruption when a file of the store is damaged (named in the message).
  // With options.read_only the store is opened as a reader beside a
  // possible writer process: it sees the writer's last write as of the open,
  // never a part of one.
  static StatusOr<std::unique_ptr<EventStore>> Open(
      const Options& options, Recovery recovery = Recovery::kStrict);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends atomically. conflict (with the current version) when
  // expected_version does not match; io_error when the write fails, in which
  // case nothing was written.
  StatusOr<AppendResult> Append(AppendRequest request);

  // The stream's current version and last position; {0, 0} when it does not
  // exist.
  struct StreamHead {
    uint64_t version = 0;
    uint64_t position = 0;
  };
  StatusOr<StreamHead> GetStreamHead(std::string_view stream);
  // The same, for a caller that expects the stream at `version`: cheaper
  // when it is.
  StatusOr<StreamHead> StreamHeadIfAt(std::string_view stream,
                                      uint64_t version);

  // The recorded result of a command key: last position, version and the
  // stored bytes; nullopt when the key is new.
  StatusOr<std::optional<AppendResult>> LookupCommand(
      std::string_view command_key);

  // Calls fn(version, position, payload) for each entry of `stream`'s index
  // from `from_version` on, in version order, until fn returns false; the
  // payload is the index payload given at the append (empty for none) and
  // lives until fn returns. Reads at `at`'s snapshot (a view of this
  // store), or the latest state when it is null; no log record.
  // corruption when an entry is malformed, io_error when it cannot be read.
  Status ScanStreamIndex(
      std::string_view stream, uint64_t from_version,
      const std::function<bool(uint64_t version, uint64_t position,
                               std::string_view payload)>& fn,
      const ReadView* at = nullptr) const;

  // Calls fn for each event of `stream` from `from_version` on, until fn
  // returns false. corruption when a record fails verification.
  Status ReadStream(std::string_view stream, uint64_t from_version,
                    const std::function<bool(const StoredEvent&)>& fn);

  // Calls fn for each event of the log from `from_position` on, until fn
  // returns false; fn may keep the event. `scan`: a read of the whole log
  // (rebuild, a search index built afresh), whose blocks stay out of the
  // block cache, where they would only evict what point reads and the
  // readers of the log's tail need. corruption when a record fails
  // verification.
  Status ReadLog(uint64_t from_position,
                 const std::function<bool(StoredEvent&&)>& fn,
                 bool scan = false);

  // Calls `fn` for every record of the log in key order, until it returns
  // false: `slot(position)` names where the record goes, which ScanLog
  // fills with the verified event (reusing the slot's buffers: verify
  // hands the same slots round, and a fresh allocation per record and its
  // free had been a quarter of its reading thread) and then calls
  // `fn(position, checked)`: OK, or corruption for a record that fails
  // verification (the slot's contents are then unspecified). `position` is
  // the key's, 0 for a malformed key. For audits, which report each damaged
  // record instead of stopping at the first. Reads around the block cache,
  // as ReadLog's `scan`. io_error or corruption when the log cannot be read.
  Status ScanLog(
      const std::function<StoredEvent&(uint64_t position)>& slot,
      const std::function<bool(uint64_t position, const Status& checked)>& fn);

  // Reads one event; not_found past the end.
  StatusOr<StoredEvent> ReadEvent(uint64_t position);

  // The last committed position and its hash (zero hash when empty).
  struct LogHead {
    uint64_t position = 0;
    std::string hash = kZeroHash;
  };
  LogHead Head() const;

  // Batches, keys and bytes written by Append since the open.
  struct WriteCounts {
    uint64_t batches = 0;
    uint64_t keys = 0;
    uint64_t bytes = 0;
  };
  WriteCounts Written() const;

  // Waits until the last committed position is past `position`, at most
  // `timeout`, and returns the last committed position then. Every append
  // wakes the waiters; a reader's head never moves, so it waits the whole
  // timeout.
  uint64_t WaitForHead(uint64_t position,
                       std::chrono::milliseconds timeout) const;

  // ---- Views ----------------------------------------------------------------

  // A view value; nullopt when absent.
  StatusOr<std::optional<std::string>> GetView(std::string_view key);
  // Replaces every view key with `entries`, which must be sorted by key with
  // no key twice. They are written as SST files next to the database and
  // ingested into the views slot that is not live, which costs a fraction of
  // writing them through the memtable; one write then makes that slot the
  // live one. Until that write the old views answer: a rebuild that fails or
  // is killed midway leaves them in place, and the next open clears the
  // half-built slot. The caller must keep appenders away meanwhile.
  // `views_format` is recorded with the switch (views_format()).
  Status ReplaceViews(
      const std::vector<std::pair<std::string_view, std::string_view>>& entries,
      uint32_t views_format);

  // The layout the views were last built in (meta/format): 0 for a store
  // that holds nothing yet, 1 for stores of the first release, which did not
  // record it. The engine rebuilds views of an older format on open.
  uint32_t views_format() const { return views_format_; }
  // Records the format of a store whose views need no rebuild (an empty one).
  Status SetViewsFormat(uint32_t views_format);

  // Compacts every family down to its last level, as background compaction
  // eventually would (benchmarks time reads in that state). io_error when a
  // compaction fails.
  Status CompactAll();

  // ---- Repair ---------------------------------------------------------------

  // Writes `ops` in one batch (synced). For Engine::Repair and upgrades of
  // the derived families only: nothing is checked. io_error when the write
  // fails (then nothing was written) or the store is open read-only.
  Status WriteOps(const std::vector<FamilyOp>& ops);

  // Writes `ops` and the log head `head` in one batch (synced). For
  // Engine::Repair only: nothing is checked.
  Status WriteRepair(const std::vector<FamilyOp>& ops, const LogHead& head);

  // ---- Raw access for tests that damage a store on purpose ----------------

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* handle(Family family) const {
    return handles_[family == Family::kViews ? live_views_
                                             : static_cast<int>(family)];
  }
  // A consistent snapshot of every family to read queries from. A reader
  // (Options::read_only) never moves after its open, so its views are
  // snapshots already.
  std::unique_ptr<ReadView> NewReadView() const;
  // A cursor over the latest state of one family. `scan`: for a walk over
  // the whole family, which reads each block once: its blocks stay out of
  // the block cache, where they would only evict what point reads need.
  std::unique_ptr<Cursor> NewCursor(Family family, bool scan = false) const;

  // The key of `stream`'s event `version` in the streams family; the Put
  // form appends it to `out`.
  static std::string StreamVersionKey(std::string_view stream,
                                      uint64_t version);
  static void PutStreamVersionKey(std::string& out, std::string_view stream,
                                  uint64_t version);
  // A streams family value: be64(position), then the event's index payload.
  static std::string StreamEntryValue(uint64_t position,
                                      std::string_view payload);
  // Splits a streams family value; false when it is shorter than 8 bytes.
  static bool ParseStreamEntryValue(std::string_view value, uint64_t& position,
                                    std::string_view& payload);

 private:
  friend class ReadView;
  struct Writer;
  EventStore() = default;
  Status OpenDb(const Options& options, Recovery recovery);
  rocksdb::WriteOptions WriteOptions() const;
  // Reader side: opens a secondary instance and catches up with the writer
  // until no flush or compaction of the writer raced the catch-up.
  Status OpenSecondary(
      const rocksdb::DBOptions& db_options,
      const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
      std::vector<rocksdb::ColumnFamilyHandle*>& handles);
  // Takes the log head from the last log record and reads meta/format and
  // meta/views. `tolerate_damaged_head`: a last record that fails
  // verification is passed over instead of failing the open.
  Status LoadMeta(bool tolerate_damaged_head);
  void RemoveSecondaryDir();
  // Empties the views slot `slot` (a family index).
  Status ClearViewsSlot(int slot);
  StatusOr<StoredEvent> Verified(std::string_view key, std::string record);
  // Checks event.record, the log record stored under `key`, and sets the
  // other fields of `event` from it.
  static Status Parse(std::string_view key, StoredEvent& event);
  // Leader only: checks, assigns positions and hashes, builds the batch.
  // `heads` receives the head each stream written will have.
  void BuildGroup(std::vector<Writer*>& group, rocksdb::WriteBatch& batch,
                  LogHead& head,
                  std::unordered_map<std::string, StreamHead>& heads);

  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  bool sync_ = true;
  bool read_only_ = false;
  // Where a reader's secondary instance keeps its own files; removed on
  // close.
  std::string secondary_dir_;
  // Held (flock) on the reader directory's lock file while the reader
  // lives: how another reader's sweep tells it is alive.
  int secondary_lock_fd_ = -1;
  // Family index of the live views slot ("views" or "views.1").
  int live_views_ = static_cast<int>(Family::kViews);
  uint32_t views_format_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Writer*> writers_;  // guarded by mu_
  LogHead head_;                 // guarded by mu_; last committed
  // The heads of streams this process appended to, as committed: a command
  // on a ticket written lately finds its stream's head here instead of
  // reading it (two point reads, 11% of a buffered writer's time,
  // docs/benchmarks.md, session 10). This process is the store's only
  // writer (RocksDB's lock), and heads move only in Append and WriteOps, so
  // an entry stays true; it is emptied when it reaches kMaxCachedHeads
  // entries, after a failed write and by WriteOps.
  std::unordered_map<std::string, StreamHead> stream_heads_;  // guarded by mu_
  WriteCounts written_;                                       // guarded by mu_

  // Notified (under mu_) whenever head_ moves; for WaitForHead.
  mutable std::condition_variable head_cv_;
};

}  // namespace ticketlog::store

#endif  // TICKETLOG_STORE_EVENT_STORE_H_
