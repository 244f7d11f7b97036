// How the tool reads the lines of `apply` (LineReader). Its flags are
// tested in tool_test.cc.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/line_reader.h"

namespace ticketlog::cli {
namespace {

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
