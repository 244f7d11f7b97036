#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/decide.h"
#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

using namespace ticketlog;
using namespace ticketlog::domain;

namespace {

using Events = std::vector<EventPayload>;

constexpr TimeUs kT0 = 1'700'000'000'000'000;
constexpr TimeUs kMinute = 60'000'000;
const std::string kTicket = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

Customer Maria() {
  return Customer{.contact = "contact-1",
                  .id = "cust-42",
                  .name = "Maria",
                  .email = "maria@example.com",
                  .phone = ""};
}

Message Msg(MessageKind kind, ActorKind author, std::string author_id,
            bool is_private = false) {
  return Message{.seq = 0,
                 .kind = kind,
                 .author = author,
                 .author_id = std::move(author_id),
                 .is_private = is_private,
                 .content = "text",
                 .attachments = {}};
}

Message Incoming() {
  return Msg(MessageKind::kIncoming, ActorKind::kCustomer, "contact-1");
}
Message Outgoing() {
  return Msg(MessageKind::kOutgoing, ActorKind::kOperator, "ana");
}

TicketOpened Opened() {
  return TicketOpened{.ticket = kTicket,
                      .number = 7,
                      .subject = "Printer on fire",
                      .department = "support",
                      .operator_id = "ana",
                      .customer = Maria()};
}

// Folds events into one stream's view as the engine does: consecutive
// versions and positions, each event at the time it is given.
class Stream {
 public:
  void Append(const EventPayload& payload, TimeUs at_us) {
    Event event;
    event.version = ++version_;
    event.position = 1000 + version_;
    event.account = "acme";
    event.stream = kTicket;
    event.occurred_at_us = at_us;
    event.recorded_at_us = at_us;
    event.payload = payload;
    EvolveTicket(view_, event);
  }
  void Append(const Events& events, TimeUs at_us) {
    for (const EventPayload& payload : events) Append(payload, at_us);
  }
  const TicketView& view() const { return view_; }

 private:
  TicketView view_;
  uint64_t version_ = 0;
};

DirectoryState TestDirectory() {
  DirectoryState d;
  d.departments = {{"support", "Support"}, {"billing", "Billing"}};
  d.operators = {{"ana", {"Ana", {"support"}}},
                 {"bruno", {"Bruno", {"billing"}}}};
  d.statuses = {{"waiting_vendor", "Waiting for vendor"}};
  return d;
}

// A help desk with one ticket: decides commands at a moving clock and folds
// the accepted events into the ticket's view.
class Desk {
 public:
  void At(TimeUs minutes) { now_us_ = kT0 + minutes * kMinute; }

  // Decides `command` now and folds its events; the test fails when it is
  // refused.
  Events Run(const CommandBody& command) {
    StatusOr<Events> decision = Decide(command);
    INFO(OpName(command) << ": " << decision.status().ToString());
    REQUIRE(decision.ok());
    stream_.Append(*decision, now_us_);
    return *decision;
  }

  Status Refused(const CommandBody& command) {
    return Decide(command).status();
  }

  const TicketView& view() const { return stream_.view(); }

 private:
  StatusOr<Events> Decide(const CommandBody& command) {
    std::optional<TicketView> state;
    if (stream_.view().version > 0) state = stream_.view();
    TicketContext context{.directory = &directory_,
                          .now_us = now_us_,
                          .ticket = kTicket,
                          .number = 7,
                          .resolved_customer = Maria(),
                          .new_contact = true};
    return DecideTicket(state, command, context);
  }

  DirectoryState directory_ = TestDirectory();
  Stream stream_;
  TimeUs now_us_ = kT0;
};

}  // namespace

TEST_CASE("TicketOpened fills the view from the event and its envelope",
          "[domain]") {
  TicketOpened opened = Opened();
  opened.channel = Channel::kWhatsapp;
  opened.priority = Priority::kHigh;
  opened.category = "hardware";
  opened.labels = {"vip"};
  opened.custom_attributes = {{"floor", 3.0}};
  opened.message = Incoming();
  Stream stream;
  stream.Append(opened, kT0);

  TicketView expected;
  expected.ticket = kTicket;
  expected.number = 7;
  expected.account = "acme";
  expected.subject = "Printer on fire";
  expected.department = "support";
  expected.operator_id = "ana";
  expected.customer = Maria();
  expected.channel = Channel::kWhatsapp;
  expected.priority = Priority::kHigh;
  expected.category = "hardware";
  expected.labels = {"vip"};
  expected.custom_attributes = {{"floor", 3.0}};
  expected.awaiting = Awaiting::kOperator;
  expected.created_at_us = kT0;
  expected.updated_at_us = kT0;
  expected.message_count = 1;
  expected.version = 1;
  CHECK(stream.view() == expected);
}

