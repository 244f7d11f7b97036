// The audit path: reading the log, its head, rebuilding and verifying.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory_resource>
#include <mutex>
#include <numeric>
#include <optional>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

// Header-only: Debian's libxxhash-dev, no link dependency.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/text.h"
#include "engine/engine_impl.h"
#include "engine/streams.h"
#include "projections/ticket_projection.h"
#include "projections/view_builder.h"
#include "projections/view_keys.h"

namespace ticketlog::engine {
namespace {

// Verify lists at most this many differences, then counts the rest.
constexpr size_t kMaxProblems = 100;
// The stream index and the views are each checked in this many parts
// (fewer when they have fewer entries), taken in turn by two threads.
constexpr size_t kCheckParts = 16;
// Fewer view entries than this are sorted on one thread.
constexpr size_t kParallelSortMin = 1 << 16;
// While fewer full batches than this wait for verify's folding thread, the
// reading thread leaves the records' hashes to it (Batches::Waiting): one
// is the batch just handed over, so two is the first sign of the folder
// falling behind.
constexpr size_t kHashWaiting = 2;

// Runs `second` on a thread of its own (or after `here` when no thread can
// be had: a process at its limit) and `here` on this one, and returns when
// both have ended. An exception on either side (out of memory) is rethrown
// here once both have ended: never a terminate.
void TwoThreads(const std::function<void()>& second,
                const std::function<void()>& here) {
  std::exception_ptr second_threw, here_threw;
  auto run_second = [&] {
    try {
      second();
    } catch (...) {
      second_threw = std::current_exception();
    }
  };
  std::thread thread;
  try {
    thread = std::thread(run_second);
  } catch (const std::system_error&) {
  }
  try {
    here();
  } catch (...) {
    here_threw = std::current_exception();
  }
  if (thread.joinable()) {
    thread.join();
  } else {
    run_second();
  }
  if (here_threw) std::rethrow_exception(here_threw);
  if (second_threw) std::rethrow_exception(second_threw);
}

void Report(VerifyReport& report, size_t& suppressed, std::string problem) {
  if (report.problems.size() < kMaxProblems) {
    report.problems.push_back(std::move(problem));
  } else {
    ++suppressed;
  }
}

// A check of one family against its expected entries (sorted by key), in
// parts that two threads take in turn. Part i covers entries
// [n * i / parts, n * (i + 1) / parts) of n, never empty (no more parts
// than entries); a family the log implies nothing of is walked whole, as
// one part [0, 0). Until Prepare has run (on either thread, once its
// entries are sorted), Take walks nothing: the thread that prepares it
// takes the parts left. A thread with nothing else to do can instead wait
// for Prepare, or for Settle: the other thread's word that it will not
// prepare the check (it failed, or the check has nothing to compare). The
// preparing thread must settle on every path, exceptions included, and
// only TwoThreads' `second` may wait: without a second thread it runs
// after `here`, which has settled by then.
class PartedCheck {
 public:
  void Prepare(size_t entries) {
    entries_ = entries;
    count_ = std::min(kCheckParts, std::max<size_t>(entries, 1));
    reports_.resize(count_);
    over_.resize(count_, 0);
    checked_.resize(count_);
    state_ = kReady;
    state_.notify_all();
  }
  // Once Prepare has run, nothing; else no Prepare will come.
  void Settle() {
    uint32_t pending = kPending;
    if (state_.compare_exchange_strong(pending, kNever)) state_.notify_all();
  }
  // Returns once Prepare or Settle has run.
  void AwaitSettled() const { state_.wait(kPending); }

  // Walks parts, `walk(report, over, from, to)` each, until none is left or
  // `failed` is set; sets it when a walk fails.
  template <typename Walk>
  void Take(std::atomic<bool>& failed, const Walk& walk) {
    if (state_ != kReady) return;
    for (size_t i; !failed && (i = next_.fetch_add(1)) < count_;) {
      checked_[i] = walk(reports_[i], over_[i], entries_ * i / count_,
                         entries_ * (i + 1) / count_);
      if (!checked_[i].ok()) failed = true;
    }
  }

  // Once both threads are done: the first error of a part, or each part's
  // report appended to `parts` in order and their counts beyond the cap
  // added to `over`.
  Status Collect(std::vector<VerifyReport*>& parts, size_t& over) {
    for (size_t i = 0; i < count_; ++i) {
      TICKETLOG_RETURN_IF_ERROR(checked_[i]);
      parts.push_back(&reports_[i]);
      over += over_[i];
    }
    return Status::OK();
  }

