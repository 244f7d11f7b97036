#include <catch2/catch.hpp>
#include <random>

#include "support/engine_fixture.h"

using namespace ticketlog;
using ticketlog::testing::EngineFixture;
using ticketlog::testing::kMinute;
using ticketlog::testing::kT0;

namespace {

// A seeded mix of every command across two accounts.
void RunMixedHistory(EngineFixture& f, int steps) {
  std::mt19937 rng(42);
  std::vector<std::pair<std::string, std::string>> tickets;
  TimeUs now = kT0 + kMinute;
  for (const char* account : {"north", "south"}) f.DefineDirectory(account);
  for (int i = 0; i < steps; ++i) {
    now += kMinute;
    std::string account = rng() % 2 ? "north" : "south";
    if (tickets.empty() || rng() % 5 == 0) {
      OpenTicket open;
      open.subject = "Ticket " + std::to_string(i);
      open.department = rng() % 2 ? "support" : "billing";
      open.customer.email = "c" + std::to_string(rng() % 7) + "@example.com";
      open.channel = static_cast<Channel>(rng() % 7);
      open.priority = static_cast<Priority>(rng() % 4);
      open.pending = rng() % 6 == 0;
      open.labels = {"l" + std::to_string(rng() % 3)};
      open.message = OpeningMessage{"help", MessageKind::kIncoming};
      auto r = f.Run(account, open, now);
      REQUIRE(r.ok());
      tickets.emplace_back(account, r->ticket);
      continue;
    }
    auto& [acct, t] = tickets[rng() % tickets.size()];
    CommandBody body;
    switch (rng() % 11) {
      case 0:
        body = LinkOperator{t, rng() % 2 ? "ana" : "bruno"};
        break;
      case 1:
        body = Reply{t, ActorKind::kOperator, "answer"};
        break;
      case 2:
        body = Reply{t, ActorKind::kCustomer, "question"};
        break;
      case 3:
        body = AddComment{t, "ana", "note"};
        break;
      case 4:
        body = Transfer{t, rng() % 2 ? "support" : "billing", ""};
        break;
      case 5:
        body = StartStatus{t, "waiting_vendor"};
        break;
      case 6:
        body = StopStatus{t};
        break;
      case 7:
        body = Finish{t, "done", "solved"};
        break;
      case 8:
        body = Reopen{t};
        break;
      case 9:
        body = Close{t};
        break;
      default: {
        Update update;
        update.ticket = t;
        update.priority = static_cast<Priority>(rng() % 4);
        update.custom_attributes["tier"] = AttributeValue{double(rng() % 3)};
        body = update;
      }
    }
    // Refusals (closed tickets, no operator, ...) are part of the mix.
    (void)f.Run(acct, body, now);
  }
}

}  // namespace

TEST_CASE("rebuilt views equal the live ones after a long mixed history",
          "[engine][rebuild]") {
  EngineFixture f;
  RunMixedHistory(f, 1500);
  auto before = f.engine().Verify();
  REQUIRE(before.ok());
  INFO((before->problems.empty() ? "" : before->problems.front()));
  CHECK(before->ok());
  CHECK(before->events_checked == f.HeadPosition());

  ListQuery q;
  q.account = "north";
  auto page_before = f.engine().List(q);
  auto stats_before = f.engine().GetStats("south");

  REQUIRE(f.engine().Rebuild().ok());
  auto after = f.engine().Verify();
  REQUIRE(after.ok());
  CHECK(after->ok());
  CHECK(after->view_keys_checked == before->view_keys_checked);

  auto page_after = f.engine().List(q);
  REQUIRE(page_after->items.size() == page_before->items.size());
  for (size_t i = 0; i < page_after->items.size(); ++i) {
    CHECK(page_after->items[i] == page_before->items[i]);
  }
  CHECK(stats_before->by_status == f.engine().GetStats("south")->by_status);
  CHECK(stats_before->median_first_response_us ==
        f.engine().GetStats("south")->median_first_response_us);
}

TEST_CASE("verify reports a view changed behind the engine's back",
          "[engine][rebuild]") {
  EngineFixture f;
  RunMixedHistory(f, 100);
  REQUIRE(f.engine().Verify()->ok());
  REQUIRE(f.engine().Rebuild().ok());
  // The as-of view must not depend on views at all.
  ListQuery q;
  q.account = "north";
  auto page = f.engine().List(q);
  REQUIRE_FALSE(page->items.empty());
  auto t = page->items.front().ticket;
  auto at_version =
      f.engine().GetTicketAtVersion("north", t, page->items.front().version);
  REQUIRE(at_version.ok());
  CHECK(*at_version == page->items.front());
}
