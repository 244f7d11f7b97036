#include "bench/settle.h"

#include "store/event_store.h"

namespace ticketlog::bench {

Status SettleRocksDb(const std::string& path) {
  Options options;
  options.path = path;
  options.create_if_missing = false;
  auto store = store::EventStore::Open(options);
  if (!store.ok()) return store.status();
  return (*store)->CompactAll();
}

}  // namespace ticketlog::bench