 private:
  size_t entries_ = 0;
  size_t count_ = 0;  // 0 until prepared
  std::vector<VerifyReport> reports_;
  std::vector<size_t> over_;
  std::vector<Status> checked_;
  std::atomic<size_t> next_{0};
  static constexpr uint32_t kPending = 0, kReady = 1, kNever = 2;
  std::atomic<uint32_t> state_{kPending};  // kReady set after the fields above
};

// Runs `fn` when the scope ends, however it ends.
template <typename Fn>
class AtScopeExit {
 public:
  explicit AtScopeExit(Fn fn) : fn_(std::move(fn)) {}
  AtScopeExit(const AtScopeExit&) = delete;
  AtScopeExit& operator=(const AtScopeExit&) = delete;
  ~AtScopeExit() { fn_(); }

 private:
  Fn fn_;
};

// Adds the problems that one check reported in parts, each on its own
// (with `over` more beyond their caps in all), to `report`, as if reported
// there: in order, under the same cap, with one line for those over it.
void Merge(VerifyReport& report, const std::vector<VerifyReport*>& parts,
           size_t over, const std::string& what) {
  for (VerifyReport* part : parts) {
    for (std::string& problem : part->problems) {
      Report(report, over, std::move(problem));
    }
  }
  if (over > 0) {
    report.problems.push_back("... and " + std::to_string(over) + " more " +
                              what);
  }
}

// A scalar counter that holds 0, or a count cell or list day whose slots
// are all 0 (the empty slot vector): each kind only in its own encoding, so
// that a cell holding a scalar (which no query can read) is still a
// difference.
bool IsZeroCounter(std::string_view key, std::string_view value) {
  if (key.size() < 3 ||
      key[0] != static_cast<char>(projections::Prefix::kCounter)) {
    return false;
  }
  return projections::IsSlotVectorKey(key)
             ? value.empty()
             : value == std::string_view("\0\0\0\0\0\0\0\0", 8);
}

std::string Printable(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x" + base::ToHex(std::string(1, static_cast<char>(c)));
    }
  }
  return out;
}

}  // namespace

Status EngineImpl::ReadLog(uint64_t from_position,
                           const std::function<bool(const Event&)>& fn) {
  Status decode;
  TICKETLOG_RETURN_IF_ERROR(
      store_->ReadLog(from_position, [&](const store::StoredEvent& stored) {
        auto event = ToEvent(stored);
        if (!event.ok()) {
          decode = event.status();
          return false;
        }
        return fn(*event);
      }));
  return decode;
}

StatusOr<LogHead> EngineImpl::Head() {
  store::EventStore::LogHead head = store_->Head();
  LogHead out;
  out.position = head.position;
  if (head.position > 0) out.hash = base::ToHex(head.hash);
  return out;
}

WriteStats EngineImpl::GetWriteStats() {
  store::EventStore::WriteCounts counts = store_->Written();
  return WriteStats{counts.batches, counts.keys, counts.bytes};
}

namespace {

// The producer's side of a Pipeline: items are written into slots, which
// come back once consumed, so that their buffers serve again.
template <typename Item>
class Batches {
 public:
  // The slot for the next item: one consumed before (as it was left), or
  // a new one. Valid until Push.
  Item& Next() {
    if (filled_ == batch_.size()) batch_.emplace_back();
    return batch_[filled_];
  }
  // Emits the slot Next returned. False once the consumer has failed: the
  // producer should stop.
  bool Push() { return ++filled_ < kBatch || hand_over_(); }
  // Emits `item`.
  bool Emit(Item&& item) {
    Next() = std::move(item);
    return Push();
  }
  // How many full batches waited for the consumer after the last one was
  // handed over. Work that either side can do is best left to the
  // consumer while few do (it is waiting for the producer), and done here
  // while many do.
  size_t Waiting() const { return waiting_; }

