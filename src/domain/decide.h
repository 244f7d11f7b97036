// The functional core: pure deciders and evolvers, no I/O, no clock, no
// RocksDB. The engine loads state, calls Decide*, appends the events, and
// folds them into the views with Evolve*.
//
// Decide* validate the whole command (limits, UTF-8, references, state
// rules) and return the events to append (empty for a command that changes
// nothing) or the spec's error code with a message naming the field.
#ifndef TICKETLOG_DOMAIN_DECIDE_H_
#define TICKETLOG_DOMAIN_DECIDE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::domain {

// The built-in custom status that always exists.
inline constexpr std::string_view kPendingStatus = "pending";

struct OperatorInfo {
  std::string name;
  std::vector<std::string> departments;
  friend bool operator==(const OperatorInfo&, const OperatorInfo&) = default;
};

// An account's directory, folded from its directory stream.
struct DirectoryState {
  std::map<std::string, std::string> departments;  // id -> name
  std::map<std::string, OperatorInfo> operators;   // id -> info
  std::map<std::string, std::string> statuses;     // id -> name (no "pending")
  uint64_t version = 0;
  TimeUs updated_at_us = 0;
  bool HasStatus(const std::string& id) const {
    return id == kPendingStatus || statuses.count(id) > 0;
  }
  friend bool operator==(const DirectoryState&,
                         const DirectoryState&) = default;
};

// What the engine knows that a ticket decision needs.
struct TicketContext {
  const DirectoryState* directory = nullptr;  // never null
  TimeUs now_us = 0;                          // the command's time
  // For OpenTicket only: the ticket id to use (the command's, canonicalised,
  // or a generated one), the next per-account number, and the customer as
  // the engine resolved it against the account's contacts.
  std::string ticket;
  uint64_t number = 0;
  Customer resolved_customer;
  bool new_contact = false;
};

struct DirectoryContext {
  TimeUs now_us = 0;
  // Number of tickets that are not closed and have this operator linked.
  // When unset, every operator counts as linked to none (the engine always
  // sets it).
  std::function<uint64_t(const std::string& operator_id)> linked_open_tickets;
};

// True for the commands that change the account's directory
// (DefineDepartment, RegisterOperator, RemoveOperator, DefineStatus);
// DecideDirectory takes these, DecideTicket the others.
bool IsDirectoryCommand(const CommandBody& body);

// The ticket a ticket command names as given (not canonicalised); empty for
// directory commands and for an OpenTicket that lets the engine choose.
const std::string& TicketOf(const CommandBody& body);

// Who an event is attributed to: the author of a message, the customer who
// opened the ticket or whose reply reopened it, the operator of an
// outgoing opening message, otherwise the system. `before` is the ticket's
// view before the event.
Actor ActorOf(const EventPayload& payload, const TicketView& before);

// Validates fields that every command shares: account (1-64 of
// [A-Za-z0-9_.-]), command_id (<= 250 bytes, UTF-8).
Status ValidateEnvelope(const Command& command);

// Returns the canonical lower-case text of a UUID, or invalid_argument
// naming `field`.
StatusOr<std::string> CanonicalUuid(const std::string& text,
                                    std::string_view field);

// Validates an OpenTicket's customer reference: at least one of id, email,
// phone; each <= 250 bytes and UTF-8. Called by the engine before it
// resolves the contact.
Status ValidateCustomerRef(const Customer& customer);

// Decides a ticket command. `state` is the ticket's current view, or nullopt
// when the ticket does not exist (only OpenTicket accepts that; the others
// return not_found). OpenTicket on an existing ticket is already_exists.
// Directory commands are invalid_argument here.
StatusOr<std::vector<EventPayload>> DecideTicket(
    const std::optional<TicketView>& state, const CommandBody& command,
    const TicketContext& context);

// Decides a directory command (DefineDepartment, RegisterOperator,
// RemoveOperator, DefineStatus). Ticket commands are invalid_argument here.
StatusOr<std::vector<EventPayload>> DecideDirectory(
    const DirectoryState& state, const CommandBody& command,
    const DirectoryContext& context);

// Folds one event of a ticket stream into its view. `view` is empty
// (default-constructed) for the first event. Uses event.version,
// event.occurred_at_us, event.account and the payload; never the log
// position, which is assigned only when the event is committed.
void EvolveTicket(TicketView& view, const Event& event);

// Folds one event of a directory stream into the directory.
void EvolveDirectory(DirectoryState& state, const Event& event);

}  // namespace ticketlog::domain

#endif  // TICKETLOG_DOMAIN_DECIDE_H_