TEST_CASE("a ticket opened pending starts its status clock at creation",
          "[domain]") {
  TicketOpened opened = Opened();
  opened.status = TicketStatus::kPending;
  opened.custom_status = "pending";
  Stream stream;
  stream.Append(opened, kT0);
  stream.Append(StatusStopped{"pending", 5 * kMinute}, kT0 + 5 * kMinute);
  CHECK(stream.view().status == TicketStatus::kOpen);
  CHECK(stream.view().paused_us == 5 * kMinute);
  CHECK(stream.view().status_durations_us ==
        std::map<std::string, int64_t>{{"pending", 5 * kMinute}});
}

TEST_CASE("awaiting follows the last public message", "[domain]") {
  Stream stream;
  stream.Append(Opened(), kT0);
  CHECK(stream.view().awaiting == Awaiting::kOperator);
  stream.Append(MessageAdded{Outgoing()}, kT0 + 1);
  CHECK(stream.view().awaiting == Awaiting::kCustomer);
  stream.Append(
      MessageAdded{Msg(MessageKind::kNote, ActorKind::kOperator, "ana", true)},
      kT0 + 2);
  CHECK(stream.view().awaiting == Awaiting::kCustomer);
  stream.Append(MessageAdded{Incoming()}, kT0 + 3);
  CHECK(stream.view().awaiting == Awaiting::kOperator);
  stream.Append(
      MessageAdded{Msg(MessageKind::kActivity, ActorKind::kSystem, "")},
      kT0 + 4);
  CHECK(stream.view().awaiting == Awaiting::kOperator);
  CHECK(stream.view().message_count == 4);
}

TEST_CASE("a public outgoing opening message awaits the customer", "[domain]") {
  TicketOpened opened = Opened();
  opened.message = Outgoing();
  Stream stream;
  stream.Append(opened, kT0);
  CHECK(stream.view().awaiting == Awaiting::kCustomer);
  CHECK_FALSE(stream.view().first_response_at_us.has_value());

  opened.message->is_private = true;
  Stream private_stream;
  private_stream.Append(opened, kT0);
  CHECK(private_stream.view().awaiting == Awaiting::kOperator);
}

TEST_CASE("first response is the first operator reply after opening",
          "[domain]") {
  Stream stream;
  stream.Append(Opened(), kT0);
  // A closing message from the system is not an operator's response.
  stream.Append(
      MessageAdded{Msg(MessageKind::kOutgoing, ActorKind::kSystem, "")},
      kT0 + kMinute);
  CHECK_FALSE(stream.view().first_response_at_us.has_value());
  stream.Append(MessageAdded{Outgoing()}, kT0 + 3 * kMinute);
  stream.Append(MessageAdded{Outgoing()}, kT0 + 9 * kMinute);
  CHECK(stream.view().first_response_at_us == kT0 + 3 * kMinute);
  CHECK(stream.view().first_response_us == 3 * kMinute);
}

TEST_CASE("custom statuses pause the ticket and accumulate per status",
          "[domain]") {
  Stream stream;
  stream.Append(Opened(), kT0);
  stream.Append(StatusStarted{"waiting_vendor"}, kT0 + kMinute);
  CHECK(stream.view().status == TicketStatus::kPending);
  CHECK(stream.view().custom_status == "waiting_vendor");
  CHECK(stream.view().status_started_at_us == kT0 + kMinute);
  stream.Append(StatusStopped{"waiting_vendor", 2 * kMinute},
                kT0 + 3 * kMinute);
  stream.Append(StatusStarted{"waiting_vendor"}, kT0 + 4 * kMinute);
  stream.Append(StatusStopped{"waiting_vendor", 3 * kMinute},
                kT0 + 7 * kMinute);
  CHECK(stream.view().status == TicketStatus::kOpen);
  CHECK(stream.view().custom_status.empty());
  CHECK(stream.view().status_started_at_us == 0);
  CHECK(stream.view().paused_us == 5 * kMinute);
  CHECK(stream.view().status_durations_us ==
        std::map<std::string, int64_t>{{"waiting_vendor", 5 * kMinute}});
}