  // Pipeline's own: the batch being filled, how many of its slots are,
  // and what hands a full one over.
  static constexpr size_t kBatch = 256;
  std::vector<Item> batch_;
  size_t filled_ = 0;
  size_t waiting_ = 0;
  std::function<bool()> hand_over_;
};

// Runs `produce` on a second thread and hands the items it emits, in
// batches and in order, to `consume` on the calling thread: reading the log
// on one core while the other folds it. Once the consumer has failed, Push
// returns false; then `produce` should stop. Returns the first error of
// either. Without a thread to be had (a process at its limit) both run
// here, a batch at a time. An exception on either side (out of memory)
// stops both and is rethrown here once the producer has ended: never a
// terminate. Consumed batches go back to the producer's thread, whose next
// batches reuse their slots: freed here, each of an item's allocations took
// the lock of the producer's malloc arena, and the frees were 19% of
// verify's folding thread (docs/benchmarks.md, session 10); freed there,
// they were still a quarter of the reading thread (session 12).
template <typename Item>
Status Pipeline(const std::function<Status(Batches<Item>&)>& produce,
                const std::function<Status(Item&)>& consume) {
  // At most kQueued batches of Batches::kBatch items waiting: a few MiB
  // ahead.
  constexpr size_t kQueued = 8;
  struct Batch {
    std::vector<Item> items;
    size_t filled = 0;
  };
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Batch> queue;               // under mu
  std::vector<std::vector<Item>> spent;  // under mu: consumed, to be reused
  bool done = false;                     // under mu: produce has returned
  bool stop = false;                     // under mu: consume has failed
  Status produced;                       // under mu once done
  std::exception_ptr thrown;             // under mu once done: by produce
  auto run = [&] {
    Batches<Item> out;
    out.hand_over_ = [&]() -> bool {
      std::unique_lock lock(mu);
      changed.wait(lock, [&] { return queue.size() < kQueued || stop; });
      if (stop) return false;
      queue.push_back({std::move(out.batch_), out.filled_});
      out.waiting_ = queue.size();
      out.batch_.clear();
      if (!spent.empty()) {
        out.batch_ = std::move(spent.back());
        spent.pop_back();
      }
      out.filled_ = 0;
      changed.notify_all();
      return true;
    };
    Status s;
    std::exception_ptr threw;
    try {
      s = produce(out);
      if (s.ok() && out.filled_ > 0) out.hand_over_();
    } catch (...) {
      threw = std::current_exception();
    }
    std::lock_guard lock(mu);
    produced = s;
    thrown = threw;
    done = true;
    changed.notify_all();
  };
  std::thread producer;
  try {
    producer = std::thread(run);
  } catch (const std::system_error&) {
    Batches<Item> out;
    Status consumed;
    out.hand_over_ = [&] {
      for (size_t i = 0; i < out.filled_ && consumed.ok(); ++i) {
        consumed = consume(out.batch_[i]);
      }
      out.filled_ = 0;
      return consumed.ok();
    };
    Status s = produce(out);
    if (s.ok() && out.filled_ > 0) out.hand_over_();
    TICKETLOG_RETURN_IF_ERROR(s);
    return consumed;
  }
  Status consumed;
  std::exception_ptr consumer_threw;
  try {
    while (consumed.ok()) {
      Batch batch;
      {
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty()) break;
        batch = std::move(queue.front());
        queue.pop_front();
        changed.notify_all();
      }
      for (size_t i = 0; i < batch.filled; ++i) {
        consumed = consume(batch.items[i]);
        if (!consumed.ok()) break;
      }
      std::lock_guard lock(mu);
      spent.push_back(std::move(batch.items));
    }
  } catch (...) {
    consumer_threw = std::current_exception();
  }
  if (!consumed.ok() || consumer_threw) {
    std::lock_guard lock(mu);
    stop = true;
    changed.notify_all();
  }
  producer.join();
  if (consumer_threw) std::rethrow_exception(consumer_threw);
  if (thrown) std::rethrow_exception(thrown);
  TICKETLOG_RETURN_IF_ERROR(consumed);
  return produced;
}

}  // namespace

Status EngineImpl::FoldLog(const std::function<Status(const Event&)>& apply) {
  // The reader thread reads and checks the envelopes; this one decodes the
  // bodies and folds them, which balances the two on a rebuild (decoding in
  // the reader had it the bottleneck, the folder waiting a third of the
  // time).
  return Pipeline<store::StoredEvent>(
      [&](Batches<store::StoredEvent>& out) {
        // A move keeps `body` pointing into `record` (ReadLog).
        return store_->ReadLog(
            1,
            [&](store::StoredEvent&& event) {
              return out.Emit(std::move(event));
            },
            /*scan=*/true);
      },
      [&](store::StoredEvent& stored) {
        auto event = ToEvent(stored, /*with_hashes=*/false);
        return event.ok() ? apply(*event) : event.status();
      });
}

projections::EntrySink EngineImpl::CollectInto(ViewEntries& out) {
  return [&out](const std::string& key, const std::string& value) {
    auto copy = [&out](const std::string& text) {
      char* at = static_cast<char*>(out.bytes->allocate(text.size(), 1));
      std::copy(text.begin(), text.end(), at);
      return std::string_view(at, text.size());
    };
    out.sorted.emplace_back(copy(key), copy(value));
    return Status::OK();
  };
}

void EngineImpl::SortEntries(ViewEntries& out) {
  // Sorted in two halves on two threads, then merged: a large store has
  // millions of entries.
  auto& entries = out.sorted;
  // Equal keys (only from a damaged log: WalkFamily's repeats) by value,
  // so that which copy is compared with the stored entry, and so the
  // report, does not depend on how the sort went.
  auto by_key = [](const auto& a, const auto& b) {
    int order = a.first.compare(b.first);
    return order < 0 || (order == 0 && a.second < b.second);
  };
  auto middle = entries.begin() + static_cast<ptrdiff_t>(entries.size() / 2);
  std::thread first_half;
  if (entries.size() >= kParallelSortMin) {
    try {
      first_half =
          std::thread([&] { std::sort(entries.begin(), middle, by_key); });
    } catch (const std::system_error&) {
    }
  }
  if (first_half.joinable()) {
    std::sort(middle, entries.end(), by_key);
    first_half.join();
    std::inplace_merge(entries.begin(), middle, entries.end(), by_key);
  } else {
    std::sort(entries.begin(), entries.end(), by_key);
  }
}

