// What the subcommands of the `ticketlog` tool share: the streams, the
// database directory, the exit statuses and how failures are reported.
// Each Run* function implements one subcommand (SPEC section 4); `args` are
// the arguments after the subcommand's name, without the global --db.
#ifndef TICKETLOG_CLI_SUBCOMMANDS_H_
#define TICKETLOG_CLI_SUBCOMMANDS_H_

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/engine.h"
#include "ticketlog/status.h"

namespace ticketlog::cli {

// Exit statuses (SPEC section 4).
inline constexpr int kExitOk = 0;
// A command was refused, a query found nothing or a check failed; stdout
// carries {"ok":false,"error":{…}}.
inline constexpr int kExitFailed = 1;
// Usage or I/O error; stderr carries one line.
inline constexpr int kExitUsage = 2;

struct Context {
  std::string db;  // --db, default ./ticketlog-data
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Prints "ticketlog: <message>" on stderr and returns kExitUsage; for
// usage errors and for I/O errors outside the engine.
int UsageError(Context& ctx, std::string_view message);

// Prints "ticketlog: cannot write to standard output" on stderr, followed
// by "; <what>" when `what` is given, and returns kExitUsage. For a write to
// ctx.out that failed (a full disk, a closed file).
int OutputFailure(Context& ctx, std::string_view what = {});

// True for the codes that mean the store itself failed (io_error,
// corruption, busy) rather than that the request was refused.
bool IsSystemError(Code code);

// Reports a failed engine call: a system error goes to stderr with
// kExitUsage; any other code is printed as {"ok":false,…} on stdout with
// kExitFailed.
int ReportFailure(Context& ctx, const Status& status);

// Opens the database at ctx.db. Queries open it read-only and do not
// create it. On failure prints the reason on stderr and returns nullptr;
// the caller exits with kExitUsage.
std::unique_ptr<Engine> OpenEngine(Context& ctx, bool read_only);

int RunApply(Context& ctx, const std::vector<std::string>& args);
int RunShow(Context& ctx, const std::vector<std::string>& args);
int RunMessages(Context& ctx, const std::vector<std::string>& args);
int RunList(Context& ctx, const std::vector<std::string>& args);
int RunChats(Context& ctx, const std::vector<std::string>& args);
int RunStats(Context& ctx, const std::vector<std::string>& args);
int RunContact(Context& ctx, const std::vector<std::string>& args);
int RunContacts(Context& ctx, const std::vector<std::string>& args);
int RunReport(Context& ctx, const std::vector<std::string>& args);
int RunSearch(Context& ctx, const std::vector<std::string>& args);
int RunHistory(Context& ctx, const std::vector<std::string>& args);
int RunDump(Context& ctx, const std::vector<std::string>& args);
int RunHead(Context& ctx, const std::vector<std::string>& args);
int RunRebuild(Context& ctx, const std::vector<std::string>& args);
int RunRepair(Context& ctx, const std::vector<std::string>& args);
int RunVerify(Context& ctx, const std::vector<std::string>& args);
int RunDemo(Context& ctx, const std::vector<std::string>& args);
int RunFollow(Context& ctx, const std::vector<std::string>& args);
int RunDeliver(Context& ctx, const std::vector<std::string>& args);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_SUBCOMMANDS_H_
