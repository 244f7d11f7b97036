#include "search/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "domain/decide.h"
#include "projections/ticket_projection.h"
#include "search/fold.h"

namespace ticketlog::search {
namespace {

// Term prefixes and value slots. Part of the index's format; a change needs
// a rebuild (kFormat).
constexpr char kAccountPrefix[] = "A";
constexpr char kStatusPrefix[] = "K";
constexpr char kIdPrefix[] = "Q";
constexpr char kSubjectPrefix[] = "XS";
// Marks a reader's in-memory copy of a document (never on disk).
constexpr char kOverlayTerm[] = "ZO";
constexpr Xapian::valueno kStatusSlot = 0;
constexpr Xapian::valueno kSubjectSlot = 1;
constexpr char kCheckpointKey[] = "checkpoint";
constexpr char kFormatKey[] = "format";
constexpr char kFormat[] = "1";

// Documents changed by Apply are kept in memory and stored together, so
// that a ticket with several events in a batch is read and written once
// (Xapian rewrites a document's whole compressed term list on each store).
constexpr size_t kMaxPendingDocuments = 4096;

// Wildcards expand to at most this many terms, the most frequent first: a
// one-letter prefix over a large index stays a bounded query.
constexpr Xapian::termcount kMaxWildcardTerms = 1000;

Status XapianError(const Xapian::Error& e) {
  return Status::IoError("search index: " + e.get_description());
}

std::string IdTerm(const std::string& account, const std::string& ticket) {
  return kIdPrefix + account + "/" + ticket;
}

// The boolean term of a status. Appended, not `kStatusPrefix +
// std::string(...)`: GCC 12 warns falsely (-Wrestrict) about that
// temporary at -O3.
std::string StatusTerm(TicketStatus status) {
  std::string term = kStatusPrefix;
  term.append(Name(status));
  return term;
}

// Removes every term of `doc` that starts with `prefix`.
void RemovePrefixed(Xapian::Document& doc, const std::string& prefix) {
  std::vector<std::string> terms;
  auto it = doc.termlist_begin();
  it.skip_to(prefix);
  for (; it != doc.termlist_end() && (*it).starts_with(prefix); ++it) {
    terms.push_back(*it);
  }
  for (const std::string& term : terms) doc.remove_term(term);
}

// Folds `event` into `doc`, the document of its ticket (`exists` false when
// the index had none yet).
void IndexEvent(Xapian::Document& doc, bool exists, const Event& event) {
  TicketView view;
  if (exists) {
    view.status = ParseTicketStatus(doc.get_value(kStatusSlot))
                      .value_or(TicketStatus::kOpen);
    view.subject = doc.get_value(kSubjectSlot);
  }
  const bool opened = std::holds_alternative<TicketOpened>(event.payload);
  std::string old_subject = view.subject;
  TicketStatus old_status = view.status;
  // The domain's own fold says what the event does to status and subject.
  domain::EvolveTicket(view, event);

  Xapian::TermGenerator terms;
  terms.set_document(doc);
  if (!exists || opened) {
    doc.add_boolean_term(kAccountPrefix + event.account);
    doc.add_boolean_term(IdTerm(event.account, event.stream));
    doc.set_data(event.stream);
  }
  if (!exists || opened || view.subject != old_subject) {
    RemovePrefixed(doc, kSubjectPrefix);
    terms.index_text_without_positions(FoldText(view.subject), 1,
                                       kSubjectPrefix);
    doc.add_value(kSubjectSlot, view.subject);
  }
  for (const Message* message : projections::MessagesOf(event.payload)) {
    terms.index_text_without_positions(FoldText(message->content));
  }
  if (!exists || opened || view.status != old_status) {
    if (exists) {
      std::string old_term = StatusTerm(old_status);
      try {
        doc.remove_term(old_term);
      } catch (const Xapian::InvalidArgumentError&) {
        // Not there: nothing to remove.
      }
    }
    doc.add_boolean_term(StatusTerm(view.status));
    doc.add_value(kStatusSlot, std::string(Name(view.status)));
  }
}

std::string Describe(const Xapian::Document& doc) {
  std::string out;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    if (*it == kOverlayTerm) continue;
    out.append(*it).append(":").append(std::to_string(it.get_wdf()));
    out += ' ';
  }
  for (auto it = doc.values_begin(); it != doc.values_end(); ++it) {
    out.append("[").append(std::to_string(it.get_valueno())).append("]=");
    out.append(*it).append(" ");
  }
  out += "data=" + doc.get_data();
  return out;
}

// What every index does alike: folding events into documents and running
// queries. Subclasses say where documents are found and stored.
class IndexBase : public SearchIndex {
 public:
  uint64_t checkpoint() const override { return checkpoint_; }