StatusOr<EngineImpl::ViewEntries> EngineImpl::ExpectedViews() {
  ViewEntries out;
  projections::EntrySink collect = CollectInto(out);
  projections::ViewBuilder builder;
  TICKETLOG_RETURN_IF_ERROR(
      FoldLog([&](const Event& event) { return builder.Apply(event); }));
  TICKETLOG_RETURN_IF_ERROR(builder.Finish(collect));
  SortEntries(out);
  return out;
}

Status EngineImpl::Rebuild() {
  std::unique_lock lock(engine_mu_);
  // No command runs meanwhile; the records they kept are of the old views.
  for (TicketRecords& cache : ticket_records_) cache.Clear();
  auto entries = ExpectedViews();
  if (!entries.ok()) return entries.status();
  TICKETLOG_RETURN_IF_ERROR(
      store_->ReplaceViews(entries->sorted, projections::kViewsFormat));
  return RebuildSearch();
}

Status EngineImpl::IndexMessages() {
  std::unique_lock lock(engine_mu_);
  constexpr size_t kBatchBytes = size_t{8} << 20;
  std::vector<store::FamilyOp> ops;
  size_t bytes = 0;
  Status failed;
  TICKETLOG_RETURN_IF_ERROR(store_->ReadLog(
      1,
      [&](store::StoredEvent&& stored) {
        auto event = ToEvent(stored, /*with_hashes=*/false);
        if (!event.ok()) {
          failed = event.status();
          return false;
        }
        std::string payload = projections::MessagesPayload(event->payload);
        if (payload.empty()) return true;
        bytes += payload.size();
        ops.push_back(
            {store::Family::kStreams, store::ViewOp::Kind::kPut,
             store::EventStore::StreamVersionKey(
                 StreamName(event->account, event->stream), stored.version),
             store::EventStore::StreamEntryValue(stored.position, payload)});
        if (bytes >= kBatchBytes) {
          failed = store_->WriteOps(ops);
          ops.clear();
          bytes = 0;
        }
        return failed.ok();
      },
      /*scan=*/true));
  TICKETLOG_RETURN_IF_ERROR(failed);
  return ops.empty() ? Status::OK() : store_->WriteOps(ops);
}

Status EngineImpl::SetViewsFormat() {
  std::unique_lock lock(engine_mu_);
  return store_->SetViewsFormat(projections::kViewsFormat);
}

StatusOr<VerifyReport> EngineImpl::Verify(
    const std::optional<LogHead>& expect) {
  std::unique_lock lock(engine_mu_);
  VerifyReport report;
  LogFacts facts;
  TICKETLOG_RETURN_IF_ERROR(VerifyLog(report, facts));
  // Then the families and the views are checked on two threads, each
  // reporting on its own; their problems join the report in the order and
  // under the cap that a check of one after the other gives. This thread
  // finishes the views and sorts them by key; the other sorts the
  // families' facts and checks the idempotency records. The stream index
  // (it holds every event's messages, as many bytes as the log) and the
  // views are then walked in parts, which both threads take in turn. The
  // other thread, out of stream index parts before this one has sorted the
  // views, waits for them: ending instead, it had left this one to walk
  // every part of the views alone in some runs (docs/benchmarks.md,
  // session 14).
  std::atomic<bool> failed{false};  // a check failed: its error is returned
  PartedCheck stream_index, views;
  VerifyReport others;
  size_t others_over = 0;
  Status others_checked;
  auto walk_stream_index = [&](VerifyReport& part, size_t& over, size_t from,
                               size_t to) {
    return VerifyStreamIndex(part, over, facts, from, to);
  };
  auto walk_views = [&](VerifyReport& part, size_t& over, size_t from,
                        size_t to) {
    return CompareViews(part, over, facts.views, from, to);
  };
  TwoThreads(
      [&] {
        if (!facts.readable) return;
        SortFamilyFacts(facts);
        stream_index.Prepare(facts.streams.size());
        others_checked = VerifyHeadsAndCommands(others, others_over, facts);
        if (!others_checked.ok()) failed = true;
        stream_index.Take(failed, walk_stream_index);
        // Out of parts of its own: the views' are next, once sorted. (This
        // is TwoThreads' `second`: see PartedCheck.)
        views.AwaitSettled();
        views.Take(failed, walk_views);
      },
      [&] {
        {
          // However this ends (an exception), the other thread is told.
          AtScopeExit settle([&] { views.Settle(); });
          if (facts.readable && facts.views_status.ok()) {
            facts.views_status =
                facts.builder->Finish(CollectInto(facts.views));
          }
          facts.builder.reset();  // freed here, beside the other's work
          if (facts.readable && facts.views_status.ok()) {
            SortEntries(facts.views);
            views.Prepare(facts.views.sorted.size());
          }
        }
        views.Take(failed, walk_views);
        stream_index.Take(failed, walk_stream_index);
      });
  std::vector<VerifyReport*> families;
  size_t families_over = others_over;
  TICKETLOG_RETURN_IF_ERROR(stream_index.Collect(families, families_over));
  TICKETLOG_RETURN_IF_ERROR(others_checked);
  families.push_back(&others);
  Merge(report, families, families_over,
        "differences in the stream index, heads and idempotency records");
  if (expect) {
    auto event = store_->ReadEvent(expect->position);
    if (!event.ok() && event.status().code() == Code::kNotFound) {
      report.problems.push_back(
          "the log does not hold position " + std::to_string(expect->position) +
          " (it ends at " + std::to_string(store_->Head().position) +
          "): events were lost or the log was truncated");
    } else if (!event.ok()) {
      report.problems.push_back("position " + std::to_string(expect->position) +
                                ": " + event.status().ToString());
    } else if (base::ToHex(event->hash) != expect->hash) {
      report.problems.push_back("position " + std::to_string(expect->position) +
                                " has hash " + base::ToHex(event->hash) +
                                ", expected " + expect->hash);
    }
  }
  // A log that cannot be read was reported by VerifyLog already.
  if (facts.readable && facts.views_status.code() != Code::kCorruption) {
    TICKETLOG_RETURN_IF_ERROR(facts.views_status);
  }
  std::vector<VerifyReport*> view_parts;
  size_t views_over = 0;
  TICKETLOG_RETURN_IF_ERROR(views.Collect(view_parts, views_over));
  for (VerifyReport* part : view_parts) {
    report.view_keys_checked += part->view_keys_checked;
  }
  Merge(report, view_parts, views_over, "differences in the views");
  TICKETLOG_RETURN_IF_ERROR(VerifySearch(report));
  return report;
}

