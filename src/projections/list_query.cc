#include "projections/list_query.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>

#include "base/text.h"
#include "projections/contacts.h"
#include "projections/ticket_counts.h"
#include "projections/ticket_projection.h"
#include "projections/view_keys.h"
#include "schema/codec.h"
#include "store/coding.h"
#include "ticketlog/sla.h"

namespace ticketlog::projections {
namespace {

constexpr uint8_t kCursorFormat = 1;
constexpr size_t kUuidLength = 36;

struct Position {
  TimeUs time = 0;
  uint64_t number = 0;
  auto operator<=>(const Position&) const = default;
};

// One index list read in the query's order.
class ListScan {
 public:
  ListScan(const store::ReadView& view, std::string prefix, bool desc)
      : it_(view.NewCursor(store::Family::kViews)),
        prefix_(std::move(prefix)),
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
    DecodeIndexPosition(it_->key(), prefix_.size(), p.time, p.number);
    return p;
  }
  std::string_view Value() const { return it_->value(); }
  void Advance() { desc_ ? it_->Prev() : it_->Next(); }
  Status status() const { return it_->status(); }

 private:
  std::unique_ptr<store::Cursor> it_;
  std::string prefix_;
  bool desc_;
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
  auto add = [&out](std::string_view part) { store::PutComponent(out, part); };
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
  add(q.number ? std::to_string(*q.number) : "\x01");
  add(q.sla ? Name(*q.sla) : "\x01");
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

Status DecodeCursor(std::string_view text, uint64_t fingerprint, uint32_t& page,
                    Position& last) {
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

// True when an encoded index record (EncodeIndexRecord: ticket[36] flags
// status channel priority ... [breach time]) fails `q`'s status, channel,
// priority or breached filter; false when it passes them or is too short
// to tell.
bool FixedFieldsFail(const ListQuery& q, std::string_view record) {
  constexpr size_t kStatus = 37, kChannel = 38, kPriority = 39;
  if (record.size() <= kPriority) return false;
  if (q.sla == SlaFilter::kBreached) {
    char flags = record[kRecordFlagsAt];
    if ((flags & kRecordHasBreach) == 0) return true;
    size_t at = (flags & kRecordHot) != 0 ? kRecordHotSize : kRecordColdSize;
    if (record.size() < at + 8) return false;
    auto breach_at =
        static_cast<TimeUs>(store::GetBigEndian64(record.substr(at)));
    if (breach_at >= q.now_us.value_or(0)) return true;
  }
  if (!q.statuses.empty() &&
      std::find(q.statuses.begin(), q.statuses.end(),
                static_cast<TicketStatus>(record[kStatus])) ==
          q.statuses.end()) {
    return true;
  }
  if (q.channel && static_cast<Channel>(record[kChannel]) != *q.channel) {
    return true;
  }
  return q.priority && static_cast<Priority>(record[kPriority]) != *q.priority;
}

bool Matches(const ListQuery& q, const IndexRecord& r) {
  if (!q.statuses.empty() && std::find(q.statuses.begin(), q.statuses.end(),
                                       r.status) == q.statuses.end()) {
    return false;
  }
  if (q.department && r.department != *q.department) return false;
  if (q.operator_id && r.operator_id != *q.operator_id) return false;
  if (q.unassigned && !r.operator_id.empty()) return false;
  if (q.channel && r.channel != *q.channel) return false;
  if (q.priority && r.priority != *q.priority) return false;
  if (q.awaiting && r.awaiting != *q.awaiting) return false;
  if (q.label &&
      std::find(r.labels.begin(), r.labels.end(), *q.label) == r.labels.end()) {
    return false;
  }
  if (q.created_from_us && r.created_at_us < *q.created_from_us) return false;
  if (q.created_to_us && r.created_at_us >= *q.created_to_us) return false;
  if (q.updated_from_us && r.updated_at_us < *q.updated_from_us) return false;
  if (q.updated_to_us && r.updated_at_us >= *q.updated_to_us) return false;
  // Breached: past the breach time (EvaluateSla breaches iff now > it).
  // At risk is checked by the SLA source alone (SlaGathered).
  if (q.sla == SlaFilter::kBreached &&
      !(r.sla_breach_at_us && *r.sla_breach_at_us < q.now_us.value_or(0))) {
    return false;
  }
  return true;
}

// Where a query's candidates come from, in the query's order, each with the
// record its filters are checked on.
class Source {
 public:
  virtual ~Source() = default;
  // The next candidate; false at the end (check status()).
  // `want_record` false: the caller only counts the candidate, so a source
  // that decodes records may skip that.
  virtual bool Next(Position& at, IndexRecord& record, bool want_record) = 0;
  virtual Status status() const = 0;
};

// Relative cost of a candidate that needs a point read (a selective list's
// entry, whose record is in the created-time list) against one whose record
// comes with the scan. Measured on the benchmark's 1,000,000-ticket account.
constexpr uint64_t kLookupCost = 8;
// A whole-list scan expected to read fewer entries than this is chosen
// without weighing the department and operator lists.
constexpr uint64_t kCellSumWorthReads = 20000;

class Lister {
 public:
  Lister(store::EventStore& store, const ListQuery& query)
      : view_(store.NewReadView()), q_(query) {}

  StatusOr<ListPage> Run();
  // A query with a number filter: its one ticket, if it passes the others.
  StatusOr<ListPage> RunByNumber(uint64_t number, uint32_t page_number);
  // An unfiltered page by number past the first, whose list has `total`
  // entries (every ticket of the account): its first ticket is found
  // through the list days (ListDayKey, RankedPosition), then the page is
  // read from there. nullopt when RankedPosition finds no position or the
  // list ends before the page does (the caller then steps over the earlier
  // pages instead).
  StatusOr<std::optional<ListPage>> PageByRank(ListPage page, uint64_t total,
                                               uint64_t fingerprint);
  // The position of the entry `rank` entries (0-based) from the start of
  // the account's `sort` list in the `desc` order, which has `total`
  // entries (rank < total): the list days are summed from the end nearer
  // to it, then the entries of its day are stepped over from that day's
  // nearer end (at most half a day's tickets). The days are trusted, as
  // the count cells are for totals: nullopt when the days, summed from the
  // nearer end, run out before the rank, or the day's stretch of the list
  // runs out before the step within it reaches the rank; days that differ
  // from the list otherwise give another position, which `verify` reports.
  // corruption when a day key or its value is malformed.
  StatusOr<std::optional<Position>> RankedPosition(SortField sort, bool desc,
                                                   uint64_t rank,
                                                   uint64_t total);
  // The exact number of tickets matching a query whose filters are all on
  // count-cell fields.
  StatusOr<uint64_t> CountByCells();
  // The account's tickets: its last ticket number (tickets are never
  // deleted, and numbers run from 1 without gaps).
  StatusOr<uint64_t> TicketCount() {
    auto all = Count(NumberKey(q_.account));
    if (!all.ok()) return all.status();
    return static_cast<uint64_t>(std::max<int64_t>(*all, 0));
  }

 private:
  class FullScan;
  class SelectiveScan;
  class Gathered;
  class SlaGathered;

  StatusOr<std::optional<std::string>> Read(const std::string& key) {
    return view_->Get(store::Family::kViews, key);
  }
  StatusOr<int64_t> Counter(Dim dim, const std::vector<std::string>& values) {
    int64_t total = 0;
    for (const auto& value : values) {
      auto bytes = Read(CounterKey(q_.account, dim, value));
      if (!bytes.ok()) return bytes.status();
      if (bytes->has_value()) total += DecodeCount(**bytes);
    }
    return total;
  }
  StatusOr<int64_t> Count(const std::string& key) {
    auto bytes = Read(key);
    if (!bytes.ok()) return bytes.status();
    return bytes->has_value() ? DecodeCount(**bytes) : 0;
  }
  // The number of entries of selective lists: for customers, whose lists
  // are short and keep no counter.
  StatusOr<int64_t> ListLength(Dim dim,
                               const std::vector<std::string>& values) {
    int64_t total = 0;
    auto it = view_->NewCursor(store::Family::kViews);
    for (const auto& value : values) {
      std::string prefix =
          IndexPrefix(q_.account, dim, value, SortField::kCreated);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
           it->Next()) {
        ++total;
      }
    }
    TICKETLOG_RETURN_IF_ERROR(it->status());
    return total;
  }
  // The number of tickets breached at `now` (breach time before it), of the
  // account or of one department: the per-day counts of the breach index
  // for the days before now's, plus the index's entries of now's day up to
  // now.
  StatusOr<uint64_t> CountBreached(TimeUs now, const std::string* department);
  // Sums `count` over the account's count cells.
  StatusOr<int64_t> SumCells(
      const std::function<int64_t(const CountCell&)>& count);
  // The cold record of the ticket at created-time position `at`.
  Status CreatedRecord(const Position& at, IndexRecord& record);
  // Completes a cold record with the awaiting and updated fields of the
  // ticket's view.
  Status Heat(IndexRecord& record);
  StatusOr<std::vector<TicketView>> Load(const std::vector<std::string>& ids);

  std::unique_ptr<store::ReadView> view_;
  const ListQuery& q_;
};

// Every ticket of the account in the sort order, records inline.
class Lister::FullScan final : public Source {
 public:
  FullScan(Lister& lister, SortField sort, bool desc,
           const std::optional<Position>& start, bool inclusive)
      : q_(lister.q_),
        scan_(*lister.view_,
              IndexPrefix(lister.q_.account, Dim::kAll, "", sort), desc) {
    scan_.Start(start, inclusive);
  }
  bool Next(Position& at, IndexRecord& record, bool want_record) override {
    if (!started_) {
      started_ = true;
    } else {
      scan_.Advance();
    }
    // Entries whose fixed-place fields (status, channel, priority) fail the
    // filters are passed over undecoded: most of a combined filter's
    // candidates are.
    while (scan_.Valid() && want_record && FixedFieldsFail(q_, scan_.Value())) {
      scan_.Advance();
    }
    if (!scan_.Valid()) return false;
    at = scan_.Current();
    if (!want_record) return true;
    if (!DecodeIndexRecord(scan_.Value(), record)) {
      status_ = Status::Corruption("malformed list index entry");
      return false;
    }
    return true;
  }
  Status status() const override {
    return status_.ok() ? scan_.status() : status_;
  }

