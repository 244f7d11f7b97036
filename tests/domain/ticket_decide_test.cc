// DecideTicket, one rule at a time, against hand-built views so that a
// failure points at the decider and not at the evolver.
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "domain/decide.h"
#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"

using namespace ticketlog;
using namespace ticketlog::domain;

namespace Catch {
template <>
struct StringMaker<ticketlog::EventPayload> {
  static std::string convert(const ticketlog::EventPayload& payload) {
    return std::string(ticketlog::EventTypeName(payload));
  }
};
}  // namespace Catch

namespace {

using Events = std::vector<EventPayload>;

constexpr TimeUs kOpenedAt = 1'700'000'000'000'000;
constexpr TimeUs kNow = kOpenedAt + 60'000'000;
const std::string kTicket = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

const DirectoryState& TestDirectory() {
  static const DirectoryState directory = [] {
    DirectoryState d;
    d.departments = {{"support", "Support"}, {"billing", "Billing"}};
    d.operators = {{"ana", {"Ana", {"support"}}},
                   {"bruno", {"Bruno", {"billing"}}}};
    d.statuses = {{"waiting_vendor", "Waiting for vendor"}};
    return d;
  }();
  return directory;
}

Customer Maria() {
  return Customer{.contact = "contact-1",
                  .id = "cust-42",
                  .name = "Maria",
                  .email = "maria@example.com",
                  .phone = ""};
}

TicketContext Context(TimeUs now_us = kNow) {
  return TicketContext{.directory = &TestDirectory(),
                       .now_us = now_us,
                       .ticket = kTicket,
                       .number = 7,
                       .resolved_customer = Maria(),
                       .new_contact = true};
}

// An open ticket in "support", linked to "ana", with its opening message.
TicketView OpenView() {
  TicketView view;
  view.ticket = kTicket;
  view.number = 7;
  view.account = "acme";
  view.subject = "Printer on fire";
  view.department = "support";
  view.operator_id = "ana";
  view.customer = Maria();
  view.message_count = 1;
  view.created_at_us = kOpenedAt;
  view.updated_at_us = kOpenedAt;
  view.version = 1;
  return view;
}

TicketView FinishedView() {
  TicketView view = OpenView();
  view.status = TicketStatus::kFinished;
  view.finished_at_us = kOpenedAt + 1000;
  return view;
}

TicketView ClosedView() {
  TicketView view = FinishedView();
  view.status = TicketStatus::kClosed;
  return view;
}

TicketView PendingView(const std::string& status) {
  TicketView view = OpenView();
  view.status = TicketStatus::kPending;
  view.custom_status = status;
  view.status_started_at_us = kOpenedAt + 1'000'000;
  return view;
}

StatusOr<Events> Decide(const std::optional<TicketView>& view,
                        const CommandBody& command, TimeUs now_us = kNow) {
  return DecideTicket(view, command, Context(now_us));
}

// The events of an accepted decision; fails the test on a refusal.
Events Accepted(const StatusOr<Events>& decision) {
  INFO(decision.status().ToString());
  REQUIRE(decision.ok());
  return *decision;
}

// "code: message" of a refusal; "ok" when it was accepted.
std::string Refusal(const StatusOr<Events>& decision) {
  return decision.status().ToString();
}

OpenTicket BasicOpen() {
  return OpenTicket{.subject = "Printer on fire",
                    .customer = Customer{.email = "maria@example.com"}};
}

Message Msg(uint32_t seq, MessageKind kind, ActorKind author,
            std::string author_id, std::string content,
            bool is_private = false) {
  return Message{.seq = seq,
                 .kind = kind,
                 .author = author,
                 .author_id = std::move(author_id),
                 .is_private = is_private,
                 .content = std::move(content),
                 .attachments = {}};
}

std::string Repeat(char c, size_t n) { return std::string(n, c); }

}  // namespace

// ---- OpenTicket -----------------------------------------------------------