Status EngineImpl::VerifyLog(VerifyReport& report, LogFacts& facts) {
  // One pass on two threads: the reader checks each record's envelope and
  // recomputes its hash (or leaves that to this thread while it waits for
  // the reader: the reader's share had been the larger, session 14); this
  // thread decodes it, checks the chain, folds the views and notes what the
  // stream index and the idempotency records must hold. (Three passes, one of
  // them a point read per event, had made verify 0.07-0.1x a raw scan of the
  // log.)
  struct Record {
    uint64_t position = 0;
    Status checked;             // of reading the record: OK or corruption
    store::StoredEvent stored;  // when checked
    std::string hash;           // computed from the record's contents
    bool hashed = false;        // by the reader: else by the folder
  };
  size_t suppressed = 0;
  std::string stream_key, entry_key, messages;  // reused by each event
  std::string prev = store::kZeroHash;
  uint64_t expected_position = 1;
  Status read = Pipeline<Record>(
      [&](Batches<Record>& out) -> Status {
        Record* record = nullptr;  // the slot ScanLog fills
        return store_->ScanLog(
            [&](uint64_t) -> store::StoredEvent& {
              record = &out.Next();
              return record->stored;
            },
            [&](uint64_t position, const Status& checked) {
              if (record == nullptr) record = &out.Next();
              record->position = position;
              record->checked = checked;
              // The reader's share of the work is the larger: it leaves
              // the hashes to the folder while the folder waits for it.
              record->hashed = checked.ok() && out.Waiting() >= kHashWaiting;
              if (record->hashed) {
                const store::StoredEvent& event = record->stored;
                store::ChainHash(record->hash, event.prev_hash, event.position,
                                 event.version, event.body);
              }
              record = nullptr;
              return out.Push();
            });
      },
      [&](Record& record) -> Status {
        uint64_t position = record.position;
        auto where = [position] {
          return "position " + std::to_string(position);
        };
        ++report.events_checked;
        if (!record.checked.ok()) {
          Report(report, suppressed,
                 where() + ": " + record.checked.ToString());
          prev.clear();
          expected_position = position + 1;
          facts.readable = false;
          return Status::OK();
        }
        const store::StoredEvent& stored = record.stored;
        if (!record.hashed) {
          store::ChainHash(record.hash, stored.prev_hash, stored.position,
                           stored.version, stored.body);
        }
        if (position != expected_position) {
          Report(report, suppressed,
                 where() + ": expected position " +
                     std::to_string(expected_position) +
                     " (the log has a gap)");
        }
        expected_position = position + 1;
        if (stored.prev_hash != prev) {
          Report(report, suppressed,
                 where() + ": prev_hash " + base::ToHex(stored.prev_hash) +
                     " does not match the hash of the previous event");
        }
        if (record.hash != stored.hash) {
          Report(report, suppressed,
                 where() + ": content does not match its hash (stored " +
                     base::ToHex(stored.hash) + ", computed " +
                     base::ToHex(record.hash) + ")");
        }
        prev = stored.hash;
        auto event = ToEvent(stored, /*with_hashes=*/false);
        if (!event.ok()) {
          Report(report, suppressed,
                 where() + ": " + event.status().ToString());
          if (facts.views_status.ok()) facts.views_status = event.status();
          return Status::OK();
        }
        // The keys are built in buffers kept across events: an allocation
        // each had been a tenth of this thread.
        std::string& stream = stream_key;
        stream.clear();
        PutStreamName(stream, event->account, event->stream);
        auto [id, added] = facts.stream_ids.try_emplace(
            stream, static_cast<uint32_t>(facts.stream_list.size()));
        if (added) {
          facts.stream_list.push_back(
              {event->stream == kDirectoryStream ? "" : event->stream, 0, 0});
        }
        LogFacts::Stream& seen = facts.stream_list[id->second];
        if (stored.version != seen.version + 1) {
          Report(report, suppressed,
                 where() + ": stream " + event->account + "/" + event->stream +
                     " jumps from version " + std::to_string(seen.version) +
                     " to " + std::to_string(stored.version));
        }
        if (stored.version <= seen.version) facts.versions_rise = false;
        seen.version = stored.version;
        // What the other families must hold.
        auto keep = [&facts](const std::string& text) {
          char* at =
              static_cast<char*>(facts.stream_bytes->allocate(text.size(), 1));
          std::copy(text.begin(), text.end(), at);
          return std::string_view(at, text.size());
        };
        entry_key.clear();
        store::EventStore::PutStreamVersionKey(entry_key, stream,
                                               stored.version);
        messages.clear();
        projections::AppendMessagesPayload(event->payload, messages);
        facts.streams.emplace_back(keep(entry_key),
                                   StreamEntryOf(stored.position, messages));
        facts.entry_streams.push_back(id->second);
        if (const auto* opened = std::get_if<TicketOpened>(&event->payload)) {
          seen.number = opened->number;
        }
        if (!event->command_id.empty()) {
          entry_key.clear();
          PutCommandKey(entry_key, event->account, event->command_id);
          facts.commands.emplace_back(
              keep(entry_key),
              LogFacts::Command{stored.version, stored.position, id->second});
        }
        // The views, until the first event that cannot be folded (or the
        // first record that cannot be read: then nothing is compared).
        if (facts.readable && facts.views_status.ok()) {
          facts.views_status = facts.builder->Apply(*event);
        }
        return Status::OK();
      });
  TICKETLOG_RETURN_IF_ERROR(read);
  store::EventStore::LogHead head = store_->Head();
  if (head.position != expected_position - 1 ||
      (head.position > 0 && head.hash != prev)) {
    Report(report, suppressed,
           "the recorded head (position " + std::to_string(head.position) +
               ") is not the last event of the log (position " +
               std::to_string(expected_position - 1) + ")");
  }
  if (suppressed > 0) {
    report.problems.push_back("... and " + std::to_string(suppressed) +
                              " more problems in the log");
  }
  return Status::OK();
}

