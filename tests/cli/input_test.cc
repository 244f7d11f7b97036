// How the tool reads its input: command-line flags (Args) and the lines of
// `apply` (LineReader).
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/line_reader.h"

namespace ticketlog::cli {
namespace {

StatusOr<Args> Parse(std::vector<std::string> args, size_t min = 0,
                     size_t max = 1) {
  return Args::Parse(args, {{"account"}, {"page"}, {"unassigned", false}}, min,
                     max);
}

TEST_CASE("flags and positionals", "[args]") {
  auto args = Parse({"--account", "acme", "t-1", "--unassigned", "--page=3"});
  REQUIRE(args.ok());
  CHECK(args->Get("account") == std::optional<std::string>("acme"));
  CHECK(args->Has("unassigned"));
  CHECK(args->Get("unassigned") == std::optional<std::string>(""));
  CHECK(args->positional() == std::vector<std::string>{"t-1"});
  auto page = args->GetUnsigned("page", 1, 10);
  REQUIRE(page.ok());
  CHECK(*page == std::optional<uint64_t>(3));
  CHECK_FALSE(args->Get("missing"));

  // "--" ends the flags; "-" is a positional (stdin).
  auto rest = Parse({"--", "--account"});
  REQUIRE(rest.ok());
  CHECK(rest->positional() == std::vector<std::string>{"--account"});
  CHECK(Parse({"-"})->positional() == std::vector<std::string>{"-"});
}

TEST_CASE("usage mistakes", "[args]") {
  CHECK(Parse({"--acount", "a"}).status().message() == "unknown flag --acount");
  CHECK(Parse({"--account"}).status().message() == "--account needs a value");
  CHECK(Parse({"--account", "a", "--account", "b"}).status().message() ==
        "--account given twice");
  CHECK(Parse({"--unassigned=yes"}).status().message() ==
        "--unassigned takes no value");
  CHECK(Parse({}, 1, 1).status().message() == "missing argument");
  CHECK(Parse({"a", "b"}).status().message() == "unexpected argument \"b\"");
  for (const char* bad :
       {"0", "11", "-1", "x", "", "3x", "99999999999999999999"}) {
    auto args = Parse({"--page", bad});
    REQUIRE(args.ok());
    auto page = args->GetUnsigned("page", 1, 10);
    CHECK(page.status().message() == "--page must be an integer from 1 to 10");
  }
  auto time = Args::Parse({"--as-of", "soon"}, {{"as-of"}}, 0, 0);
  REQUIRE(time.ok());
  CHECK(time->GetTime("as-of").status().code() == Code::kInvalidArgument);
  auto good = Args::Parse({"--as-of", "2024-01-01"}, {{"as-of"}}, 0, 0);
  CHECK(*good->GetTime("as-of") ==
        std::optional<TimeUs>(1704067200LL * 1000000));
}

TEST_CASE("the global --db flag may come anywhere", "[args]") {
  std::string db = "./ticketlog-data";
  std::vector<std::string> args = {"list", "--account", "a", "--db", "/tmp/x"};
  REQUIRE(ExtractDbFlag(args, db).ok());
  CHECK(db == "/tmp/x");
  CHECK(args == std::vector<std::string>{"list", "--account", "a"});

  args = {"--db=/y", "head"};
  REQUIRE(ExtractDbFlag(args, db).ok());
  CHECK(db == "/y");
  CHECK(args == std::vector<std::string>{"head"});

  args = {"apply", "--", "--db"};
  REQUIRE(ExtractDbFlag(args, db).ok());
  CHECK(args == std::vector<std::string>{"apply", "--", "--db"});

  args = {"head", "--db"};
  CHECK_FALSE(ExtractDbFlag(args, db).ok());
  args = {"--db", "a", "--db", "b", "head"};
  CHECK_FALSE(ExtractDbFlag(args, db).ok());
}

std::vector<std::string> ReadAll(const std::string& text, size_t max,
                                 std::vector<bool>* too_long = nullptr) {
  std::istringstream in(text);
  LineReader reader(in, max);
  std::vector<std::string> lines;
  std::string line;
  bool long_line = false;
  while (reader.Next(line, long_line)) {
    lines.push_back(line);
    if (too_long != nullptr) too_long->push_back(long_line);
  }
  CHECK_FALSE(reader.failed());
  return lines;
}

TEST_CASE("lines", "[line_reader]") {
  CHECK(ReadAll("", 100).empty());
  CHECK(ReadAll("a\nb\n", 100) == std::vector<std::string>{"a", "b"});
  CHECK(ReadAll("a\n\nb", 100) == std::vector<std::string>{"a", "", "b"});
  CHECK(ReadAll("\n", 100) == std::vector<std::string>{""});
  CHECK(ReadAll(std::string("a\0b\n", 4), 100) ==
        std::vector<std::string>{std::string("a\0b", 3)});
}

TEST_CASE("lines longer than a read chunk", "[line_reader]") {
  // The reader works in 64 KiB chunks; lines around and past that size.
  for (size_t size : {65534u, 65535u, 65536u, 65537u, 200000u}) {
    std::string big(size, 'x');
    CHECK(ReadAll(big + "\nnext\n", 1 << 20) ==
          std::vector<std::string>{big, "next"});
    CHECK(ReadAll(big, 1 << 20) == std::vector<std::string>{big});
  }
}

TEST_CASE("a line over the cap is skipped, not kept", "[line_reader]") {
  std::vector<bool> too_long;
  auto lines = ReadAll("short\n" + std::string(300000, 'y') + "\nafter\n",
                       100000, &too_long);
  CHECK(lines == std::vector<std::string>{"short", "", "after"});
  CHECK(too_long == std::vector<bool>{false, true, false});

  too_long.clear();
  lines = ReadAll(std::string(101, 'z'), 100, &too_long);
  CHECK(lines == std::vector<std::string>{""});
  CHECK(too_long == std::vector<bool>{true});
  CHECK(ReadAll(std::string(100, 'z'), 100) ==
        std::vector<std::string>{std::string(100, 'z')});
}

}  // namespace
}  // namespace ticketlog::cli
