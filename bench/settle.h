// Settling an engine database before its reads are timed.
//
// Right after a bulk build, or after reopening one (its write-ahead log
// replayed into overlapping level-0 files), RocksDB reads merge many files
// and a repeated measurement can vary several-fold with the compaction
// state. The benchmarks therefore time the engine's reads in the state a
// long-running server reaches once background compaction has caught up:
// every column family compacted. SQLite's B-trees need no such step.
#ifndef TICKETLOG_BENCH_SETTLE_H_
#define TICKETLOG_BENCH_SETTLE_H_

#include <string>

#include "ticketlog/status.h"

namespace ticketlog::bench {

// Compacts every column family of the closed engine database at `path`
// through the store (EventStore::CompactAll), so the files keep the
// engine's table format and merge operator. io_error when it cannot be
// opened or compacted.
Status SettleRocksDb(const std::string& path);

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_SETTLE_H_
