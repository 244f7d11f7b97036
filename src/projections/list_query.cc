#include "projections/list_query.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <memory>

#include "base/text.h"
#include "projections/contacts.h"
#include "projections/keys.h"
#include "projections/ticket_projection.h"
#include "schema/codec.h"
#include "store/keys.h"

namespace ticketlog::projections {
namespace {

constexpr uint8_t kCursorFormat = 1;

struct Position {
  TimeUs time = 0;
  uint64_t number = 0;
  auto operator<=>(const Position&) const = default;
};

// One index list read in the query's order.
class ListScan {
 public:
  ListScan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
           const rocksdb::ReadOptions& options, std::string prefix, bool desc)
      : it_(db->NewIterator(options, cf)), prefix_(std::move(prefix)),
        desc_(desc) {}

  // Positions on the first entry at or past `from` in the scan's order
  // (from the start when `from` is nullopt); `inclusive` false skips `from`
  // itself.
  void Start(const std::optional<Position>& from, bool inclusive) {
    if (!from) {
      if (desc_) {
        std::string end = prefix_;
        end.append(16, '\xff');
        it_->SeekForPrev(end);
      } else {
        it_->Seek(prefix_);
      }
    } else if (desc_) {
      uint64_t n = inclusive ? from->number : from->number - 1;
      if (!inclusive && from->number == 0) {
        // Nothing at this time sorts before number 0: go to earlier times.
        it_->SeekForPrev(IndexKey(prefix_, from->time, 0));
        if (Valid() && Current() == *from) it_->Prev();
      } else {
        it_->SeekForPrev(IndexKey(prefix_, from->time, n));
      }
    } else {
      it_->Seek(IndexKey(prefix_, from->time,
                         inclusive ? from->number : from->number + 1));
    }
  }
  bool Valid() const {
    return it_->Valid() && it_->key().starts_with(prefix_) &&
           it_->key().size() == prefix_.size() + 16;
  }
  Position Current() const {
    Position p;
    DecodeIndexPosition(it_->key().ToStringView(), prefix_.size(), p.time,
                        p.number);
    return p;
  }
  std::string_view Value() const { return it_->value().ToStringView(); }
  void Advance() { desc_ ? it_->Prev() : it_->Next(); }
  Status status() const {
    return it_->status().ok() ? Status::OK()
                              : Status::IoError(it_->status().ToString());
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string prefix_;
  bool desc_;
};

struct Plan {
  Dim dim = Dim::kAll;
  std::vector<std::string> values = {""};
  int64_t total = 0;
  // True when the list read holds exactly the tickets the filter asks for.
  bool exact = true;
};

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Everything that decides which tickets a query lists, and in which order.
std::string QueryFingerprint(const ListQuery& q) {
  std::string out = q.account;
  auto add = [&out](std::string_view part) {
    store::PutComponent(out, part);
  };
  for (TicketStatus s : q.statuses) add(Name(s));
  add(q.department.value_or("\x01"));
  add(q.operator_id.value_or("\x01"));
  add(q.unassigned ? "u" : "");
  add(q.customer.value_or("\x01"));
  add(q.channel ? Name(*q.channel) : "\x01");
  add(q.priority ? Name(*q.priority) : "\x01");
  add(q.label.value_or("\x01"));
  add(q.awaiting ? Name(*q.awaiting) : "\x01");
  for (const auto& t : {q.created_from_us, q.created_to_us, q.updated_from_us,
                        q.updated_to_us}) {
    add(t ? std::to_string(*t) : "\x01");
  }
  add(q.sort == SortBy::kUpdated ? "u" : "c");
  add(q.order == SortOrder::kDesc ? "d" : "a");
  return out;
}

std::string EncodeCursor(uint64_t fingerprint, uint32_t page,
                         const Position& last) {
  std::string raw(1, static_cast<char>(kCursorFormat));
  store::PutBigEndian64(raw, fingerprint);
  store::PutBigEndian32(raw, page);
  store::PutBigEndian64(raw, static_cast<uint64_t>(last.time));
  store::PutBigEndian64(raw, last.number);
  return base::ToHex(raw);
}

Status DecodeCursor(std::string_view text, uint64_t fingerprint,
                    uint32_t& page, Position& last) {
  auto raw = base::FromHex(text);
  if (!raw || raw->size() != 29 || (*raw)[0] != kCursorFormat) {
    return Status::InvalidArgument("cursor", "malformed cursor");
  }
  std::string_view r(*raw);
  if (store::GetBigEndian64(r.substr(1)) != fingerprint) {
    return Status::InvalidArgument("cursor",
                                   "the cursor belongs to another query");
  }
  page = store::GetBigEndian32(r.substr(9));
  last.time = static_cast<TimeUs>(store::GetBigEndian64(r.substr(13)));
  last.number = store::GetBigEndian64(r.substr(21));
  return Status::OK();
}

// True when checking `q` needs the fields only hot index records carry.
bool NeedsHotFields(const ListQuery& q) {
  return q.awaiting || q.updated_from_us || q.updated_to_us;
}

bool Matches(const ListQuery& q, const IndexRecord& r) {
  if (!q.statuses.empty() &&
      std::find(q.statuses.begin(), q.statuses.end(), r.status) ==
          q.statuses.end()) {
    return false;
  }
  if (q.department && r.department != *q.department) return false;
  if (q.operator_id && r.operator_id != *q.operator_id) return false;
  if (q.unassigned && !r.operator_id.empty()) return false;
  if (q.channel && r.channel != *q.channel) return false;
  if (q.priority && r.priority != *q.priority) return false;
  if (q.awaiting && r.awaiting != *q.awaiting) return false;
  if (q.label && std::find(r.labels.begin(), r.labels.end(), *q.label) ==
                     r.labels.end()) {
    return false;
  }
  if (q.created_from_us && r.created_at_us < *q.created_from_us) return false;
  if (q.created_to_us && r.created_at_us >= *q.created_to_us) return false;
  if (q.updated_from_us && r.updated_at_us < *q.updated_from_us) return false;
  if (q.updated_to_us && r.updated_at_us >= *q.updated_to_us) return false;
  return true;
}

class Lister {
 public:
  Lister(store::EventStore& store, const ListQuery& query)
      : store_(store), q_(query) {
    snapshot_ = store.GetSnapshot();
    options_.snapshot = snapshot_;
  }
  ~Lister() { store_.ReleaseSnapshot(snapshot_); }

