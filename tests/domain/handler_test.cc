// Handle, the one command flow, against a fake in-memory port and a
// deterministic stamp: what it reads, how it stamps and numbers events, and
// which errors it returns before deciding.
#include "domain/handler.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
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

constexpr TimeUs kT0 = 1'700'000'000'000'000;
constexpr TimeUs kMinute = 60'000'000;
const std::string kTicket = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

DirectoryState TestDirectory() {
  DirectoryState d;
  d.departments = {{"support", "Support"}};
  d.operators = {{"ana", {"Ana", {"support"}}}};
  d.version = 2;
  return d;
}

// The port over maps, recording which reads the handler made. A read named
// in `failing` returns `failure`.
class FakeReads final : public CommandReads {
 public:
  std::map<std::string, TicketView> tickets;
  std::shared_ptr<const DirectoryState> directory =
      std::make_shared<const DirectoryState>(TestDirectory());
  std::vector<Customer> contacts;
  uint64_t last_number = 0;
  std::map<std::string, uint64_t> linked;
  std::map<std::string, std::vector<Message>> messages;
  std::string failing;
  Status failure = Status::IoError("disk on fire");
  std::vector<std::string> calls;

  StatusOr<std::optional<TicketView>> Ticket(
      const std::string& account, const std::string& ticket) override {
    TICKETLOG_RETURN_IF_ERROR(Call("Ticket"));
    auto it = tickets.find(ticket);
    if (it == tickets.end()) return std::optional<TicketView>();
    return std::optional<TicketView>(it->second);
  }
  StatusOr<std::shared_ptr<const DirectoryState>> Directory(
      const std::string& account) override {
    TICKETLOG_RETURN_IF_ERROR(Call("Directory"));
    return directory;
  }
  StatusOr<std::optional<Customer>> Contact(
      const std::string& account, const std::string& contact) override {
    TICKETLOG_RETURN_IF_ERROR(Call("Contact"));
    for (const Customer& c : contacts) {
      if (c.contact == contact) return std::optional<Customer>(c);
    }
    return std::optional<Customer>();
  }
  StatusOr<std::string> ContactHolding(const std::string& account,
                                       ContactDetail detail,
                                       const std::string& value) override {
    TICKETLOG_RETURN_IF_ERROR(Call("ContactHolding"));
    for (const Customer& c : contacts) {
      if ((detail == ContactDetail::kId && c.id == value) ||
          (detail == ContactDetail::kEmail && c.email == value) ||
          (detail == ContactDetail::kPhone && c.phone == value)) {
        return c.contact;
      }
    }
    return std::string();
  }
  StatusOr<std::vector<Message>> Messages(const std::string& account,
                                          const std::string& ticket) override {
    TICKETLOG_RETURN_IF_ERROR(Call("Messages"));
    return messages[ticket];
  }
  StatusOr<uint64_t> LastNumber(const std::string& account) override {
    TICKETLOG_RETURN_IF_ERROR(Call("LastNumber"));
    return last_number;
  }
  StatusOr<uint64_t> LinkedOpenTickets(
      const std::string& account, const std::string& operator_id) override {
    TICKETLOG_RETURN_IF_ERROR(Call("LinkedOpenTickets"));
    return linked[operator_id];
  }

  // Persists a decision the way a backend would.
  void Keep(const Decision& decision) {
    if (decision.directory) {
      directory = decision.directory_after;
    } else if (!decision.events.empty()) {
      tickets[decision.ticket] = decision.after;
      last_number = std::max(last_number, decision.number);
    }
  }

 private:
  Status Call(const std::string& name) {
    calls.push_back(name);
    return name == failing ? failure : Status::OK();
  }
};

// Ids id-1, id-2, ... in the order the handler asks for them.
Stamp TestStamp(TimeUs now_us = kT0, TimeUs recorded_at_us = kT0 + 5) {
  auto next = std::make_shared<int>(0);
  return Stamp{.now_us = now_us,
               .recorded_at_us = recorded_at_us,
               .new_id = [next] { return "id-" + std::to_string(++*next); }};
}

Command Cmd(CommandBody body, std::optional<TimeUs> at_us = std::nullopt) {
  Command command;
  command.account = "acme";
  command.body = std::move(body);
  command.command_id = "cmd-1";
  command.at_us = at_us;
  return command;
}

