// End to end: the audit subcommands (history, dump, head, rebuild, verify),
// the tool's global usage, and the demo.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/tool_runner.h"
#include "cli/tool_script.h"

namespace ticketlog::testing {
namespace {

using nlohmann::json;

void Populate(const ToolRunner& tool) {
  ToolRun first = tool.Run({"apply"}, FirstScript());
  REQUIRE(first.status == 0);
  uint64_t version = first.Lines().back()["version"].get<uint64_t>();
  REQUIRE(tool.Run({"apply"}, SecondScript(version)).status == 1);
}

bool IsHash(const json& value) {
  if (!value.is_string() || value.get<std::string>().size() != 64) return false;
  for (char c : value.get<std::string>()) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST_CASE("history, dump and head agree", "[tool][audit]") {
  ToolRunner tool;
  Populate(tool);

  ToolRun history = tool.Run({"history", "--account", "acme", kT1});
  REQUIRE(history.status == 0);
  auto events = history.Lines();
  REQUIRE(events.size() >= 10);
  CHECK(events.front()["type"] == "TicketOpened");
  CHECK(events.front()["payload"]["ticket"] == kT1);
  CHECK(events.front()["payload"]["customer"]["id"] == "c-1");
  CHECK(events.front()["command_id"] == "open-1");
  CHECK(events.back()["type"] == "TicketClosed");
  for (size_t i = 0; i < events.size(); ++i) {
    const json& e = events[i];
    CHECK(e["version"] == i + 1);
    CHECK(e["stream"] == kT1);
    CHECK(e["account"] == "acme");
    CHECK(IsHash(e["hash"]));
    CHECK(IsHash(e["prev_hash"]));
    CHECK(e["occurred_at"].get<std::string>().back() == 'Z');
    CHECK(e["actor"].contains("kind"));
  }
  json show = tool.Run({"show", "--account", "acme", kT1}).Json();
  CHECK(events.back()["version"] == show["version"]);

  ToolRun dump = tool.Run({"dump"});
  REQUIRE(dump.status == 0);
  auto log = dump.Lines();
  REQUIRE_FALSE(log.empty());
  CHECK(log.front()["type"] == "DepartmentDefined");
  CHECK(log.front()["stream"] == "directory");
  CHECK(log.front()["prev_hash"] == std::string(64, '0'));
  for (size_t i = 0; i < log.size(); ++i) {
    CHECK(log[i]["position"] == i + 1);
    if (i > 0) CHECK(log[i]["prev_hash"] == log[i - 1]["hash"]);
  }

  json head = tool.Run({"head"}).Json();
  CHECK(head["position"] == log.size());
  CHECK(head["hash"] == log.back()["hash"]);

  std::string last = std::to_string(log.size());
  auto tail = tool.Run({"dump", "--from", last}).Lines();
  REQUIRE(tail.size() == 1);
  CHECK(tail[0] == log.back());
  CHECK(tool.Run({"dump", "--from", "0"}).Lines().size() == log.size());
  ToolRun beyond = tool.Run({"dump", "--from", std::to_string(log.size() + 1)});
  CHECK(beyond.status == 0);
  CHECK(beyond.out.empty());
  CHECK(tool.Run({"dump", "--from", "-3"}).status == 2);
  CHECK(tool.Run({"head", "extra"}).status == 2);
  CHECK(tool.Run({"history", kT1}).status == 2);
}

TEST_CASE("rebuild and verify", "[tool][audit]") {
  ToolRunner tool;
  Populate(tool);
  json head = tool.Run({"head"}).Json();
  json before = tool.Run({"show", "--account", "acme", kT1}).Json();

  ToolRun verify = tool.Run({"verify"});
  INFO(verify.out);
  CHECK(verify.status == 0);
  json report = verify.Json();
  CHECK(report["ok"] == true);
  CHECK(report["events_checked"] == head["position"]);
  CHECK(report["problems"].empty());

  ToolRun rebuild = tool.Run({"rebuild"});
  REQUIRE(rebuild.status == 0);
  CHECK(rebuild.Json()["ok"] == true);
  CHECK(rebuild.Json()["events"] == head["position"]);
  CHECK(tool.Run({"show", "--account", "acme", kT1}).Json() == before);

  std::string position = std::to_string(head["position"].get<uint64_t>());
  std::string hash = head["hash"].get<std::string>();
  CHECK(tool.Run({"verify", "--expect", position + ":" + hash}).status == 0);

  // A head the log does not hold: another hash, or a position past the end
  // (what a truncated log looks like to a host that kept the old head).
  std::string other(64, 'a');
  for (const std::string& expect :
       {position + ":" + other,
        std::to_string(head["position"].get<uint64_t>() + 5) + ":" + hash}) {
    ToolRun bad = tool.Run({"verify", "--expect", expect});
    INFO(bad.out);
    CHECK(bad.status == 1);
    json failed = bad.Json();
    CHECK(failed["ok"] == false);
    CHECK(failed["error"]["code"] == "corruption");
    CHECK_FALSE(failed["problems"].empty());
  }
  for (const std::string& malformed :
       {std::string("12"), "x:" + hash, position + ":abc",
        position + ":" + std::string(64, 'g')}) {
    CHECK(tool.Run({"verify", "--expect", malformed}).status == 2);
  }
}

TEST_CASE("global usage", "[tool]") {
  ToolRunner tool;
  ToolRun none = tool.RunRaw({});
  CHECK(none.status == 2);
  CHECK(none.err.find("usage:") != std::string::npos);
  ToolRun help = tool.RunRaw({"--help"});
  CHECK(help.status == 0);
  CHECK(help.out.find("usage:") != std::string::npos);
  CHECK(tool.Run({"list", "--help"}).status == 0);
  ToolRun unknown = tool.Run({"frobnicate"});
  CHECK(unknown.status == 2);
  CHECK(unknown.err == "ticketlog: unknown subcommand \"frobnicate\"\n");
  CHECK(tool.RunRaw({"--db"}).status == 2);
  CHECK(tool.RunRaw({"--db", "a", "--db", "b", "head"}).status == 2);

  // Queries never create a database: a missing one is an I/O error.
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"head"},
                                             {"dump"},
                                             {"verify"},
                                             {"stats", "--account", "a"},
                                             {"show", "--account", "a", kT1}}) {
    ToolRun run = tool.Run(args);
    INFO(args[0]);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find("cannot open database") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(tool.db()));

