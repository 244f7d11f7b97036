// The search index as the engine keeps it: a projection of the log that an
// indexer thread follows, off the command path.
//
// Why off the command path: indexing a message costs about as much as the
// rest of a buffered command (docs/benchmarks.md), so doing it inline would
// cut the write path's throughput far more than 10%. A search instead
// brings the index up to the store's head before it runs, so it still sees
// every command acknowledged before it; a reader in another process lays
// the events past the on-disk index's checkpoint over it in memory
// (SearchIndex::OpenReader) for the same guarantee.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "engine/engine_impl.h"
#include "engine/streams.h"
#include "search/search_index.h"

namespace ticketlog::engine {
namespace {

// How long the indexer waits for new events before it looks again; a pause
// this long in the commands also commits what it indexed.
constexpr std::chrono::milliseconds kIndexerWait{200};

}  // namespace

EngineImpl::~EngineImpl() {
  if (indexer_.joinable()) {
    stop_indexer_ = true;
    indexer_.join();
  }
  auto lock = LockSearch();
  if (search_ && !read_only_) {
    // Best effort: what is not committed is indexed again on the next open.
    (void)CatchUpSearchLocked();
    (void)search_->Commit();
  }
}

Status EngineImpl::OpenSearch(const Options& options) {
  search_enabled_ = options.search;
  read_only_ = options.read_only;
  search_dir_ = (std::filesystem::path(options.path) / "search").string();
  search_commit_events_ = std::max<uint32_t>(options.search_commit_events, 1);
  if (!search_enabled_ || read_only_) return Status::OK();
  std::lock_guard lock(search_mu_);
  auto index = search::SearchIndex::OpenWritable(search_dir_);
  if (!index.ok()) return index.status();
  search_ = std::move(*index);
  if (search_->checkpoint() > store_->Head().position) {
    // An index of a longer log (this one was repaired or replaced).
    TICKETLOG_RETURN_IF_ERROR(search_->Clear());
  }
  // A log that cannot be read past the checkpoint does not keep the store
  // from opening: the index stays behind, and a search says why.
  if (CatchUpSearchLocked().ok()) {
    TICKETLOG_RETURN_IF_ERROR(search_->Commit());
    uncommitted_events_ = 0;
  }
  indexer_ = std::thread([this] { IndexLoop(); });
  return Status::OK();
}

std::unique_lock<std::mutex> EngineImpl::LockSearch() {
  search_waiting_.fetch_add(1);
  std::unique_lock lock(search_mu_);
  search_waiting_.fetch_sub(1);
  return lock;
}

Status EngineImpl::CatchUpSearchLocked(bool yield) {
  if (!search_) {
    auto reader = search::SearchIndex::OpenReader(search_dir_);
    if (!reader.ok()) return reader.status();
    search_ = std::move(*reader);
  }
  return CatchUp(*search_, yield);
}

Status EngineImpl::CatchUp(search::SearchIndex& index, bool yield) {
  uint64_t head = store_->Head().position;
  uint64_t from = index.checkpoint() + 1;
  if (from > head) return Status::OK();
  Status applied;
  TICKETLOG_RETURN_IF_ERROR(
      store_->ReadLog(from, [&](const store::StoredEvent& stored) {
        auto event = ToEvent(stored);
        if (!event.ok()) {
          applied = event.status();
          return false;
        }
        applied = index.Apply(*event);
        ++uncommitted_events_;
        return applied.ok() && event->position < head &&
               !(yield && (search_waiting_.load() > 0 || stop_indexer_));
      }));
  return applied;
}

void EngineImpl::IndexLoop() {
  // The lowest CPU priority (Linux sets it per thread): when the cores are
  // busy, commands go first and the index catches up in the pauses. A
  // caller of LockSearch (a search, rebuild or verify) does not wait out
  // this thread's catch-up: it waits at most for the event in hand, or a
  // commit, and catches the index up itself. So does the close.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  auto last_commit = std::chrono::steady_clock::now();
  while (!stop_indexer_) {
    // A caller waits for the lock this thread just gave up: let it take it
    // first (the mutex is not fair), but not for ever: under searches that
    // overlap without pause the on-disk index must still move.
    for (auto deadline = std::chrono::steady_clock::now() + 10 * kIndexerWait;
         search_waiting_.load() > 0 && !stop_indexer_ &&
         std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    uint64_t checkpoint;
    {
      std::lock_guard lock(search_mu_);
      checkpoint = search_->checkpoint();
    }
    uint64_t head = store_->WaitForHead(checkpoint, kIndexerWait);
    if (stop_indexer_) break;  // the close commits
    std::lock_guard lock(search_mu_);
    if (head > search_->checkpoint()) {
      // A failure leaves the checkpoint where it is: the next round, or the
      // next open, tries again from there.
      (void)CatchUpSearchLocked(/*yield=*/true);
    }
    if (stop_indexer_) break;
    auto now = std::chrono::steady_clock::now();
    bool idle = head == checkpoint;
    // While a caller waits, a commit is put off: one for time's sake until
    // nobody waits, a full batch until it has doubled.
    bool waited = search_waiting_.load() > 0;
    if ((uncommitted_events_ >= search_commit_events_ &&
         (!waited ||
          uncommitted_events_ >= 2 * uint64_t{search_commit_events_})) ||
        (uncommitted_events_ > 0 && !waited &&
         (idle || now - last_commit > 10 * kIndexerWait))) {
      if (search_->Commit().ok()) uncommitted_events_ = 0;
      last_commit = now;
    }
  }
}

Status EngineImpl::RebuildSearch() {
  auto lock = LockSearch();
  if (!search_) return Status::OK();
  TICKETLOG_RETURN_IF_ERROR(search_->Clear());
  TICKETLOG_RETURN_IF_ERROR(CatchUpSearchLocked());
  TICKETLOG_RETURN_IF_ERROR(search_->Commit());
  uncommitted_events_ = 0;
  return Status::OK();
}

Status EngineImpl::VerifySearch(VerifyReport& report) {
  if (!search_enabled_) return Status::OK();
  // The index is checked against the log: a log that cannot be read (the
  // chain check has reported where) leaves it unchecked, not verify failed.
  // A reader beside a writer that commits twice while the reader walks the
  // index loses its revision (Xapian's DatabaseModifiedError, an io_error
  // here): it checks again, on a newer revision, up to three times.
  Status checked;
  for (int attempt = 0; attempt < 3; ++attempt) {
    VerifyReport found;
    checked = CheckSearch(found);
    bool again = read_only_ && checked.code() == Code::kIoError;
    if (!again || attempt == 2) {
      report.problems.insert(report.problems.end(), found.problems.begin(),
                             found.problems.end());
      break;
    }
  }
  if (!checked.ok()) {
    report.problems.push_back("search index: not checked: " +
                              checked.ToString());
  }
  return Status::OK();
}

Status EngineImpl::CheckSearch(VerifyReport& report) {
  auto lock = LockSearch();
  uint64_t head = store_->Head().position;
  // A writer's index is checked as its indexer keeps it; a reader checks
  // what the writer committed, before adding anything of its own.
  std::unique_ptr<search::SearchIndex> committed;
  search::SearchIndex* index = search_.get();
  if (read_only_) {
    auto reader = search::SearchIndex::OpenReader(search_dir_);
    if (!reader.ok()) return reader.status();
    committed = std::move(*reader);
    index = committed.get();
  } else {
    TICKETLOG_RETURN_IF_ERROR(CatchUp(*index));
  }
  // A reader's index may be behind its snapshot of the log (the writer
  // beside it commits in batches): it is checked caught up in memory, which
  // is what a search of the reader sees. It may also be ahead (the writer
  // committed after the reader opened the log): then there is nothing this
  // reader can compare it with. A writer's index is caught up above, and
  // one past its log is an index of another log.
  if (read_only_ && index->checkpoint() > head) return Status::OK();
  if (!read_only_ && index->checkpoint() != head) {
    report.problems.push_back(
        "search index: at position " + std::to_string(index->checkpoint()) +
        ", the log at " + std::to_string(head) +
        (index->checkpoint() > head ? " (an index of another log)"
                                    : " (not caught up)"));
  }
  TICKETLOG_RETURN_IF_ERROR(CatchUp(*index));

  auto fresh = search::SearchIndex::InMemory();
  Status applied;
  TICKETLOG_RETURN_IF_ERROR(store_->ReadLog(
      1,
      [&](const store::StoredEvent& stored) {
        auto event = ToEvent(stored);
        applied = event.ok() ? fresh->Apply(*event) : event.status();
        return applied.ok();
      },
      /*scan=*/true));
  TICKETLOG_RETURN_IF_ERROR(applied);

  std::map<std::string, std::string> expected;
  TICKETLOG_RETURN_IF_ERROR(fresh->Describe(
      [&](const std::string& id, const std::string& description) {
        expected.emplace(id, description);
      }));
  size_t problems = 0;
  auto add = [&](std::string problem) {
    if (++problems <= 20) report.problems.push_back(std::move(problem));
  };
  TICKETLOG_RETURN_IF_ERROR(index->Describe(
      [&](const std::string& id, const std::string& description) {
        auto it = expected.find(id);
        if (it == expected.end()) {
          add("search index: document " + id + " is not in a fresh build");
          return;
        }
        if (it->second != description) {
          add("search index: document " + id + " differs from a fresh build");
        }
        expected.erase(it);
      }));
  for (const auto& [id, description] : expected) {
    add("search index: document " + id + " is missing");
  }
  if (problems > 20) {
    report.problems.push_back("search index: " + std::to_string(problems - 20) +
                              " more differences");
  }
  return Status::OK();
}

}  // namespace ticketlog::engine