OpenTicket Open(std::string ticket = kTicket) {
  OpenTicket open;
  open.ticket = std::move(ticket);
  open.subject = "Printer on fire";
  open.department = "support";
  open.customer = Customer{.contact = "",
                           .id = "cust-42",
                           .name = "Maria",
                           .email = "maria@example.com",
                           .phone = ""};
  return open;
}

// One line per event: every stamped field but the payload's contents.
std::string Print(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    out += "v" + std::to_string(e.version) + " " +
           std::string(EventTypeName(e.payload)) + " id=" + e.event_id + " " +
           e.account + "/" + e.stream +
           " at=" + std::to_string(e.occurred_at_us - kT0) +
           " rec=" + std::to_string(e.recorded_at_us - kT0) +
           " by=" + std::string(Name(e.actor.kind)) + ":" + e.actor.id +
           " cmd=" + e.command_id +
           " schema=" + std::to_string(e.schema_version) +
           " pos=" + std::to_string(e.position) + "\n";
  }
  return out;
}

// Opens kTicket at kT0 (at version 1, number 1, contact id-1).
Decision OpenedTicket(FakeReads& reads) {
  auto decision = Handle(Cmd(Open(), kT0), reads, TestStamp());
  REQUIRE(decision.ok());
  reads.Keep(*decision);
  reads.calls.clear();
  return *decision;
}

}  // namespace

TEST_CASE("an OpenTicket is stamped with the stamp's ids and times") {
  FakeReads reads;
  reads.last_number = 41;
  auto decision = Handle(Cmd(Open()), reads, TestStamp());
  REQUIRE(decision.ok());
  // id-1 is the new contact, id-2 the event; the customer opened it.
  CHECK(Print(decision->events) ==
        "v1 TicketOpened id=id-2 acme/" + kTicket +
            " at=0 rec=5 by=customer:id-1 cmd=cmd-1 schema=1 pos=0\n");
  CHECK_FALSE(decision->directory);
  CHECK(decision->ticket == kTicket);
  CHECK(decision->base_version == 0);
  CHECK_FALSE(decision->before.has_value());
  CHECK(decision->number == 42);
  CHECK(decision->after.number == 42);
  CHECK(decision->after.version == 1);
  CHECK(decision->after.created_at_us == kT0);
  CHECK(decision->new_contact);
  CHECK(decision->after.customer.contact == "id-1");
  // A lookup for each of the customer's id and email.
  CHECK(reads.calls ==
        std::vector<std::string>{"Ticket", "Directory", "ContactHolding",
                                 "ContactHolding", "LastNumber"});
}

TEST_CASE("an OpenTicket without a ticket id takes the first generated id") {
  FakeReads reads;
  auto decision = Handle(Cmd(Open("")), reads, TestStamp());
  REQUIRE(decision.ok());
  CHECK(decision->ticket == "id-1");
  CHECK(decision->after.customer.contact == "id-2");
  REQUIRE(decision->events.size() == 1);
  CHECK(decision->events[0].event_id == "id-3");
  CHECK(decision->events[0].stream == "id-1");
}

TEST_CASE("a ticket id is canonicalised before it is read") {
  FakeReads reads;
  OpenedTicket(reads);
  Command reply = Cmd(Reply{.ticket = "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
                            .author = ActorKind::kCustomer,
                            .content = "still burning"},
                      kT0 + kMinute);
  auto decision = Handle(reply, reads, TestStamp());
  REQUIRE(decision.ok());
  CHECK(decision->ticket == kTicket);
  CHECK(decision->base_version == 1);
}

TEST_CASE("a malformed ticket id is invalid_argument before any read") {
  FakeReads reads;
  auto decision =
      Handle(Cmd(Close{.ticket = "not-a-uuid"}), reads, TestStamp());
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().code() == Code::kInvalidArgument);
  CHECK(decision.status().message().find("ticket") != std::string::npos);
  CHECK(reads.calls.empty());
}

