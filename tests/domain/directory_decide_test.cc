#include <catch2/catch.hpp>
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

constexpr TimeUs kLastEventAt = 1'700'000'000'000'000;

DirectoryState TestDirectory() {
  DirectoryState d;
  d.departments = {{"support", "Support"}, {"billing", "Billing"}};
  d.operators = {{"ana", {"Ana", {"support"}}}};
  d.statuses = {{"waiting_vendor", "Waiting for vendor"}};
  d.version = 4;
  d.updated_at_us = kLastEventAt;
  return d;
}

StatusOr<Events> Decide(const CommandBody& command,
                        const DirectoryState& state = TestDirectory(),
                        DirectoryContext context = {}) {
  if (context.now_us == 0) context.now_us = kLastEventAt + 1;
  return DecideDirectory(state, command, context);
}

Events Accepted(const StatusOr<Events>& decision) {
  INFO(decision.status().ToString());
  REQUIRE(decision.ok());
  return *decision;
}

std::string Refusal(const StatusOr<Events>& decision) {
  return decision.status().ToString();
}

}  // namespace

TEST_CASE("define_department defines or renames a department", "[domain]") {
  CHECK(Accepted(Decide(DefineDepartment{"sales", "Sales"})) ==
        Events{DepartmentDefined{"sales", "Sales"}});
  CHECK(Accepted(Decide(DefineDepartment{"billing", "Finance"})) ==
        Events{DepartmentDefined{"billing", "Finance"}});
}

TEST_CASE("defining a department as it is changes nothing", "[domain]") {
  CHECK(Accepted(Decide(DefineDepartment{"support", "Support"})).empty());
}

TEST_CASE("define_department needs an id and a name", "[domain]") {
  CHECK(Refusal(Decide(DefineDepartment{"", "Sales"})) ==
        "invalid_argument: department: must not be empty");
  CHECK(Refusal(Decide(DefineDepartment{"sales", ""})) ==
        "invalid_argument: name: must not be empty");
  CHECK(Refusal(Decide(DefineDepartment{std::string(251, 'd'), "Sales"})) ==
        "invalid_argument: department: must be at most 250 bytes");
  CHECK(Refusal(Decide(DefineDepartment{"sales", "\xc3\x28"})) ==
        "invalid_argument: name: must be valid UTF-8");
}

TEST_CASE("register_operator registers or updates an operator", "[domain]") {
  CHECK(Accepted(Decide(RegisterOperator{"bruno", "Bruno", {"billing"}})) ==
        Events{OperatorRegistered{"bruno", "Bruno", {"billing"}}});
  CHECK(Accepted(
            Decide(RegisterOperator{"ana", "Ana", {"support", "billing"}})) ==
        Events{OperatorRegistered{"ana", "Ana", {"support", "billing"}}});
  CHECK(Accepted(Decide(RegisterOperator{"carla", "Carla", {}})) ==
        Events{OperatorRegistered{"carla", "Carla", {}}});
}

TEST_CASE("registering an operator as it is changes nothing", "[domain]") {
  CHECK(Accepted(Decide(RegisterOperator{"ana", "Ana", {"support"}})).empty());
}

TEST_CASE("register_operator refuses unknown departments", "[domain]") {
  CHECK(Refusal(Decide(RegisterOperator{"ana", "Ana", {"support", "sales"}})) ==
        "unknown_department: departments[1]: 'sales' is not defined");
}

TEST_CASE("register_operator checks its fields", "[domain]") {
  CHECK(Refusal(Decide(RegisterOperator{"", "Ana", {}})) ==
        "invalid_argument: operator: must not be empty");
  CHECK(Refusal(Decide(RegisterOperator{"ana", "", {}})) ==
        "invalid_argument: name: must not be empty");
  CHECK(Refusal(Decide(RegisterOperator{"ana", "Ana", {"support", ""}})) ==
        "invalid_argument: departments[1]: must not be empty");
}

TEST_CASE("remove_operator removes an operator without open tickets",
          "[domain]") {
  std::string asked;
  DirectoryContext context;
  context.linked_open_tickets = [&](const std::string& id) -> uint64_t {
    asked = id;
    return 0;
  };
  CHECK(Accepted(Decide(RemoveOperator{"ana"}, TestDirectory(), context)) ==
        Events{OperatorRemoved{"ana"}});
  CHECK(asked == "ana");
}

TEST_CASE("an operator linked to tickets not closed cannot be removed",
          "[domain]") {
  DirectoryContext context;
  context.linked_open_tickets = [](const std::string&) -> uint64_t {
    return 3;
  };
  CHECK(Refusal(Decide(RemoveOperator{"ana"}, TestDirectory(), context)) ==
        "operator_has_tickets: operator: 'ana' is linked to 3 ticket(s) not "
        "closed");
}

TEST_CASE("remove_operator refuses an unknown operator", "[domain]") {
  CHECK(Refusal(Decide(RemoveOperator{"bruno"})) ==
        "unknown_operator: operator: 'bruno' is not registered");
  CHECK(Refusal(Decide(RemoveOperator{""})) ==
        "invalid_argument: operator: must not be empty");
}

TEST_CASE("a removed operator may be registered again", "[domain]") {
  DirectoryState state = TestDirectory();
  state.operators.erase("ana");  // as EvolveDirectory folds OperatorRemoved
  CHECK(Accepted(Decide(RegisterOperator{"ana", "Ana", {"support"}}, state)) ==
        Events{OperatorRegistered{"ana", "Ana", {"support"}}});
}

TEST_CASE("define_status defines or renames a custom status", "[domain]") {
  CHECK(Accepted(Decide(DefineStatus{"on_hold", "On hold"})) ==
        Events{StatusDefined{"on_hold", "On hold"}});
  CHECK(Accepted(Decide(DefineStatus{"waiting_vendor", "Vendor"})) ==
        Events{StatusDefined{"waiting_vendor", "Vendor"}});
  CHECK(Accepted(Decide(DefineStatus{"waiting_vendor", "Waiting for vendor"}))
            .empty());
}

TEST_CASE("the built-in pending status cannot be defined", "[domain]") {
  CHECK(Refusal(Decide(DefineStatus{"pending", "Pending"})) ==
        "invalid_argument: status: 'pending' is built in and cannot be "
        "defined");
}

TEST_CASE("define_status needs an id and a name", "[domain]") {
  CHECK(Refusal(Decide(DefineStatus{"", "x"})) ==
        "invalid_argument: status: must not be empty");
  CHECK(Refusal(Decide(DefineStatus{"on_hold", ""})) ==
        "invalid_argument: name: must not be empty");
}

TEST_CASE("a directory command may be earlier than its last event",
          "[domain]") {
  // Time order is a rule of a ticket's own events: a directory imported
  // out of order is accepted.
  DirectoryContext context;
  context.now_us = kLastEventAt - 1;
  CHECK(Decide(DefineDepartment{"sales", "Sales"}, TestDirectory(), context)
            .ok());
  context.now_us = kLastEventAt;
  CHECK(Decide(DefineDepartment{"sales", "Sales"}, TestDirectory(), context)
            .ok());
}

TEST_CASE("ticket commands are not directory commands", "[domain]") {
  CHECK(Refusal(Decide(Close{"6ba7b810-9dad-11d1-80b4-00c04fd430c8"})) ==
        "invalid_argument: op: close is a ticket command");
}