  // --db after the subcommand works too, and an empty store has no head.
  REQUIRE(tool.RunRaw({"apply", "--db", tool.db()}, "").status == 0);
  json head = tool.RunRaw({"head", "--db=" + tool.db()}).Json();
  CHECK(head == json{{"position", 0}, {"hash", nullptr}});
}

TEST_CASE("demo", "[tool][demo]") {
  ToolRunner tool;
  ToolRun demo = tool.Run({"demo", "--tickets", "15"});
  INFO(demo.out + demo.err);
  REQUIRE(demo.status == 0);
  for (const std::string& section : std::vector<std::string>{
           "1. Import", "2. Directory", "3. Workload", "4. Queries",
           "5. History", "6. Audit", "commands/s", "rebuild:", "verify:", "OK",
           // Headed tables, refusals told as the checks they are, history
           // lines that say what changed.
           "number status    priority", "account  tickets   open",
           "refused rows, the log's own faults caught by the rules",
           "each a deliberate check of the rules", "no_operator_linked",
           "an operator reply, none linked", "what changed",
           "servicenow_mod_count = ", "view      ",
           // The hint names a command that works: this binary, not on PATH.
           "Explore it: " + std::string(TICKETLOG_TOOL_PATH) + " --db "}) {
    INFO(section);
    CHECK(demo.out.find(section) != std::string::npos);
  }
  // Timings are measured, never a zero rate for a quick step.
  CHECK(demo.out.find(" 0 commands/s") == std::string::npos);
  CHECK(demo.out.find("in 0.00 s") == std::string::npos);
  // The store stays for exploring.
  std::string store = tool.db() + "/demo";
  json list =
      tool.RunRaw({"--db", store, "list", "--account", "globex"}).Json();
  CHECK(list["total"] == 15);
  json imported =
      tool.RunRaw({"--db", store, "stats", "--account", "acme"}).Json();
  CHECK(imported["tickets"].get<int>() >= 890);
  // A second run starts afresh.
  CHECK(tool.Run({"demo", "--tickets", "5"}).status == 0);
  CHECK(tool.RunRaw({"--db", store, "list", "--account", "globex"})
            .Json()["total"] == 5);

  // It never deletes a directory it did not make.
  ToolRunner other;
  std::filesystem::create_directories(other.db() + "/demo");
  std::ofstream(other.db() + "/demo/precious.txt") << "keep me";
  ToolRun refused = other.Run({"demo", "--tickets", "1"});
  CHECK(refused.status == 2);
  CHECK(std::filesystem::exists(other.db() + "/demo/precious.txt"));
  CHECK(other.Run({"demo", "--tickets", "x"}).status == 2);
}

}  // namespace
}  // namespace ticketlog::testing
