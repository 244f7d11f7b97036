#include "cli/line_reader.h"

#include <istream>

namespace ticketlog::cli {

bool LineReader::Next(std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  if (!in_.good()) return false;
  constexpr std::streamsize kChunk = 64 * 1024;
  char buffer[kChunk];
  bool read_any = false;
  while (true) {
    in_.getline(buffer, kChunk);
    std::streamsize extracted = in_.gcount();
    // getline sets failbit without eofbit when the chunk filled up before
    // the '\n': the line goes on. Otherwise it stopped at '\n' (counted in
    // gcount) or at the end of the input.
    bool chunk_full =
        in_.fail() && !in_.eof() && !in_.bad() && extracted == kChunk - 1;
    std::streamsize kept = extracted;
    if (!chunk_full && !in_.eof() && extracted > 0) --kept;  // the '\n'
    read_any = read_any || extracted > 0;
    if (!too_long) {
      if (line.size() + static_cast<size_t>(kept) > max_line_bytes_) {
        too_long = true;
        line.clear();
        line.shrink_to_fit();
      } else {
        line.append(buffer, static_cast<size_t>(kept));
      }
    }
    if (chunk_full) {
      in_.clear(in_.rdstate() & ~std::ios::failbit);
      continue;
    }
    if (in_.bad()) return false;
    // At the end of the input: a last line without '\n' still counts; an
    // empty read means there was no line at all.
    return read_any;
  }
}

bool LineReader::failed() const { return in_.bad(); }

}  // namespace ticketlog::cli
