// Isolation between accounts: nothing of one account is visible through,
// or changed by, another, even when they use the same ticket ids, command
// ids, customers and directory names, and when one account's name is a
// prefix of the other's (keys are length-prefixed, docs/format.md).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "reliability/log_check.h"
#include "support/engine_fixture.h"

namespace ticketlog::testing {
namespace {

constexpr const char* kSameTicket = "0b7e7e57-0000-4000-8000-00000000abcd";

TEST_CASE(
    "two accounts with the same ticket ids, command ids and names never see "
    "or change each other's data",
    "[isolation]") {
  const std::string a = GENERATE(as<std::string>{}, "acme", "a", "x.y");
  const std::string b = a + GENERATE(as<std::string>{}, "2", ".b", "-");
  INFO("accounts " << a << " and " << b);
  EngineFixture f;
  f.DefineDirectory(a);
  f.DefineDirectory(b);

  OpenTicket open;
  open.ticket = kSameTicket;
  open.subject = "Same id";
  open.department = "support";
  open.customer.id = "c-1";
  open.customer.email = "same@example.com";
  open.message = OpeningMessage{"First.", MessageKind::kIncoming};
  auto in_a = f.Run(a, open, kT0 + kMinute, "cmd-1");
  REQUIRE(in_a.ok());
  open.subject = "Same id, other account";
  auto in_b = f.Run(b, open, kT0 + kMinute, "cmd-1");
  REQUIRE(in_b.ok());
  CHECK(in_b->events_appended == 1);  // cmd-1 of a is not cmd-1 of b
  CHECK(in_a->number == 1);
  CHECK(in_b->number == 1);

  // Changes in b leave a alone.
  f.Must(b, LinkOperator{kSameTicket, "ana"}, kT0 + 2 * kMinute);
  f.Must(b, Reply{kSameTicket, ActorKind::kOperator, "Only in b."},
         kT0 + 3 * kMinute);
  f.Must(b, Finish{kSameTicket, "Done in b.", "solved"}, kT0 + 4 * kMinute);
  f.Must(b, RemoveOperator{"bruno"}, kT0 + 5 * kMinute);

  auto view_a = f.engine().GetTicket(a, kSameTicket);
  REQUIRE(view_a.ok());
  CHECK(view_a->subject == "Same id");
  CHECK(view_a->status == TicketStatus::kOpen);
  CHECK(view_a->operator_id.empty());
  CHECK(view_a->version == 1);
  CHECK(view_a->customer.contact !=
        f.engine().GetTicket(b, kSameTicket)->customer.contact);
  auto messages_a = f.engine().GetMessages(a, kSameTicket, 1);
  REQUIRE(messages_a.ok());
  CHECK(messages_a->total == 1);
  auto history_a = f.engine().History(a, kSameTicket);
  REQUIRE(history_a.ok());
  CHECK(history_a->size() == 1);
  for (const Event& e : *history_a) CHECK(e.account == a);

  ListQuery query;
  query.account = a;
  auto list_a = f.engine().List(query);
  REQUIRE(list_a.ok());
  CHECK(list_a->total == 1);
  query.customer = "same@example.com";
  CHECK(f.engine().List(query)->total == 1);
  query = ListQuery{};
  query.account = a;
  query.statuses = {TicketStatus::kFinished};
  CHECK(f.engine().List(query)->total == 0);
  auto stats_a = f.engine().GetStats(a);
  REQUIRE(stats_a.ok());
  CHECK(stats_a->tickets == 1);
  CHECK(stats_a->by_status[TicketStatus::kFinished] == 0);

  // a's directory still has bruno; b's does not.
  f.Must(a, LinkOperator{kSameTicket, "bruno"}, kT0 + 6 * kMinute);
  CHECK(f.Run(b, Transfer{kSameTicket, "", "bruno"}, kT0 + 7 * kMinute)
            .status()
            .code() == Code::kUnknownOperator);

  // Repeating b's command id in b returns b's result, not a's.
  auto again = f.Run(b, StopStatus{kNoSuchTicket}, kT0 + 8 * kMinute, "cmd-1");
  REQUIRE(again.ok());
  CHECK(again->position == in_b->position);

  // A third account sees nothing at all.
  CHECK(f.engine().GetTicket("other", kSameTicket).status().code() ==
        Code::kNotFound);
  ListQuery other;
  other.account = "other";
  CHECK(f.engine().List(other)->total == 0);

  auto report = f.engine().Verify();
  REQUIRE(report.ok());
  CHECK(report->ok());
}

}  // namespace
}  // namespace ticketlog::testing