TEST_CASE(
    "a command's at_us is its events' time, and the stamp's clock is not") {
  FakeReads reads;
  auto decision =
      Handle(Cmd(Open(), kT0 - kMinute), reads, TestStamp(kT0, kT0 + 5));
  REQUIRE(decision.ok());
  REQUIRE(decision->events.size() == 1);
  CHECK(decision->events[0].occurred_at_us == kT0 - kMinute);
  CHECK(decision->events[0].recorded_at_us == kT0 + 5);
  CHECK(decision->after.created_at_us == kT0 - kMinute);
}

TEST_CASE("events follow the ticket's version and each has its own actor") {
  FakeReads reads;
  OpenedTicket(reads);
  auto link = Handle(
      Cmd(LinkOperator{.ticket = kTicket, .operator_id = "ana"}, kT0 + kMinute),
      reads, TestStamp());
  REQUIRE(link.ok());
  reads.Keep(*link);
  auto finish = Handle(
      Cmd(Finish{.ticket = kTicket, .content = "done", .resolution = "solved"},
          kT0 + 2 * kMinute),
      reads, TestStamp());
  REQUIRE(finish.ok());
  reads.Keep(*finish);
  uint64_t finished_at = reads.tickets.at(kTicket).version;

  // A customer's reply to a finished ticket reopens it: two events, both
  // attributed to the customer, the versions after the stored one.
  auto reply = Handle(Cmd(Reply{.ticket = kTicket,
                                .author = ActorKind::kCustomer,
                                .content = "not fixed"},
                          kT0 + 3 * kMinute),
                      reads, TestStamp(kT0 + 4 * kMinute));
  REQUIRE(reply.ok());
  CHECK(reply->base_version == finished_at);
  REQUIRE(reply->before.has_value());
  CHECK(reply->before->status == TicketStatus::kFinished);
  CHECK(reply->after.status == TicketStatus::kOpen);
  CHECK(reply->after.version == finished_at + 2);
  CHECK(Print(reply->events) ==
        "v" + std::to_string(finished_at + 1) +
            " TicketReopened id=id-1 acme/" + kTicket +
            " at=" + std::to_string(3 * kMinute) +
            " rec=5 by=customer:id-1 cmd=cmd-1 schema=1 pos=0\n" + "v" +
            std::to_string(finished_at + 2) + " MessageAdded id=id-2 acme/" +
            kTicket + " at=" + std::to_string(3 * kMinute) +
            " rec=5 by=customer:id-1 cmd=cmd-1 schema=1 pos=0\n");
}

TEST_CASE("a command that changes nothing returns no events") {
  FakeReads reads;
  Decision opened = OpenedTicket(reads);
  auto decision = Handle(Cmd(UnlinkOperator{.ticket = kTicket}, kT0 + kMinute),
                         reads, TestStamp());
  REQUIRE(decision.ok());
  CHECK(decision->events.empty());
  CHECK(decision->base_version == 1);
  CHECK(decision->number == opened.number);
  REQUIRE(decision->before.has_value());
  CHECK(decision->after == *decision->before);
}

TEST_CASE("a stale expected_version is a conflict carrying the version") {
  FakeReads reads;
  OpenedTicket(reads);
  Command close = Cmd(UnlinkOperator{.ticket = kTicket}, kT0 + kMinute);
  close.expected_version = 0;
  auto decision = Handle(close, reads, TestStamp());
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().code() == Code::kConflict);
  CHECK(decision.status().current_version() == 1u);
  // Refused before the directory is loaded.
  CHECK(reads.calls == std::vector<std::string>{"Ticket"});

  close.expected_version = 1;
  CHECK(Handle(close, reads, TestStamp()).ok());
}

TEST_CASE("an OpenTicket for a new ticket expects version 0") {
  FakeReads reads;
  Command open = Cmd(Open());
  open.expected_version = 3;
  auto decision = Handle(open, reads, TestStamp());
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().code() == Code::kConflict);
  CHECK(decision.status().current_version() == 0u);
}

