// The command lines of `ticketlog apply` (SPEC section 4): one JSON object
// per line, with "op", "account", the op's fields named as in the spec, and
// the optional envelope fields "command_id", "expected_version" and "at".
//
// Parsing is strict: a line that is not a JSON object, gives a key twice in
// one object, names an unknown op, gives a field of the wrong type or a
// field the op does not take, nests deeper than kMaxJsonDepth or is longer
// than kMaxCommandLineBytes is refused with invalid_argument naming the
// field by its full path (or "line"). Whether the
// values make sense (ids, lengths, references) is the engine's call.
#ifndef TICKETLOG_CLI_JSON_COMMAND_H_
#define TICKETLOG_CLI_JSON_COMMAND_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/commands.h"
#include "ticketlog/status.h"

namespace ticketlog::cli {

// A longer line is refused without being parsed.
inline constexpr size_t kMaxCommandLineBytes = size_t{16} << 20;

// Arrays and objects may nest this deep; a command needs 4 levels
// (command, message, attachments, attachment).
inline constexpr int kMaxJsonDepth = 64;

// True when the arrays and objects of the JSON text `text` nest deeper than
// `max_depth`. Brackets inside strings do not count. Runs in one pass with
// no recursion, so it is safe on any input.
bool NestedDeeperThan(std::string_view text, int max_depth);

// Parses one command line.
StatusOr<Command> ParseCommandLine(std::string_view line);

// Converts an already-parsed JSON value into a command.
StatusOr<Command> CommandFromJson(const nlohmann::json& value);

// An op of `apply` and the fields it takes besides the envelope's
// ("op", "account", "command_id", "expected_version", "at").
struct OpFields {
  std::string_view op;
  std::vector<std::string> fields;  // sorted
};

// Every op, in the order of the op table, with the fields its parser
// reads: `apply --help` lists them, so a new op is listed once it is in the
// table.
std::vector<OpFields> DescribeOps();

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_JSON_COMMAND_H_