TEST_CASE("open_ticket emits one TicketOpened built from command and context",
          "[domain]") {
  OpenTicket open{.ticket = "",
                  .subject = "Printer on fire",
                  .department = "support",
                  .operator_id = "ana",
                  .customer = Customer{.email = "MARIA@example.com"},
                  .channel = Channel::kEmail,
                  .priority = Priority::kHigh,
                  .category = "hardware",
                  .labels = {"vip", "printer"},
                  .custom_attributes = {{"floor", 3.0}, {"urgent", true}},
                  .status = TicketStatus::kOpen,
                  .message = OpeningMessage{
                      .content = "It is smoking",
                      .kind = MessageKind::kIncoming,
                      .is_private = false,
                      .attachments = {Attachment{.name = "smoke.jpg",
                                                 .content_type = "image/jpeg",
                                                 .size_bytes = 2048,
                                                 .sha256 = ""}}}};
  Message message = Msg(1, MessageKind::kIncoming, ActorKind::kCustomer,
                        "contact-1", "It is smoking");
  message.attachments = open.message->attachments;
  TicketOpened expected{.ticket = kTicket,
                        .number = 7,
                        .subject = "Printer on fire",
                        .department = "support",
                        .operator_id = "ana",
                        .customer = Maria(),
                        .new_contact = true,
                        .channel = Channel::kEmail,
                        .priority = Priority::kHigh,
                        .category = "hardware",
                        .labels = {"vip", "printer"},
                        .custom_attributes = {{"floor", 3.0}, {"urgent", true}},
                        .status = TicketStatus::kOpen,
                        .custom_status = "",
                        .message = message};
  CHECK(Accepted(Decide(std::nullopt, open)) == Events{expected});
}

TEST_CASE("open_ticket without a message opens an empty ticket", "[domain]") {
  Events events = Accepted(Decide(std::nullopt, BasicOpen()));
  REQUIRE(events.size() == 1);
  const auto& opened = std::get<TicketOpened>(events[0]);
  CHECK_FALSE(opened.message.has_value());
  CHECK(opened.status == TicketStatus::kOpen);
  CHECK(opened.channel == Channel::kApi);
  CHECK(opened.priority == Priority::kNormal);
}

TEST_CASE("open_ticket with pending starts the built-in pending status",
          "[domain]") {
  OpenTicket open = BasicOpen();
  open.status = TicketStatus::kPending;
  Events events = Accepted(Decide(std::nullopt, open));
  REQUIRE(events.size() == 1);
  const auto& opened = std::get<TicketOpened>(events[0]);
  CHECK(opened.status == TicketStatus::kPending);
  CHECK(opened.custom_status == "pending");
}

TEST_CASE("the opening message is attributed by its kind", "[domain]") {
  OpenTicket open = BasicOpen();
  open.operator_id = "bruno";
  open.message = OpeningMessage{.content = "hello"};
  auto opening_message = [&]() {
    Events events = Accepted(Decide(std::nullopt, open));
    return *std::get<TicketOpened>(events.at(0)).message;
  };
  SECTION("incoming: the customer's contact") {
    CHECK(opening_message() == Msg(1, MessageKind::kIncoming,
                                   ActorKind::kCustomer, "contact-1", "hello"));
  }
  SECTION("outgoing: the linked operator") {
    open.message->kind = MessageKind::kOutgoing;
    CHECK(opening_message() == Msg(1, MessageKind::kOutgoing,
                                   ActorKind::kOperator, "bruno", "hello"));
  }
  SECTION("activity: the system, and private when asked") {
    open.message->kind = MessageKind::kActivity;
    open.message->is_private = true;
    CHECK(opening_message() == Msg(1, MessageKind::kActivity,
                                   ActorKind::kSystem, "", "hello", true));
  }
}

TEST_CASE("an outgoing opening message needs a linked operator", "[domain]") {
  OpenTicket open = BasicOpen();
  open.message = OpeningMessage{.content = "We noticed a problem",
                                .kind = MessageKind::kOutgoing};
  CHECK(Refusal(Decide(std::nullopt, open)) ==
        "no_operator_linked: operator: an outgoing opening message needs an "
        "operator");
}

TEST_CASE("an opening message cannot be a note", "[domain]") {
  OpenTicket open = BasicOpen();
  open.message = OpeningMessage{.content = "x", .kind = MessageKind::kNote};
  CHECK(Refusal(Decide(std::nullopt, open)) ==
        "invalid_argument: message.message_type: must be incoming, outgoing or "
        "activity");
}

TEST_CASE("open_ticket on an existing ticket is already_exists", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), BasicOpen())) ==
        "already_exists: ticket: " + kTicket + " already exists");
}

TEST_CASE("open_ticket refuses an unknown department or operator", "[domain]") {
  OpenTicket open = BasicOpen();
  open.department = "sales";
  CHECK(Refusal(Decide(std::nullopt, open)) ==
        "unknown_department: department: 'sales' is not defined");
  open.department = "billing";
  open.operator_id = "carla";
  CHECK(Refusal(Decide(std::nullopt, open)) ==
        "unknown_operator: operator: 'carla' is not registered");
}