 private:
  const ListQuery& q_;
  ListScan scan_;
  bool started_ = false;
  Status status_;
};

// The tickets of one or more selective lists (one customer's contacts, an
// operator, a department, a label), merged in created-time order; each
// record is read from the account's created-time list.
class Lister::SelectiveScan final : public Source {
 public:
  SelectiveScan(Lister& lister, Dim dim, const std::vector<std::string>& values,
                bool desc, const std::optional<Position>& start, bool inclusive)
      : lister_(lister), desc_(desc) {
    for (const auto& value : values) {
      auto scan = std::make_unique<ListScan>(
          *lister.view_,
          IndexPrefix(lister.q_.account, dim, value, SortField::kCreated),
          desc);
      scan->Start(start, inclusive);
      scans_.push_back(std::move(scan));
    }
  }
  bool Next(Position& at, IndexRecord& record, bool want_record) override {
    if (current_ != nullptr) current_->Advance();
    current_ = nullptr;
    for (auto& scan : scans_) {
      if (!scan->Valid()) continue;
      if (!current_ || (desc_ ? scan->Current() > current_->Current()
                              : scan->Current() < current_->Current())) {
        current_ = scan.get();
      }
    }
    if (current_ == nullptr) return false;
    at = current_->Current();
    status_ = lister_.CreatedRecord(at, record);
    return status_.ok();
  }
  Status status() const override {
    if (!status_.ok()) return status_;
    for (const auto& scan : scans_) TICKETLOG_RETURN_IF_ERROR(scan->status());
    return Status::OK();
  }

