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

#include "cli/json_command.h"
#include "cli/json_view.h"
#include "cli/line_reader.h"
#include "cli/subcommands/all.h"

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

int RunApply(Context& ctx, const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file.is_open()) return UsageError(ctx, "cannot read " + path);
  }
  auto engine = OpenEngine(ctx, /*read_only=*/false);
  if (engine == nullptr) return kExitUsage;
  if (path == "-") return ApplyStream(ctx, *engine, ctx.in, "standard input");
  return ApplyStream(ctx, *engine, file, path);
}

// The ops and their fields, for the help.
std::string OpsHelp() {
  std::string help =
      "Each line is a JSON object: {\"op\":OP,\"account\":A, fields...}, "
      "optionally with\n\"command_id\", \"expected_version\" and \"at\" "
      "(ISO-8601). Ops and their fields:\n";
  for (const OpFields& op : DescribeOps()) {
    // "  open_ticket         category, channel, …" wrapped at 78 columns.
    constexpr size_t kIndent = 22, kWidth = 78;
    std::string line = "  " + std::string(op.op);
    line.resize(std::max(line.size() + 1, kIndent), ' ');
    for (size_t i = 0; i < op.fields.size(); ++i) {
      std::string field = op.fields[i] + (i + 1 < op.fields.size() ? "," : "");
      if (line.size() + field.size() + 1 > kWidth && line.size() > kIndent) {
        help += line + "\n";
        line = std::string(kIndent, ' ');
      }
      if (line.size() > kIndent) line += ' ';
      line += field;
    }
    help += line + "\n";
  }
  help +=
      "Result per line: {\"ok\":true,\"ticket\",\"number\",\"version\","
      "\"position\"} or\n{\"ok\":false,\"error\":{\"code\",\"message\"}}. "
      "Exit 0 when all were accepted, 1 when one was\nrefused.\n";
  return help;
}

}  // namespace

void AddApply(Registry& registry) {
  auto path = std::make_shared<std::string>("-");
  CLI::App* app = registry.Add(
      "apply", "run JSON Lines commands, one result line per command",
      kGroupCommands, [path](Context& ctx) { return RunApply(ctx, *path); });
  app->add_option("FILE", *path,
                  "the commands, one JSON object per line (default -, "
                  "standard input)")
      ->type_name("FILE|-");
  app->footer(OpsHelp());
}

}  // namespace ticketlog::cli