TEST_CASE("resolution excludes paused time, and a reopen keeps the last finish",
          "[domain]") {
  Stream stream;
  stream.Append(Opened(), kT0);
  stream.Append(StatusStarted{"pending"}, kT0);
  stream.Append(Events{StatusStopped{"pending", 4 * kMinute},
                       MessageAdded{Outgoing()}, TicketFinished{"solved"}},
                kT0 + 10 * kMinute);
  CHECK(stream.view().status == TicketStatus::kFinished);
  CHECK(stream.view().finished_at_us == kT0 + 10 * kMinute);
  CHECK(stream.view().resolution_us == 6 * kMinute);
  CHECK(stream.view().resolution == "solved");

  stream.Append(TicketReopened{false}, kT0 + 20 * kMinute);
  CHECK(stream.view().status == TicketStatus::kOpen);
  CHECK(stream.view().reopen_count == 1);
  CHECK(stream.view().finished_at_us == kT0 + 10 * kMinute);
  CHECK(stream.view().resolution_us == 6 * kMinute);

  stream.Append(TicketFinished{"duplicate"}, kT0 + 30 * kMinute);
  stream.Append(TicketClosed{}, kT0 + 40 * kMinute);
  CHECK(stream.view().status == TicketStatus::kClosed);
  CHECK(stream.view().resolution_us == 26 * kMinute);
  CHECK(stream.view().resolution == "duplicate");
  CHECK(stream.view().closed_at_us == kT0 + 40 * kMinute);
  CHECK(stream.view().updated_at_us == kT0 + 40 * kMinute);
  CHECK(stream.view().version == 8);
}

TEST_CASE("transfers, links and unlinks move the operator", "[domain]") {
  Stream stream;
  stream.Append(Opened(), kT0);
  stream.Append(TicketTransferred{"support", "billing", "ana", ""}, kT0 + 1);
  CHECK(stream.view().department == "billing");
  CHECK(stream.view().operator_id.empty());
  CHECK(stream.view().transfer_count == 1);
  stream.Append(OperatorLinked{"bruno", ""}, kT0 + 2);
  CHECK(stream.view().operator_id == "bruno");
  stream.Append(OperatorUnlinked{"bruno"}, kT0 + 3);
  CHECK(stream.view().operator_id.empty());
  CHECK(stream.view().transfer_count == 1);
}

TEST_CASE("TicketUpdated applies only the fields it carries", "[domain]") {
  TicketOpened opened = Opened();
  opened.labels = {"vip"};
  opened.custom_attributes = {{"floor", 3.0}, {"color", std::string("red")}};
  Stream stream;
  stream.Append(opened, kT0);
  stream.Append(TicketUpdated{.priority = Priority::kUrgent,
                              .labels = std::vector<std::string>{"hot"},
                              .set_attributes = {{"floor", 4.0}, {"vip", true}},
                              .removed_attributes = {"color"}},
                kT0 + 1);
  const TicketView& view = stream.view();
  CHECK(view.subject == "Printer on fire");
  CHECK(view.channel == Channel::kApi);
  CHECK(view.priority == Priority::kUrgent);
  CHECK(view.labels == std::vector<std::string>{"hot"});
  CHECK(view.custom_attributes == Attributes{{"floor", 4.0}, {"vip", true}});
}

TEST_CASE("directory events leave a ticket view alone", "[domain]") {
  Stream stream;
  stream.Append(Opened(), kT0);
  TicketView before = stream.view();
  Event event;
  event.version = 9;
  event.occurred_at_us = kT0 + kMinute;
  event.payload = DepartmentDefined{"sales", "Sales"};
  TicketView view = before;
  EvolveTicket(view, event);
  CHECK(view == before);
}

TEST_CASE("EvolveDirectory folds departments, operators and statuses",
          "[domain]") {
  DirectoryState state;
  uint64_t version = 0;
  auto fold = [&](EventPayload payload) {
    Event event;
    event.version = ++version;
    event.stream = std::string(kDirectoryStream);
    event.occurred_at_us = kT0 + static_cast<TimeUs>(version);
    event.payload = std::move(payload);
    EvolveDirectory(state, event);
  };
  fold(DepartmentDefined{"support", "Support"});
  fold(DepartmentDefined{"support", "Customer support"});
  fold(OperatorRegistered{"ana", "Ana", {"support"}});
  fold(OperatorRegistered{"bruno", "Bruno", {}});
  fold(OperatorRemoved{"bruno"});
  fold(StatusDefined{"waiting_vendor", "Waiting for vendor"});
  fold(MessageAdded{Incoming()});  // not a directory event: only counted

  DirectoryState expected;
  expected.departments = {{"support", "Customer support"}};
  expected.operators = {{"ana", OperatorInfo{"Ana", {"support"}}}};
  expected.statuses = {{"waiting_vendor", "Waiting for vendor"}};
  expected.version = 7;
  expected.updated_at_us = kT0 + 7;
  CHECK(state == expected);
  CHECK(state.HasStatus("pending"));
  CHECK(state.HasStatus("waiting_vendor"));
  CHECK_FALSE(state.HasStatus("on_hold"));
}