 private:
  Lister& lister_;
  bool desc_;
  std::vector<std::unique_ptr<ListScan>> scans_;
  ListScan* current_ = nullptr;
  Status status_;
};

// A selective list's tickets in updated-time order: every one is read,
// heated and sorted, since the list itself is in created-time order.
class Lister::Gathered final : public Source {
 public:
  Gathered(Lister& lister, Dim dim, const std::vector<std::string>& values,
           bool desc, const std::optional<Position>& start, bool inclusive) {
    SelectiveScan scan(lister, dim, values, desc, std::nullopt, true);
    Position created;
    IndexRecord record;
    // Cold fields first: most candidates fail there, before the view read.
    ListQuery cold = lister.q_;
    cold.awaiting.reset();
    cold.updated_from_us.reset();
    cold.updated_to_us.reset();
    while (scan.Next(created, record, true)) {
      if (!Matches(cold, record)) continue;
      status_ = lister.Heat(record);
      if (!status_.ok()) return;
      Position at{record.updated_at_us, created.number};
      if (start) {
        bool before_start = desc ? (inclusive ? at > *start : at >= *start)
                                 : (inclusive ? at < *start : at <= *start);
        if (before_start) continue;
      }
      items_.emplace_back(at, std::move(record));
    }
    status_ = scan.status();
    std::sort(items_.begin(), items_.end(),
              [desc](const auto& a, const auto& b) {
                return desc ? a.first > b.first : a.first < b.first;
              });
  }
  bool Next(Position& at, IndexRecord& record, bool want_record) override {
    if (!status_.ok() || next_ == items_.size()) return false;
    at = items_[next_].first;
    record = std::move(items_[next_].second);
    ++next_;
    return true;
  }
  Status status() const override { return status_; }

