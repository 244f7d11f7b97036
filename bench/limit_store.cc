#include "bench/limit_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "base/text.h"
#include "bench/model.h"
#include "schema/codec.h"
#include "store/coding.h"

namespace ticketlog::bench {

StatusOr<std::unique_ptr<LimitStore>> LimitStore::Open(const std::string& path,
                                                       bool sync) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.enable_pipelined_write = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(64u << 20);
  table.cache_index_and_filter_blocks = true;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = 64u << 20;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf_options}, {"log", cf_options}};
  rocksdb::DB* raw = nullptr;
  std::unique_ptr<LimitStore> store(new LimitStore());
  rocksdb::Status s =
      rocksdb::DB::Open(db_options, path, families, &store->handles_, &raw);
  if (!s.ok()) return Status::IoError("opening " + path + ": " + s.ToString());
  store->db_.reset(raw);
  store->log_ = store->handles_[1];
  store->write_options_.sync = sync;
  return store;
}

LimitStore::~LimitStore() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

std::vector<PreparedCommand> LimitStore::Prepare(
    const std::vector<const Command*>& commands) {
  InMemoryModel model;
  std::vector<PreparedCommand> out;
  out.reserve(commands.size());
  for (const Command* command : commands) {
    auto events = model.Apply(*command);
    out.push_back(events.ok() ? std::move(*events) : PreparedCommand{});
  }
  return out;
}

StatusOr<uint32_t> LimitStore::Execute(PreparedCommand& command) {
  if (command.empty()) return 0u;
  // What the engine does per event and cannot skip: a fresh event id, the
  // recorded time, and the body's FlatBuffers encoding.
  TimeUs recorded = base::NowUs();
  std::vector<std::string> bodies;
  bodies.reserve(command.size());
  for (Event& event : command) {
    event.event_id = base::NewUuid();
    event.recorded_at_us = recorded;
    bodies.push_back(schema::EncodeEventBody(event));
  }
  uint64_t first;
  {
    std::lock_guard lock(mu_);
    first = position_ + 1;
    position_ += bodies.size();
  }
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < bodies.size(); ++i) {
    batch.Put(log_, store::BigEndian64(first + i), bodies[i]);
  }
  rocksdb::Status s = db_->Write(write_options_, &batch);
  if (!s.ok()) return Status::IoError("limit write: " + s.ToString());
  return static_cast<uint32_t>(bodies.size());
}

uint64_t LimitStore::position() const {
  std::lock_guard lock(mu_);
  return position_;
}

}  // namespace ticketlog::bench
