// `ticketlog import --account A --format incidents FILE.csv`
// (src/cli/subcommands/import.cc), through the built tool.
#include <catch2/catch.hpp>
#include <fstream>

#include "cli/tool_runner.h"

namespace ticketlog::testing {
namespace {

using nlohmann::json;

const std::string kLog =
    std::string(TICKETLOG_TEST_DATA_DIR) + "/incident_event_log.csv";

TEST_CASE("import takes the incident log and sums up rows by reason",
          "[tool][import]") {
  ToolRunner tool;
  ToolRun run =
      tool.Run({"import", "--account", "acme", "--format", "incidents", kLog});
  INFO(run.out + run.err);
  REQUIRE(run.status == 0);
  CHECK(run.err.empty());  // no progress bar without a terminal
  json summary = run.Json();
  CHECK(summary["ok"] == true);
  CHECK(summary["account"] == "acme");
  CHECK(summary["rows"] == 5998);
  CHECK(summary["rows_accepted"] == 5989);
  CHECK(summary["rows_refused"] == 9);
  CHECK(summary["incidents"] == 890);
  CHECK(summary["refused_by_code"] ==
        json{{"invalid_argument", 2}, {"ticket_closed", 7}});
  CHECK(summary["example_refusal"].get<std::string>().rfind("line ", 0) == 0);
  json stats = tool.Run({"stats", "--account", "acme"}).Json();
  CHECK(stats["tickets"] == 890);
  // How long it took is reported; how fast it is belongs to the benchmark
  // (`ticketlog_compare --sections incident`), not to a test's verdict.
  CHECK(summary["seconds"].get<double>() >= 0);
  CHECK(tool.Run({"verify"}).status == 0);
}

TEST_CASE("import reads real CSV: quotes, commas and line breaks in fields",
          "[tool][import]") {
  ToolRunner tool;
  std::string path = tool.Sub("incidents.csv");
  std::ofstream(path)
      << "number,incident_state,sys_mod_count,caller_id,opened_at,"
         "sys_updated_at,contact_type,category,priority,assignment_group,"
         "assigned_to\r\n"
      << "INC1,New,0,\"Caller, \"\"the\"\" first\",01-03-2016 09:00,"
         "01-03-2016 09:00,Phone,\"Category\n7\",2 - High,Group 1,?\r\n"
      << "INC1,Resolved,1,x,01-03-2016 09:00,01-03-2016 10:00,Phone,"
         "\"Category\n7\",2 - High,Group 1,Resolver 1\r\n";
  ToolRun run = tool.Run(
      {"import", "--account", "a", "--format", "incidents", "--sync", path});
  INFO(run.out + run.err);
  REQUIRE(run.status == 0);
  json summary = run.Json();
  CHECK(summary["rows"] == 2);
  CHECK(summary["rows_accepted"] == 2);
  CHECK(summary["refused_by_code"] == json::object());
  json list = tool.Run({"list", "--account", "a"}).Json();
  REQUIRE(list["total"] == 1);
  CHECK(list["items"][0]["status"] == "finished");
  CHECK(list["items"][0]["category"] == "Category\n7");
}

TEST_CASE("import usage and input errors exit 2 with one line",
          "[tool][import]") {
  ToolRunner tool;
  std::string broken = tool.Sub("broken.csv");
  std::ofstream(broken) << "number,incident_state\nINC1,\"New\n";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"import", "--account", "a", "--format", "tickets", kLog},
           {"import", "--format", "incidents", kLog},
           {"import", "--account", "a", "--format", "incidents"},
           {"import", "--account", "a", "--format", "incidents",
            tool.Sub("missing.csv")},
           {"import", "--account", "a", "--format", "incidents", broken}}) {
    ToolRun run = tool.Run(args);
    INFO(args.back() + ": " + run.err);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.rfind("ticketlog: ", 0) == 0);
    CHECK(run.err.find('\n') == run.err.size() - 1);
  }
  CHECK(tool.Run({"import", "--account", "a", "--format", "incidents", broken})
            .err.find("line 2") != std::string::npos);
}

}  // namespace
}  // namespace ticketlog::testing