TEST_CASE("open_ticket names the malformed field", "[domain]") {
  OpenTicket open = BasicOpen();
  std::string expected;
  SECTION("ticket") {
    open.ticket = "not-a-uuid";
    expected = "invalid_argument: ticket: must be a UUID";
  }
  SECTION("subject") {
    open.subject = "";
    expected = "invalid_argument: subject: must not be empty";
  }
  SECTION("customer") {
    open.customer = Customer{.name = "Maria"};
    expected =
        "invalid_argument: customer: needs at least one of id, email, phone";
  }
  SECTION("channel") {
    open.channel = static_cast<Channel>(42);
    expected = "invalid_argument: channel: unknown channel";
  }
  SECTION("priority") {
    open.priority = static_cast<Priority>(42);
    expected = "invalid_argument: priority: unknown priority";
  }
  SECTION("department") {
    open.department = Repeat('d', 251);
    expected = "invalid_argument: department: must be at most 250 bytes";
  }
  SECTION("operator") {
    open.operator_id = "\xff";
    expected = "invalid_argument: operator: must be valid UTF-8";
  }
  SECTION("category") {
    open.category = Repeat('c', 251);
    expected = "invalid_argument: category: must be at most 250 bytes";
  }
  SECTION("labels") {
    open.labels = {"ok", ""};
    expected = "invalid_argument: labels[1]: must not be empty";
  }
  SECTION("custom_attributes") {
    open.custom_attributes = {{"color", std::string(1025, 'r')}};
    expected =
        "invalid_argument: custom_attributes.color: must be at most 1024 "
        "bytes";
  }
  SECTION("message.content") {
    open.message = OpeningMessage{.content = ""};
    expected = "invalid_argument: message.content: must not be empty";
  }
  SECTION("message.attachments") {
    open.message = OpeningMessage{
        .content = "x",
        .attachments = {Attachment{.name = "a"}, Attachment{.name = ""}}};
    expected =
        "invalid_argument: message.attachments[1].name: must not be "
        "empty";
  }
  SECTION("message.attachments size") {
    open.message = OpeningMessage{
        .content = "x",
        .attachments = {Attachment{.name = "a", .size_bytes = 26214401}}};
    expected =
        "too_large: message.attachments: must be at most 26214400 bytes in "
        "total (25 MiB)";
  }
  CHECK(Refusal(Decide(std::nullopt, open)) == expected);
}

TEST_CASE("a client-chosen ticket id in any UUID spelling is accepted",
          "[domain]") {
  OpenTicket open = BasicOpen();
  open.ticket = "6BA7B8109DAD11D180B400C04FD430C8";
  Events events = Accepted(Decide(std::nullopt, open));
  CHECK(std::get<TicketOpened>(events.at(0)).ticket == kTicket);
}

// ---- Rules shared by commands on existing tickets -------------------------

TEST_CASE("commands on a missing ticket are not_found", "[domain]") {
  CHECK(Refusal(Decide(std::nullopt, Reopen{kTicket})) ==
        "not_found: ticket: no ticket " + kTicket);
  CHECK(Refusal(Decide(std::nullopt, Update{.ticket = kTicket})) ==
        "not_found: ticket: no ticket " + kTicket);
}

TEST_CASE("commands name a malformed ticket id before looking it up",
          "[domain]") {
  CHECK(Refusal(Decide(std::nullopt, Close{"ticket-1"})) ==
        "invalid_argument: ticket: must be a UUID");
  CHECK(Refusal(Decide(OpenView(), StopStatus{""})) ==
        "invalid_argument: ticket: must be a UUID");
}

TEST_CASE("every command on a closed ticket is ticket_closed", "[domain]") {
  const std::vector<CommandBody> commands = {
      Reply{kTicket, ActorKind::kCustomer, "hello?", {}},
      Reply{kTicket, ActorKind::kOperator, "hello", {}},
      AddComment{kTicket, "ana", "note", {}},
      Transfer{kTicket, "billing", ""},
      LinkOperator{kTicket, "bruno"},
      UnlinkOperator{kTicket},
      StartStatus{kTicket, "waiting_vendor"},
      StopStatus{kTicket},
      Finish{kTicket, "done", "solved", {}},
      Reopen{kTicket},
      Close{kTicket},
      Update{.ticket = kTicket, .subject = "New subject"},
  };
  for (const CommandBody& command : commands) {
    INFO(OpName(command));
    CHECK(Refusal(Decide(ClosedView(), command)) ==
          "ticket_closed: ticket: " + kTicket + " is closed");
  }
}

TEST_CASE("on a closed ticket, malformed fields are reported first",
          "[domain]") {
  CHECK(Refusal(Decide(ClosedView(),
                       Reply{kTicket, ActorKind::kCustomer, "", {}})) ==
        "invalid_argument: content: must not be empty");
}

TEST_CASE("a closed ticket is refused before the time check", "[domain]") {
  CHECK(Decide(ClosedView(), Reopen{kTicket}, kOpenedAt - 1).status().code() ==
        Code::kTicketClosed);
}

