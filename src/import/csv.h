// CSV files as RFC 4180 has them, read with libcsv: fields separated by
// commas, quoted fields holding commas, line breaks and doubled quotes
// (""), records ended by LF or CRLF; blank lines are skipped. Fields are
// kept exactly (no space is trimmed).
#ifndef TICKETLOG_IMPORT_CSV_H_
#define TICKETLOG_IMPORT_CSV_H_

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "ticketlog/status.h"

namespace ticketlog::import {

struct CsvRecord {
  size_t line = 0;  // the 1-based line of the file where the record starts
  std::vector<std::string> fields;
};

// Every record of `in`, the header line included. invalid_argument naming
// the line for a malformed quote (a quote inside an unquoted field, text
// after a closing quote, a quote never closed).
StatusOr<std::vector<CsvRecord>> ReadCsv(std::istream& in);

}  // namespace ticketlog::import

#endif  // TICKETLOG_IMPORT_CSV_H_
