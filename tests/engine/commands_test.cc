#include <catch2/catch.hpp>

#include "support/engine_fixture.h"

using namespace ticketlog;
using ticketlog::testing::EngineFixture;
using ticketlog::testing::kMinute;
using ticketlog::testing::kT0;

TEST_CASE("a ticket's whole lifecycle shows in its view", "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto opened = f.Open("acme", kT0 + kMinute);
  CHECK(opened.number == 1);
  CHECK(opened.version == 1);
  const std::string t = opened.ticket;

  f.Must("acme", LinkOperator{t, "ana"}, kT0 + 2 * kMinute);
  f.Must("acme", Reply{t, ActorKind::kOperator, "Have you tried water?"},
         kT0 + 3 * kMinute);
  f.Must("acme", StartStatus{t, "waiting_vendor"}, kT0 + 4 * kMinute);
  f.Must("acme", StopStatus{t}, kT0 + 14 * kMinute);
  f.Must("acme", AddComment{t, "ana", "Vendor sent a new fuse."},
         kT0 + 15 * kMinute);
  f.Must("acme", Finish{t, "Fixed.", "solved"}, kT0 + 20 * kMinute);

  auto view = f.engine().GetTicket("acme", t);
  REQUIRE(view.ok());
  CHECK(view->status == TicketStatus::kFinished);
  CHECK(view->operator_id == "ana");
  CHECK(view->customer.id == "c-1");
  CHECK_FALSE(view->customer.contact.empty());
  CHECK(view->awaiting == Awaiting::kCustomer);
  CHECK(view->first_response_at_us == kT0 + 3 * kMinute);
  CHECK(view->first_response_us == 2 * kMinute);
  CHECK(view->paused_us == 10 * kMinute);
  CHECK(view->status_durations_us.at("waiting_vendor") == 10 * kMinute);
  // 19 minutes open, 10 of them paused.
  CHECK(view->resolution_us == 9 * kMinute);
  CHECK(view->message_count == 4);
  CHECK(view->resolution == "solved");

  // A customer reply reopens it.
  auto reply = f.Must("acme", Reply{t, ActorKind::kCustomer, "On fire again."},
                      kT0 + 30 * kMinute);
  view = f.engine().GetTicket("acme", t);
  CHECK(view->status == TicketStatus::kOpen);
  CHECK(view->reopen_count == 1);
  CHECK(view->awaiting == Awaiting::kOperator);
  CHECK(reply.version == view->version);

  f.Must("acme", Finish{t, "Replaced the printer.", "solved"},
         kT0 + 40 * kMinute);
  f.Must("acme", Close{t}, kT0 + 50 * kMinute);
  auto after_close = f.Run("acme", Reply{t, ActorKind::kCustomer, "Thanks"},
                           kT0 + 60 * kMinute);
  CHECK(after_close.status().code() == Code::kTicketClosed);
  CHECK(f.engine().GetTicket("acme", t)->closed_at_us == kT0 + 50 * kMinute);

  auto messages = f.engine().GetMessages("acme", t, 1);
  REQUIRE(messages.ok());
  CHECK(messages->total == 6);
  REQUIRE(messages->items.size() == 6);
  CHECK(messages->items[0].content == "It is on fire.");
  CHECK(messages->items[2].kind == MessageKind::kNote);
  CHECK(messages->items[3].content == "Fixed.");
  CHECK(messages->items[5].content == "Replaced the printer.");
}

TEST_CASE("ticket numbers are sequential per account", "[engine]") {
  EngineFixture f;
  f.DefineDirectory("a");
  f.DefineDirectory("b");
  CHECK(f.Open("a", kT0 + 1).number == 1);
  CHECK(f.Open("a", kT0 + 2).number == 2);
  CHECK(f.Open("b", kT0 + 3).number == 1);
  CHECK(f.Open("a", kT0 + 4).number == 3);
}