TEST_CASE("a command may not be earlier than the ticket's last event",
          "[domain]") {
  TicketView view = OpenView();
  view.updated_at_us = 1709296201LL * 1000000;
  CHECK(Refusal(Decide(view, Reply{kTicket, ActorKind::kCustomer, "hi", {}},
                       1709296200LL * 1000000)) ==
        "invalid_argument: at: 2024-03-01T12:30:00Z is earlier than the "
        "ticket's last event, at 2024-03-01T12:30:01Z");
  CHECK(Decide(view, Reply{kTicket, ActorKind::kCustomer, "hi", {}},
               view.updated_at_us)
            .ok());
}

TEST_CASE("directory commands are not ticket commands", "[domain]") {
  CHECK(Refusal(Decide(std::nullopt, DefineDepartment{"support", "Support"})) ==
        "invalid_argument: op: define_department is a directory command");
}

// ---- Reply ----------------------------------------------------------------

TEST_CASE("an operator reply is an outgoing message by the linked operator",
          "[domain]") {
  TicketView view = OpenView();
  view.message_count = 4;
  CHECK(Accepted(Decide(
            view, Reply{kTicket, ActorKind::kOperator, "Turn it off", {}})) ==
        Events{MessageAdded{Msg(5, MessageKind::kOutgoing, ActorKind::kOperator,
                                "ana", "Turn it off")}});
}

TEST_CASE("an operator reply needs a linked operator", "[domain]") {
  TicketView view = OpenView();
  view.operator_id = "";
  CHECK(Refusal(Decide(view, Reply{kTicket, ActorKind::kOperator, "x", {}})) ==
        "no_operator_linked: operator: no operator is linked to ticket " +
            kTicket);
}

TEST_CASE("an operator reply on a finished ticket is ticket_finished",
          "[domain]") {
  CHECK(Refusal(Decide(FinishedView(),
                       Reply{kTicket, ActorKind::kOperator, "x", {}})) ==
        "ticket_finished: ticket: " + kTicket + " is finished");
}

TEST_CASE("a customer reply is an incoming message by the contact",
          "[domain]") {
  CHECK(
      Accepted(Decide(OpenView(),
                      Reply{kTicket, ActorKind::kCustomer, "Any news?", {}})) ==
      Events{MessageAdded{Msg(2, MessageKind::kIncoming, ActorKind::kCustomer,
                              "contact-1", "Any news?")}});
}

TEST_CASE("a customer reply on a finished ticket reopens it first",
          "[domain]") {
  CHECK(Accepted(
            Decide(FinishedView(),
                   Reply{kTicket, ActorKind::kCustomer, "Still broken", {}})) ==
        Events{TicketReopened{true},
               MessageAdded{Msg(2, MessageKind::kIncoming, ActorKind::kCustomer,
                                "contact-1", "Still broken")}});
}

TEST_CASE("a reply cannot be authored by the system", "[domain]") {
  CHECK(Refusal(
            Decide(OpenView(), Reply{kTicket, ActorKind::kSystem, "x", {}})) ==
        "invalid_argument: author: must be operator or customer");
}

TEST_CASE("reply content and attachments are limited", "[domain]") {
  Reply reply{kTicket, ActorKind::kCustomer, std::string(65537, 'x'), {}};
  CHECK(Refusal(Decide(OpenView(), reply)) ==
        "invalid_argument: content: must be at most 65536 bytes");
  reply.content = "photos";
  reply.attachments.assign(16, Attachment{.name = "p.jpg", .size_bytes = 1});
  CHECK(Refusal(Decide(OpenView(), reply)) ==
        "too_large: attachments: must be at most 15 attachments");
  reply.attachments.resize(3);
  reply.attachments[2].sha256 = "123";
  CHECK(Refusal(Decide(OpenView(), reply)) ==
        "invalid_argument: attachments[2].sha256: must be 64 hex digits");
}

// ---- AddComment -----------------------------------------------------------

TEST_CASE("a comment is a private note by the named operator", "[domain]") {
  CHECK(Accepted(Decide(OpenView(),
                        AddComment{kTicket, "bruno", "Customer is VIP", {}})) ==
        Events{MessageAdded{Msg(2, MessageKind::kNote, ActorKind::kOperator,
                                "bruno", "Customer is VIP", true)}});
}

TEST_CASE("a comment is allowed on a finished ticket", "[domain]") {
  CHECK(Accepted(Decide(FinishedView(), AddComment{kTicket, "ana", "ok", {}}))
            .size() == 1);
}

TEST_CASE("a comment needs a registered operator", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), AddComment{kTicket, "", "x", {}})) ==
        "invalid_argument: operator: must not be empty");
  CHECK(Refusal(Decide(OpenView(), AddComment{kTicket, "carla", "x", {}})) ==
        "unknown_operator: operator: 'carla' is not registered");
}