 private:
  std::vector<std::pair<Position, IndexRecord>> items_;
  size_t next_ = 0;
  Status status_;
};

// The tickets breached, or at risk, at the query's time, from the SLA
// indexes (ticket_projection.cc), whose entries carry hot records.
// Breached: breach time before now. At risk: breach time within the window
// after now, or paused at risk with no breach before now. Every entry in
// range is checked against the filters (on its fixed-place fields alone
// unless a filter needs more) and counted, so the total is exact; only the
// first `keep` matches in the list's order are kept, in a bounded heap: a
// page of a million breached tickets holds 51 records, not a million.
class Lister::SlaGathered final : public Source {
 public:
  SlaGathered(Lister& lister, bool desc, const std::optional<Position>& start,
              bool inclusive, const std::vector<std::string>& contacts,
              uint64_t keep)
      : desc_(desc), keep_(keep) {
    const ListQuery& q = lister.q_;
    TimeUs now = q.now_us.value_or(0);
    bool decode = q.department || q.operator_id || q.unassigned || q.customer ||
                  q.label || q.awaiting || q.created_from_us ||
                  q.created_to_us || q.updated_from_us || q.updated_to_us;
    // Hot record layout (EncodeIndexRecord): created at 40, updated at 49.
    size_t time_at = q.sort == SortBy::kUpdated ? 49 : 40;
    std::vector<uint64_t> seen;  // numbers found in the breach index
    auto gather = [&](SlaIndex index, std::optional<TimeUs> from,
                      std::optional<TimeUs> to, bool dedupe) -> Status {
      std::string prefix = SlaPrefix(q.account, index);
      auto it = lister.view_->NewCursor(store::Family::kViews);
      // Breach times follow creation, so a newest-first list reads the
      // index backwards: most entries then lose to the heap's top at once
      // instead of displacing it (docs/benchmarks.md, "SLA lists").
      bool backwards = desc;
      if (backwards) {
        std::string end =
            to ? IndexKey(prefix, *to, std::numeric_limits<uint64_t>::max())
               : prefix;
        if (!to) end.append(16, '\xff');
        it->SeekForPrev(end);
      } else {
        it->Seek(from ? IndexKey(prefix, *from, 0) : prefix);
      }
      IndexRecord record;
      for (; it->Valid() && it->key().starts_with(prefix);
           backwards ? it->Prev() : it->Next()) {
        Position key;
        DecodeIndexPosition(it->key(), prefix.size(), key.time, key.number);
        if (backwards ? (from && key.time < *from) : (to && key.time > *to)) {
          break;
        }
        std::string_view value = it->value();
        if (value.size() < 57 || FixedFieldsFail(q, value)) continue;
        if (decode) {
          if (!DecodeIndexRecord(value, record)) {
            return Status::Corruption("malformed SLA index entry");
          }
          if (q.customer && std::find(contacts.begin(), contacts.end(),
                                      record.contact) == contacts.end()) {
            continue;
          }
          if (!Matches(q, record)) continue;
        }
        if (dedupe &&
            std::binary_search(seen.begin(), seen.end(), key.number)) {
          continue;
        }
        if (!dedupe) seen.push_back(key.number);
        Position at{
            static_cast<TimeUs>(store::GetBigEndian64(value.substr(time_at))),
            key.number};
        if (start) {
          bool before_start = desc ? (inclusive ? at > *start : at >= *start)
                                   : (inclusive ? at < *start : at <= *start);
          if (before_start) continue;
        }
        ++total_;
        Offer(at, value);
      }
      return it->status();
    };
    if (*q.sla == SlaFilter::kBreached) {
      // Breached from any time strictly before now.
      if (now != std::numeric_limits<TimeUs>::min()) {
        status_ = gather(SlaIndex::kBreach, std::nullopt, now - 1, false);
      }
    } else {
      status_ = gather(SlaIndex::kBreach, now, now + kSlaAtRiskWindowUs, false);
      std::sort(seen.begin(), seen.end());
      // A paused ticket can be in both: its first response due soon.
      if (status_.ok()) {
        status_ = gather(SlaIndex::kPausedAtRisk, now, std::nullopt, true);
      }
    }
    std::sort_heap(heap_.begin(), heap_.end(), Before{desc_});
  }
  // Matching tickets in range (past the cursor, if any).
  uint64_t total() const { return total_; }
  bool Next(Position& at, IndexRecord& record, bool want_record) override {
    if (!status_.ok() || next_ == heap_.size()) return false;
    at = heap_[next_].first;
    if (!DecodeIndexRecord(heap_[next_].second, record)) {
      status_ = Status::Corruption("malformed SLA index entry");
      return false;
    }
    ++next_;
    return true;
  }
  Status status() const override { return status_; }

 private:
  using Item = std::pair<Position, std::string>;
  // List order; as the heap's order, the item that comes last is on top.
  struct Before {
    bool desc;
    bool operator()(const Item& a, const Item& b) const {
      return desc ? a.first > b.first : a.first < b.first;
    }
  };
  void Offer(const Position& at, std::string_view value) {
    Before before{desc_};
    if (heap_.size() < keep_) {
      heap_.emplace_back(at, std::string(value));
      std::push_heap(heap_.begin(), heap_.end(), before);
    } else if (keep_ > 0 && at != heap_.front().first &&
               before(Item{at, {}}, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), before);
      heap_.back() = Item{at, std::string(value)};
      std::push_heap(heap_.begin(), heap_.end(), before);
    }
  }