TEST_CASE("one account never sees another's tickets", "[engine]") {
  EngineFixture f;
  f.DefineDirectory("a");
  f.DefineDirectory("b");
  auto t = f.Open("a", kT0 + 1).ticket;
  CHECK(f.engine().GetTicket("b", t).status().code() == Code::kNotFound);
  CHECK(f.engine().History("b", t).status().code() == Code::kNotFound);
  CHECK(f.Run("b", Reply{t, ActorKind::kCustomer, "hi"}, kT0 + 2)
            .status()
            .code() == Code::kNotFound);
  ListQuery query;
  query.account = "b";
  CHECK(f.engine().List(query)->total == 0);
  query.account = "a";
  CHECK(f.engine().List(query)->total == 1);
}

TEST_CASE("contacts are found by id, then email, then phone", "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  OpenTicket first;
  first.subject = "First";
  first.customer = {"", "cust-9", "Maria", "maria@example.com", ""};
  auto one = f.Must("acme", first, kT0 + 1);
  OpenTicket by_email;
  by_email.subject = "Second";
  by_email.customer = {"", "", "", "maria@example.com", "+55 11 5555"};
  auto two = f.Must("acme", by_email, kT0 + 2);
  OpenTicket by_phone;
  by_phone.subject = "Third";
  by_phone.customer = {"", "", "", "", "+55 11 5555"};
  auto three = f.Must("acme", by_phone, kT0 + 3);
  OpenTicket other;
  other.subject = "Other";
  other.customer = {"", "cust-10", "", "", ""};
  auto four = f.Must("acme", other, kT0 + 4);

  auto v1 = f.engine().GetTicket("acme", one.ticket);
  auto v2 = f.engine().GetTicket("acme", two.ticket);
  auto v3 = f.engine().GetTicket("acme", three.ticket);
  auto v4 = f.engine().GetTicket("acme", four.ticket);
  CHECK(v1->customer.contact == v2->customer.contact);
  CHECK(v2->customer.contact == v3->customer.contact);
  CHECK(v4->customer.contact != v1->customer.contact);
  // The second ticket added the phone to the contact the first created.
  CHECK(v3->customer.name == "Maria");
  CHECK(v3->customer.id == "cust-9");
  CHECK(v3->customer.phone == "+55 11 5555");

  ListQuery query;
  query.account = "acme";
  query.customer = "maria@example.com";
  CHECK(f.engine().List(query)->total == 3);
  query.customer = "cust-10";
  CHECK(f.engine().List(query)->total == 1);
  query.customer = v1->customer.contact;
  CHECK(f.engine().List(query)->total == 3);
  query.customer = "nobody";
  CHECK(f.engine().List(query)->total == 0);
}

TEST_CASE("a repeated command id returns the first result and appends nothing",
          "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  OpenTicket open;
  open.subject = "Dup";
  open.customer.email = "x@example.com";
  auto first = f.Run("acme", open, kT0 + 1, "cmd-1");
  REQUIRE(first.ok());
  uint64_t head = f.HeadPosition();
  auto again = f.Run("acme", open, kT0 + 1, "cmd-1");
  REQUIRE(again.ok());
  CHECK(again->ticket == first->ticket);
  CHECK(again->number == first->number);
  CHECK(again->position == first->position);
  CHECK(again->events_appended == 0);
  CHECK(f.HeadPosition() == head);
  // The same id in another account is another command.
  f.DefineDirectory("other");
  CHECK(f.Run("other", open, kT0 + 3, "cmd-1")->ticket != first->ticket);
}