// ---- Transfer -------------------------------------------------------------

TEST_CASE("a transfer needs a department or an operator", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), Transfer{kTicket, "", ""})) ==
        "invalid_argument: department: a transfer needs a department or an "
        "operator");
}

TEST_CASE("a transfer to another department unlinks the operator", "[domain]") {
  CHECK(Accepted(Decide(OpenView(), Transfer{kTicket, "billing", ""})) ==
        Events{TicketTransferred{"support", "billing", "ana", ""}});
}

TEST_CASE("a transfer to a department and operator links that operator",
          "[domain]") {
  CHECK(Accepted(Decide(OpenView(), Transfer{kTicket, "billing", "bruno"})) ==
        Events{TicketTransferred{"support", "billing", "ana", "bruno"}});
}

TEST_CASE("a transfer to an operator keeps the department", "[domain]") {
  CHECK(Accepted(Decide(OpenView(), Transfer{kTicket, "", "bruno"})) ==
        Events{TicketTransferred{"support", "support", "ana", "bruno"}});
  TicketView unassigned = OpenView();
  unassigned.department = "";
  unassigned.operator_id = "";
  CHECK(Accepted(Decide(unassigned, Transfer{kTicket, "", "ana"})) ==
        Events{TicketTransferred{"", "", "", "ana"}});
}

TEST_CASE("a transfer to where the ticket already is changes nothing",
          "[domain]") {
  CHECK(Accepted(Decide(OpenView(), Transfer{kTicket, "support", "ana"}))
            .empty());
  CHECK(Accepted(Decide(OpenView(), Transfer{kTicket, "support", ""})).empty());
  CHECK(Accepted(Decide(OpenView(), Transfer{kTicket, "", "ana"})).empty());
}

TEST_CASE("a transfer refuses unknown departments and operators", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), Transfer{kTicket, "sales", ""})) ==
        "unknown_department: department: 'sales' is not defined");
  CHECK(Refusal(Decide(OpenView(), Transfer{kTicket, "billing", "carla"})) ==
        "unknown_operator: operator: 'carla' is not registered");
}

// ---- LinkOperator / UnlinkOperator ----------------------------------------

TEST_CASE("link_operator links and records the previous operator", "[domain]") {
  CHECK(Accepted(Decide(OpenView(), LinkOperator{kTicket, "bruno"})) ==
        Events{OperatorLinked{"bruno", "ana"}});
}

TEST_CASE("linking the operator already linked changes nothing", "[domain]") {
  CHECK(Accepted(Decide(OpenView(), LinkOperator{kTicket, "ana"})).empty());
}

TEST_CASE("link_operator refuses an unknown or missing operator", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), LinkOperator{kTicket, "carla"})) ==
        "unknown_operator: operator: 'carla' is not registered");
  CHECK(Refusal(Decide(OpenView(), LinkOperator{kTicket, ""})) ==
        "invalid_argument: operator: must not be empty");
}

TEST_CASE("unlink_operator unlinks, or changes nothing when none is linked",
          "[domain]") {
  CHECK(Accepted(Decide(OpenView(), UnlinkOperator{kTicket})) ==
        Events{OperatorUnlinked{"ana"}});
  TicketView view = OpenView();
  view.operator_id = "";
  CHECK(Accepted(Decide(view, UnlinkOperator{kTicket})).empty());
}

// ---- StartStatus / StopStatus ---------------------------------------------

TEST_CASE("start_status starts a defined or the built-in status", "[domain]") {
  CHECK(Accepted(Decide(OpenView(), StartStatus{kTicket, "waiting_vendor"})) ==
        Events{StatusStarted{"waiting_vendor"}});
  CHECK(Accepted(Decide(OpenView(), StartStatus{kTicket, "pending"})) ==
        Events{StatusStarted{"pending"}});
}

TEST_CASE("start_status refuses an unknown status", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), StartStatus{kTicket, "on_hold"})) ==
        "unknown_status: status: 'on_hold' is not defined");
  CHECK(Refusal(Decide(OpenView(), StartStatus{kTicket, ""})) ==
        "invalid_argument: status: must not be empty");
}

TEST_CASE("only one custom status runs at a time", "[domain]") {
  CHECK(Refusal(Decide(PendingView("pending"),
                       StartStatus{kTicket, "waiting_vendor"})) ==
        "status_already_running: status: 'pending' is already running");
}

TEST_CASE("start_status on a finished ticket is ticket_finished", "[domain]") {
  CHECK(Refusal(Decide(FinishedView(), StartStatus{kTicket, "pending"})) ==
        "ticket_finished: ticket: " + kTicket + " is finished");
}

