// LimitStore: the "limit" baseline. Raw RocksDB writing only the serialised
// events of each command: what the engine could at best reach on the same
// machine with the same durability.
//
// It keeps the engine's log layout (column family "log", key be64(position))
// and serialises the same ticketlog::Event bodies with the engine's codec
// (schema::EncodeEventBody), one WriteBatch per command. It does not read
// any state, validate, hash-chain, wrap bodies in envelopes, index streams
// or maintain views: the events each command appends are decided before
// timing starts (Prepare, with InMemoryModel), and the timed path (Execute)
// stamps their ids and recorded times, encodes them and writes the batch.
//
// Concurrency: positions are assigned under a mutex and the batch is written
// outside it, so concurrent writers meet in RocksDB's own write group (one
// WAL write and, with sync, one fsync for the group). This is the fair
// counterpart of the engine's group commit; positions stay dense but may
// reach the disk slightly out of order, which a baseline does not mind.
//
// RocksDB options match the engine's (src/store/event_store.cc): two
// background jobs, pipelined writes, 64 MiB memtables, 64 MiB block cache.
//
// Thread-safety: Execute is thread-safe; Prepare is not.
#ifndef TICKETLOG_BENCH_LIMIT_STORE_H_
#define TICKETLOG_BENCH_LIMIT_STORE_H_

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"

namespace ticketlog::bench {

// The events of one command, decided ahead of the timed run.
using PreparedCommand = std::vector<Event>;

class LimitStore {
 public:
  // Opens (or creates) a RocksDB database at `path` with the engine's
  // column families.
  static StatusOr<std::unique_ptr<LimitStore>> Open(const std::string& path,
                                                    bool sync);
  ~LimitStore();
  LimitStore(const LimitStore&) = delete;
  LimitStore& operator=(const LimitStore&) = delete;

  // Decides, in memory, the events each command appends (in the order the
  // commands are given). The commands of one account must all be given in
  // one call. Refused commands yield no events.
  static std::vector<PreparedCommand> Prepare(
      const std::vector<const Command*>& commands);

  // Encodes and writes the command's events as one WriteBatch. Returns the
  // number of events written.
  StatusOr<uint32_t> Execute(PreparedCommand& command);

  // Events written so far.
  uint64_t position() const;

 private:
  LimitStore() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* log_ = nullptr;
  rocksdb::WriteOptions write_options_;
  mutable std::mutex mu_;
  uint64_t position_ = 0;  // guarded by mu_
};

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_LIMIT_STORE_H_
