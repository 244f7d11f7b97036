// Engine::Search: the index as a projection of the log, seen right after a
// command, across reopen, rebuild and verify, and from a read-only engine.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support/engine_fixture.h"

using namespace ticketlog;
using namespace ticketlog::testing;

namespace {

StatusOr<SearchPage> Search(Engine& engine, const std::string& text,
                            std::vector<TicketStatus> statuses = {},
                            uint32_t page = 1,
                            const std::string& account = "acme") {
  SearchQuery query;
  query.account = account;
  query.text = text;
  query.statuses = std::move(statuses);
  query.page = page;
  return engine.Search(query);
}

uint64_t Total(Engine& engine, const std::string& text) {
  auto found = Search(engine, text);
  INFO(found.status().ToString());
  REQUIRE(found.ok());
  return found->total;
}

}  // namespace

TEST_CASE("a search sees a command as soon as it is acknowledged") {
  EngineFixture f;
  f.DefineDirectory("acme");
  std::string ticket = f.Open("acme", kT0 + kMinute).ticket;
  for (int i = 0; i < 20; ++i) {
    std::string word = "palavra" + std::to_string(i);
    f.Must("acme", Reply{ticket, ActorKind::kCustomer, "Está " + word},
           kT0 + (2 + i) * kMinute);
    auto found = Search(f.engine(), word);
    REQUIRE(found.ok());
    REQUIRE(found->items.size() == 1);
    CHECK(found->items[0].ticket == ticket);
    CHECK(found->items[0].message_count == static_cast<uint32_t>(i + 2));
  }
  CHECK(Total(f.engine(), "ESTA") == 1);
}

TEST_CASE("search returns views, best first, by status and in pages") {
  EngineFixture f;
  f.DefineDirectory("acme");
  std::string best;
  for (int i = 0; i < 60; ++i) {
    OpenTicket open;
    open.subject =
        i == 7 ? "Boleto boleto vencido" : "Boleto " + std::to_string(i);
    open.customer.id = "c-1";
    open.message = OpeningMessage{i == 7 ? "boleto de novo" : "ola"};
    auto opened = f.Must("acme", open, kT0 + kMinute);
    if (i == 7) best = opened.ticket;
  }
  auto first = Search(f.engine(), "boleto");
  REQUIRE(first.ok());
  CHECK(first->total == 60);
  REQUIRE(first->items.size() == kPageSize);
  CHECK(first->items[0].ticket == best);
  CHECK(first->relevance[0] > first->relevance[1]);
  auto second = Search(f.engine(), "boleto", {}, 2);
  REQUIRE(second.ok());
  CHECK(second->items.size() == 10);
  CHECK(second->page == 2);

  f.Must("acme", StartStatus{best, "waiting_vendor"}, kT0 + 2 * kMinute);
  auto pending = Search(f.engine(), "boleto", {TicketStatus::kPending});
  REQUIRE(pending.ok());
  REQUIRE(pending->total == 1);
  CHECK(pending->items[0].status == TicketStatus::kPending);
  CHECK(Search(f.engine(), "boleto", {}, 1, "globex")->total == 0);
}

TEST_CASE("search refuses an empty query and page 0") {
  EngineFixture f;
  CHECK(Search(f.engine(), "   ").status().code() == Code::kInvalidArgument);
  CHECK(Search(f.engine(), "x", {}, 0).status().code() ==
        Code::kInvalidArgument);
  CHECK(Search(f.engine(), "x", {}, 1, "bad account!").status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("the index survives a reopen and is rebuilt from the log") {
  EngineFixture f;
  f.DefineDirectory("acme");
  std::string ticket = f.Open("acme", kT0 + kMinute).ticket;
  f.Reopen();
  CHECK(Total(f.engine(), "fire") == 1);
  f.Close();
  // A lost index is a projection like any view: the next open builds it.
  std::filesystem::remove_all(f.options().path + "/search");
  f.Reopen();
  CHECK(Total(f.engine(), "fire") == 1);
  REQUIRE(f.engine().Rebuild().ok());
  CHECK(Total(f.engine(), "fire") == 1);
  auto verified = f.engine().Verify();
  REQUIRE(verified.ok());
  CHECK(verified->problems.empty());
}

TEST_CASE("a read-only engine searches what a writer has not committed") {
  EngineFixture f;
  f.DefineDirectory("acme");
  std::string ticket = f.Open("acme", kT0 + kMinute).ticket;
  f.Must("acme", Reply{ticket, ActorKind::kCustomer, "smoke everywhere"},
         kT0 + 2 * kMinute);
  Options read_only = f.options();
  read_only.read_only = true;
  auto reader = Engine::Open(read_only);
  REQUIRE(reader.ok());
  CHECK(Total(**reader, "smoke") == 1);
  CHECK(Total(**reader, "fire") == 1);
  auto verified = (*reader)->Verify();
  REQUIRE(verified.ok());
  // The writer may not have committed its last events yet; the documents,
  // caught up in memory, still equal a fresh build.
  for (const std::string& problem : verified->problems) {
    CHECK(problem.find("not caught up") != std::string::npos);
  }
}

TEST_CASE("verify finds an index of another log") {
  EngineFixture f;
  f.DefineDirectory("acme");
  std::string ticket = f.Open("acme", kT0 + kMinute).ticket;
  f.Close();
  // Same log length, other words: copy another store's index over.
  EngineFixture other;
  other.DefineDirectory("acme");
  OpenTicket open;
  open.ticket = ticket;
  open.subject = "Something else entirely";
  open.department = "support";
  open.customer.id = "c-1";
  open.message = OpeningMessage{"nothing alike"};
  other.Must("acme", open, kT0 + kMinute);
  other.Close();
  std::filesystem::remove_all(f.options().path + "/search");
  std::filesystem::copy(other.options().path + "/search",
                        f.options().path + "/search");
  f.Reopen();
  auto verified = f.engine().Verify();
  REQUIRE(verified.ok());
  REQUIRE(verified->problems.size() == 1);
  CHECK(verified->problems[0] == "search index: document acme/" + ticket +
                                     " differs from a fresh build");
  REQUIRE(f.engine().Rebuild().ok());
  verified = f.engine().Verify();
  REQUIRE(verified.ok());
  CHECK(verified->problems.empty());
}