TEST_CASE(
    "a command id sent again with another command is "
    "idempotency_mismatch and appends nothing",
    "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  OpenTicket open;
  open.subject = "First customer";
  open.customer.id = "c1";
  REQUIRE(f.Run("acme", open, kT0 + 1, "web-form-17").ok());
  uint64_t head = f.HeadPosition();
  OpenTicket other = open;
  other.subject = "Second customer";
  other.customer.id = "c2";
  auto subject = f.Run("acme", other, kT0 + 1, "web-form-17");
  REQUIRE_FALSE(subject.ok());
  CHECK(subject.status().code() == Code::kIdempotencyMismatch);
  CHECK_THAT(subject.status().message(), Catch::StartsWith("command_id: "));
  // Another time is another command too; another op as well.
  CHECK(f.Run("acme", open, kT0 + 2, "web-form-17").status().code() ==
        Code::kIdempotencyMismatch);
  CHECK(f.Run("acme", Reopen{"f3f3f3f3-0000-4000-8000-000000000001"}, kT0 + 2,
              "web-form-17")
            .status()
            .code() == Code::kIdempotencyMismatch);
  CHECK(f.HeadPosition() == head);
  // The first command itself still answers with its first result.
  CHECK(f.Run("acme", open, kT0 + 1, "web-form-17").ok());
}

TEST_CASE("a stale expected version is refused with the current version",
          "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto t = f.Open("acme", kT0 + 1).ticket;
  f.Must("acme", LinkOperator{t, "ana"}, kT0 + 2);
  uint64_t head = f.HeadPosition();
  auto stale =
      f.Run("acme", Reply{t, ActorKind::kOperator, "hi"}, kT0 + 3, "", 1);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().code() == Code::kConflict);
  CHECK(stale.status().current_version() == 2u);
  CHECK(f.HeadPosition() == head);
  CHECK(
      f.Run("acme", Reply{t, ActorKind::kOperator, "hi"}, kT0 + 3, "", 2).ok());
}

TEST_CASE(
    "commands on more tickets than the engine keeps in memory decide on each "
    "ticket's own state",
    "[engine]") {
  // The engine keeps the ticket records its commands wrote, up to 512 KiB
  // per account stripe: 2,000 tickets with 240-letter subjects pass that
  // (each record holds its subject), so later commands find some tickets
  // kept and read others from the views.
  EngineFixture f;
  f.DefineDirectory("acme");
  std::vector<std::string> tickets;
  TimeUs at = kT0 + 1;
  for (int i = 0; i < 2000; ++i) {
    OpenTicket open;
    open.subject = std::to_string(i) + " " + std::string(235, 's');
    open.department = "support";
    open.customer.id = "c-1";
    open.channel = Channel::kApi;
    open.message = OpeningMessage{"It is on fire.", MessageKind::kIncoming};
    tickets.push_back(f.Must("acme", open, at++).ticket);
  }
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < tickets.size(); ++i) {
      // An expected version pins the state each command decided on.
      auto replied =
          f.Run("acme", Reply{tickets[i], ActorKind::kCustomer, "hi"}, at++, "",
                1 + static_cast<uint64_t>(round));
      INFO("ticket " << i << ", round " << round << ": "
                     << replied.status().ToString());
      REQUIRE(replied.ok());
      CHECK(replied->version == 2u + static_cast<uint64_t>(round));
    }
  }
  auto view = f.engine().GetTicket("acme", tickets[0]);
  REQUIRE(view.ok());
  CHECK(view->version == 3u);
  CHECK(view->subject.starts_with("0 s"));
}

TEST_CASE("commands that change nothing append nothing", "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto t = f.Open("acme", kT0 + 1).ticket;
  f.Must("acme", LinkOperator{t, "ana"}, kT0 + 2);
  uint64_t head = f.HeadPosition();
  auto again = f.Must("acme", LinkOperator{t, "ana"}, kT0 + 3);
  CHECK(again.events_appended == 0);
  CHECK(again.version == 2);
  CHECK(again.position == head);
  Update same;
  same.ticket = t;
  same.subject = "Printer on fire";
  CHECK(f.Must("acme", same, kT0 + 4).events_appended == 0);
  CHECK(f.Must("acme", DefineDepartment{"support", "Support"}, kT0 + 5)
            .events_appended == 0);
  CHECK(f.HeadPosition() == head);
}

