#include "import/csv.h"

#include <csv.h>

#include <istream>

namespace ticketlog::import {
namespace {

// What libcsv's callbacks fill.
struct Collector {
  std::vector<CsvRecord> records;
  CsvRecord current;
  size_t start_line = 1;
  bool row_ended = false;  // during the last csv_parse
};

extern "C" void OnField(void* text, size_t length, void* data) {
  auto* collector = static_cast<Collector*>(data);
  collector->current.fields.emplace_back(
      text == nullptr ? "" : std::string(static_cast<char*>(text), length));
}

extern "C" void OnRecord(int, void* data) {
  auto* collector = static_cast<Collector*>(data);
  collector->current.line = collector->start_line;
  collector->records.push_back(std::move(collector->current));
  collector->current = CsvRecord();
  collector->row_ended = true;
}

// Spaces around unquoted fields are data, not padding.
extern "C" int NoSpace(unsigned char) { return 0; }

// Frees the parser however the read ends.
class Parser {
 public:
  Parser() { ok_ = csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) == 0; }
  ~Parser() { csv_free(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  bool ok() const { return ok_; }
  csv_parser* get() { return &parser_; }

 private:
  csv_parser parser_;
  bool ok_ = false;
};

Status ParseError(csv_parser* parser, size_t line) {
  return Status::InvalidArgument(
      "csv", "line " + std::to_string(line) + ": " +
                 csv_strerror(csv_error(parser)) +
                 " (a quote inside an unquoted field, text after a closing "
                 "quote or a quote never closed)");
}

}  // namespace

StatusOr<std::vector<CsvRecord>> ReadCsv(std::istream& in) {
  Parser parser;
  if (!parser.ok()) return Status::IoError("cannot start the CSV parser");
  csv_set_space_func(parser.get(), NoSpace);
  Collector collector;
  // Fed one line at a time, so that each record knows where it starts: a
  // record starts on a line fed when the previous one had ended.
  bool at_record_start = true;
  size_t line_number = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    if (at_record_start) collector.start_line = line_number;
    line.push_back('\n');
    collector.row_ended = false;
    size_t fed = csv_parse(parser.get(), line.data(), line.size(), OnField,
                           OnRecord, &collector);
    if (fed != line.size()) return ParseError(parser.get(), line_number);
    bool blank = line == "\n" || line == "\r\n";
    at_record_start = collector.row_ended || (at_record_start && blank);
  }
  if (in.bad()) return Status::IoError("error reading the CSV file");
  if (csv_fini(parser.get(), OnField, OnRecord, &collector) != 0) {
    return ParseError(parser.get(), collector.start_line);
  }
  return std::move(collector.records);
}

}  // namespace ticketlog::import