TEST_CASE("a known customer keeps its contact, and new details update it") {
  FakeReads reads;
  reads.contacts.push_back(Customer{.contact = "contact-7",
                                    .id = "cust-42",
                                    .name = "",
                                    .email = "maria@example.com",
                                    .phone = "+351"});
  auto decision = Handle(Cmd(Open()), reads, TestStamp());
  REQUIRE(decision.ok());
  CHECK_FALSE(decision->new_contact);
  CHECK(decision->after.customer.contact == "contact-7");
  CHECK(decision->after.customer.phone == "+351");
  CHECK(decision->after.customer.name == "Maria");
  // No id was spent on a contact: the event takes the first. The name the
  // contact lacked is a ContactUpdated after the opening.
  REQUIRE(decision->events.size() == 2);
  CHECK(decision->events[0].event_id == "id-1");
  CHECK(decision->events[0].actor.id == "contact-7");
  const auto* updated =
      std::get_if<ContactUpdated>(&decision->events[1].payload);
  REQUIRE(updated != nullptr);
  CHECK(updated->customer == Customer{.contact = "contact-7",
                                      .id = "cust-42",
                                      .name = "Maria",
                                      .email = "maria@example.com",
                                      .phone = "+351"});
}

TEST_CASE("ticket numbers follow the account's last number") {
  FakeReads reads;
  Stamp stamp = TestStamp();
  auto first = Handle(Cmd(Open("")), reads, stamp);
  REQUIRE(first.ok());
  reads.Keep(*first);
  auto second = Handle(Cmd(Open("")), reads, stamp);
  REQUIRE(second.ok());
  CHECK(first->number == 1);
  CHECK(second->number == 2);
  CHECK(second->ticket != first->ticket);
}

TEST_CASE("an OpenTicket on an existing ticket resolves no contact") {
  FakeReads reads;
  OpenedTicket(reads);
  auto decision = Handle(Cmd(Open(), kT0 + kMinute), reads, TestStamp());
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().code() == Code::kAlreadyExists);
  CHECK(reads.calls == std::vector<std::string>{"Ticket", "Directory"});
}

TEST_CASE("an OpenTicket without customer reference is refused unread") {
  FakeReads reads;
  OpenTicket open = Open();
  open.customer = Customer{};
  auto decision = Handle(Cmd(open), reads, TestStamp());
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().code() == Code::kInvalidArgument);
  CHECK(decision.status().message().find("customer") != std::string::npos);
  CHECK(reads.calls == std::vector<std::string>{"Ticket", "Directory"});
}

TEST_CASE("a failing read is the handler's error") {
  for (const char* read :
       {"Ticket", "Directory", "ContactHolding", "LastNumber"}) {
    FakeReads reads;
    reads.failing = read;
    auto decision = Handle(Cmd(Open()), reads, TestStamp());
    INFO(read);
    REQUIRE_FALSE(decision.ok());
    CHECK(decision.status() == Status::IoError("disk on fire"));
    CHECK(reads.calls.back() == read);
  }
}

TEST_CASE("directory events follow the directory's version") {
  FakeReads reads;
  auto before = reads.directory;
  auto decision = Handle(
      Cmd(DefineDepartment{.department = "billing", .name = "Billing"}, kT0),
      reads, TestStamp());
  REQUIRE(decision.ok());
  CHECK(decision->directory);
  CHECK(decision->ticket.empty());
  CHECK(decision->base_version == 2);
  CHECK(Print(decision->events) ==
        "v3 DepartmentDefined id=id-1 acme/directory at=0 rec=5 by=system: "
        "cmd=cmd-1 schema=1 pos=0\n");
  CHECK(decision->directory_before == before);
  CHECK(decision->directory_after->version == 3);
  CHECK(decision->directory_after->departments.count("billing") == 1);
  // The snapshot the port gave is not changed.
  CHECK(before->version == 2);
  CHECK(before->departments.count("billing") == 0);
}

TEST_CASE("a directory command that changes nothing keeps the snapshot") {
  FakeReads reads;
  auto decision = Handle(
      Cmd(DefineDepartment{.department = "support", .name = "Support"}, kT0),
      reads, TestStamp());
  REQUIRE(decision.ok());
  CHECK(decision->events.empty());
  CHECK(decision->directory_after == reads.directory);
}

TEST_CASE("a directory command with a stale expected_version conflicts") {
  FakeReads reads;
  Command define =
      Cmd(DefineDepartment{.department = "billing", .name = "Billing"}, kT0);
  define.expected_version = 1;
  auto decision = Handle(define, reads, TestStamp());
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().code() == Code::kConflict);
  CHECK(decision.status().current_version() == 2u);
}