  Status Apply(const Event& event) override {
    if (event.position != checkpoint_ + 1) {
      return Status::InvalidArgument(
          "position", "the search index is at " + std::to_string(checkpoint_) +
                          ", not before " + std::to_string(event.position));
    }
    try {
      if (event.stream != kDirectoryStream) {
        std::string id = IdTerm(event.account, event.stream);
        auto pending = pending_.find(id);
        Xapian::Document doc;
        bool exists = true;
        if (pending != pending_.end()) {
          doc = pending->second;
        } else {
          exists = Find(id, doc);
        }
        IndexEvent(doc, exists, event);
        pending_[id] = doc;
      }
      checkpoint_ = event.position;
      if (pending_.size() >= kMaxPendingDocuments) Flush();
    } catch (const Xapian::Error& e) {
      pending_.clear();
      return XapianError(e);
    }
    return Status::OK();
  }

  StatusOr<Matches> Search(const std::string& account, const std::string& query,
                           const std::vector<TicketStatus>& statuses,
                           uint32_t page, uint32_t page_size) override {
    // A reader beside a writer that commits twice during one search gets
    // DatabaseModifiedError: it reopens at the newest revision and retries.
    for (int attempt = 0;; ++attempt) {
      try {
        Flush();
        return RunSearch(account, query, statuses, page, page_size);
      } catch (const Xapian::DatabaseModifiedError& e) {
        if (attempt == 2) return XapianError(e);
        Reopen();
      } catch (const Xapian::QueryParserError& e) {
        return Status::InvalidArgument("query", e.get_msg());
      } catch (const Xapian::Error& e) {
        return XapianError(e);
      }
    }
  }

