// The command handler: one command flow for every backend. Handle runs
// load -> decide -> stamp -> evolve: it canonicalises the ticket id, loads
// the stream's state through a port the backend implements, checks
// expected_version, resolves what the deciders need (the customer's contact
// and the next ticket number for an OpenTicket, linked tickets for a
// RemoveOperator), decides, stamps each event and folds it into the new
// state. The backend persists the Decision its own way: the engine encodes
// and appends it with its projections, the SQLite peer writes rows, the
// in-memory model keeps maps.
//
// The handler does no I/O and reads no clock: the port answers its reads
// and the Stamp brings the time and the id generator, so that the same
// command, state and stamp always give the same decision.
#ifndef TICKETLOG_DOMAIN_HANDLER_H_
#define TICKETLOG_DOMAIN_HANDLER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/decide.h"
#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::domain {

// What the handler reads and the domain cannot know: the backend's side of
// the flow. Handle calls it from the thread that called Handle and only
// during that call; the backend guarantees that the state it answers with
// does not change under the call (the engine holds the account's lock, the
// peer a write transaction). Any error a method returns is returned by
// Handle as is.
class CommandReads {
 public:
  virtual ~CommandReads() = default;

  // The ticket's current view (`ticket` is canonical), or nullopt when the
  // ticket does not exist.
  virtual StatusOr<std::optional<TicketView>> Ticket(
      const std::string& account, const std::string& ticket) = 0;

  // The ticket's messages in seq order (`ticket` is canonical and exists).
  virtual StatusOr<std::vector<Message>> Messages(
      const std::string& account, const std::string& ticket) = 0;

  // The account's directory; an empty one (version 0) when the account has
  // none. Never null. The snapshot is immutable: a backend that caches it
  // installs the Decision's directory_after instead of changing it.
  virtual StatusOr<std::shared_ptr<const DirectoryState>> Directory(
      const std::string& account) = 0;

  // The stored contact with this contact id, or nullopt.
  virtual StatusOr<std::optional<Customer>> Contact(
      const std::string& account, const std::string& contact) = 0;
  // The id of the contact that holds `value` as its customer id, or as its
  // email or phone in normalised form (base::NormalizeEmail,
  // base::NormalizePhone: `value` is given normalised); empty when none
  // does. When several do (stores written before normalisation), the first
  // to hold it.
  virtual StatusOr<std::string> ContactHolding(const std::string& account,
                                               ContactDetail detail,
                                               const std::string& value) = 0;

  // The highest ticket number the account has given; 0 when none.
  virtual StatusOr<uint64_t> LastNumber(const std::string& account) = 0;

  // The number of the account's tickets that are not closed and have
  // `operator_id` linked.
  virtual StatusOr<uint64_t> LinkedOpenTickets(
      const std::string& account, const std::string& operator_id) = 0;
};

// The inputs of a command that are not a function of the command and the
// state.
struct Stamp {
  // The backend's clock when it took the command: the events' occurred time
  // unless the command sets at_us.
  TimeUs now_us = 0;
  // The events' recorded time.
  TimeUs recorded_at_us = 0;
  // A fresh id for each event, for a ticket an OpenTicket does not name and
  // for a customer who matches no contact. Required.
  std::function<std::string()> new_id;
};

// The events a command appends to one ticket stream, with the ticket's view
// before and after them.
struct StreamChange {
  std::string ticket;  // canonical
  // The stream's version before the command: the version an append expects.
  uint64_t base_version = 0;
  std::vector<Event> events;  // versions base_version + 1, + 2, ...
  TicketView before;
  TicketView after;
};

// What a command decided: everything a backend needs to persist it.
struct Decision {
  // A directory command (its stream is the account's directory) or a ticket
  // command.
  bool directory = false;
  // The ticket's canonical id, generated for an OpenTicket without one;
  // empty for directory commands.
  std::string ticket;
  // The stream's version before the command: the version an append expects
  // and the one the events follow.
  uint64_t base_version = 0;
  // The events to append, in order; empty for a command that changes
  // nothing. Every body field is set: event_id, account, stream, occurred
  // and recorded times, actor, command_id, schema_version, and the versions
  // base_version + 1, + 2, ...; positions and hashes are left unset.
  std::vector<Event> events;

  // Ticket commands: the view before the command (nullopt for a new ticket)
  // and after its events (equal to `before` when there are none).
  std::optional<TicketView> before;
  TicketView after;
  // The ticket's number; for an OpenTicket, the one it was given.
  uint64_t number = 0;
  // True when an OpenTicket's customer matched no contact and was given a
  // new contact id (the TicketOpened event carries it).
  bool new_contact = false;
  // A Merge's other stream: the source ticket, whose events come before the
  // target's in the log. The fields above then describe the target. A
  // backend appends both streams atomically, each at its base version.
  std::optional<StreamChange> merged_source;

  // Directory commands: the directory before and after the events (the same
  // snapshot when there are none).
  std::shared_ptr<const DirectoryState> directory_before;
  std::shared_ptr<const DirectoryState> directory_after;
};

// Resolves a customer reference as the engine does: the contact holding its
// customer id, else its email, else its phone. Also answers who holds each
// of them. nullopt contact when none matches.
struct ContactResolution {
  std::optional<Customer> contact;
  ContactHolders holders;
};
StatusOr<ContactResolution> ResolveContact(CommandReads& reads,
                                           const std::string& account,
                                           const Customer& ref);

// Decides `command`, which has passed ValidateEnvelope and is not a repeat
// of an already recorded command_id. Returns the decision, or the first
// error: invalid_argument for a malformed ticket id, customer reference or
// command field, conflict when expected_version differs from the stream's
// version (for a Merge, the source's), not_found, already_exists and
// failed_precondition as the deciders return them, and any error of `reads`.
// Changes nothing.
StatusOr<Decision> Handle(const Command& command, CommandReads& reads,
                          const Stamp& stamp);

}  // namespace ticketlog::domain

#endif  // TICKETLOG_DOMAIN_HANDLER_H_
