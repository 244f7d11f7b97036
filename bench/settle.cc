#include "bench/settle.h"

#include <memory>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/convenience.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/options_util.h>

namespace ticketlog::bench {

Status SettleRocksDb(const std::string& path) {
  // The engine's own options, as it last persisted them (OPTIONS file), so
  // the rewritten files keep its table format: partitioned indexes and
  // Bloom filters (src/store/event_store.cc).
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  rocksdb::Status s =
      rocksdb::LoadLatestOptions(config, path, &db_options, &families);
  if (!s.ok()) return Status::IoError("settling " + path + ": " + s.ToString());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(db_options, path, families, &handles, &raw);
  if (!s.ok()) return Status::IoError("settling " + path + ": " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::CompactRangeOptions options;
  // Rewrites the last level too, dropping the tombstones of the list
  // index entries every command replaces.
  options.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* h : handles) {
    if (s.ok()) s = db->CompactRange(options, h, nullptr, nullptr);
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  rocksdb::Status closed = db->Close();
  if (s.ok()) s = closed;
  return s.ok() ? Status::OK()
                : Status::IoError("settling " + path + ": " + s.ToString());
}

}  // namespace ticketlog::bench
