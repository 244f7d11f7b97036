#include "import/incident_import.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "support/engine_fixture.h"

using namespace ticketlog;
using ticketlog::testing::EngineFixture;

namespace {

std::vector<import::IncidentRow> ReadSample() {
  std::ifstream csv(std::string(TICKETLOG_TEST_DATA_DIR) +
                    "/incident_event_log.csv");
  REQUIRE(csv.good());
  auto rows = import::ReadIncidentRows(csv);
  REQUIRE(rows.ok());
  return std::move(*rows);
}

}  // namespace

TEST_CASE("the incident log imports with out-of-order rows refused",
          "[import]") {
  auto rows = ReadSample();
  REQUIRE(rows.size() == 5998);
  EngineFixture f;
  auto report = import::ImportIncidents(f.engine(), "servicenow", rows);
  REQUIRE(report.ok());
  CHECK(report->rows == rows.size());
  CHECK(report->last_accepted.size() == 890);

  // A row is out of order when it is earlier than the incident's last
  // accepted row; each such row is refused for its time, and only those and
  // rows after an incident was closed are refused.
  std::set<size_t> refused_lines;
  for (const auto& line : report->refusals) {
    INFO(line);
    CHECK(line.find("after ") == std::string::npos);  // nothing half-applied
    refused_lines.insert(std::stoul(line.substr(5)));
  }
  std::map<std::string, std::string> last_time;  // number -> yyyymmddhhmm
  std::map<std::string, bool> closed;
  size_t out_of_order = 0;
  auto sortable = [](const std::string& t) {
    return t.substr(6, 4) + t.substr(3, 2) + t.substr(0, 2) + t.substr(11);
  };
  for (const auto& row : rows) {
    std::string t = sortable(row.updated_at);
    bool early = last_time.count(row.number) && t < last_time[row.number];
    bool after_close = closed[row.number];
    INFO("line " << row.line << " " << row.number << " " << row.state);
    if (early) {
      ++out_of_order;
      CHECK(refused_lines.count(row.line) == 1);
    } else if (after_close) {
      CHECK(refused_lines.count(row.line) == 1);
    } else {
      CHECK(refused_lines.count(row.line) == 0);
      last_time[row.number] = t;
      if (row.state == "Closed") closed[row.number] = true;
    }
  }
  CHECK(out_of_order >= 1);
  CHECK(report->refused_by_code["invalid_argument"] == out_of_order);
  for (const auto& line : report->refusals) {
    if (line.find("invalid_argument") != std::string::npos) {
      CHECK_THAT(line, Catch::Contains("at:"));
    } else {
      CHECK_THAT(line, Catch::Contains("ticket_closed"));
    }
  }

  // Every incident ends as its last accepted row says.
  for (const auto& [number, row] : report->last_accepted) {
    auto view =
        f.engine().GetTicket("servicenow", import::IncidentTicketId(number));
    REQUIRE(view.ok());
    import::RowTarget target = import::TargetOf(row);
    INFO(number << " line " << row.line << " " << row.state);
    CHECK(view->status == target.status);
    if (target.status == TicketStatus::kPending) {
      CHECK(view->custom_status == target.custom_status);
    }
    if (!target.department.empty())
      CHECK(view->department == target.department);
    CHECK(view->operator_id == target.operator_id);
  }

  auto verify = f.engine().Verify();
  REQUIRE(verify.ok());
  CHECK(verify->ok());
}

TEST_CASE("a malformed incident CSV is refused with its line", "[import]") {
  std::istringstream csv(
      "number,incident_state,sys_mod_count,caller_id,opened_at,sys_updated_at,"
      "contact_type,category,priority,assignment_group,assigned_to\n"
      "INC1,New,0,Caller 1,01-01-2016 10:00,01-01-2016 10:00,Phone,C,3 - "
      "Moderate,Group 1,?\n"
      "INC1,Active,Caller 1\n");
  auto rows = import::ReadIncidentRows(csv);
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().code() == Code::kInvalidArgument);
  CHECK_THAT(rows.status().message(), Catch::Contains("line 3"));

  std::istringstream missing("number,state\nINC1,New\n");
  CHECK(import::ReadIncidentRows(missing).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("incident ticket ids are stable", "[import]") {
  CHECK(import::IncidentTicketId("INC0000045") ==
        import::IncidentTicketId("INC0000045"));
  CHECK(import::IncidentTicketId("INC0000045") !=
        import::IncidentTicketId("INC0000046"));
}