TEST_CASE("removing an operator counts its linked open tickets") {
  FakeReads reads;
  Command remove = Cmd(RemoveOperator{.operator_id = "ana"}, kT0);
  reads.linked["ana"] = 2;
  auto refused = Handle(remove, reads, TestStamp());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kOperatorHasTickets);

  reads.failing = "LinkedOpenTickets";
  auto failed = Handle(remove, reads, TestStamp());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status() == Status::IoError("disk on fire"));

  reads.failing.clear();
  reads.linked["ana"] = 0;
  auto removed = Handle(remove, reads, TestStamp());
  REQUIRE(removed.ok());
  REQUIRE(removed->events.size() == 1);
  CHECK(EventTypeName(removed->events[0].payload) == "OperatorRemoved");
  CHECK(removed->directory_after->operators.count("ana") == 0);
}

namespace {

const std::string kTarget = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

// kTicket (number 1) and kTarget (number 2), one message each.
void OpenedPair(FakeReads& reads) {
  OpenedTicket(reads);
  auto target = Handle(Cmd(Open(kTarget), kT0), reads, TestStamp());
  REQUIRE(target.ok());
  reads.Keep(*target);
  Message first;
  first.seq = 1;
  first.content = "source text";
  reads.messages[kTicket] = {first};
  reads.calls.clear();
}

}  // namespace

TEST_CASE("a merge stamps the source's events, then the target's") {
  FakeReads reads;
  OpenedPair(reads);
  auto merge =
      Handle(Cmd(Merge{.ticket = kTicket, .into = kTarget}, kT0 + kMinute),
             reads, TestStamp());
  REQUIRE(merge.ok());
  CHECK(reads.calls ==
        std::vector<std::string>{"Ticket", "Ticket", "Messages"});
  REQUIRE(merge->merged_source.has_value());
  const StreamChange& source = *merge->merged_source;
  CHECK(source.ticket == kTicket);
  CHECK(source.base_version == 1);
  CHECK(Print(source.events) ==
        "v2 TicketMergedInto id=id-1 acme/" + kTicket +
            " at=" + std::to_string(kMinute) +
            " rec=5 by=system: cmd=cmd-1 schema=1 pos=0\n"
            "v3 TicketFinished id=id-2 acme/" +
            kTicket + " at=" + std::to_string(kMinute) +
            " rec=5 by=system: cmd=cmd-1 schema=1 pos=0\n"
            "v4 TicketClosed id=id-3 acme/" +
            kTicket + " at=" + std::to_string(kMinute) +
            " rec=5 by=system: cmd=cmd-1 schema=1 pos=0\n");
  CHECK(source.after.status == TicketStatus::kClosed);
  CHECK(source.after.resolution == "merged");
  CHECK(source.after.merged_into == kTarget);

  // The Decision's own fields describe the target.
  CHECK(merge->ticket == kTarget);
  CHECK(merge->number == 2);
  CHECK(merge->base_version == 1);
  CHECK(Print(merge->events) ==
        "v2 TicketMergedFrom id=id-4 acme/" + kTarget +
            " at=" + std::to_string(kMinute) +
            " rec=5 by=system: cmd=cmd-1 schema=1 pos=0\n");
  CHECK(merge->after.merged_from == std::vector<std::string>{kTicket});
  CHECK(merge->after.message_count == 1);
}

TEST_CASE("a merge's expected_version is the source's") {
  FakeReads reads;
  OpenedPair(reads);
  Command merge = Cmd(Merge{.ticket = kTicket, .into = kTarget}, kT0 + kMinute);
  merge.expected_version = 2;
  auto refused = Handle(merge, reads, TestStamp());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kConflict);
  CHECK(refused.status().current_version() == 1u);
  CHECK(reads.calls == std::vector<std::string>{"Ticket"});
  merge.expected_version = 1;
  CHECK(Handle(merge, reads, TestStamp()).ok());
}

TEST_CASE("a merge into a missing ticket reads no messages") {
  FakeReads reads;
  OpenedTicket(reads);
  auto refused =
      Handle(Cmd(Merge{.ticket = kTicket, .into = kTarget}, kT0 + kMinute),
             reads, TestStamp());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kNotFound);
  CHECK(reads.calls == std::vector<std::string>{"Ticket", "Ticket"});
}
