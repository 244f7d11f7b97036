// The tool's command line as CLI11 parses it (src/cli/tool.cc): help per
// subcommand, --version, --db anywhere, and usage errors as one line with
// exit 2. Runs the tool in-process.
#include "cli/tool.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/json_command.h"
#include "support/temp_dir.h"
#include "ticketlog/version.h"

namespace ticketlog::cli {
namespace {

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

Run Tool(const std::vector<std::string>& args, const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out, err;
  Run run;
  run.status = RunTool(args, in, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::vector<std::string> kSubcommands = {
    "apply",  "import",  "show",    "messages", "list",    "chats",
    "stats",  "history", "dump",    "head",     "rebuild", "verify",
    "repair", "follow",  "deliver", "demo"};

TEST_CASE("every subcommand has its own --help", "[tool]") {
  for (const std::string& name : kSubcommands) {
    INFO(name);
    Run help = Tool({name, "--help"});
    CHECK(help.status == 0);
    CHECK(help.err.empty());
    CHECK(Has(help.out, "usage: ticketlog " + name));
    // The global usage lists every subcommand; a subcommand's does not.
    CHECK_FALSE(Has(help.out, "Change feed:"));
  }
  Run list = Tool({"list", "--help"});
  for (const char* flag :
       {"--account", "--status", "--department", "--operator", "--unassigned",
        "--customer", "--channel", "--priority", "--label", "--awaiting",
        "--created-from", "--updated-to", "--sort", "--order", "--page",
        "--cursor"}) {
    CHECK(Has(list.out, flag));
  }
  CHECK_FALSE(Has(Tool({"chats", "--help"}).out, "--channel"));
  CHECK(Has(Tool({"deliver", "-h"}).out, "--max-attempts"));
  CHECK(Has(Tool({"show", "--help"}).out, "--as-of"));
}

TEST_CASE("apply --help lists every op with its fields", "[tool]") {
  Run help = Tool({"apply", "--help"});
  REQUIRE(help.status == 0);
  std::vector<OpFields> ops = DescribeOps();
  REQUIRE(ops.size() >= 16);
  for (const OpFields& op : ops) {
    INFO(op.op);
    size_t at = help.out.find("\n  " + std::string(op.op) + " ");
    REQUIRE(at != std::string::npos);
    for (const std::string& field : op.fields) {
      CHECK(help.out.find(field, at) != std::string::npos);
    }
  }
  // The fields come from the op's parser.
  auto update = std::find_if(ops.begin(), ops.end(), [](const OpFields& op) {
    return op.op == "update";
  });
  REQUIRE(update != ops.end());
  CHECK(std::count(update->fields.begin(), update->fields.end(),
                   "custom_attributes") == 1);
  CHECK(std::count(update->fields.begin(), update->fields.end(), "ticket") ==
        1);
}

TEST_CASE("the tool prints its version and global help", "[tool]") {
  Run version = Tool({"--version"});
  CHECK(version.status == 0);
  CHECK(version.out == "ticketlog " + std::string(Version()) + "\n");
  CHECK(Version() == "0.1.0");
  Run help = Tool({"--help"});
  CHECK(help.status == 0);
  for (const std::string& name : kSubcommands) CHECK(Has(help.out, name));
  CHECK(Tool({"help"}).out == help.out);
  Run none = Tool({});
  CHECK(none.status == 2);
  CHECK(none.out.empty());
  CHECK(Has(none.err, "usage:"));
}

TEST_CASE("usage errors are one line on stderr and exit 2", "[tool]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"list", "--acount", "a"},
           {"list", "--account"},
           {"list", "--account", "a", "--account", "b"},
           {"list", "--account", "a", "--unassigned=yes"},
           {"show", "--account", "a"},
           {"show", "--account", "a", "t1", "t2"},
           {"show", "--account", "a", "t1", "--at-version", "1", "--as-of",
            "2024-01-01T00:00:00Z"},
           {"list", "--account", "a", "--page", "0"},
           {"list", "--account", "a", "--page", "99999999999999999999"},
           {"list", "--account", "a", "--page", "1", "--cursor", "c"},
           {"import", "--account", "a", "--format", "tsv", "x.csv"},
           {"import", "--account", "a", "x.csv"},
           {"follow", "--from", "1", "--subscription", "s"},
           {"--db"},
           {"--db=", "head"},
           {"--db", "a", "--db", "b", "head"},
           {"frobnicate"}}) {
    Run run = Tool(args);
    INFO(args.front() + " " + args.back() + ": " + run.err);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.rfind("ticketlog: ", 0) == 0);
    CHECK(run.err.find('\n') == run.err.size() - 1);
  }
  CHECK(Tool({"frobnicate"}).err ==
        "ticketlog: unknown subcommand \"frobnicate\"\n");
  CHECK(Tool({"list", "--account", "a", "--page", "0"}).err ==
        "ticketlog: --page must be an integer from 1 to 4294967295\n");
  CHECK(Has(Tool({"show", "t1"}).err, "--account is required"));
}

TEST_CASE("the global --db may come before or after the subcommand", "[tool]") {
  testing::TempDir dir;
  std::string missing = dir.Sub("none");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--db", missing, "head"},
           {"--db=" + missing, "head"},
           {"head", "--db", missing},
           {"stats", "--account", "a", "--db=" + missing}}) {
    Run run = Tool(args);
    CHECK(run.status == 2);
    CHECK(run.err.rfind("ticketlog: cannot open database " + missing + ": ",
                        0) == 0);
  }
  // After "--" everything is a positional, even what looks like a flag.
  Run run = Tool({"--db", missing, "show", "--account", "a", "--", "--db"});
  CHECK(run.status == 2);
  CHECK(Has(run.err, "cannot open database " + missing));
}

}  // namespace
}  // namespace ticketlog::cli
