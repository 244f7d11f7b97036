// What the subcommands of the `ticketlog` tool share: the streams, the
// database directory, the exit statuses, how failures are reported, and the
// Registry through which each subcommand adds its flags (CLI11) and its run
// function. One subcommand is one file in src/cli/subcommands/ with an
// Add<Name>(Registry&) function listed in src/cli/subcommands/all.h.
//
// Not thread-safe: the tool runs one subcommand per process (or per RunTool
// call in tests).
#ifndef TICKETLOG_CLI_SUBCOMMAND_H_
#define TICKETLOG_CLI_SUBCOMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/engine.h"
#include "ticketlog/status.h"
#include "ticketlog/types.h"

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
// create it. `sync` is Options::sync (false for bulk writes that are synced
// once at the end). On failure prints the reason on stderr and returns
// nullptr; the caller exits with kExitUsage.
std::unique_ptr<Engine> OpenEngine(Context& ctx, bool read_only,
                                   bool sync = true);

// Groups of `ticketlog --help`, in the order it lists them.
inline constexpr std::string_view kGroupCommands = "Commands";
inline constexpr std::string_view kGroupQueries = "Queries";
inline constexpr std::string_view kGroupAudit = "Audit";
inline constexpr std::string_view kGroupFeed = "Change feed";
inline constexpr std::string_view kGroupTour = "Tour";

// Runs a subcommand after its flags were parsed; returns the exit status.
using RunFunction = std::function<int(Context&)>;

// The subcommands of one run of the tool. Owns nothing but the run
// functions; the CLI11 apps belong to the tool's CLI::App.
class Registry {
 public:
  explicit Registry(CLI::App& tool) : tool_(tool) {}

  // Adds subcommand `name` to `group` of the help, with `description` as
  // its one-line summary; `run` runs it when it is the one given. Returns
  // the subcommand's app, for its flags and positionals.
  CLI::App* Add(std::string name, std::string description,
                std::string_view group, RunFunction run);

  // The run function of the subcommand that was given, or nullptr.
  const RunFunction* Chosen() const;

 private:
  CLI::App& tool_;
  std::vector<std::pair<CLI::App*, RunFunction>> subcommands_;
};

// A flag with a text value, and whether it was given. The flags of a
// subcommand live in a struct shared by its CLI11 options and its run
// function.
struct TextFlag {
  std::string value;
  CLI::Option* option = nullptr;

  bool given() const { return option != nullptr && option->count() > 0; }
  std::optional<std::string> get() const {
    return given() ? std::optional<std::string>(value) : std::nullopt;
  }
};

// Adds "--NAME VALUE" to `app`, bound to `flag`. `type` names the value in
// the help ("A", "N", "TIME").
CLI::Option* AddText(CLI::App* app, const std::string& name, TextFlag& flag,
                     const std::string& type, const std::string& help);

// Parses a decimal integer in [min, max]; `what` names it in the error.
StatusOr<uint64_t> ParseUnsigned(std::string_view what, std::string_view text,
                                 uint64_t min, uint64_t max);

// The flag's value as an integer in [min, max]; nullopt when it was not
// given, a usage error naming the flag when its value is malformed.
StatusOr<std::optional<uint64_t>> UnsignedFlag(const TextFlag& flag,
                                               uint64_t min, uint64_t max);

// The flag's value as an ISO-8601 time; nullopt when it was not given.
StatusOr<std::optional<TimeUs>> TimeFlag(const TextFlag& flag);

// Parses --expect's "POSITION:HASH" as printed by `ticketlog head`; a
// usage error when malformed.
StatusOr<LogHead> ParseExpect(std::string_view text);

// The name of a flag for messages: "--page".
std::string FlagName(const TextFlag& flag);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_SUBCOMMAND_H_