  Status Describe(const std::function<void(const std::string&,
                                           const std::string&)>& fn) override {
    try {
      Flush();
      std::map<std::string, std::string> described;
      Xapian::Database db = SearchDb();
      std::set<std::string> overlaid = Overlaid();
      for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        Xapian::Document doc = db.get_document(*it);
        std::string id;
        bool overlay = false;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
          if ((*t).starts_with(kIdPrefix)) id = (*t).substr(1);
          if (*t == kOverlayTerm) overlay = true;
        }
        if (!overlay && overlaid.count(kIdPrefix + id) > 0) continue;
        described[id] = search::Describe(doc);
      }
      for (const auto& [id, description] : described) fn(id, description);
    } catch (const Xapian::Error& e) {
      return XapianError(e);
    }
    return Status::OK();
  }

 protected:
  // Reads the document with identity term `id` into `doc`; false when
  // there is none.
  virtual bool Find(const std::string& id, Xapian::Document& doc) = 0;
  virtual void Store(const std::string& id, const Xapian::Document& doc) = 0;
  virtual void SaveCheckpoint() = 0;
  // The database searches run on.
  virtual Xapian::Database SearchDb() = 0;
  // Identity terms whose on-disk documents a reader's copies replace.
  virtual std::set<std::string> Overlaid() { return {}; }
  virtual void Reopen() {}

  // Stores the pending documents and the checkpoint they reach, as one
  // unit: Xapian flushes on its own after enough changes, and a flush in
  // the middle would commit documents ahead of their checkpoint, which a
  // catch-up after a crash would then apply twice.
  void Flush() {
    BeginUnit();
    try {
      for (const auto& [id, doc] : pending_) Store(id, doc);
      SaveCheckpoint();
    } catch (const Xapian::Error&) {
      pending_.clear();
      CancelUnit();
      throw;
    }
    pending_.clear();
    EndUnit();
  }
  virtual void BeginUnit() {}
  virtual void EndUnit() {}
  virtual void CancelUnit() {}

  static bool FindIn(Xapian::Database& db, const std::string& id,
                     Xapian::Document& doc) {
    auto it = db.postlist_begin(id);
    if (it == db.postlist_end(id)) return false;
    doc = db.get_document(*it);
    return true;
  }

  static uint64_t ReadCheckpoint(const Xapian::Database& db) {
    std::string text = db.get_metadata(kCheckpointKey);
    return text.empty() ? 0 : std::stoull(text);
  }

  uint64_t checkpoint_ = 0;
  // Changed documents not stored yet, by identity term.
  std::map<std::string, Xapian::Document> pending_;

 private:
  StatusOr<Matches> RunSearch(const std::string& account,
                              const std::string& text,
                              const std::vector<TicketStatus>& statuses,
                              uint32_t page, uint32_t page_size) {
    Xapian::Database db = SearchDb();
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.add_prefix("", "");
    parser.add_prefix("", kSubjectPrefix);
    parser.set_default_op(Xapian::Query::OP_AND);
    parser.set_max_expansion(kMaxWildcardTerms,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                             Xapian::QueryParser::FLAG_WILDCARD);
    Xapian::Query words = parser.parse_query(
        FoldText(text), Xapian::QueryParser::FLAG_WILDCARD |
                            Xapian::QueryParser::FLAG_LOVEHATE);
    if (words.empty()) {
      return Status::InvalidArgument("query", "has no words to search for");
    }
    Xapian::Query filter(kAccountPrefix + account);
    if (!statuses.empty()) {
      std::vector<Xapian::Query> any;
      for (TicketStatus status : statuses) {
        any.emplace_back(StatusTerm(status));
      }
      filter = Xapian::Query(
          Xapian::Query::OP_AND, filter,
          Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end()));
    }
    Xapian::Query query(Xapian::Query::OP_FILTER, words, filter);
    std::set<std::string> overlaid = Overlaid();
    if (!overlaid.empty()) {
      // The on-disk documents the reader's copies replace: those with an
      // overlaid identity and without the copy's mark.
      Xapian::Query stale(
          Xapian::Query::OP_AND_NOT,
          Xapian::Query(Xapian::Query::OP_OR, overlaid.begin(), overlaid.end()),
          Xapian::Query(kOverlayTerm));
      query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, stale);
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    // Checking every candidate makes the total exact, not an estimate.
    Xapian::MSet mset = enquire.get_mset(
        static_cast<Xapian::doccount>(uint64_t{page - 1} * page_size),
        page_size, db.get_doccount());
    Matches matches;
    matches.total = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      matches.tickets.push_back(it.get_document().get_data());
      matches.relevance.push_back(it.get_weight());
    }
    return matches;
  }
};

// The engine's own index: on disk, or in memory for a fresh build.
class WritableIndex final : public IndexBase {
 public:
  explicit WritableIndex(Xapian::WritableDatabase db, std::string dir)
      : db_(std::move(db)), dir_(std::move(dir)) {
    checkpoint_ = ReadCheckpoint(db_);
  }

  // Xapian commits what was stored when the database closes; the pending
  // documents are stored first, so closing keeps everything applied.
  ~WritableIndex() override {
    try {
      Flush();
    } catch (const Xapian::Error&) {
      // Not stored: the next open applies those events again.
    }
  }

  Status Commit() override {
    try {
      Flush();
      if (dir_.empty()) return Status::OK();
      db_.commit();
    } catch (const Xapian::Error& e) {
      return XapianError(e);
    }
    return Status::OK();
  }

  Status Clear() override {
    try {
      pending_.clear();
      std::vector<Xapian::docid> ids;
      for (auto it = db_.postlist_begin(""); it != db_.postlist_end(""); ++it) {
        ids.push_back(*it);
      }
      for (Xapian::docid id : ids) db_.delete_document(id);
      checkpoint_ = 0;
      SaveCheckpoint();
      return Commit();
    } catch (const Xapian::Error& e) {
      return XapianError(e);
    }
  }

