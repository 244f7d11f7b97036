// LineReader: reads '\n'-terminated lines from a stream with a cap on their
// length. A line longer than the cap is consumed to its end but not kept, so
// that one enormous line costs neither the memory to hold it nor the time to
// parse it, and the lines after it are still read.
//
// Reads go through istream::getline in fixed-size chunks: a line is
// returned as soon as its '\n' arrives, which keeps `apply` responsive when
// another program feeds it one command at a time.
#ifndef TICKETLOG_CLI_LINE_READER_H_
#define TICKETLOG_CLI_LINE_READER_H_

#include <cstddef>
#include <iosfwd>
#include <string>

namespace ticketlog::cli {

class LineReader {
 public:
  LineReader(std::istream& in, size_t max_line_bytes)
      : in_(in), max_line_bytes_(max_line_bytes) {}

  // Reads the next line into `line` (without its '\n'; a final line without
  // one counts too). Returns false at the end of the input or on a read
  // error (see failed()). When the line was longer than the cap, sets
  // `too_long` and leaves `line` empty.
  bool Next(std::string& line, bool& too_long);

  // True when reading stopped on an I/O error rather than at the end.
  bool failed() const;

 private:
  std::istream& in_;
  size_t max_line_bytes_;
};

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_LINE_READER_H_