  bool desc_;
  uint64_t keep_;
  std::vector<Item> heap_;
  uint64_t total_ = 0;
  size_t next_ = 0;
  Status status_;
};

StatusOr<uint64_t> Lister::CountBreached(TimeUs now,
                                         const std::string* department) {
  // Breach times follow ticket times, which are never negative (and a day
  // before the least TimeUs has no start).
  if (now <= 0) return uint64_t{0};
  TimeUs day = UtcDay(now);
  int64_t total = 0;
  auto it = view_->NewCursor(store::Family::kViews);
  std::string days = BreachDaysPrefix(q_.account, department);
  std::string end = BreachDayKey(q_.account, department, day);
  for (it->Seek(days); it->Valid() && it->key() < end; it->Next()) {
    total += DecodeCount(it->value());
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  std::string prefix = SlaPrefix(q_.account, SlaIndex::kBreach);
  IndexRecord record;
  for (it->Seek(IndexKey(prefix, day, 0));
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    TimeUs at;
    uint64_t number;
    DecodeIndexPosition(it->key(), prefix.size(), at, number);
    if (at >= now) break;
    if (department != nullptr) {
      if (!DecodeIndexRecord(it->value(), record)) {
        return Status::Corruption("malformed SLA index entry");
      }
      if (record.department != *department) continue;
    }
    ++total;
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  return static_cast<uint64_t>(std::max<int64_t>(total, 0));
}

StatusOr<int64_t> Lister::SumCells(
    const std::function<int64_t(const CountCell&)>& count) {
  std::string prefix = CellPrefix(q_.account);
  auto it = view_->NewCursor(store::Family::kViews);
  int64_t total = 0;
  CountCell cell;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    if (!DecodeCell(it->key(), it->value(), prefix.size(), cell)) {
      return Status::Corruption("malformed count cell");
    }
    total += count(cell);
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  return total;
}

StatusOr<uint64_t> Lister::CountByCells() {
  auto total = SumCells(
      [this](const CountCell& cell) { return MatchingTickets(q_, cell); });
  if (!total.ok()) return total.status();
  return static_cast<uint64_t>(std::max<int64_t>(*total, 0));
}

Status Lister::CreatedRecord(const Position& at, IndexRecord& record) {
  auto bytes =
      Read(IndexKey(IndexPrefix(q_.account, Dim::kAll, "", SortField::kCreated),
                    at.time, at.number));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return Status::Corruption("a selective list names ticket number " +
                              std::to_string(at.number) +
                              " that the created-time list lacks");
  }
  if (!DecodeIndexRecord(**bytes, record)) {
    return Status::Corruption("malformed list index entry");
  }
  return Status::OK();
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
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.push_back(TicketKey(q_.account, id));
  auto values = view_->MultiGet(store::Family::kViews, keys);
  if (!values.ok()) return values.status();
  std::vector<TicketView> views(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!(*values)[i]) {
      return Status::Corruption("list index names ticket " + ids[i] +
                                " whose view is missing");
    }
    TICKETLOG_RETURN_IF_ERROR(
        schema::DecodeTicketView(*(*values)[i], views[i]));
  }
  return views;
}

StatusOr<ListPage> Lister::RunByNumber(uint64_t number, uint32_t page_number) {
  ListPage page;
  page.page = page_number;
  auto ticket = Read(TicketByNumberKey(q_.account, number));
  if (!ticket.ok()) return ticket.status();
  if (!ticket->has_value()) return page;
  auto views = Load({**ticket});
  if (!views.ok()) return views.status();
  TicketView& view = views->front();
  IndexRecord record;
  if (!DecodeIndexRecord(EncodeIndexRecord(view, /*hot=*/true), record)) {
    return Status::Corruption("ticket " + view.ticket + " has no list entry");
  }
  if (q_.customer) {
    ViewReader reader = [this](const std::string& key) { return Read(key); };
    auto matching = ContactsMatching(q_.account, *q_.customer, reader);
    if (!matching.ok()) return matching.status();
    if (std::find(matching->begin(), matching->end(), record.contact) ==
        matching->end()) {
      return page;
    }
  }
  if (!Matches(q_, record)) return page;
  if (q_.sla) {
    auto sla = EvaluateSla(view, q_.now_us.value_or(0));
    bool breached =
        sla && (sla->first_response_breached || sla->resolution_breached);
    bool wanted =
        *q_.sla == SlaFilter::kBreached ? breached : sla && sla->at_risk;
    if (!wanted) return page;
  }
  page.total = 1;
  if (page.page == 1) page.items.push_back(std::move(view));
  return page;
}

StatusOr<std::optional<Position>> Lister::RankedPosition(SortField sort,
                                                         bool desc,
                                                         uint64_t rank,
                                                         uint64_t total) {
  // Counted from the end nearer to the ticket: from the query's start, or
  // from its other end in the opposite order.
  bool from_start = rank <= total - 1 - rank;
  uint64_t left = from_start ? rank : total - 1 - rank;
  bool newest_first = desc == from_start;
  size_t slot = sort == SortField::kUpdated ? kUpdatedDaySlot : kCreatedDaySlot;

  // The day whose stretch of the list holds the ticket, and how many of
  // that stretch's entries come before it in the walk's order.
  std::string prefix = ListDaysPrefix(q_.account);
  auto it = view_->NewCursor(store::Family::kViews);
  if (newest_first) {
    it->SeekForPrev(prefix + std::string(8, '\xff'));
  } else {
    it->Seek(prefix);
  }
  std::optional<TimeUs> day;
  uint64_t on_day = 0;
  for (; it->Valid() && it->key().starts_with(prefix);
       newest_first ? it->Prev() : it->Next()) {
    if (it->key().size() != prefix.size() + 8) {
      return Status::Corruption("malformed list day key");
    }
    int64_t count = 0;
    bool decoded =
        store::ForEachSlotCount(it->value(), [&](uint8_t s, int64_t n) {
          if (s == slot) count = n;
        });
    if (!decoded) return Status::Corruption("malformed list day count");
    if (count <= 0) continue;
    if (static_cast<uint64_t>(count) > left) {
      day = DecodeListDay(it->key(), prefix.size());
      on_day = static_cast<uint64_t>(count);
      break;
    }
    left -= static_cast<uint64_t>(count);
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  if (!day) return std::optional<Position>();

  // Within the day, step from whichever of its ends is nearer. Every step
  // must stay on the day: entries off it mean the counts disagree with
  // the list.
  TimeUs first = *day;
  TimeUs last = first > std::numeric_limits<TimeUs>::max() - (kUsPerDay - 1)
                    ? std::numeric_limits<TimeUs>::max()
                    : first + (kUsPerDay - 1);
  bool near_end = left <= on_day - 1 - left;
  uint64_t steps = near_end ? left : on_day - 1 - left;
  bool step_desc = newest_first == near_end;
  ListScan scan(*view_, IndexPrefix(q_.account, Dim::kAll, "", sort),
                step_desc);
  scan.Start(step_desc ? Position{last, std::numeric_limits<uint64_t>::max()}
                       : Position{first, 0},
             /*inclusive=*/true);
  for (uint64_t i = 0; scan.Valid(); scan.Advance(), ++i) {
    Position at = scan.Current();
    if (at.time < first || at.time > last) break;
    if (i == steps) return std::optional<Position>(at);
  }
  TICKETLOG_RETURN_IF_ERROR(scan.status());
  return std::optional<Position>();
}

StatusOr<std::optional<ListPage>> Lister::PageByRank(ListPage page,
                                                     uint64_t total,
                                                     uint64_t fingerprint) {
  uint64_t before = uint64_t{page.page - 1} * kPageSize;
  page.total = total;
  if (before >= total) return std::optional<ListPage>(std::move(page));
  SortField sort =
      q_.sort == SortBy::kUpdated ? SortField::kUpdated : SortField::kCreated;
  bool desc = q_.order == SortOrder::kDesc;
  auto start = RankedPosition(sort, desc, before, total);
  if (!start.ok()) return start.status();
  if (!*start) return std::optional<ListPage>();
  uint64_t on_page = std::min<uint64_t>(kPageSize, total - before);
  FullScan scan(*this, sort, desc, **start, /*inclusive=*/true);
  std::vector<std::string> ids;
  Position last;
  Position at;
  IndexRecord record;
  while (ids.size() < on_page && scan.Next(at, record, true)) {
    ids.push_back(record.ticket);
    last = at;
  }
  TICKETLOG_RETURN_IF_ERROR(scan.status());
  if (ids.size() < on_page) return std::optional<ListPage>();
  auto views = Load(ids);
  if (!views.ok()) return views.status();
  page.items = std::move(*views);
  if (before + on_page < total) {
    page.next_cursor = EncodeCursor(fingerprint, page.page + 1, last);
  }
  return std::optional<ListPage>(std::move(page));
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
  if (q_.number) return RunByNumber(*q_.number, page.page);

  // The total: exact from counters when they cover the filters; otherwise
  // counted by reading every candidate.
  // Tickets are never deleted: the account has as many as its last number.
  auto count = TicketCount();
  if (!count.ok()) return count.status();
  uint64_t all = *count;
  std::optional<int64_t> exact;
  std::vector<std::string> contacts;
  if (q_.customer) {
    ViewReader reader = [this](const std::string& key) { return Read(key); };
    auto matching = ContactsMatching(q_.account, *q_.customer, reader);
    if (!matching.ok()) return matching.status();
    contacts = *matching;
  }
  bool time_filter = q_.created_from_us || q_.created_to_us ||
                     q_.updated_from_us || q_.updated_to_us;
  bool cell_filters = !q_.statuses.empty() || q_.department || q_.operator_id ||
                      q_.unassigned || q_.channel || q_.priority || q_.awaiting;
  // Breached tickets: their number at the query's time from the per-day
  // counts of the breach index, of the account or of the department asked
  // for; exact when no other filter applies.
  std::optional<uint64_t> breached;
  if (q_.sla == SlaFilter::kBreached) {
    bool other_filters = time_filter || !q_.statuses.empty() ||
                         q_.operator_id || q_.unassigned || q_.channel ||
                         q_.priority || q_.awaiting || q_.customer || q_.label;
    const std::string* department = q_.department ? &*q_.department : nullptr;
    auto counted = CountBreached(q_.now_us.value_or(0), department);
    if (!counted.ok()) return counted.status();
    if (!other_filters) exact = static_cast<int64_t>(*counted);
    // What reading the breach index costs: every breached ticket of the
    // account, whatever its department.
    if (department != nullptr) {
      counted = CountBreached(q_.now_us.value_or(0), nullptr);
      if (!counted.ok()) return counted.status();
    }
    breached = *counted;
  } else if (q_.sla) {
    // At risk: counted by the SLA source, which reads only what is at risk.
  } else if (CellsAnswer(q_)) {
    if (!cell_filters) {
      exact = static_cast<int64_t>(all);
    } else {
      auto total = CountByCells();
      if (!total.ok()) return total.status();
      exact = static_cast<int64_t>(*total);
    }
  } else if (!time_filter && !cell_filters && (!q_.customer || !q_.label)) {
    auto total = q_.customer ? ListLength(Dim::kCustomer, contacts)
                             : Counter(Dim::kLabel, {*q_.label});
    if (!total.ok()) return total.status();
    exact = *total;
  }

  bool filtered = q_.sla || !q_.statuses.empty() || q_.department ||
                  q_.operator_id || q_.unassigned || q_.customer ||
                  q_.channel || q_.priority || q_.label || q_.awaiting ||
                  time_filter;
  // Without filters the list is the account's whole list in the sort
  // order, and its length is the account's ticket count: every ticket has
  // one entry in each sort order's list whatever its status (merged
  // tickets included), and numbers run from 1 without gaps or repeats
  // (each opening takes the last number plus one, under the account's
  // lock), so the last number counts the entries. A page by number past
  // the first then starts where the list days place it.
  if (!filtered && !resume && page.page > 1) {
    auto ranked = PageByRank(page, all, fingerprint);
    if (!ranked.ok()) return ranked.status();
    if (*ranked) return std::move(**ranked);
  }

  // The candidates: the account's whole list in the sort order, or the
  // smallest selective list the filters name, whichever reads less.
  struct Selective {
    Dim dim;
    std::vector<std::string> values;
    int64_t count;
  };
  std::optional<Selective> selective;
  auto consider = [&](Dim dim, std::vector<std::string> values,
                      StatusOr<int64_t> count) -> Status {
    if (!count.ok()) return count.status();
    if (!selective || *count < selective->count) {
      selective = Selective{dim, std::move(values), *count};
    }
    return Status::OK();
  };
  if (q_.customer) {
    TICKETLOG_RETURN_IF_ERROR(consider(Dim::kCustomer, contacts,
                                       ListLength(Dim::kCustomer, contacts)));
  }
  if (q_.label) {
    TICKETLOG_RETURN_IF_ERROR(
        consider(Dim::kLabel, {*q_.label}, Counter(Dim::kLabel, {*q_.label})));
  }
  bool desc = q_.order == SortOrder::kDesc;
  SortField sort =
      q_.sort == SortBy::kUpdated ? SortField::kUpdated : SortField::kCreated;
  uint64_t needed = uint64_t{page.page} * kPageSize + 1;
  uint64_t all_count = all;
  // Candidates read before the page is full: all of them without an exact
  // total, else about `needed` over the share of the list that matches.
  auto reads = [&](uint64_t list) {
    if (!exact) return list;
    uint64_t matching = static_cast<uint64_t>(std::max<int64_t>(*exact, 1));
    return std::min<uint64_t>(list, needed * list / matching + 1);
  };
  // The department's and operator's list lengths are sums over every cell
  // of the account, thousands when many combinations are in use: worth it
  // only when a scan of the whole list would read many entries.
  bool worth_counting =
      q_.sla != SlaFilter::kAtRisk && reads(all_count) > kCellSumWorthReads;
  if (q_.department && worth_counting) {
    const std::string& department = *q_.department;
    TICKETLOG_RETURN_IF_ERROR(consider(
        Dim::kDepartment, {department}, SumCells([&](const CountCell& c) {
          return c.department == department ? CellTickets(c) : 0;
        })));
  }
  if ((q_.operator_id || q_.unassigned) && worth_counting) {
    std::string op = q_.operator_id.value_or("");
    TICKETLOG_RETURN_IF_ERROR(
        consider(Dim::kOperator, {op}, SumCells([&](const CountCell& c) {
                   return c.operator_id == op ? CellTickets(c) : 0;
                 })));
  }

  bool use_selective = false;
  uint64_t scan_cost = reads(all_count);
  if (selective) {
    uint64_t count =
        static_cast<uint64_t>(std::max<int64_t>(selective->count, 0));
    uint64_t cost =
        kLookupCost * (sort == SortField::kUpdated ? count : reads(count));
    use_selective = cost < scan_cost;
    if (use_selective) scan_cost = cost;
  }
  // The SLA index holds every breached ticket, but in breach-time order:
  // all of them are read to find a page. A list scan filtered on the
  // records' breach times reads `needed` over the breached share instead.
  // At risk is found in the SLA index alone.
  bool gather_sla =
      q_.sla == SlaFilter::kAtRisk || (breached && *breached <= scan_cost);

  // The sort field's own range bounds where the scan starts and stops.
  std::optional<TimeUs> from =
      sort == SortField::kUpdated ? q_.updated_from_us : q_.created_from_us;
  std::optional<TimeUs> to =
      sort == SortField::kUpdated ? q_.updated_to_us : q_.created_to_us;
  std::optional<Position> start = resume;
  bool inclusive = !resume;
  if (!start) {
    if (desc && to) start = Position{*to, 0};
    if (!desc && from) start = Position{*from, 0};
    inclusive = !desc;
  }
  std::unique_ptr<Source> source;
  if (gather_sla) {
    uint64_t keep = resume ? kPageSize + 1 : needed;
    auto sla = std::make_unique<SlaGathered>(*this, desc, start, inclusive,
                                             contacts, keep);
    TICKETLOG_RETURN_IF_ERROR(sla->status());
    // The source counted every match; with a cursor, those past it.
    exact = static_cast<int64_t>(
        sla->total() + (resume ? uint64_t{page.page - 1} * kPageSize : 0));
    source = std::move(sla);
  } else if (!use_selective) {
    source = std::make_unique<FullScan>(*this, sort, desc, start, inclusive);
  } else if (sort == SortField::kCreated) {
    source = std::make_unique<SelectiveScan>(
        *this, selective->dim, selective->values, desc, start, inclusive);
  } else {
    source = std::make_unique<Gathered>(
        *this, selective->dim, selective->values, desc, start, inclusive);
  }

  uint64_t skip = resume ? 0 : uint64_t{page.page - 1} * kPageSize;
  uint64_t matched = 0;  // matches at or after the page start
  std::vector<std::string> ids;
  Position last;
  Position at;
  IndexRecord record;
  bool more = false;
  // An unfiltered page by number skips its first entries undecoded.
  while (source->Next(at, record, filtered || skip == 0)) {
    if ((desc && from && at.time < *from) || (!desc && to && at.time >= *to)) {
      break;
    }
    if (!filtered && skip > 0) {
      ++matched;
      --skip;
      continue;
    }
    if (!record.hot && NeedsHotFields(q_))
      TICKETLOG_RETURN_IF_ERROR(Heat(record));
    if (q_.customer && std::find(contacts.begin(), contacts.end(),
                                 record.contact) == contacts.end()) {
      continue;
    }
    if (!Matches(q_, record)) continue;
    ++matched;
    if (skip > 0) {
      --skip;
    } else if (ids.size() < kPageSize) {
      ids.push_back(record.ticket);
      last = at;
    } else {
      more = true;
      // With an exact total, stop at the first ticket past the page.
      if (exact) break;
    }
  }
  TICKETLOG_RETURN_IF_ERROR(source->status());

  if (exact) {
    page.total = static_cast<uint64_t>(std::max<int64_t>(*exact, 0));
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

StatusOr<std::optional<std::pair<TimeUs, uint64_t>>> ListPositionOfRank(
    store::EventStore& store, const std::string& account, SortBy sort,
    SortOrder order, uint64_t rank) {
  ListQuery query;
  query.account = account;
  Lister lister(store, query);
  auto total = lister.TicketCount();
  if (!total.ok()) return total.status();
  using Found = std::optional<std::pair<TimeUs, uint64_t>>;
  if (rank >= *total) return Found();
  auto at = lister.RankedPosition(
      sort == SortBy::kUpdated ? SortField::kUpdated : SortField::kCreated,
      order == SortOrder::kDesc, rank, *total);
  if (!at.ok()) return at.status();
  if (!*at) return Found();
  return Found(std::make_pair((*at)->time, (*at)->number));
}

StatusOr<std::vector<TicketView>> TicketsCreatedIn(
    store::EventStore& store, const std::string& account,
    std::optional<TimeUs> from_us, std::optional<TimeUs> to_us) {
  // Views are read in batches: one MultiGet each.
  constexpr size_t kBatch = 1024;
  auto view = store.NewReadView();
  std::string prefix = IndexPrefix(account, Dim::kAll, "", SortField::kCreated);
  ListScan scan(*view, prefix, /*desc=*/false);
  scan.Start(
      from_us ? std::optional<Position>(Position{*from_us, 0}) : std::nullopt,
      /*inclusive=*/true);
  std::vector<TicketView> views;
  std::vector<std::string> keys;
  auto flush = [&]() -> Status {
    auto values = view->MultiGet(store::Family::kViews, keys);
    if (!values.ok()) return values.status();
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!(*values)[i]) {
        return Status::Corruption("the created-time list names a ticket " +
                                  std::string("whose view is missing"));
      }
      TICKETLOG_RETURN_IF_ERROR(
          schema::DecodeTicketView(*(*values)[i], views.emplace_back()));
    }
    keys.clear();
    return Status::OK();
  };
  for (; scan.Valid(); scan.Advance()) {
    if (to_us && scan.Current().time >= *to_us) break;
    std::string_view record = scan.Value();
    if (record.size() < kUuidLength) {
      return Status::Corruption("malformed list index entry");
    }
    keys.push_back(TicketKey(account, record.substr(0, kUuidLength)));
    if (keys.size() == kBatch) TICKETLOG_RETURN_IF_ERROR(flush());
  }
  TICKETLOG_RETURN_IF_ERROR(scan.status());
  TICKETLOG_RETURN_IF_ERROR(flush());
  return views;
}

StatusOr<uint64_t> CountTickets(store::EventStore& store,
                                const ListQuery& query) {
  if (!CellsAnswer(query)) {
    return Status::InvalidArgument("query",
                                   "only status, department, operator, "
                                   "channel, priority and awaiting filters "
                                   "are counted");
  }
  Lister lister(store, query);
  return lister.CountByCells();
}

}  // namespace ticketlog::projections