TEST_CASE("stop_status stops the running status with its duration",
          "[domain]") {
  TicketView view = PendingView("waiting_vendor");
  CHECK(Accepted(Decide(view, StopStatus{kTicket})) ==
        Events{
            StatusStopped{"waiting_vendor", kNow - view.status_started_at_us}});
}

TEST_CASE("stop_status with no status running is no_status_running",
          "[domain]") {
  CHECK(Refusal(Decide(OpenView(), StopStatus{kTicket})) ==
        "no_status_running: status: no custom status is running on ticket " +
            kTicket);
}

// ---- Finish / Reopen / Close ----------------------------------------------

TEST_CASE("finish stops the running status, replies and finishes", "[domain]") {
  TicketView view = PendingView("waiting_vendor");
  view.message_count = 3;
  CHECK(
      Accepted(Decide(view, Finish{kTicket, "Replaced", "solved", {}})) ==
      Events{StatusStopped{"waiting_vendor", kNow - view.status_started_at_us},
             MessageAdded{Msg(4, MessageKind::kOutgoing, ActorKind::kOperator,
                              "ana", "Replaced")},
             TicketFinished{"solved"}});
}

TEST_CASE("finish without a linked operator speaks for the system",
          "[domain]") {
  TicketView view = OpenView();
  view.operator_id = "";
  CHECK(
      Accepted(Decide(view, Finish{kTicket, "Closing stale ticket", "", {}})) ==
      Events{MessageAdded{Msg(2, MessageKind::kOutgoing, ActorKind::kSystem, "",
                              "Closing stale ticket")},
             TicketFinished{""}});
}

TEST_CASE("finish requires content and a finish-able ticket", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), Finish{kTicket, "", "solved", {}})) ==
        "invalid_argument: content: must not be empty");
  CHECK(Refusal(Decide(OpenView(),
                       Finish{kTicket, "x", std::string(251, 'r'), {}})) ==
        "invalid_argument: resolution: must be at most 250 bytes");
  CHECK(Refusal(Decide(FinishedView(), Finish{kTicket, "x", "", {}})) ==
        "ticket_finished: ticket: " + kTicket + " is finished");
}

TEST_CASE("reopen and close need a finished ticket", "[domain]") {
  CHECK(Refusal(Decide(OpenView(), Reopen{kTicket})) ==
        "ticket_not_finished: ticket: " + kTicket + " is open, not finished");
  CHECK(Refusal(Decide(PendingView("pending"), Close{kTicket})) ==
        "ticket_not_finished: ticket: " + kTicket +
            " is pending, not finished");
  CHECK(Accepted(Decide(FinishedView(), Reopen{kTicket})) ==
        Events{TicketReopened{false}});
  CHECK(Accepted(Decide(FinishedView(), Close{kTicket})) ==
        Events{TicketClosed{}});
}

// ---- Update ---------------------------------------------------------------

TEST_CASE("update records only the fields that change", "[domain]") {
  TicketView view = OpenView();
  view.category = "hardware";
  view.labels = {"vip"};
  view.custom_attributes = {{"floor", 3.0}, {"color", std::string("red")}};
  Update update{.ticket = kTicket,
                .subject = "Printer on fire",  // unchanged
                .channel = Channel::kChat,
                .priority = Priority::kNormal,  // unchanged
                .category = "printers",
                .labels = std::vector<std::string>{"vip", "hot"},
                .custom_attributes = {{"floor", 3.0},           // unchanged
                                      {"color", std::nullopt},  // removed
                                      {"gone", std::nullopt},   // absent
                                      {"urgent", true}}};       // added
  TicketUpdated expected{.channel = Channel::kChat,
                         .category = "printers",
                         .labels = std::vector<std::string>{"vip", "hot"},
                         .set_attributes = {{"urgent", true}},
                         .removed_attributes = {"color"}};
  CHECK(Accepted(Decide(view, update)) == Events{expected});
}

TEST_CASE("update with the current values changes nothing", "[domain]") {
  TicketView view = OpenView();
  view.labels = {"a", "b"};
  view.custom_attributes = {{"n", 1.0}};
  Update update{.ticket = kTicket,
                .subject = view.subject,
                .channel = view.channel,
                .labels = view.labels,
                .custom_attributes = {{"n", 1.0}, {"absent", std::nullopt}}};
  CHECK(Accepted(Decide(view, update)).empty());
  CHECK(Accepted(Decide(view, Update{.ticket = kTicket})).empty());
}

TEST_CASE("update compares labels as given, order included", "[domain]") {
  TicketView view = OpenView();
  view.labels = {"a", "b"};
  Update update{.ticket = kTicket,
                .labels = std::vector<std::string>{"b", "a"}};
  CHECK(Accepted(Decide(view, update)) ==
        Events{TicketUpdated{.labels = std::vector<std::string>{"b", "a"}}});
}

