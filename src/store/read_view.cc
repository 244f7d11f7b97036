#include "store/read_view.h"

#include <rocksdb/db.h>

#include "store/event_store.h"

namespace ticketlog::store {
namespace {

Status ReadFailure(const rocksdb::Status& s) {
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IoError(s.ToString());
}

}  // namespace

Cursor::Cursor(std::unique_ptr<rocksdb::Iterator> it) : it_(std::move(it)) {}
Cursor::~Cursor() = default;

void Cursor::Seek(std::string_view target) { it_->Seek(target); }
void Cursor::SeekForPrev(std::string_view target) { it_->SeekForPrev(target); }
void Cursor::SeekToFirst() { it_->SeekToFirst(); }
void Cursor::SeekToLast() { it_->SeekToLast(); }
void Cursor::Next() { it_->Next(); }
void Cursor::Prev() { it_->Prev(); }
bool Cursor::Valid() const { return it_->Valid(); }
std::string_view Cursor::key() const { return it_->key().ToStringView(); }
std::string_view Cursor::value() const { return it_->value().ToStringView(); }
Status Cursor::status() const {
  return it_->status().ok() ? Status::OK() : ReadFailure(it_->status());
}

ReadView::ReadView(const EventStore& store, const rocksdb::Snapshot* snapshot)
    : store_(store), snapshot_(snapshot) {}

ReadView::~ReadView() {
  if (snapshot_ != nullptr) store_.db_->ReleaseSnapshot(snapshot_);
}

StatusOr<std::optional<std::string>> ReadView::Get(Family family,
                                                   std::string_view key) const {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s =
      store_.db_->Get(options, store_.handle(family), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return ReadFailure(s);
  return std::optional<std::string>(std::move(value));
}

StatusOr<std::vector<std::optional<std::string>>> ReadView::MultiGet(
    Family family, const std::vector<std::string>& keys) const {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  store_.db_->MultiGet(options, store_.handle(family), slices.size(),
                       slices.data(), values.data(), statuses.data());
  std::vector<std::optional<std::string>> out(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return ReadFailure(statuses[i]);
    out[i] = values[i].ToString();
  }
  return out;
}

std::unique_ptr<Cursor> ReadView::NewCursor(Family family) const {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  return std::unique_ptr<Cursor>(new Cursor(std::unique_ptr<rocksdb::Iterator>(
      store_.db_->NewIterator(options, store_.handle(family)))));
}

}  // namespace ticketlog::store
