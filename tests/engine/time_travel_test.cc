#include <catch2/catch.hpp>

#include "support/engine_fixture.h"

using namespace ticketlog;
using ticketlog::testing::EngineFixture;
using ticketlog::testing::kMinute;
using ticketlog::testing::kT0;

TEST_CASE("a ticket as of a version or a time is replayed from the log",
          "[engine][history]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto t = f.Open("acme", kT0 + kMinute).ticket;
  f.Must("acme", Transfer{t, "billing", "bruno"}, kT0 + 2 * kMinute);
  f.Must("acme", Reply{t, ActorKind::kOperator, "hello"}, kT0 + 3 * kMinute);
  f.Must("acme", Finish{t, "done", "solved"}, kT0 + 4 * kMinute);

  auto v1 = f.engine().GetTicketAtVersion("acme", t, 1);
  REQUIRE(v1.ok());
  CHECK(v1->department == "support");
  CHECK(v1->operator_id.empty());
  CHECK(v1->version == 1);
  auto v2 = f.engine().GetTicketAtVersion("acme", t, 2);
  CHECK(v2->department == "billing");
  CHECK(v2->operator_id == "bruno");
  CHECK(f.engine().GetTicketAtVersion("acme", t, 99).status().code() ==
        Code::kNotFound);

  auto before_reply =
      f.engine().GetTicketAsOf("acme", t, kT0 + 2 * kMinute + 30);
  REQUIRE(before_reply.ok());
  CHECK(before_reply->version == 2);
  CHECK(before_reply->message_count == 1);
  auto latest = f.engine().GetTicketAsOf("acme", t, kT0 + 100 * kMinute);
  CHECK(*latest == *f.engine().GetTicket("acme", t));
  CHECK(f.engine().GetTicketAsOf("acme", t, kT0).status().code() ==
        Code::kNotFound);

  auto history = f.engine().History("acme", t);
  REQUIRE(history.ok());
  std::string printed;
  for (const auto& e : *history) {
    printed += std::to_string(e.version) + " " +
               std::string(EventTypeName(e.payload)) + "\n";
  }
  // Finish: the closing message, then the finish itself.
  CHECK(printed ==
        "1 TicketOpened\n"
        "2 TicketTransferred\n"
        "3 MessageAdded\n"
        "4 MessageAdded\n"
        "5 TicketFinished\n");
  CHECK(history->front().prev_hash.size() == 64);
  CHECK(history->back().hash == f.engine().Head()->hash);
}