TEST_CASE("update replaces an attribute whose value or type differs",
          "[domain]") {
  TicketView view = OpenView();
  view.custom_attributes = {{"n", 1.0}};
  Update update{.ticket = kTicket,
                .custom_attributes = {{"n", std::string("1")}}};
  CHECK(Accepted(Decide(view, update)) ==
        Events{TicketUpdated{.set_attributes = {{"n", std::string("1")}}}});
}

TEST_CASE("update may not grow a ticket past 64 attributes", "[domain]") {
  TicketView view = OpenView();
  for (int i = 0; i < 63; ++i)
    view.custom_attributes["k" + std::to_string(i)] = true;
  Update update{.ticket = kTicket, .custom_attributes = {{"new1", true}}};
  CHECK(Accepted(Decide(view, update)).size() == 1);
  update.custom_attributes["new2"] = true;
  CHECK(Refusal(Decide(view, update)) ==
        "invalid_argument: custom_attributes: a ticket has at most 64 "
        "attributes");
  update.custom_attributes["k0"] = std::nullopt;  // one out, two in: 64
  CHECK(Accepted(Decide(view, update)).size() == 1);
}

TEST_CASE("update validates each field it sets", "[domain]") {
  Update update{.ticket = kTicket};
  std::string expected;
  SECTION("subject") {
    update.subject = std::string(251, 's');
    expected = "invalid_argument: subject: must be at most 250 characters";
  }
  SECTION("channel") {
    update.channel = static_cast<Channel>(9);
    expected = "invalid_argument: channel: unknown channel";
  }
  SECTION("priority") {
    update.priority = static_cast<Priority>(9);
    expected = "invalid_argument: priority: unknown priority";
  }
  SECTION("category") {
    update.category = "\xc3";
    expected = "invalid_argument: category: must be valid UTF-8";
  }
  SECTION("labels") {
    update.labels.emplace();
    for (int i = 0; i < 33; ++i) {
      update.labels->push_back("x" + std::to_string(i));
    }
    expected = "invalid_argument: labels: must be at most 32 labels";
  }
  SECTION("attribute value") {
    update.custom_attributes = {{"score", std::nan("")}};
    expected =
        "invalid_argument: custom_attributes.score: must be a finite number";
  }
  SECTION("attribute key, even when removed") {
    update.custom_attributes = {{std::string(65, 'k'), std::nullopt}};
    expected =
        "invalid_argument: custom_attributes: a key must be at most 64 bytes";
  }
  CHECK(Refusal(Decide(OpenView(), update)) == expected);
}

TEST_CASE("update is allowed on a finished ticket", "[domain]") {
  Update update{.ticket = kTicket, .priority = Priority::kUrgent};
  CHECK(Accepted(Decide(FinishedView(), update)) ==
        Events{TicketUpdated{.priority = Priority::kUrgent}});
}

// ---- SPEC section 5 ---------------------------------------------------------

TEST_CASE("a customer reply ends a status that resumes on customer reply",
          "[domain][semantics]") {
  // Built-in pending and statuses defined with the default resume.
  for (const char* status : {"pending", "waiting_vendor"}) {
    INFO(status);
    CHECK(
        Accepted(
            Decide(PendingView(status),
                   Reply{kTicket, ActorKind::kCustomer, "Any news?", {}})) ==
        Events{StatusStopped{status, kNow - (kOpenedAt + 1'000'000)},
               MessageAdded{Msg(2, MessageKind::kIncoming, ActorKind::kCustomer,
                                "contact-1", "Any news?")}});
  }
  // Operator replies and notes leave it running.
  CHECK(
      Accepted(Decide(PendingView("pending"),
                      Reply{kTicket, ActorKind::kOperator, "Still on it", {}}))
          .size() == 1);
}

TEST_CASE("a status defined not to resume keeps running on a customer reply",
          "[domain][semantics]") {
  DirectoryState directory = TestDirectory();
  directory.statuses_held_on_customer_reply = {"waiting_vendor"};
  TicketContext context = Context();
  context.directory = &directory;
  auto events = DecideTicket(
      PendingView("waiting_vendor"),
      Reply{kTicket, ActorKind::kCustomer, "Any news?", {}}, context);
  REQUIRE(events.ok());
  CHECK(*events ==
        Events{MessageAdded{Msg(2, MessageKind::kIncoming, ActorKind::kCustomer,
                                "contact-1", "Any news?")}});
}

