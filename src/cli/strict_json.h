// ParseStrictJson: parses the JSON text of one `apply` command line into a
// DOM, refusing what nlohmann::json::parse lets through or reports badly.
//
//  - A key given twice in one object (at any depth) is refused. nlohmann
//    keeps the last value silently, so {"account":"a","account":"b"} would
//    run against account "b" while a client, a log reader or another JSON
//    library may see "a".
//  - A syntax error names the field whose value was being read when the
//    parser gave up, by its full path ("customer.email",
//    "message.attachments[0].size"); an error inside an object or array but
//    between its fields names that object or array ("customer"); an error
//    outside any field, or in a line whose top level is not an object,
//    names "line".
//
// Keys in paths are shown as ShownKey() shows them. The caller bounds the
// nesting depth beforehand (NestedDeeperThan): the parser's own stack and
// the path kept here grow with it.
#ifndef TICKETLOG_CLI_STRICT_JSON_H_
#define TICKETLOG_CLI_STRICT_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "ticketlog/status.h"

namespace ticketlog::cli {

// Returns the parsed value, or invalid_argument "<path>: duplicate field"
// or "<path>: not valid JSON: <why>" (`why` cut to 200 bytes).
StatusOr<nlohmann::json> ParseStrictJson(std::string_view text);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_STRICT_JSON_H_
