// SearchIndex against events built by hand: what a document holds, how
// queries match, and a reader's overlay over another process's index.
#include "search/search_index.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/temp_dir.h"

using namespace ticketlog;
using ticketlog::search::SearchIndex;
using ticketlog::testing::TempDir;

namespace {

// Feeds an index events with consecutive positions.
class Log {
 public:
  explicit Log(SearchIndex& index) : index_(index) {
    position_ = index.checkpoint();
  }

  void Add(const std::string& account, const std::string& ticket,
           EventPayload payload) {
    Event event;
    event.position = ++position_;
    event.account = account;
    event.stream = ticket;
    event.version = ++versions_[account + "/" + ticket];
    event.occurred_at_us = 1'700'000'000'000'000 + position_;
    event.payload = std::move(payload);
    Status applied = index_.Apply(event);
    INFO(applied.ToString());
    REQUIRE(applied.ok());
  }

  void Open(const std::string& account, const std::string& ticket,
            const std::string& subject, const std::string& content = "") {
    TicketOpened opened;
    opened.ticket = ticket;
    opened.subject = subject;
    if (!content.empty()) {
      Message message;
      message.seq = 1;
      message.content = content;
      opened.message = message;
    }
    Add(account, ticket, opened);
  }

  void Say(const std::string& account, const std::string& ticket,
           const std::string& content) {
    Message message;
    message.content = content;
    Add(account, ticket, MessageAdded{message});
  }

 private:
  SearchIndex& index_;
  uint64_t position_ = 0;
  std::map<std::string, uint64_t> versions_;
};

std::vector<std::string> Find(SearchIndex& index, const std::string& query,
                              const std::string& account = "acme",
                              std::vector<TicketStatus> statuses = {}) {
  auto found = index.Search(account, query, statuses, 1, 50);
  INFO(found.status().ToString());
  REQUIRE(found.ok());
  CHECK(found->total == found->tickets.size());
  return found->tickets;
}

using Tickets = std::vector<std::string>;

}  // namespace

TEST_CASE("words match in any case and accent, in subjects and messages") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  log.Open("acme", "t1", "Impressora não liga", "A IMPRESSÃO saiu borrada");
  log.Open("acme", "t2", "Printer on fire");
  log.Say("acme", "t2", "Señal de humo en la oficina");

  CHECK(Find(*index, "impressora") == Tickets{"t1"});
  CHECK(Find(*index, "NAO") == Tickets{"t1"});
  CHECK(Find(*index, "impressao") == Tickets{"t1"});
  CHECK(Find(*index, "senal humo") == Tickets{"t2"});
  CHECK(Find(*index, "SEÑAL") == Tickets{"t2"});
  CHECK(Find(*index, "printer fire") == Tickets{"t2"});
  // Every word is required.
  CHECK(Find(*index, "printer impressora").empty());
  CHECK(Find(*index, "-printer on") == Tickets{});
  CHECK(index->checkpoint() == 3);
}

TEST_CASE("a trailing star matches by prefix") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  log.Open("acme", "t1", "Impressora", "");
  log.Open("acme", "t2", "Impressão de boletos", "");
  log.Open("acme", "t3", "Imposto", "");
  CHECK(Find(*index, "impress*").size() == 2);
  CHECK(Find(*index, "IMP*").size() == 3);
  CHECK(Find(*index, "impress").empty());
}

TEST_CASE("better matches come first") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  log.Open("acme", "once", "Question", "the invoice is late");
  log.Open("acme", "often", "Invoice missing", "invoice invoice invoice");
  log.Open("acme", "none", "Other", "nothing to see");
  CHECK(Find(*index, "invoice") == Tickets{"often", "once"});
}

TEST_CASE("accounts are isolated") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  log.Open("acme", "t1", "Secret plan");
  log.Open("globex", "t1", "Secret plan");
  auto acme = index->Search("acme", "secret", {}, 1, 50);
  REQUIRE(acme.ok());
  CHECK(acme->total == 1);
  CHECK(Find(*index, "secret", "initech").empty());
}

TEST_CASE("the status filter follows the ticket's status") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  log.Open("acme", "t1", "Printer");
  log.Open("acme", "t2", "Printer");
  log.Add("acme", "t2", StatusStarted{"waiting_vendor"});
  CHECK(Find(*index, "printer", "acme", {TicketStatus::kPending}) ==
        Tickets{"t2"});
  log.Add("acme", "t2", StatusStopped{"waiting_vendor", 5});
  log.Add("acme", "t2", TicketFinished{"solved"});
  log.Add("acme", "t2", TicketClosed{});
  CHECK(Find(*index, "printer", "acme", {TicketStatus::kPending}).empty());
  CHECK(Find(*index, "printer", "acme", {TicketStatus::kClosed}) ==
        Tickets{"t2"});
  CHECK(Find(*index, "printer", "acme",
             {TicketStatus::kOpen, TicketStatus::kClosed})
            .size() == 2);
}

TEST_CASE("a new subject replaces the old one's words") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  log.Open("acme", "t1", "Printer broken", "the printer");
  TicketUpdated update;
  update.subject = "Scanner broken";
  log.Add("acme", "t1", update);
  CHECK(Find(*index, "scanner") == Tickets{"t1"});
  // Still in a message.
  CHECK(Find(*index, "printer") == Tickets{"t1"});
  auto other = SearchIndex::InMemory();
  Log other_log(*other);
  other_log.Open("acme", "t1", "Scanner broken", "the printer");
  std::string a, b;
  REQUIRE(index->Describe([&](auto&, auto& d) { a += d; }).ok());
  REQUIRE(other->Describe([&](auto&, auto& d) { b += d; }).ok());
  // The same terms; only the status value's history differs, and it does not.
  CHECK(a == b);
}

