// The tool when its resources run out: memory and threads under an
// address-space limit (setrlimit(RLIMIT_AS), as `ulimit -v` sets it), and
// an output that cannot be written (/dev/full). Each ends in a clean exit
// 2 with one line on stderr, never a signal, and never with commands
// applied that nobody was told about.
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

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TICKETLOG_TOOL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TICKETLOG_TOOL_SANITIZED 1
#endif
#endif

namespace ticketlog::testing {
namespace {

#ifdef TICKETLOG_TOOL_PATH

ProcessResult RunLimited(const std::string& db,
                         const std::vector<std::string>& args,
                         uint64_t limit_kib, const std::string& input = "") {
  SpawnOptions options;
  options.argv = {TICKETLOG_TOOL_PATH, "--db", db};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.address_space_bytes = static_cast<rlim_t>(limit_kib) * 1024;
  return RunProcess(std::move(options), input);
}

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
    "under an address-space limit every subcommand succeeds or exits 2 with "
    "one line on stderr, never a signal",
    "[exhaustion][tool]") {
#ifdef TICKETLOG_TOOL_SANITIZED
  // A sanitizer reserves terabytes of shadow address space at start: any
  // RLIMIT_AS stops it before main.
  WARN("skipped: the tool is built with a sanitizer");
  return;
#else
  TempDir dir;
  const std::string db = dir.Sub("db");
  ProcessResult setup = RunTicketlog(db, {"apply", "-"}, FirstScript());
  REQUIRE(setup.exit_code == 0);
  const std::string ticket = kT1;
  const std::vector<std::vector<std::string>> queries = {
      {"head"},
      {"dump"},
      {"show", "--account", "acme", ticket},
      {"messages", "--account", "acme", ticket},
      {"history", "--account", "acme", ticket},
      {"list", "--account", "acme"},
      {"chats", "--account", "acme"},
      {"stats", "--account", "acme"},
      {"verify"},
      {"rebuild"},
  };
  // 400000 and 200000 KiB are enough for all of them; at 50000 the store
  // does not fit and each is refused before it opens.
  for (uint64_t limit_kib : {400000, 200000, 100000, 50000}) {
    std::vector<std::pair<std::string, ProcessResult>> runs;
    for (const auto& args : queries) {
      runs.emplace_back(args.front(), RunLimited(db, args, limit_kib));
    }
    const std::string fresh = dir.Sub("apply-" + std::to_string(limit_kib));
    runs.emplace_back(
        "apply", RunLimited(fresh, {"apply", "-"}, limit_kib, FirstScript()));
    const std::string demo = dir.Sub("demo-" + std::to_string(limit_kib));
    runs.emplace_back("demo",
                      RunLimited(demo, {"demo", "--tickets", "20"}, limit_kib));

    for (const auto& [name, run] : runs) {
      INFO("ulimit -v " << limit_kib << ": " << name
                        << "\nstderr: " << run.err);
      CHECK(run.signal == 0);
      CHECK((run.exit_code == 0 || run.exit_code == 2));
      if (run.exit_code == 2) {
        CHECK(LineCount(run.err) == 1);
        CHECK(run.err.rfind("ticketlog: ", 0) == 0);
      }
      if (limit_kib >= 200000) CHECK(run.exit_code == 0);
      if (limit_kib == 50000) {
        CHECK(run.exit_code == 2);
        CHECK(run.err.find("not enough address space") != std::string::npos);
      }
    }
  }
  // Whatever happened under the limits, the store is whole.
  ProcessResult verify = RunTicketlog(db, {"verify"});
  CHECK(verify.exit_code == 0);
#endif
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