TEST_CASE("start_status keeps its comment on the event",
          "[domain][semantics]") {
  CHECK(Accepted(Decide(OpenView(), StartStatus{kTicket, "waiting_vendor",
                                                "Vendor ticket #881"})) ==
        Events{StatusStarted{"waiting_vendor", "Vendor ticket #881"}});
  CHECK(Refusal(Decide(OpenView(), StartStatus{kTicket, "waiting_vendor",
                                               std::string(70000, 'c')})) ==
        "invalid_argument: comment: must be at most 65536 bytes");
}

TEST_CASE("open_ticket opens in any status", "[domain][semantics]") {
  OpenTicket open = BasicOpen();
  open.status = TicketStatus::kFinished;
  open.resolution = "solved";
  Events finished = Accepted(Decide(std::nullopt, open));
  REQUIRE(finished.size() == 2);
  CHECK(std::get<TicketOpened>(finished[0]).status == TicketStatus::kOpen);
  CHECK(finished[1] == EventPayload(TicketFinished{"solved"}));

  open.status = TicketStatus::kClosed;
  Events closed = Accepted(Decide(std::nullopt, open));
  REQUIRE(closed.size() == 3);
  CHECK(closed[1] == EventPayload(TicketFinished{"solved"}));
  CHECK(closed[2] == EventPayload(TicketClosed{}));

  open.status = TicketStatus::kOpen;
  CHECK(Refusal(Decide(std::nullopt, open)) ==
        "invalid_argument: resolution: only a ticket opened finished or "
        "closed has one");
  open.resolution.clear();
  open.status = static_cast<TicketStatus>(9);
  CHECK(Refusal(Decide(std::nullopt, open)) ==
        "invalid_argument: status: must be open, pending, finished or closed");
}

TEST_CASE("labels are trimmed, lower-cased and deduplicated in first order",
          "[domain][semantics]") {
  OpenTicket open = BasicOpen();
  open.labels = {" VIP", "Billing", "vip ", "Ação"};
  Events events = Accepted(Decide(std::nullopt, open));
  CHECK(std::get<TicketOpened>(events[0]).labels ==
        std::vector<std::string>{"vip", "billing", "ação"});

  TicketView view = OpenView();
  view.labels = {"vip", "billing"};
  Update update{.ticket = kTicket};
  update.add_labels = {"Urgent", "VIP"};
  update.remove_labels = {"BILLING"};
  CHECK(Accepted(Decide(view, update)) ==
        Events{TicketUpdated{.labels =
                                 std::vector<std::string>{"vip", "urgent"}}});
  // The same labels in another spelling change nothing.
  Update same{.ticket = kTicket};
  same.labels = std::vector<std::string>{"VIP ", "Billing"};
  CHECK(Accepted(Decide(view, same)).empty());
  Update none{.ticket = kTicket};
  none.remove_labels = {"not-there"};
  CHECK(Accepted(Decide(view, none)).empty());
}

TEST_CASE("a 64-bit integer attribute keeps its value and a change is a change",
          "[domain][semantics]") {
  TicketView view = OpenView();
  view.custom_attributes = {{"legacy_id", int64_t{635476923356034756}}};
  Update update{.ticket = kTicket};
  update.custom_attributes = {{"legacy_id", int64_t{635476923356034757}}};
  CHECK(Accepted(Decide(view, update)) ==
        Events{TicketUpdated{
            .set_attributes = {{"legacy_id", int64_t{635476923356034757}}}}});
  update.custom_attributes = {{"legacy_id", int64_t{635476923356034756}}};
  CHECK(Accepted(Decide(view, update)).empty());
  // A double of the same magnitude is another value.
  update.custom_attributes = {{"legacy_id", 635476923356034756.0}};
  CHECK(Accepted(Decide(view, update)).size() == 1);
}

TEST_CASE("a found contact is updated with details that differ or it lacks",
          "[domain][semantics]") {
  Customer stored{.contact = "k1", .id = "c8", .email = "ray@example.test"};
  Customer ref{.id = "c8", .name = "Ray", .phone = " +1 555-0108 "};
  Customer got = ReconciledContact(stored, ref, ContactHolders{.id = "k1"});
  CHECK(got == Customer{.contact = "k1",
                        .id = "c8",
                        .name = "Ray",
                        .email = "ray@example.test",
                        .phone = "+1 555-0108"});
  // The same email in another case is no change.
  ref = Customer{.id = "c8", .email = " RAY@Example.TEST"};
  CHECK(ReconciledContact(stored, ref, ContactHolders{.id = "k1"}) == stored);
  // A phone another contact holds stays with it.
  ref = Customer{.id = "c8", .phone = "+15550108"};
  CHECK(ReconciledContact(stored, ref,
                          ContactHolders{.id = "k1", .phone = "k2"}) == stored);
}