TEST_CASE("a merge's copies are indexed into the target") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  log.Open("acme", "source", "Duplicate", "boleto vencido");
  log.Open("acme", "target", "Original", "first words");
  Message copy;
  copy.content = "boleto vencido";
  copy.merged_from = "source";
  log.Add("acme", "target", TicketMergedFrom{"source", 1, {copy}});
  log.Add("acme", "source", TicketMergedInto{"target", 2});
  CHECK(Find(*index, "boleto").size() == 2);
}

TEST_CASE("pages hold page_size tickets and the total counts all") {
  auto index = SearchIndex::InMemory();
  Log log(*index);
  for (int i = 0; i < 120; ++i) {
    log.Open("acme", "t" + std::to_string(i), "Boleto " + std::to_string(i));
  }
  auto third = index->Search("acme", "boleto", {}, 3, 50);
  REQUIRE(third.ok());
  CHECK(third->total == 120);
  CHECK(third->tickets.size() == 20);
  auto past = index->Search("acme", "boleto", {}, 4, 50);
  REQUIRE(past.ok());
  CHECK(past->tickets.empty());
  CHECK(past->total == 120);
}

TEST_CASE("a query without words and an event out of order are refused") {
  auto index = SearchIndex::InMemory();
  auto found = index->Search("acme", "  ...  ", {}, 1, 50);
  REQUIRE_FALSE(found.ok());
  CHECK(found.status().code() == Code::kInvalidArgument);
  for (const char* malformed : {"-printer", "\"unclosed", "a AND", "*"}) {
    auto parsed = index->Search("acme", malformed, {}, 1, 50);
    INFO(malformed);
    // Refused as the caller's mistake, or no match; never a store error.
    CHECK(parsed.status().code() != Code::kIoError);
  }
  Event late;
  late.position = 5;
  late.stream = "t1";
  late.payload = TicketClosed{};
  CHECK(index->Apply(late).code() == Code::kInvalidArgument);
  CHECK(index->checkpoint() == 0);
}

TEST_CASE("an index reopens at its checkpoint with its documents") {
  TempDir dir;
  {
    auto index = SearchIndex::OpenWritable(dir.Sub("search"));
    REQUIRE(index.ok());
    Log log(**index);
    log.Open("acme", "t1", "Committed");
    REQUIRE((*index)->Commit().ok());
    CHECK(SearchIndex::OpenWritable(dir.Sub("search")).status().code() ==
          Code::kBusy);
    // Closing commits the rest.
    log.Open("acme", "t2", "Closed");
  }
  auto index = SearchIndex::OpenWritable(dir.Sub("search"));
  REQUIRE(index.ok());
  CHECK((*index)->checkpoint() == 2);
  CHECK(Find(**index, "committed") == Tickets{"t1"});
  CHECK(Find(**index, "closed") == Tickets{"t2"});
  REQUIRE((*index)->Clear().ok());
  CHECK((*index)->checkpoint() == 0);
  CHECK(Find(**index, "committed").empty());
}

TEST_CASE("a reader overlays its own events on the committed index") {
  TempDir dir;
  auto writer = SearchIndex::OpenWritable(dir.Sub("search"));
  REQUIRE(writer.ok());
  Log log(**writer);
  log.Open("acme", "t1", "Printer", "first message");
  log.Open("acme", "t2", "Scanner");
  REQUIRE((*writer)->Commit().ok());

  auto reader = SearchIndex::OpenReader(dir.Sub("search"));
  REQUIRE(reader.ok());
  CHECK((*reader)->checkpoint() == 2);
  CHECK(Find(**reader, "printer") == Tickets{"t1"});
  // Events the writer has not committed yet, applied by the reader itself.
  Log reader_log(**reader);
  reader_log.Add("acme", "t1", TicketFinished{"solved"});
  reader_log.Say("acme", "t1", "toner replaced");
  CHECK(Find(**reader, "toner") == Tickets{"t1"});
  CHECK(Find(**reader, "printer") == Tickets{"t1"});  // once, not twice
  CHECK(Find(**reader, "printer", "acme", {TicketStatus::kOpen}).empty());
  CHECK(Find(**reader, "scanner", "acme", {TicketStatus::kOpen}) ==
        Tickets{"t2"});
  // Its documents equal the writer's after the same events.
  Log more(**writer);
  // (positions continue from the writer's checkpoint)
  Event finished;
  finished.position = 3;
  finished.account = "acme";
  finished.stream = "t1";
  finished.payload = TicketFinished{"solved"};
  REQUIRE((*writer)->Apply(finished).ok());
  Event said = finished;
  said.position = 4;
  Message toner;
  toner.content = "toner replaced";
  said.payload = MessageAdded{toner};
  REQUIRE((*writer)->Apply(said).ok());
  std::string a, b;
  REQUIRE((*writer)->Describe([&](auto& id, auto& d) { a += id + d; }).ok());
  REQUIRE((*reader)->Describe([&](auto& id, auto& d) { b += id + d; }).ok());
  CHECK(a == b);
}

TEST_CASE("a reader of a missing index builds it all in memory") {
  TempDir dir;
  auto reader = SearchIndex::OpenReader(dir.Sub("nothing-here"));
  REQUIRE(reader.ok());
  CHECK((*reader)->checkpoint() == 0);
  Log log(**reader);
  log.Open("acme", "t1", "Printer");
  CHECK(Find(**reader, "printer") == Tickets{"t1"});
}