TEST_CASE("a whole ticket lifecycle, decided and folded", "[domain]") {
  Desk desk;
  desk.At(0);
  desk.Run(OpenTicket{.subject = "Printer on fire",
                      .department = "support",
                      .customer = Customer{.email = "maria@example.com"},
                      .message = OpeningMessage{.content = "It is smoking"}});
  CHECK(desk.view().awaiting == Awaiting::kOperator);

  desk.At(5);
  desk.Run(LinkOperator{kTicket, "ana"});
  desk.At(10);
  desk.Run(Reply{kTicket, ActorKind::kOperator, "Unplug it", {}});
  CHECK(desk.view().awaiting == Awaiting::kCustomer);
  desk.At(12);
  desk.Run(AddComment{kTicket, "bruno", "Known model issue", {}});
  CHECK(desk.view().awaiting == Awaiting::kCustomer);
  desk.At(15);
  desk.Run(Transfer{kTicket, "billing", "bruno"});
  desk.At(16);
  desk.Run(Update{.ticket = kTicket,
                  .priority = Priority::kUrgent,
                  .labels = std::vector<std::string>{"vip"}});
  desk.At(20);
  desk.Run(StartStatus{kTicket, "waiting_vendor"});
  CHECK(desk.view().status == TicketStatus::kPending);
  desk.At(50);
  desk.Run(StopStatus{kTicket});
  desk.At(55);
  desk.Run(Reply{kTicket, ActorKind::kCustomer, "Any news?", {}});
  CHECK(desk.view().awaiting == Awaiting::kOperator);
  desk.At(60);
  desk.Run(StartStatus{kTicket, "pending"});
  desk.At(70);
  CHECK(desk.Run(Finish{kTicket, "Replaced the fuser", "solved", {}}).size() ==
        3);
  CHECK(desk.view().status == TicketStatus::kFinished);
  CHECK(desk.view().resolution_us == 30 * kMinute);  // 70 less 40 paused

  desk.At(80);
  CHECK(desk.Run(Reply{kTicket, ActorKind::kCustomer, "Smoking again", {}})
            .size() == 2);
  CHECK(desk.view().status == TicketStatus::kOpen);
  CHECK(desk.view().finished_at_us == kT0 + 70 * kMinute);
  desk.At(90);
  desk.Run(Finish{kTicket, "Replaced the printer", "solved", {}});
  desk.At(100);
  desk.Run(Close{kTicket});

  const TicketView& view = desk.view();
  CHECK(view.status == TicketStatus::kClosed);
  CHECK(view.version == 18);
  CHECK(view.department == "billing");
  CHECK(view.operator_id == "bruno");
  CHECK(view.priority == Priority::kUrgent);
  CHECK(view.labels == std::vector<std::string>{"vip"});
  CHECK(view.awaiting == Awaiting::kCustomer);
  CHECK(view.message_count == 7);
  CHECK(view.reopen_count == 1);
  CHECK(view.transfer_count == 1);
  CHECK(view.paused_us == 40 * kMinute);
  CHECK(view.status_durations_us ==
        std::map<std::string, int64_t>{{"pending", 10 * kMinute},
                                       {"waiting_vendor", 30 * kMinute}});
  CHECK(view.custom_status.empty());
  CHECK(view.first_response_at_us == kT0 + 10 * kMinute);
  CHECK(view.first_response_us == 10 * kMinute);
  CHECK(view.finished_at_us == kT0 + 90 * kMinute);
  CHECK(view.resolution_us == 50 * kMinute);  // 90 less 40 paused
  CHECK(view.resolution == "solved");
  CHECK(view.closed_at_us == kT0 + 100 * kMinute);
  CHECK(view.created_at_us == kT0);
  CHECK(view.updated_at_us == kT0 + 100 * kMinute);

  desk.At(110);
  const std::vector<CommandBody> after_close = {
      Reply{kTicket, ActorKind::kCustomer, "Hello?", {}},
      Reply{kTicket, ActorKind::kOperator, "Hi", {}},
      AddComment{kTicket, "ana", "note", {}},
      Transfer{kTicket, "support", ""},
      LinkOperator{kTicket, "ana"},
      UnlinkOperator{kTicket},
      StartStatus{kTicket, "pending"},
      StopStatus{kTicket},
      Finish{kTicket, "again", "", {}},
      Reopen{kTicket},
      Close{kTicket},
      Update{.ticket = kTicket, .subject = "Other"},
  };
  for (const CommandBody& command : after_close) {
    INFO(OpName(command));
    CHECK(desk.Refused(command).code() == Code::kTicketClosed);
  }
  CHECK(desk.Refused(OpenTicket{.ticket = kTicket,
                                .subject = "Again",
                                .customer = Customer{.id = "cust-42"}})
            .code() == Code::kAlreadyExists);
  CHECK(desk.view().version == 18);
}
