// libFuzzer target: the command reader of `ticketlog apply` on arbitrary
// text, line by line as apply reads it, and every command it accepts through
// the engine's pure command path (validation, decision, evolution, event
// encoding), with no store. Properties, beyond "never crashes or throws":
//  - a refused line is invalid_argument whose message starts with the field
//    at fault ("subject: ...", "line: ...");
//  - a parsed command is decided without crashing against a new ticket and
//    against an open one, and the events decided re-encode and decode back.
// The regression test tests/reliability/fuzz_corpus_test.cc feeds
// fuzz/corpus/json_command and fuzz/regressions/json_command to the tool.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "cli/json_command.h"
#include "domain/decide.h"
#include "reliability/event_decode_check.h"
#include "schema/codec.h"
#include "schema/event_message.h"

namespace {

using namespace ticketlog;

[[noreturn]] void Fail(const std::string& what, std::string_view line) {
  std::fprintf(stderr, "fuzz_json_command: %s\nline (%zu bytes): %.*s\n",
               what.c_str(), line.size(),
               static_cast<int>(line.size() > 300 ? 300 : line.size()),
               line.data());
  std::abort();
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' &&
        c != '\f') {
      return false;
    }
  }
  return true;
}

// True when `message` starts with a field name followed by ": ".
bool NamesAField(const std::string& message) {
  size_t colon = message.find(": ");
  return colon != std::string::npos && colon > 0;
}

const domain::DirectoryState& Directory() {
  static const domain::DirectoryState* directory = [] {
    auto* d = new domain::DirectoryState();
    d->departments["support"] = "Support";
    d->operators["ana"] = domain::OperatorInfo{"Ana", {"support"}};
    d->statuses["waiting_vendor"] = "Waiting for vendor";
    d->version = 3;
    return d;
  }();
  return *directory;
}

// Decides `command` against `state` and folds and encodes what it decided.
void Decide(const Command& command, std::optional<TicketView> state,
            std::string_view line) {
  TimeUs now = command.at_us.value_or(1704067200LL * 1000000);
  if (domain::IsDirectoryCommand(command.body)) {
    domain::DirectoryContext context;
    context.now_us = now;
    context.linked_open_tickets = [](const std::string&) { return 0; };
    auto decided = domain::DecideDirectory(Directory(), command.body, context);
    if (decided.ok()) {
      domain::DirectoryState next = Directory();
      for (EventPayload& payload : *decided) {
        Event event;
        event.version = ++next.version;
        event.occurred_at_us = now;
        event.payload = std::move(payload);
        domain::EvolveDirectory(next, event);
      }
    }
    return;
  }
  domain::TicketContext context;
  context.directory = &Directory();
  context.now_us = now;
  context.ticket = "11111111-1111-4111-8111-111111111111";
  context.number = 7;
  if (const auto* open = std::get_if<OpenTicket>(&command.body)) {
    context.resolved_customer = open->customer;
    context.resolved_customer.contact = "contact-1";
  }
  auto decided = domain::DecideTicket(state, command.body, context);
  if (!decided.ok()) {
    if (decided.status().message().empty()) {
      Fail("a refusal without a message", line);
    }
    return;
  }
  TicketView view = state.value_or(TicketView{});
  for (EventPayload& payload : *decided) {
    Event event;
    event.account = command.account;
    event.stream = context.ticket;
    event.command_id = command.command_id;
    event.version = view.version + 1;
    event.occurred_at_us = now;
    event.payload = std::move(payload);
    // As domain::Handle stamps them: an event id, and a message the id and
    // time of the event that brings it.
    event.event_id =
        "00000000-0000-4000-8000-" +
        std::string(12 - std::to_string(event.version).size(), '0') +
        std::to_string(event.version);
    schema::StampOwnMessage(event);
    domain::EvolveTicket(view, event);
    std::string problem =
        ticketlog::testing::CheckEventRoundTrip(event, "decided event");
    if (!problem.empty()) Fail(problem, line);
  }
}

void CheckLine(std::string_view line) {
  if (IsBlank(line)) return;  // apply skips blank lines
  StatusOr<Command> command = cli::ParseCommandLine(line);
  if (!command.ok()) {
    if (command.status().code() != Code::kInvalidArgument) {
      Fail("refused with " + command.status().ToString(), line);
    }
    if (!NamesAField(command.status().message())) {
      Fail("a refusal that names no field: " + command.status().message(),
           line);
    }
    return;
  }
  if (!domain::ValidateEnvelope(*command).ok()) return;
  Decide(*command, std::nullopt, line);
  // The same command against an open ticket with an operator and a custom
  // status running.
  TicketView open;
  open.ticket = "11111111-1111-4111-8111-111111111111";
  open.number = 7;
  open.account = command->account;
  open.subject = "Printer";
  open.department = "support";
  open.operator_id = "ana";
  open.custom_status = "waiting_vendor";
  open.status = TicketStatus::kPending;
  open.customer.contact = "contact-1";
  open.created_at_us = open.updated_at_us = open.status_started_at_us =
      1704067200LL * 1000000;
  open.version = 3;
  open.message_count = 1;
  Decide(*command, open, line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Line by line, as `ticketlog apply` reads its input.
  while (!text.empty()) {
    size_t eol = text.find('\n');
    CheckLine(text.substr(0, eol));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return 0;
}