TEST_CASE("an operator linked to an open ticket cannot be removed",
          "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto t = f.Open("acme", kT0 + 1, "c-1", Channel::kApi, "ana").ticket;
  auto refused = f.Run("acme", RemoveOperator{"ana"}, kT0 + 2);
  CHECK(refused.status().code() == Code::kOperatorHasTickets);
  f.Must("acme", Finish{t, "done", ""}, kT0 + 3);
  // Finished is not closed: still refused.
  CHECK(f.Run("acme", RemoveOperator{"ana"}, kT0 + 4).status().code() ==
        Code::kOperatorHasTickets);
  f.Must("acme", Close{t}, kT0 + 5);
  CHECK(f.Run("acme", RemoveOperator{"ana"}, kT0 + 6).ok());
  CHECK(f.Run("acme", LinkOperator{f.Open("acme", kT0 + 7).ticket, "ana"},
              kT0 + 8)
            .status()
            .code() == Code::kUnknownOperator);
}

TEST_CASE("events never go back in time", "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto t = f.Open("acme", kT0 + 10 * kMinute).ticket;
  uint64_t head = f.HeadPosition();
  auto early = f.Run("acme", Reply{t, ActorKind::kCustomer, "hi"}, kT0);
  CHECK(early.status().code() == Code::kInvalidArgument);
  CHECK(early.status().message().find("at") != std::string::npos);
  CHECK(f.HeadPosition() == head);
}

TEST_CASE("unknown references are refused with their codes", "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  OpenTicket open;
  open.subject = "x";
  open.customer.id = "c";
  open.department = "nope";
  CHECK(f.Run("acme", open, kT0 + 1).status().code() ==
        Code::kUnknownDepartment);
  auto t = f.Open("acme", kT0 + 2).ticket;
  CHECK(f.Run("acme", Transfer{t, "", "nobody"}, kT0 + 3).status().code() ==
        Code::kUnknownOperator);
  CHECK(f.Run("acme", StartStatus{t, "lunch"}, kT0 + 3).status().code() ==
        Code::kUnknownStatus);
  CHECK(f.Run("acme", Reply{t, ActorKind::kOperator, "hi"}, kT0 + 3)
            .status()
            .code() == Code::kNoOperatorLinked);
  CHECK(f.Run("acme", StopStatus{t}, kT0 + 3).status().code() ==
        Code::kNoStatusRunning);
  f.Must("acme", StartStatus{t, "pending"}, kT0 + 4);
  CHECK(f.Run("acme", StartStatus{t, "waiting_vendor"}, kT0 + 5)
            .status()
            .code() == Code::kStatusAlreadyRunning);
  CHECK(f.Run("acme", Reply{"not-a-uuid", ActorKind::kCustomer, "x"}, kT0 + 5)
            .status()
            .code() == Code::kInvalidArgument);
}

TEST_CASE("a transfer to another department without operator unlinks it",
          "[engine]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto t = f.Open("acme", kT0 + 1, "c-1", Channel::kApi, "ana").ticket;
  f.Must("acme", Transfer{t, "billing", ""}, kT0 + 2);
  auto view = f.engine().GetTicket("acme", t);
  CHECK(view->department == "billing");
  CHECK(view->operator_id.empty());
  CHECK(view->transfer_count == 1);
  f.Must("acme", Transfer{t, "", "bruno"}, kT0 + 3);
  view = f.engine().GetTicket("acme", t);
  CHECK(view->department == "billing");
  CHECK(view->operator_id == "bruno");
}

TEST_CASE("an engine reopened on its directory goes on", "[engine]") {
  EngineFixture f(/*sync=*/true);
  f.DefineDirectory("acme");
  auto t = f.Open("acme", kT0 + 1).ticket;
  f.Reopen();
  CHECK(f.Open("acme", kT0 + 2).number == 2);
  f.Must("acme", LinkOperator{t, "ana"}, kT0 + 3);
  CHECK(f.engine().GetTicket("acme", t)->version == 2);
  auto second = Engine::Open(f.options());
  CHECK(second.status().code() == Code::kBusy);
}