 protected:
  bool Find(const std::string& id, Xapian::Document& doc) override {
    return FindIn(db_, id, doc);
  }
  void Store(const std::string& id, const Xapian::Document& doc) override {
    db_.replace_document(id, doc);
  }
  void SaveCheckpoint() override {
    db_.set_metadata(kCheckpointKey, std::to_string(checkpoint_));
  }
  Xapian::Database SearchDb() override { return db_; }
  void BeginUnit() override {
    if (!dir_.empty()) db_.begin_transaction(/*flushed=*/false);
  }
  void EndUnit() override {
    if (!dir_.empty()) db_.commit_transaction();
  }
  void CancelUnit() override {
    if (!dir_.empty()) db_.cancel_transaction();
  }

 private:
  Xapian::WritableDatabase db_;
  std::string dir_;  // empty in memory
};

// Another process's index, read-only, with this process's later events in
// an in-memory overlay.
class ReaderIndex final : public IndexBase {
 public:
  explicit ReaderIndex(std::string dir)
      : dir_(std::move(dir)),
        overlay_(std::string(), Xapian::DB_BACKEND_INMEMORY) {}

  Status Open() {
    try {
      Reopen();
    } catch (const Xapian::Error& e) {
      return XapianError(e);
    }
    checkpoint_ = base_ ? ReadCheckpoint(*base_) : 0;
    return Status::OK();
  }

  Status Commit() override {
    try {
      Flush();
    } catch (const Xapian::Error& e) {
      return XapianError(e);
    }
    return Status::OK();
  }

  Status Clear() override {
    return Status::IoError("the search index is open read-only");
  }

 protected:
  bool Find(const std::string& id, Xapian::Document& doc) override {
    if (FindIn(overlay_, id, doc)) return true;
    if (!base_ || !FindIn(*base_, id, doc)) return false;
    // A copy to change here: the on-disk document stays as it is.
    Xapian::Document copy;
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
      copy.add_term(*it, it.get_wdf());
    }
    for (auto it = doc.values_begin(); it != doc.values_end(); ++it) {
      copy.add_value(it.get_valueno(), *it);
    }
    copy.set_data(doc.get_data());
    doc = copy;
    return true;
  }
  void Store(const std::string& id, const Xapian::Document& doc) override {
    Xapian::Document marked = doc;
    marked.add_boolean_term(kOverlayTerm);
    overlay_.replace_document(id, marked);
    overlaid_.insert(id);
  }
  void SaveCheckpoint() override {}
  Xapian::Database SearchDb() override {
    Xapian::Database db;
    if (base_) db.add_database(*base_);
    db.add_database(overlay_);
    return db;
  }
  std::set<std::string> Overlaid() override { return overlaid_; }
  void Reopen() override {
    if (base_) {
      base_->reopen();
      return;
    }
    if (std::filesystem::exists(std::filesystem::path(dir_) / "iamglass")) {
      base_.emplace(dir_);
    }
  }

 private:
  std::string dir_;
  std::optional<Xapian::Database> base_;
  Xapian::WritableDatabase overlay_;
  std::set<std::string> overlaid_;
};

}  // namespace

StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::OpenWritable(
    const std::string& dir) {
  for (int attempt = 0;; ++attempt) {
    try {
      Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OPEN);
      std::string format = db.get_metadata(kFormatKey);
      if (format.empty() && db.get_doccount() == 0) {
        db.set_metadata(kFormatKey, kFormat);
        db.commit();
      } else if (format != kFormat) {
        throw Xapian::DatabaseVersionError("search index format " + format);
      }
      return std::unique_ptr<SearchIndex>(
          std::make_unique<WritableIndex>(std::move(db), dir));
    } catch (const Xapian::DatabaseLockError& e) {
      return Status(Code::kBusy,
                    "search index " + dir + " is held by another writer");
    } catch (const Xapian::Error& e) {
      // A projection: what cannot be read is rebuilt from the log.
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
      if (attempt > 0 || ec) return XapianError(e);
    }
  }
}

std::unique_ptr<SearchIndex> SearchIndex::InMemory() {
  return std::make_unique<WritableIndex>(
      Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY),
      std::string());
}

StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::OpenReader(
    const std::string& dir) {
  auto reader = std::make_unique<ReaderIndex>(dir);
  TICKETLOG_RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<SearchIndex>(std::move(reader));
}

}  // namespace ticketlog::search
