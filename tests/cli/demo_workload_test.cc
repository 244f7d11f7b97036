// The demo's generated desk: deterministic, ordered in time per ticket, and
// made of commands the tool's JSON ops can express.
#include "cli/demo_workload.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "base/text.h"
#include "domain/decide.h"

namespace ticketlog::cli {
namespace {

constexpr TimeUs kStart = 1704067200LL * 1000000;
constexpr TimeUs kDay = 24LL * 3600 * 1000000;

WorkloadOptions Options(uint64_t seed) {
  WorkloadOptions options;
  options.account = "globex";
  options.tickets = 200;
  options.seed = seed;
  options.start_us = kStart;
  options.window_us = 30 * kDay;
  return options;
}

TEST_CASE("the same seed writes the same desk", "[demo_workload]") {
  auto a = DemoLifecycles(Options(7));
  auto b = DemoLifecycles(Options(7));
  auto c = DemoLifecycles(Options(8));
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].command_id == b[i].command_id);
    CHECK(a[i].at_us == b[i].at_us);
    CHECK(a[i].body.index() == b[i].body.index());
  }
  CHECK(a.size() != c.size());
}

TEST_CASE("lifecycles interleave but each ticket moves forward",
          "[demo_workload]") {
  auto commands = DemoLifecycles(Options(1));
  std::map<std::string, TimeUs> last;
  std::map<std::string, size_t> per_op;
  std::set<std::string> opened;
  TimeUs previous = 0;
  for (const Command& command : commands) {
    REQUIRE(command.at_us);
    CHECK(*command.at_us >= previous);  // merged by time
    previous = *command.at_us;
    CHECK(command.account == "globex");
    CHECK_FALSE(command.command_id.empty());
    std::string ticket = domain::TicketOf(command.body);
    REQUIRE_FALSE(ticket.empty());
    CHECK(base::ParseUuid(ticket) == std::optional<std::string>(ticket));
    if (std::holds_alternative<OpenTicket>(command.body)) opened.insert(ticket);
    CHECK(opened.count(ticket) == 1);  // opened before anything else
    CHECK(*command.at_us >= last[ticket]);
    last[ticket] = *command.at_us;
    ++per_op[std::string(OpName(command.body))];
  }
  CHECK(opened.size() == 200);
  CHECK(*commands.front().at_us >= kStart);
  // Every kind of ticket command shows up in a desk of this size.
  for (const char* op :
       {"reply", "comment", "transfer", "link_operator", "start_status",
        "stop_status", "finish", "close", "update"}) {
    INFO(op);
    CHECK(per_op[op] > 0);
  }
  CHECK(per_op["open_ticket"] >= 200);  // plus retried command ids
}

TEST_CASE("the directory names what the desk uses", "[demo_workload]") {
  auto directory = DemoDirectory("globex", kStart);
  std::set<std::string> departments, operators, statuses;
  for (const Command& command : directory) {
    CHECK(command.at_us == std::optional<TimeUs>(kStart));
    if (auto* d = std::get_if<DefineDepartment>(&command.body)) {
      departments.insert(d->department);
    } else if (auto* o = std::get_if<RegisterOperator>(&command.body)) {
      operators.insert(o->operator_id);
      for (const auto& department : o->departments) {
        CHECK(departments.count(department) == 1);  // defined before
      }
    } else if (auto* s = std::get_if<DefineStatus>(&command.body)) {
      statuses.insert(s->status);
    }
  }
  for (const Command& command : DemoLifecycles(Options(3))) {
    if (auto* t = std::get_if<Transfer>(&command.body)) {
      CHECK(departments.count(t->department) == 1);
    } else if (auto* l = std::get_if<LinkOperator>(&command.body)) {
      CHECK(operators.count(l->operator_id) == 1);
    } else if (auto* s = std::get_if<StartStatus>(&command.body)) {
      CHECK(statuses.count(s->status) == 1);
    }
  }
  CHECK(DemoTicketId("globex", 1) != DemoTicketId("acme", 1));
}

}  // namespace
}  // namespace ticketlog::cli
