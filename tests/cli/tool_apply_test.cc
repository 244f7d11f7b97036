// End to end: `ticketlog apply` on a fresh store, run as a child process —
// result lines, refusals, idempotency, optimistic concurrency and exit
// statuses.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "cli/tool_runner.h"
#include "cli/tool_script.h"

namespace ticketlog::testing {
namespace {

using nlohmann::json;

std::string Code(const json& result) {
  if (result.value("ok", false)) return "ok";
  return result["error"]["code"].get<std::string>();
}

TEST_CASE("apply answers every line and sets the exit status",
          "[tool][apply]") {
  ToolRunner tool;
  ToolRun first = tool.Run({"apply"}, FirstScript());
  INFO(first.err);
  REQUIRE(first.status == 0);
  auto results = first.Lines();
  REQUIRE(results.size() == 11);
  for (const auto& result : results) CHECK(Code(result) == "ok");
  CHECK(results[0]["ticket"].is_null());
  CHECK(results[0]["number"].is_null());
  const json opened = results[5];
  CHECK(opened["ticket"] == kT1);
  CHECK(opened["number"] == 1);
  CHECK(opened["version"] == 1);
  uint64_t version = results.back()["version"].get<uint64_t>();
  CHECK(results.back()["position"] == 11);

  ToolRun second = tool.Run({"apply", "-"}, SecondScript(version));
  INFO(second.out);
  CHECK(second.status == 1);  // some lines were refused
  results = second.Lines();
  REQUIRE(results.size() == 14);  // the blank line has no result
  CHECK(Code(results[0]) == "ok");
  CHECK(Code(results[1]) == "conflict");
  CHECK(results[1]["error"]["current_version"] == version + 1);
  CHECK(Code(results[2]) == "ok");
  CHECK(Code(results[3]) == "ok");  // reopened by the customer's reply
  CHECK(results[3]["events_appended"] == 2);
  CHECK(Code(results[4]) == "ok");
  CHECK(Code(results[5]) == "ok");
  CHECK(Code(results[6]) == "ok");
  CHECK(Code(results[7]) == "ticket_closed");
  CHECK(Code(results[8]) == "invalid_argument");
  CHECK(results[8]["error"]["message"].get<std::string>().rfind("line", 0) ==
        0);
  // The same command_id: the first result again, nothing appended.
  CHECK(Code(results[9]) == "ok");
  CHECK(results[9]["ticket"] == opened["ticket"]);
  CHECK(results[9]["number"] == 1);
  CHECK(results[9]["version"] == 1);
  CHECK(results[9]["events_appended"] == 0);
  CHECK(Code(results[10]) == "ok");
  CHECK(results[10]["number"] == 2);
  CHECK(Code(results[11]) == "no_operator_linked");
  CHECK(Code(results[12]) == "not_found");
  CHECK(Code(results[13]) == "unknown_operator");
}

TEST_CASE("apply reads a file and refuses malformed lines one by one",
          "[tool][apply]") {
  ToolRunner tool;
  std::string path = tool.Sub("commands.jsonl");
  std::ofstream(path) << FirstScript();
  ToolRun run = tool.Run({"apply", path});
  CHECK(run.status == 0);
  CHECK(run.Lines().size() == 11);

  std::string bad =
      std::string("\xff\xfe garbage\n") +
      R"({"op":"explode","account":"acme"})" + "\n" +
      "{\"op\":\"close\",\"account\":\"acme\",\"x\":" + std::string(1000, '[') +
      std::string(1000, ']') + "}\n" +
      R"({"op":"close","account":"acme","expected_version":-1})" + "\n" +
      R"({"op":"reply","account":"acme","content":")" +
      std::string(17 << 20, 'x') + "\"}\n" +
      Line("reply", Ticket(kT1) + R"(,"content":"still here")", "11:00");
  run = tool.Run({"apply"}, bad);
  CHECK(run.status == 1);
  auto results = run.Lines();
  REQUIRE(results.size() == 6);
  for (size_t i = 0; i < 5; ++i) CHECK(Code(results[i]) == "invalid_argument");
  CHECK(results[1]["error"]["message"].get<std::string>().rfind("op:", 0) == 0);
  CHECK(results[2]["error"]["message"] == "line: nested deeper than 64 levels");
  CHECK(results[3]["error"]["message"].get<std::string>().rfind(
            "expected_version:", 0) == 0);
  CHECK(results[4]["error"]["message"].get<std::string>().rfind(
            "line: longer than", 0) == 0);
  CHECK(Code(results[5]) == "ok");
}

TEST_CASE("apply usage and I/O errors exit 2", "[tool][apply]") {
  ToolRunner tool;
  ToolRun missing = tool.Run({"apply", tool.Sub("no-such-file.jsonl")});
  CHECK(missing.status == 2);
  CHECK(missing.out.empty());
  CHECK(missing.err.find("cannot read") != std::string::npos);
  CHECK(tool.Run({"apply", "a", "b"}).status == 2);
  CHECK(tool.Run({"apply", "--fast"}).status == 2);
  // An empty input is a successful run with no results.
  ToolRun empty = tool.Run({"apply"}, "");
  CHECK(empty.status == 0);
  CHECK(empty.out.empty());
}

}  // namespace
}  // namespace ticketlog::testing