namespace {

// The account component that starts a command key (CommandKey).
std::string AccountOfCommandKey(std::string_view key) {
  if (key.size() < 2) return "";
  size_t n = static_cast<unsigned char>(key[0]) << 8 |
             static_cast<unsigned char>(key[1]);
  return std::string(key.substr(2, n));
}

std::string ShowHead(uint64_t version, uint64_t position) {
  return "version " + std::to_string(version) + " at position " +
         std::to_string(position);
}

}  // namespace

EngineImpl::LogFacts::StreamEntry EngineImpl::StreamEntryOf(
    uint64_t position, std::string_view payload) {
  XXH128_hash_t digest = XXH3_128bits(payload.data(), payload.size());
  return {position, digest.low64, digest.high64};
}

void EngineImpl::SortFamilyFacts(LogFacts& facts) {
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  auto same_key = [](const auto& a, const auto& b) {
    return a.first == b.first;
  };
  auto keep_last = [&](auto& sorted) {
    if (std::adjacent_find(sorted.begin(), sorted.end(), same_key) ==
        sorted.end()) {
      return;
    }
    std::reverse(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end(), same_key),
                 sorted.end());
    std::reverse(sorted.begin(), sorted.end());
  };
  std::stable_sort(facts.commands.begin(), facts.commands.end(), by_key);
  keep_last(facts.commands);
  auto& entries = facts.streams;
  if (!facts.versions_rise || facts.entry_streams.size() != entries.size()) {
    std::stable_sort(entries.begin(), entries.end(), by_key);
    keep_last(entries);
    return;
  }
  // Every stream's entries come in version order, so in key order, and a
  // stream's keys are one range of the index (its key is a length-prefixed
  // component): ordering the streams by their first key and laying out
  // each one's entries in turn sorts them all.
  const size_t count = facts.stream_list.size();
  std::vector<size_t> first(count, entries.size()), start(count, 0);
  for (size_t i = 0; i < entries.size(); ++i) {
    uint32_t id = facts.entry_streams[i];
    if (first[id] == entries.size()) first[id] = i;
    ++start[id];
  }
  std::vector<uint32_t> order(count);
  std::iota(order.begin(), order.end(), uint32_t{0});
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return entries[first[a]].first < entries[first[b]].first;
  });
  size_t at = 0;
  for (uint32_t id : order) at += std::exchange(start[id], at);
  std::vector<std::pair<std::string_view, LogFacts::StreamEntry>> sorted(
      entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    sorted[start[facts.entry_streams[i]]++] = entries[i];
  }
  entries.swap(sorted);
  // A component's length prefix holds 16 bits: streams named by 64 KiB or
  // more (a damaged log) could interleave. One pass tells.
  if (!std::is_sorted(entries.begin(), entries.end(), by_key)) {
    std::stable_sort(entries.begin(), entries.end(), by_key);
    keep_last(entries);
  }
}