  StatusOr<ListPage> Run();

 private:
  StatusOr<std::optional<std::string>> Read(const std::string& key) {
    std::string value;
    auto s = store_.db()->Get(options_, store_.handle(store::Family::kViews),
                              key, &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return Status::IoError(s.ToString());
    return std::optional<std::string>(std::move(value));
  }
  StatusOr<int64_t> Count(Dim dim, const std::vector<std::string>& values) {
    int64_t total = 0;
    for (const auto& value : values) {
      auto bytes = Read(CounterKey(q_.account, dim, value));
      if (!bytes.ok()) return bytes.status();
      if (bytes->has_value()) total += DecodeCount(**bytes);
    }
    return total;
  }
  StatusOr<Plan> Choose();
  // Completes a cold record with the awaiting and updated fields of the
  // ticket's view.
  Status Heat(IndexRecord& record);
  StatusOr<std::vector<TicketView>> Load(const std::vector<std::string>& ids);

  store::EventStore& store_;
  const ListQuery& q_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
  std::vector<std::string> contacts_;
};

StatusOr<Plan> Lister::Choose() {
  std::vector<Plan> candidates;
  int filters = 0;
  auto consider = [&](Dim dim, std::vector<std::string> values) -> Status {
    ++filters;
    auto total = Count(dim, values);
    if (!total.ok()) return total.status();
    candidates.push_back({dim, std::move(values), *total, true});
    return Status::OK();
  };
  if (!q_.statuses.empty()) {
    std::vector<std::string> names;
    for (TicketStatus s : q_.statuses) names.emplace_back(Name(s));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    TICKETLOG_RETURN_IF_ERROR(consider(Dim::kStatus, names));
  }
  if (q_.department) TICKETLOG_RETURN_IF_ERROR(consider(Dim::kDepartment, {*q_.department}));
  if (q_.operator_id) TICKETLOG_RETURN_IF_ERROR(consider(Dim::kOperator, {*q_.operator_id}));
  if (q_.unassigned) TICKETLOG_RETURN_IF_ERROR(consider(Dim::kOperator, {""}));
  if (q_.customer) {
    ViewReader reader = [this](const std::string& key) { return Read(key); };
    auto contacts = ContactsMatching(q_.account, *q_.customer, reader);
    if (!contacts.ok()) return contacts.status();
    contacts_ = *contacts;
    TICKETLOG_RETURN_IF_ERROR(consider(Dim::kCustomer, contacts_));
  }
  if (q_.channel) TICKETLOG_RETURN_IF_ERROR(consider(Dim::kChannel, {std::string(Name(*q_.channel))}));
  if (q_.priority) TICKETLOG_RETURN_IF_ERROR(consider(Dim::kPriority, {std::string(Name(*q_.priority))}));
  if (q_.label) TICKETLOG_RETURN_IF_ERROR(consider(Dim::kLabel, {*q_.label}));
  bool time_filter = q_.created_from_us || q_.created_to_us ||
                     q_.updated_from_us || q_.updated_to_us;
  if (candidates.empty()) {
    // Awaiting has no list of its own (it flips on most replies): a query
    // on it alone reads the whole list and takes its total from a counter.
    auto total = q_.awaiting
                     ? Count(Dim::kAwaiting, {std::string(Name(*q_.awaiting))})
                     : Count(Dim::kAll, {""});
    if (!total.ok()) return total.status();
    candidates.push_back({Dim::kAll, {""}, *total, true});
  }
  if (q_.awaiting) ++filters;
  Plan best = *std::min_element(
      candidates.begin(), candidates.end(),
      [](const Plan& a, const Plan& b) { return a.total < b.total; });
  best.exact = filters <= 1 && !time_filter;
  return best;
}

Status Lister::Heat(IndexRecord& record) {
  auto bytes = Read(TicketKey(q_.account, record.ticket));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return Status::Corruption("list index names ticket " + record.ticket +
                              " whose view is missing");
  }
  TicketView view;
  TICKETLOG_RETURN_IF_ERROR(schema::DecodeTicketView(**bytes, view));
  record.awaiting = view.awaiting;
  record.updated_at_us = view.updated_at_us;
  record.hot = true;
  return Status::OK();
}

StatusOr<std::vector<TicketView>> Lister::Load(
    const std::vector<std::string>& ids) {
  std::vector<std::string> keys;
  std::vector<rocksdb::Slice> slices;
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.push_back(TicketKey(q_.account, id));
  for (const auto& key : keys) slices.emplace_back(key);
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  store_.db()->MultiGet(options_, store_.handle(store::Family::kViews),
                        slices.size(), slices.data(), values.data(),
                        statuses.data());
  std::vector<TicketView> views(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!statuses[i].ok()) {
      return Status::Corruption("list index names ticket " + ids[i] +
                                " whose view is missing: " +
                                statuses[i].ToString());
    }
    TICKETLOG_RETURN_IF_ERROR(
        schema::DecodeTicketView(values[i].ToStringView(), views[i]));
  }
  return views;
}

StatusOr<ListPage> Lister::Run() {
  if (q_.cursor.empty() && q_.page == 0) {
    return Status::InvalidArgument("page", "pages are numbered from 1");
  }
  uint64_t fingerprint = Fnv1a(QueryFingerprint(q_));
  ListPage page;
  page.page = q_.page;
  std::optional<Position> resume;
  if (!q_.cursor.empty()) {
    Position last;
    TICKETLOG_RETURN_IF_ERROR(
        DecodeCursor(q_.cursor, fingerprint, page.page, last));
    resume = last;
  }
  auto plan = Choose();
  if (!plan.ok()) return plan.status();

  bool desc = q_.order == SortOrder::kDesc;
  SortField sort =
      q_.sort == SortBy::kUpdated ? SortField::kUpdated : SortField::kCreated;
  // The sort field's own range bounds where the scan starts and stops.
  std::optional<TimeUs> from = sort == SortField::kUpdated ? q_.updated_from_us
                                                           : q_.created_from_us;
  std::optional<TimeUs> to = sort == SortField::kUpdated ? q_.updated_to_us
                                                         : q_.created_to_us;
  std::optional<Position> start = resume;
  bool inclusive = !resume;
  if (!start) {
    if (desc && to) start = Position{*to, 0};
    if (!desc && from) start = Position{*from, 0};
    inclusive = !desc;
  }

  std::vector<std::unique_ptr<ListScan>> scans;
  for (const auto& value : plan->values) {
    auto scan = std::make_unique<ListScan>(
        store_.db(), store_.handle(store::Family::kViews), options_,
        IndexPrefix(q_.account, plan->dim, value, sort), desc);
    scan->Start(start, inclusive);
    scans.push_back(std::move(scan));
  }

  uint64_t skip = resume ? 0 : uint64_t{page.page - 1} * kPageSize;
  uint64_t matched = 0;  // matches at or after the page start
  std::vector<std::string> ids;
  Position last;
  IndexRecord record;
  bool more = false;
  while (true) {
    ListScan* next = nullptr;
    for (auto& scan : scans) {
      if (!scan->Valid()) continue;
      if (!next || (desc ? scan->Current() > next->Current()
                         : scan->Current() < next->Current())) {
        next = scan.get();
      }
    }
    if (!next) break;
    Position at = next->Current();
    if ((desc && from && at.time < *from) || (!desc && to && at.time >= *to)) {
      break;
    }
    if (!DecodeIndexRecord(next->Value(), record)) {
      return Status::Corruption("malformed list index entry");
    }
    if (!record.hot && NeedsHotFields(q_)) TICKETLOG_RETURN_IF_ERROR(Heat(record));
    if (Matches(q_, record)) {
      if (skip > 0) {
        --skip;
        ++matched;
      } else if (ids.size() < kPageSize) {
        ids.push_back(record.ticket);
        last = at;
        ++matched;
      } else {
        more = true;
        ++matched;
        // With an exact counter the total is known: stop at the first ticket
        // past the page.
        if (plan->exact) break;
      }
    }
    next->Advance();
  }
  for (auto& scan : scans) TICKETLOG_RETURN_IF_ERROR(scan->status());

  if (plan->exact) {
    page.total = static_cast<uint64_t>(std::max<int64_t>(plan->total, 0));
  } else if (resume) {
    // A cursor scan starts after the earlier pages: add them back.
    page.total = uint64_t{page.page - 1} * kPageSize + matched;
  } else {
    page.total = matched;
  }
  auto views = Load(ids);
  if (!views.ok()) return views.status();
  page.items = std::move(*views);
  if (more) page.next_cursor = EncodeCursor(fingerprint, page.page + 1, last);
  return page;
}

}  // namespace

StatusOr<ListPage> RunListQuery(store::EventStore& store,
                                const ListQuery& query) {
  Lister lister(store, query);
  return lister.Run();
}

}  // namespace ticketlog::projections
