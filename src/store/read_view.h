// The store's read port: what the layers above read the families with,
// without seeing RocksDB. A ReadView is a consistent snapshot of every
// family (LevelDB's Snapshot); a Cursor walks one family in key order
// (LevelDB's Iterator).
//
// Thread-safety: a ReadView may be shared by threads; a Cursor may not.
// Ownership: both must be destroyed before the EventStore that made them.
#ifndef TICKETLOG_STORE_READ_VIEW_H_
#define TICKETLOG_STORE_READ_VIEW_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/family.h"
#include "ticketlog/status.h"

namespace rocksdb {
class DB;
class Iterator;
class Snapshot;
}  // namespace rocksdb

namespace ticketlog::store {

class EventStore;

// A position in one family. After a Seek*, Next or Prev, key() and value()
// are valid while Valid() holds, until the next move.
class Cursor {
 public:
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  void Seek(std::string_view target);         // first key >= target
  void SeekForPrev(std::string_view target);  // last key <= target
  void SeekToFirst();
  void SeekToLast();
  void Next();
  void Prev();
  bool Valid() const;
  std::string_view key() const;
  std::string_view value() const;
  // io_error or corruption when a read failed (then Valid() is false).
  Status status() const;

 private:
  friend class EventStore;
  friend class ReadView;
  explicit Cursor(std::unique_ptr<rocksdb::Iterator> it);
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Reads resolve the views family's live slot when each is made, not when
// the view is taken: a caller holds the engine's shared lock (which a
// rebuild's switch of slots excludes) for as long as it reads views through
// one ReadView.
class ReadView {
 public:
  ~ReadView();
  ReadView(const ReadView&) = delete;
  ReadView& operator=(const ReadView&) = delete;

  // The value at `key`; nullopt when absent. io_error when the read fails.
  StatusOr<std::optional<std::string>> Get(Family family,
                                           std::string_view key) const;
  // The values at `keys`, in order (nullopt for absent keys), read at once.
  // io_error when a read fails.
  StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      Family family, const std::vector<std::string>& keys) const;
  // A cursor over `family` at this view's snapshot.
  std::unique_ptr<Cursor> NewCursor(Family family) const;

 private:
  friend class EventStore;
  ReadView(const EventStore& store, const rocksdb::Snapshot* snapshot);
  const EventStore& store_;
  const rocksdb::Snapshot* snapshot_;  // nullptr: the store's latest state
};

}  // namespace ticketlog::store

#endif  // TICKETLOG_STORE_READ_VIEW_H_
