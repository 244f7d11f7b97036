// `ticketlog apply [FILE|-]`: runs JSON Lines commands against the store,
// answering each with one result line, in order.
//
// Exit status: 0 when every command was accepted; 1 when at least one was
// refused (malformed lines included) — the rest still run; 2 when the input
// cannot be read, a result cannot be written or the store fails (io_error,
// corruption, busy), which stops the run.
#include <cctype>
#include <cstdint>
#include <fstream>
#include <string>

#include "cli/args.h"
#include "cli/json_command.h"
#include "cli/json_view.h"
#include "cli/line_reader.h"
#include "cli/subcommands.h"

namespace ticketlog::cli {
namespace {

bool IsBlank(const std::string& line) {
  for (char c : line) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Parses and runs one non-blank line; a line over the cap was not kept.
StatusOr<CommandResult> RunLine(Engine& engine, const std::string& line,
                                bool too_long) {
  if (too_long) {
    return Status::InvalidArgument(
        "line", "longer than " + std::to_string(kMaxCommandLineBytes) +
                    " bytes (16 MiB); not parsed");
  }
  StatusOr<Command> command = ParseCommandLine(line);
  if (!command.ok()) return command.status();
  return engine.Execute(*command);
}

// Runs the commands of `input` and returns the exit status.
int ApplyStream(Context& ctx, Engine& engine, std::istream& input,
                const std::string& name) {
  LineReader reader(input, kMaxCommandLineBytes);
  std::string line;
  bool too_long = false;
  bool refused = false;
  uint64_t line_number = 0;
  while (reader.Next(line, too_long)) {
    ++line_number;
    if (!too_long && IsBlank(line)) continue;
    StatusOr<CommandResult> result = RunLine(engine, line, too_long);
    if (result.ok()) {
      ctx.out << Dump(ResultJson(*result)) << "\n";
    } else {
      ctx.out << Dump(ErrorJson(result.status())) << "\n";
      refused = true;
      if (IsSystemError(result.status().code())) {
        ctx.out.flush();
        ctx.err << "ticketlog: apply stopped: " << result.status().ToString()
                << "\n";
        return kExitUsage;
      }
    }
    // One flush per result, so that a program feeding commands one at a
    // time sees each answer before it sends the next, and so that a result
    // nobody can read stops the run: every command that ran past it would
    // be applied without its client ever hearing of it.
    ctx.out.flush();
    if (!ctx.out) {
      return OutputFailure(ctx, "apply stopped at line " +
                                    std::to_string(line_number) +
                                    ", whose result was lost");
    }
  }
  if (reader.failed()) {
    ctx.err << "ticketlog: error reading " << name << "\n";
    return kExitUsage;
  }
  return refused ? kExitFailed : kExitOk;
}

}  // namespace

int RunApply(Context& ctx, const std::vector<std::string>& args) {
  auto parsed = Args::Parse(args, {}, 0, 1);
  if (!parsed.ok()) return UsageError(ctx, parsed.status().message());
  std::string path =
      parsed->positional().empty() ? "-" : parsed->positional().front();

  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file.is_open()) {
      return UsageError(ctx, "cannot read " + path);
    }
  }
  auto engine = OpenEngine(ctx, /*read_only=*/false);
  if (engine == nullptr) return kExitUsage;
  if (path == "-") return ApplyStream(ctx, *engine, ctx.in, "standard input");
  return ApplyStream(ctx, *engine, file, path);
}

}  // namespace ticketlog::cli
