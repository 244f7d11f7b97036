// Commands: what a host asks the engine to do. Imperative names, one struct
// per command; a Command wraps one with the fields every command shares.
//
// Plain values; thread-compatible. Validation happens in Engine::Execute,
// which names the offending field in its invalid_argument errors.
#ifndef TICKETLOG_COMMANDS_H_
#define TICKETLOG_COMMANDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ticketlog/types.h"

namespace ticketlog {

// ---- Directory ----------------------------------------------------------

// Defines a department, or renames an existing one.
struct DefineDepartment {
  std::string department;
  std::string name;
};

// Registers an operator, or updates its name and departments.
struct RegisterOperator {
  std::string operator_id;
  std::string name;
  std::vector<std::string> departments;  // each must be defined
};

// Removes an operator. Refused with operator_has_tickets while the operator
// is linked to any ticket that is not closed.
struct RemoveOperator {
  std::string operator_id;
};

// Defines a custom status (e.g. "waiting_vendor"), or renames one.
struct DefineStatus {
  std::string status;
  std::string name;
  // A customer reply ends the status while it runs (the built-in "pending"
  // always does).
  bool resume_on_customer_reply = true;
};

// Changes a contact's details. `contact` names it as a customer reference
// does: the contact id, the customer id, an email or a phone. Only the
// fields that are set change; an empty string clears one (a contact keeps
// at least one of id, email, phone). Refused with not_found when no contact
// matches, and with already_exists when another contact of the account has
// the email or phone. Recorded as ContactUpdated in the account's directory
// stream.
struct UpdateContact {
  std::string contact;
  std::optional<std::string> id;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

// Defines an SLA policy. Policies apply in the order they were first
// defined: a ticket falls under the first whose `priorities` (empty = all)
// and `department` (empty = any) match it, decided when it opens and again
// when its priority or department changes. Targets are seconds on a 24x7
// clock, each optional and > 0; time in custom statuses does not count
// toward resolution. Defining an existing policy again with the same
// priorities, department and targets renames it (or changes nothing); with
// others it is refused with already_exists.
struct DefineSlaPolicy {
  std::string policy;
  std::string name;
  std::vector<Priority> priorities;
  std::string department;  // optional; must be defined when set
  std::optional<int64_t> first_response_seconds;
  std::optional<int64_t> resolution_seconds;
};

// ---- Tickets --------------------------------------------------------------

// The opening message of a ticket.
struct OpeningMessage {
  std::string content;
  MessageKind kind = MessageKind::kIncoming;  // not kNote
  bool is_private = false;
  std::vector<Attachment> attachments;
};

struct OpenTicket {
  std::string ticket;  // UUID; generated when empty
  std::string subject;
  std::string department;   // optional; must be defined when set
  std::string operator_id;  // optional: linked operator
  Customer customer;        // at least one of id, email, phone
  Channel channel = Channel::kApi;
  Priority priority = Priority::kNormal;
  std::string category;
  std::vector<std::string> labels;
  Attributes custom_attributes;
  // kOpen; kPending (runs the built-in custom status "pending"); kFinished
  // or kClosed (the ticket is opened, finished with `resolution` and, for
  // kClosed, closed, all by this command).
  TicketStatus status = TicketStatus::kOpen;
  std::string resolution;  // with kFinished or kClosed only
  std::optional<OpeningMessage> message;
};

// A public reply. As kOperator it is attributed to the linked operator; as
// kCustomer it reopens a finished ticket.
struct Reply {
  std::string ticket;
  ActorKind author = ActorKind::kCustomer;  // kOperator or kCustomer
  std::string content;
  std::vector<Attachment> attachments;
};

// An internal note by a named operator.
struct AddComment {
  std::string ticket;
  std::string operator_id;
  std::string content;
  std::vector<Attachment> attachments;
};

// Transfers to a department and/or an operator (at least one).
struct Transfer {
  std::string ticket;
  std::string department;
  std::string operator_id;
};

struct LinkOperator {
  std::string ticket;
  std::string operator_id;
};

struct UnlinkOperator {
  std::string ticket;
};

struct StartStatus {
  std::string ticket;
  std::string status;
  std::string comment;  // optional: why, kept on the StatusStarted event
};

struct StopStatus {
  std::string ticket;
};

// Finishes a ticket with a closing message from the linked operator (or the
// system when none is linked).
struct Finish {
  std::string ticket;
  std::string content;     // required
  std::string resolution;  // e.g. "solved", "canceled", "duplicate"
  std::vector<Attachment> attachments;
};

struct Reopen {
  std::string ticket;
};

struct Close {
  std::string ticket;
};

// Changes the fields that are set.
struct Update {
  std::string ticket;
  std::optional<std::string> subject;
  std::optional<Channel> channel;
  std::optional<Priority> priority;
  std::optional<std::string> category;
  // Labels are trimmed, lower-cased and deduplicated. `labels` replaces
  // them all; then `add_labels` are appended (when new) and `remove_labels`
  // removed.
  std::optional<std::vector<std::string>> labels;
  std::vector<std::string> add_labels;
  std::vector<std::string> remove_labels;
  // Set or replace these attributes; a key mapped to nullopt is removed.
  std::map<std::string, std::optional<AttributeValue>> custom_attributes;
};

// Merges ticket `ticket` (the source) into ticket `into` (the target), both
// of the command's account, neither closed. The source is finished with
// resolution "merged", closed, and shows merged_into; the target gains the
// source's messages (each marked merged_from) and lists it in merged_from.
// expected_version, when set, is the source's. The result describes the
// target.
struct Merge {
  std::string ticket;
  std::string into;
};

using CommandBody =
    std::variant<DefineDepartment, RegisterOperator, RemoveOperator,
                 DefineStatus, OpenTicket, Reply, AddComment, Transfer,
                 LinkOperator, UnlinkOperator, StartStatus, StopStatus, Finish,
                 Reopen, Close, Update, UpdateContact, DefineSlaPolicy, Merge>;

// Returns the command's op name as used by `ticketlog apply`, e.g.
// "open_ticket".
std::string_view OpName(const CommandBody& body);

struct Command {
  std::string account;  // 1-64 of [A-Za-z0-9_.-]
  CommandBody body;
  // When set, re-sending the same command with the same id (in the same
  // account) returns the first result and appends nothing; the id sent with
  // a different command is idempotency_mismatch.
  std::string command_id;
  // When set, the command is refused with conflict unless the stream is at
  // exactly this version.
  std::optional<uint64_t> expected_version;
  // When set, the time the command happened (imports of history); a ticket
  // command's may not be earlier than the ticket's last event. Otherwise the
  // engine's clock.
  std::optional<TimeUs> at_us;
  // When set, the registered operator who acts: every event of the command
  // is attributed to this operator (unknown_operator otherwise). When
  // empty, events are attributed as section 1 of SPEC.md says.
  std::string actor;
};

// What an accepted command did.
struct CommandResult {
  std::string ticket;     // the ticket's UUID; empty for directory commands
  uint64_t number = 0;    // the ticket's number; 0 for directory commands
  uint64_t version = 0;   // the stream's version after the command
  uint64_t position = 0;  // the log position of its last event (or the
                          // stream's last event when nothing was appended)
  uint32_t events_appended = 0;  // 0 for no-ops and repeated command ids
  friend bool operator==(const CommandResult&, const CommandResult&) = default;
};

}  // namespace ticketlog

#endif  // TICKETLOG_COMMANDS_H_
