// SearchIndex: the full-text index of tickets, a projection of the log kept
// in Xapian. Only this layer sees Xapian; the engine feeds it events in log
// order and asks it queries.
//
// One document per ticket: its subject (terms prefixed "XS") and the text of
// every message it holds (unprefixed), folded (fold.h) and not stemmed, so
// that a query word matches in any case and accent and a trailing `*`
// matches by prefix in any of the seed languages; boolean terms for its
// account ("A"), its status ("K", moved as the status changes) and its
// identity ("Q" account "/" ticket). A document per ticket makes a page of
// results a page of tickets with an exact total, and a status change one
// term swap instead of one per message.
//
// The checkpoint (the last log position applied) is stored in the Xapian
// metadata and committed with the documents, so that a crash leaves the
// index at a checkpoint it really reflects.
//
// Thread-compatible: the caller serialises every call on one index.
#ifndef TICKETLOG_SEARCH_SEARCH_INDEX_H_
#define TICKETLOG_SEARCH_SEARCH_INDEX_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/types.h"

namespace ticketlog::search {

// One page of matches: the tickets, best first, and how many match.
struct Matches {
  std::vector<std::string> tickets;  // canonical ticket ids
  std::vector<double> relevance;     // Xapian's BM25 weight of each
  uint64_t total = 0;
};

class SearchIndex {
 public:
  // Opens the on-disk index at `dir` for writing, creating it when missing.
  // An index that cannot be read (damaged, or written by an unknown version)
  // is dropped and created empty: the caller catches it up from the log.
  // busy when another writer holds it; io_error when it cannot be created.
  static StatusOr<std::unique_ptr<SearchIndex>> OpenWritable(
      const std::string& dir);

  // An index in memory only, empty: a fresh build to compare with.
  static std::unique_ptr<SearchIndex> InMemory();

  // A reader of the on-disk index at `dir` that another process may be
  // writing: the documents committed there (none when `dir` is missing),
  // with the events applied here kept in memory beside them, in front of the
  // documents they change. Searches see both; nothing is written to `dir`.
  static StatusOr<std::unique_ptr<SearchIndex>> OpenReader(
      const std::string& dir);

  virtual ~SearchIndex() = default;

  // The last log position applied (0 for an empty index).
  virtual uint64_t checkpoint() const = 0;

  // Applies `event`, the one at log position checkpoint() + 1, and moves
  // the checkpoint to it. Directory events only move the checkpoint.
  // invalid_argument for any other position; io_error when Xapian fails.
  virtual Status Apply(const Event& event) = 0;

  // Makes what was applied durable, with its checkpoint. A no-op for
  // in-memory indexes and readers. io_error when Xapian fails.
  virtual Status Commit() = 0;

  // Drops every document and the checkpoint. io_error when Xapian fails.
  virtual Status Clear() = 0;

  // Page `page` (1-based, `page_size` per page) of the account's tickets
  // whose subject or messages match `query` (words in any case and accent,
  // all required; `word*` matches by prefix; `-word` excludes), best match
  // first, restricted to `statuses` unless empty. invalid_argument naming
  // "query" when it has no words.
  virtual StatusOr<Matches> Search(const std::string& account,
                                   const std::string& query,
                                   const std::vector<TicketStatus>& statuses,
                                   uint32_t page, uint32_t page_size) = 0;

  // Calls `fn` with every document's identity ("account/ticket") and a text
  // description of it (its terms with their within-document frequencies,
  // its values), in identity order; for comparing two indexes.
  virtual Status Describe(
      const std::function<void(const std::string& id,
                               const std::string& description)>& fn) = 0;
};

}  // namespace ticketlog::search

#endif  // TICKETLOG_SEARCH_SEARCH_INDEX_H_
