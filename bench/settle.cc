#include "bench/settle.h"

#include <memory>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

namespace ticketlog::bench {

Status SettleRocksDb(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  if (!s.ok()) return Status::IoError("settling " + path + ": " + s.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) {
    families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &raw);
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
