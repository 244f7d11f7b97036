// The `ticketlog` tool: the global flags, parsing with CLI11, dispatch to
// the subcommands of src/cli/subcommands/ and the failure reporting they
// share.
//
// Contract decisions where SPEC section 4 leaves room (docs/cli.md repeats
// them for users):
//  - `--db DIR` may come before or after the subcommand; the default is
//    ./ticketlog-data.
//  - A usage error is one line on stderr: CLI11's message after
//    "ticketlog: ", exit 2. `--help` prints the help of the subcommand it
//    follows (or the tool's) on stdout, exit 0; so does `--version`.
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

#include <algorithm>
#include <exception>
#include <iostream>
#include <new>
#include <string_view>
#include <system_error>

#include "cli/address_space.h"
#include "cli/json_view.h"
#include "cli/subcommand.h"
#include "cli/subcommands/all.h"
#include "ticketlog/version.h"

namespace ticketlog::cli {
namespace {

constexpr std::string_view kFooter =
    R"(Exit status: 0 success; 1 refused, not found or check failed (stdout
carries {"ok":false,"error":{...}}); 2 usage or I/O error (one line on
stderr). `ticketlog SUBCOMMAND --help` lists a subcommand's flags; the
whole guide is docs/cli.md.)";

// One line: CLI11's messages are one line, but a value quoted in one may
// hold a newline.
std::string OneLine(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The first argument that is neither the global --db nor its value, or ""
// when there is none.
std::string FirstWord(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--db") {
      ++i;
      continue;
    }
    if (args[i].rfind("--db=", 0) == 0) continue;
    return args[i];
  }
  return "";
}

void BuildApp(CLI::App& app, Context& ctx) {
  // The formatter is shared with the subcommands added after this.
  app.get_formatter()->label("Usage", "usage");
  app.description(
      "ticketlog: audit, query and feed an event-sourced help-desk store");
  app.footer(std::string(kFooter));
  app.set_version_flag("--version",
                       "ticketlog " + std::string(ticketlog::Version()),
                       "print the version and exit");
  app.add_option("--db", ctx.db,
                 "the database directory (default ./ticketlog-data)")
      ->type_name("DIR");
  // --db may also come after the subcommand's name.
  app.fallthrough();
  app.require_subcommand(0, 1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "ticketlog: " + OneLine(e.what()) + "\n";
  });
}

int Dispatch(const std::vector<std::string>& args, std::istream& in,
             std::ostream& out, std::ostream& err) {
  Context ctx{"./ticketlog-data", in, out, err};
  CLI::App app("", "ticketlog");
  BuildApp(app, ctx);
  Registry registry(app);
  AddAllSubcommands(registry);

  for (const std::string& arg : args) {
    if (arg == "--") break;
    // CLI11 would take the next argument as the directory.
    if (arg == "--db=") return UsageError(ctx, "--db needs a directory");
  }
  std::string first = FirstWord(args);
  if (args.empty()) {
    err << app.help();
    return kExitUsage;
  }
  if (first == "help") {
    out << app.help();
    return kExitOk;
  }
  bool known = !app.get_subcommands([&first](CLI::App* sub) {
                     return sub->check_name(first);
                   })
                    .empty();
  if (!first.empty() && first[0] != '-' && !known) {
    return UsageError(ctx, "unknown subcommand \"" + first + "\"");
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  }
  if (ctx.db.empty()) return UsageError(ctx, "--db needs a directory");
  const RunFunction* run = registry.Chosen();
  if (run == nullptr) {
    err << app.help();
    return kExitUsage;
  }
  int status = (*run)(ctx);
  out.flush();
  // A subcommand that stopped with kExitUsage has said why already.
  if (!out) return status == kExitUsage ? kExitUsage : OutputFailure(ctx);
  return status;
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

std::unique_ptr<Engine> OpenEngine(Context& ctx, bool read_only, bool sync) {
  Options options;
  options.path = ctx.db;
  options.sync = sync;
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
