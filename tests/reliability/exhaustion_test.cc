// The tool when its resources run out: an output that cannot be written
// (/dev/full). It ends in a clean exit 2 with one line on stderr, never a
// signal, and never with commands applied that nobody was told about.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/tool_script.h"
#include "reliability/subprocess.h"
#include "support/temp_dir.h"

namespace ticketlog::testing {
namespace {

#ifdef TICKETLOG_TOOL_PATH

size_t LineCount(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The head position of the store at `db`, read without any limit.
uint64_t HeadPosition(const std::string& db) {
  ProcessResult head = RunTicketlog(db, {"head"});
  REQUIRE(head.exit_code == 0);
  auto json = nlohmann::json::parse(head.out, nullptr, false);
  REQUIRE(json.is_object());
  return json["position"].get<uint64_t>();
}

TEST_CASE(
    "ticketlog apply whose standard output is full stops at the first "
    "result and applies nothing after it",
    "[exhaustion][tool]") {
  if (access("/dev/full", W_OK) != 0) {
    WARN("skipped: no /dev/full");
    return;
  }
  TempDir dir;
  const std::string db = dir.Sub("db");
  SpawnOptions options;
  options.argv = {TICKETLOG_TOOL_PATH, "--db", db, "apply", "-"};
  options.stdout_path = "/dev/full";
  // 11 commands, one event each: today's tool applied them all and
  // acknowledged none.
  ProcessResult apply = RunProcess(options, FirstScript());
  INFO("stderr: " << apply.err);
  CHECK(apply.signal == 0);
  CHECK(apply.exit_code == 2);
  CHECK(LineCount(apply.err) == 1);
  CHECK(apply.err.find("cannot write to standard output") != std::string::npos);
  CHECK(apply.err.find("line 1") != std::string::npos);
  // The first command ran (its result was what could not be written); no
  // other did.
  CHECK(HeadPosition(db) == 1);
}

TEST_CASE(
    "queries and streams whose standard output is full exit 2 with one line "
    "on stderr",
    "[exhaustion][tool]") {
  if (access("/dev/full", W_OK) != 0) {
    WARN("skipped: no /dev/full");
    return;
  }
  TempDir dir;
  const std::string db = dir.Sub("db");
  REQUIRE(RunTicketlog(db, {"apply", "-"}, FirstScript()).exit_code == 0);
  const std::string ticket = kT1;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"dump"},
           {"history", "--account", "acme", ticket},
           {"list", "--account", "acme"},
           {"show", "--account", "acme", ticket},
           {"head"},
           {"verify"}}) {
    SpawnOptions options;
    options.argv = {TICKETLOG_TOOL_PATH, "--db", db};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.stdout_path = "/dev/full";
    ProcessResult run = RunProcess(options);
    INFO(args.front() << " stderr: " << run.err);
    CHECK(run.signal == 0);
    CHECK(run.exit_code == 2);
    CHECK(run.err == "ticketlog: cannot write to standard output\n");
  }
}

#endif  // TICKETLOG_TOOL_PATH

}  // namespace
}  // namespace ticketlog::testing
