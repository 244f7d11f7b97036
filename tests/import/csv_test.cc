// CSV as the incident import reads it (src/import/csv.cc, libcsv).
#include "import/csv.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace ticketlog::import {
namespace {

// Records as "line: field|field" lines.
std::string Read(const std::string& text) {
  std::istringstream in(text);
  auto records = ReadCsv(in);
  if (!records.ok()) return "error: " + records.status().message();
  std::string out;
  for (const CsvRecord& record : *records) {
    out += std::to_string(record.line) + ":";
    for (size_t i = 0; i < record.fields.size(); ++i) {
      out += (i ? "|" : " ") + record.fields[i];
    }
    out += "\n";
  }
  return out;
}

TEST_CASE("quoted fields keep their commas and spaces", "[csv]") {
  CHECK(Read("a,b,c\n1,\"x, y\", z \n") == "1: a|b|c\n2: 1|x, y| z \n");
  CHECK(Read("a,,\"\"\n") == "1: a||\n");
}

TEST_CASE("doubled quotes are one quote", "[csv]") {
  CHECK(Read("n,said\n1,\"she said \"\"hi\"\"\"\n") ==
        "1: n|said\n2: 1|she said \"hi\"\n");
}

TEST_CASE("a quoted field may hold line breaks and lines stay counted",
          "[csv]") {
  CHECK(Read("n,text\n1,\"two\nlines\"\n2,\"three\r\n\nlines\"\n3,x\n") ==
        "1: n|text\n2: 1|two\nlines\n4: 2|three\r\n\nlines\n7: 3|x\n");
}

TEST_CASE(
    "CRLF ends records, blank lines are skipped, the last newline "
    "is optional",
    "[csv]") {
  CHECK(Read("a,b\r\n\r\n1,2\r\n\n3,4") == "1: a|b\n3: 1|2\n5: 3|4\n");
  CHECK(Read("") == "");
}

TEST_CASE("malformed quotes are refused with their line", "[csv]") {
  CHECK(Read("a,b\n1,x\"y\n").rfind("error: csv: line 2: ", 0) == 0);
  CHECK(Read("a,b\n1,\"x\"y\n").rfind("error: csv: line 2: ", 0) == 0);
  CHECK(Read("a,b\n1,\"never\nclosed\n").rfind("error: csv: line 2: ", 0) == 0);
}

}  // namespace
}  // namespace ticketlog::import
