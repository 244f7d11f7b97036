// The `ticketlog` tool: global flags, dispatch to the subcommands and the
// failure reporting they share.
//
// Contract decisions where SPEC section 4 leaves room (docs/cli.md repeats
// them for users):
//  - `--db DIR` may come before or after the subcommand; the default is
//    ./ticketlog-data.
//  - `apply` exits 0 when every command line was accepted and 1 when at
//    least one was refused (the spec's "a command was refused"); every line
//    is still processed and answered. It stops with exit 2 at the first
//    io_error, corruption or busy from the engine, after printing that
//    line's result: the store is failing and later commands would too.
//    Blank lines are skipped without a result line.
//  - Engine failures io_error, corruption and busy are "I/O errors": one
//    line on stderr, exit 2. Every other engine code (not_found,
//    invalid_argument for a bad cursor, ...) is a refusal: the error object
//    on stdout, exit 1. Malformed flags are usage errors (exit 2).
//  - A result that cannot be written to stdout is an I/O error (exit 2):
//    apply stops at the first one, since the commands after it would run
//    unacknowledged; streams stop writing.
//  - Running out of memory or threads (std::bad_alloc, std::system_error,
//    e.g. under `ulimit -v`) is an I/O error too: one line on stderr,
//    exit 2, never an abort.
//  - Queries, history, dump, head and verify open the store read-only and
//    never create it: a missing database is an I/O error (exit 2). apply,
//    rebuild and demo open it for writing and create it when missing.
#include "cli/tool.h"

#include <exception>
#include <iostream>
#include <new>
#include <string_view>
#include <system_error>

#include "cli/address_space.h"
#include "cli/args.h"
#include "cli/json_view.h"
#include "cli/subcommands.h"

namespace ticketlog::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: ticketlog [--db DIR] SUBCOMMAND [ARGS]

DIR is the database directory (default ./ticketlog-data).

Commands:
  apply [FILE|-]                      run JSON Lines commands, one result per line
Queries:
  show --account A (TICKET | --number N) [--at-version N | --as-of TIME]
  messages --account A TICKET [--page N]
  list --account A [--status S[,S...]] [--department D]
       [--operator O | --unassigned] [--customer C] [--channel C]
       [--priority P] [--label L] [--awaiting operator|customer] [--number N]
       [--created-from TIME] [--created-to TIME]
       [--updated-from TIME] [--updated-to TIME]
       [--sort updated|created] [--order desc|asc] [--page N | --cursor C]
       [--sla breached|at_risk] [--now TIME]
  chats --account A [--page N | --cursor C]
  stats --account A
  contact --account A REF             REF: contact id, customer id, email or phone
  contacts --account A [--page N]
  report --account A [--from TIME] [--to TIME]
         [--by department|operator|priority|channel|policy] [--now TIME]
                                      SLA report of the tickets created in [from, to)
  search --account A QUERY... [--status S[,S...]] [--page N]
                                      full text of subjects and messages; word*
                                      matches a prefix, -word excludes
Audit:
  history --account A TICKET          a ticket's events, one per line
  dump [--from POSITION]              the whole log, one event per line
  head                                position and hash of the last event
  rebuild                             rebuild every view and the search index
  verify [--expect POSITION:HASH]     check the hash chain, every family, the
                                      views, the search index
  repair [--expect POSITION:HASH] [--lost FILE]
                                      recover a damaged store to its intact log
Change feed:
  follow [--from POSITION | --subscription NAME] [--account A] [--limit N]
                                      print new events as they are appended
  deliver --subscription NAME [--account A] [--once] [--max-attempts N]
          (--webhook URL [--secret S] | --nats URL --subject PREFIX [--stream S])
                                      send events to a webhook or JetStream
Tour:
  demo [--incidents FILE] [--tickets N] [--seed N] [--sync]
                                      run a realistic workload on DIR/demo

Exit status: 0 success; 1 refused, not found or check failed (stdout
carries {"ok":false,"error":{...}}); 2 usage or I/O error (stderr).
See docs/cli.md.
)";

using Runner = int (*)(Context&, const std::vector<std::string>&);

struct Subcommand {
  std::string_view name;
  Runner run;
};