namespace {

// How many expected entries ahead WalkFamily asks for their bytes.
constexpr ptrdiff_t kPrefetchAhead = 16;

// Asks the cache for an expected entry's key (and value, when it is held
// elsewhere too): the entries are in key order, their bytes in the order
// they were gathered (the log's, or the view builder's).
template <typename Entry>
void Prefetch(const Entry& entry) {
  __builtin_prefetch(entry.first.data());
  if constexpr (std::is_same_v<std::decay_t<decltype(entry.second)>,
                               std::string_view>) {
    __builtin_prefetch(entry.second.data());
  }
}

// Walks `family` side by side with expected[from, to) (sorted by key), over
// the keys from expected[from] (the first key when from is 0) to before
// expected[to] (the last key when to is the end): `same(key, value, want)`
// names what is wrong with a stored entry (`want` is null when the log
// implies none; "" when nothing is), reported as `name`, the key,
// `separator` and that text; a key the log implies that the family lacks
// is missing. from < to unless both are 0.
//
// An expected key equal to the one before it is a repeat: only a damaged
// log implies a key twice (two tickets given one number: ViewBuilder::Finish
// gives each key once otherwise; the stream index and idempotency records
// are deduplicated by SortFamilyFacts). A repeat is reported as such, never
// compared; the stored key belongs to its first copy, and so to the part
// that holds that copy, even when its repeats begin the next part.
template <typename Expected, typename Same>
Status WalkFamily(const store::EventStore& store, store::Family family,
                  const char* name, const char* separator,
                  const Expected& expected, size_t from, size_t to,
                  VerifyReport& report, size_t& suppressed, Same&& same) {
  auto want = expected.begin() + static_cast<ptrdiff_t>(from);
  auto end = expected.begin() + static_cast<ptrdiff_t>(to);
  std::optional<std::string_view> stop;
  if (end != expected.end()) stop = end->first;
  auto repeat = [&expected](auto at) {
    return at != expected.begin() && (at - 1)->first == at->first;
  };
  auto it = store.NewCursor(family, /*scan=*/true);
  if (from == 0) {
    it->SeekToFirst();
  } else {
    it->Seek(want->first);
    // The part holding the first copy walked its key.
    if (repeat(want) && it->Valid() && it->key() == want->first) it->Next();
  }
  // A read that fails ends the walk (Valid() is false then): its error is
  // returned, not every key after it reported missing.
  while (it->status().ok()) {
    // How the stored key stands to the expected one: below it (< 0, not
    // expected), the same (0), or past it or past the part (> 0: the
    // expected key is missing, or a repeat). One comparison of keys a
    // step: a stored key up to an expected one is in the part (the part's
    // expected keys are below `stop`, but for the last ones when the next
    // part repeats them, whose stored key is this part's: see above); only
    // past the last one does `stop` decide. (Comparing each stored key with
    // `stop` as well had tripled the comparisons: memcmp under the walks went
    // from 6.8% to 4.8% of verify's samples on the quick run's store,
    // session 15.) A repeat always comes > 0: the stored key is past its first
    // copy by then.
    int order = 1;
    if (want == end) {
      if (!it->Valid() || (stop && !(it->key() < *stop))) break;
      order = -1;
    } else if (it->Valid()) {
      // Held in arenas in an order other than the keys': without asking
      // ahead, reading each entry's key missed the cache (session 15).
      if (end - want > kPrefetchAhead) Prefetch(want[kPrefetchAhead]);
      order = std::max(it->key().compare(want->first), -1);
      order = std::min(order, 1);
    }
    auto where = [&] {
      return std::string(name) + " " +
             Printable(order > 0 ? std::string_view(want->first) : it->key());
    };
    if (order < 0) {
      std::string problem = same(it->key(), it->value(), nullptr);
      if (!problem.empty())
        Report(report, suppressed, where() + separator + problem);
      it->Next();
    } else if (order > 0) {
      Report(report, suppressed,
             where() + (repeat(want) ? " is implied more than once by the log"
                                     : " is missing"));
      ++want;
    } else {
      std::string problem = same(it->key(), it->value(), &want->second);
      if (!problem.empty())
        Report(report, suppressed, where() + separator + problem);
      it->Next();
      ++want;
    }
  }
  return it->status();
}

}  // namespace

