// The `ticketlog` command-line tool (SPEC section 4), as a library function
// so that tests can run it in-process.
#ifndef TICKETLOG_CLI_TOOL_H_
#define TICKETLOG_CLI_TOOL_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace ticketlog::cli {

// Runs the tool with `args` (without the program name), reading standard
// input from `in` and writing to `out` and `err`. Returns the exit status:
// 0 success, 1 refused / not found / check failed, 2 usage or I/O error.
// Expected failures are Statuses; what still throws is the C++ runtime
// running out of memory (std::bad_alloc) or threads (std::system_error):
// that too is exit 2 with one line on `err`, never an uncaught exception.
int RunTool(const std::vector<std::string>& args, std::istream& in,
            std::ostream& out, std::ostream& err);

// For use inside a catch block: prints one "ticketlog: ..." line about the
// exception being handled on `err` and returns 2.
int ReportException(std::ostream& err);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_TOOL_H_