constexpr Subcommand kSubcommands[] = {
    {"apply", RunApply},       {"show", RunShow},
    {"messages", RunMessages}, {"list", RunList},
    {"chats", RunChats},       {"stats", RunStats},
    {"contact", RunContact},   {"contacts", RunContacts},
    {"history", RunHistory},   {"dump", RunDump},
    {"head", RunHead},         {"rebuild", RunRebuild},
    {"verify", RunVerify},     {"demo", RunDemo},
    {"repair", RunRepair},     {"follow", RunFollow},
    {"deliver", RunDeliver},   {"report", RunReport},
    {"search", RunSearch},
};

bool IsHelp(std::string_view arg) {
  return arg == "--help" || arg == "-h" || arg == "help";
}

}  // namespace

int UsageError(Context& ctx, std::string_view message) {
  ctx.err << "ticketlog: " << message << "\n";
  return kExitUsage;
}

int OutputFailure(Context& ctx, std::string_view what) {
  ctx.err << "ticketlog: cannot write to standard output";
  if (!what.empty()) ctx.err << "; " << what;
  ctx.err << "\n";
  return kExitUsage;
}

bool IsSystemError(Code code) {
  return code == Code::kIoError || code == Code::kCorruption ||
         code == Code::kBusy;
}

int ReportFailure(Context& ctx, const Status& status) {
  if (IsSystemError(status.code())) {
    ctx.err << "ticketlog: " << CodeName(status.code()) << ": "
            << status.message() << "\n";
    return kExitUsage;
  }
  ctx.out << Dump(ErrorJson(status)) << "\n";
  return kExitFailed;
}

std::unique_ptr<Engine> OpenEngine(Context& ctx, bool read_only) {
  Options options;
  options.path = ctx.db;
  options.read_only = read_only;
  options.create_if_missing = !read_only;
  FitStoreToAddressSpace(options);
  if (Status room = CheckAddressSpaceLeft(kOpenStoreBytes, "opening it");
      !room.ok()) {
    ctx.err << "ticketlog: cannot open database " << ctx.db << ": "
            << room.ToString() << "\n";
    return nullptr;
  }
  auto engine = Engine::Open(options);
  if (!engine.ok()) {
    ctx.err << "ticketlog: cannot open database " << ctx.db << ": "
            << engine.status().ToString() << "\n";
    return nullptr;
  }
  return std::move(*engine);
}

namespace {

int Dispatch(const std::vector<std::string>& args, std::istream& in,
             std::ostream& out, std::ostream& err) {
  Context ctx{"./ticketlog-data", in, out, err};
  std::vector<std::string> rest = args;
  if (Status db = ExtractDbFlag(rest, ctx.db); !db.ok()) {
    return UsageError(ctx, db.message());
  }
  if (rest.empty()) {
    err << kUsage;
    return kExitUsage;
  }
  if (IsHelp(rest.front())) {
    out << kUsage;
    return kExitOk;
  }
  const Subcommand* subcommand = nullptr;
  for (const Subcommand& candidate : kSubcommands) {
    if (candidate.name == rest.front()) subcommand = &candidate;
  }
  if (subcommand == nullptr) {
    return UsageError(ctx, "unknown subcommand \"" + rest.front() + "\"");
  }
  std::vector<std::string> sub_args(rest.begin() + 1, rest.end());
  for (const std::string& arg : sub_args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      out << kUsage;
      return kExitOk;
    }
  }
  int status = subcommand->run(ctx, sub_args);
  out.flush();
  // A subcommand that stopped with kExitUsage has said why already.
  if (!out) return status == kExitUsage ? kExitUsage : OutputFailure(ctx);
  return status;
}

}  // namespace

int ReportException(std::ostream& err) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    err << "ticketlog: out of memory\n";
  } catch (const std::system_error& e) {
    err << "ticketlog: system error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    err << "ticketlog: " << e.what() << "\n";
  } catch (...) {
    err << "ticketlog: unknown error\n";
  }
  return kExitUsage;
}

int RunTool(const std::vector<std::string>& args, std::istream& in,
            std::ostream& out, std::ostream& err) {
  try {
    return Dispatch(args, in, out, err);
  } catch (...) {
    return ReportException(err);
  }
}

}  // namespace ticketlog::cli