Status EngineImpl::VerifyStreamIndex(VerifyReport& report, size_t& suppressed,
                                     const LogFacts& facts, size_t from,
                                     size_t to) {
  return WalkFamily(*store_, store::Family::kStreams, "stream index key", ": ",
                    facts.streams, from, to, report, suppressed,
                    [](std::string_view, std::string_view value,
                       const LogFacts::StreamEntry* want) {
                      if (want == nullptr)
                        return std::string("is not backed by the log");
                      uint64_t position = 0;
                      std::string_view payload;
                      if (!store::EventStore::ParseStreamEntryValue(
                              value, position, payload) ||
                          position != want->position) {
                        return "points elsewhere than position " +
                               std::to_string(want->position);
                      }
                      LogFacts::StreamEntry held =
                          StreamEntryOf(position, payload);
                      if (held.digest_low != want->digest_low ||
                          held.digest_high != want->digest_high) {
                        return "does not hold the messages of position " +
                               std::to_string(position);
                      }
                      return std::string();
                    });
}

Status EngineImpl::VerifyHeadsAndCommands(VerifyReport& report,
                                          size_t& suppressed,
                                          const LogFacts& facts) {
  // Format 2 keeps no stream heads (a stream's head is its last index
  // entry): the family must be empty.
  std::vector<std::pair<std::string, uint64_t>> no_heads;
  TICKETLOG_RETURN_IF_ERROR(
      WalkFamily(*store_, store::Family::kHeads, "stream head key", ": ",
                 no_heads, 0, 0, report, suppressed,
                 [](std::string_view, std::string_view, const uint64_t*) {
                   return std::string("is left over from format 1");
                 }));
  return WalkFamily(
      *store_, store::Family::kIdempotency, "idempotency key", ": ",
      facts.commands, 0, facts.commands.size(), report, suppressed,
      [&](std::string_view key, std::string_view value,
          const LogFacts::Command* command) -> std::string {
        store::AppendResult stored;
        stored.command_result =
            std::string(value.substr(std::min<size_t>(16, value.size())));
        if (value.size() >= 16) {
          stored.last_position = store::GetBigEndian64(value);
          stored.last_version = store::GetBigEndian64(value.substr(8));
        }
        auto result = DecodeCommandResult(stored);
        if (value.size() < 16 || !result.ok()) return "is malformed";
        if (command != nullptr) {
          const LogFacts::Stream& stream = facts.stream_list[command->stream];
          uint64_t number = stream.ticket.empty() ? 0 : stream.number;
          if (result->position != command->position ||
              result->version != command->version ||
              result->ticket != stream.ticket || result->number != number) {
            return "answers ticket \"" + result->ticket + "\" " +
                   ShowHead(result->version, result->position) +
                   ", but the log has that command's events end at " +
                   ShowHead(command->version, command->position) +
                   (stream.ticket.empty() ? "" : " of ticket " + stream.ticket);
          }
          return "";
        }
        // A command that appended nothing records its stream's head at the
        // time: it must name an event of that stream, at that version.
        if (result->position == 0 && result->version == 0) return "";
        auto event = store_->ReadEvent(result->position);
        if (!event.ok()) {
          return "points at position " + std::to_string(result->position) +
                 ", which the log does not hold";
        }
        auto decoded = ToEvent(*event);
        if (!decoded.ok()) return "";  // reported by VerifyLog
        std::string account = AccountOfCommandKey(key);
        bool directory = decoded->stream == kDirectoryStream;
        if (decoded->account != account || event->version != result->version ||
            (directory
                 ? !result->ticket.empty()
                 : decoded->stream != result->ticket ||
                       result->number != facts.NumberOf(StreamName(
                                             account, decoded->stream)))) {
          return "answers " + ShowHead(result->version, result->position) +
                 " of ticket \"" + result->ticket +
                 "\", which does not match the log";
        }
        return "";
      });
}

Status EngineImpl::CompareViews(VerifyReport& report, size_t& suppressed,
                                const ViewEntries& expected, size_t from,
                                size_t to) {
  return WalkFamily(*store_, store::Family::kViews, "view key", " ",
                    expected.sorted, from, to, report, suppressed,
                    [&report](std::string_view key, std::string_view value,
                              const std::string_view* want) -> std::string {
                      if (want == nullptr) {
                        // A counter merged down to zero (or to no slots) is as
                        // good as none.
                        if (IsZeroCounter(key, value)) return "";
                        ++report.view_keys_checked;
                        return "is not backed by the log";
                      }
                      ++report.view_keys_checked;
                      return value == *want ? "" : "differs from a rebuild";
                    });
}

}  // namespace ticketlog::engine
