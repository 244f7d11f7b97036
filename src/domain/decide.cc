// The deciders. Every command is checked in the same order, so that the
// error a client sees does not depend on which command it sent:
//
//   1. its fields on their own (limits, UTF-8, required fields): these need
//      no state, so a malformed command is invalid_argument whatever the
//      ticket's state;
//   2. the stream's existence: not_found, or already_exists for OpenTicket;
//   3. ticket_closed, before anything else that reads the ticket, because a
//      closed ticket refuses every command;
//   4. the command's time ("at") against the stream's last event;
//   5. references into the directory (unknown_department, unknown_operator,
//      unknown_status);
//   6. the rules of the ticket's state (ticket_finished, ...).
#include "domain/decide.h"

#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "base/text.h"
#include "domain/validate.h"

namespace ticketlog::domain {
namespace {

using Events = std::vector<EventPayload>;
using Decided = StatusOr<Events>;

template <typename T>
constexpr bool kIsDirectoryCommand =
    std::is_same_v<T, DefineDepartment> ||
    std::is_same_v<T, RegisterOperator> || std::is_same_v<T, RemoveOperator> ||
    std::is_same_v<T, DefineStatus>;

// A refusal worded like Status::InvalidArgument ("field: why") for the
// codes that have no factory of their own.
Status Refuse(Code code, std::string_view field, const std::string& why) {
  return Status(code, std::string(field) + ": " + why);
}

std::string Quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

Status WrongStream(const CommandBody& command, std::string_view kind) {
  return Status::InvalidArgument(
      "op", std::string(OpName(command)) + " is " + std::string(kind));
}

// ---- References into the directory ----------------------------------------

Status CheckDepartmentDefined(const DirectoryState& directory,
                              const std::string& id, std::string_view field) {
  if (directory.departments.count(id) > 0) return Status::OK();
  return Refuse(Code::kUnknownDepartment, field,
                Quoted(id) + " is not defined");
}

Status CheckOperatorRegistered(const DirectoryState& directory,
                               const std::string& id) {
  if (directory.operators.count(id) > 0) return Status::OK();
  return Refuse(Code::kUnknownOperator, "operator",
                Quoted(id) + " is not registered");
}

// ---- Ticket command fields (step 1) ---------------------------------------

Status CheckTicketId(const std::string& ticket) {
  return CanonicalUuid(ticket, "ticket").status();
}

Status CheckMessageBody(std::string_view prefix, const std::string& content,
                        const std::vector<Attachment>& attachments) {
  std::string dot = prefix.empty() ? "" : std::string(prefix) + ".";
  TICKETLOG_RETURN_IF_ERROR(CheckContent(dot + "content", content));
  return CheckAttachments(dot + "attachments", attachments);
}

Status ValidateFields(const OpeningMessage& message) {
  if (!IsKnown(message.kind) || message.kind == MessageKind::kNote) {
    return Status::InvalidArgument("message.kind",
                                   "must be incoming, outgoing or activity");
  }
  return CheckMessageBody("message", message.content, message.attachments);
}

Status ValidateFields(const OpenTicket& c) {
  // Empty asks the engine to generate the id.
  if (!c.ticket.empty()) TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  TICKETLOG_RETURN_IF_ERROR(CheckSubject(c.subject));
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("department", c.department, /*required=*/false));
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("operator", c.operator_id, /*required=*/false));
  TICKETLOG_RETURN_IF_ERROR(ValidateCustomerRef(c.customer));
  if (!IsKnown(c.channel)) {
    return Status::InvalidArgument("channel", "unknown channel");
  }
  if (!IsKnown(c.priority)) {
    return Status::InvalidArgument("priority", "unknown priority");
  }
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("category", c.category, /*required=*/false));
  TICKETLOG_RETURN_IF_ERROR(CheckLabels(c.labels));
  TICKETLOG_RETURN_IF_ERROR(CheckAttributes(c.custom_attributes));
  return c.message ? ValidateFields(*c.message) : Status::OK();
}

Status ValidateFields(const Reply& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  if (c.author != ActorKind::kOperator && c.author != ActorKind::kCustomer) {
    return Status::InvalidArgument("author", "must be operator or customer");
  }
  return CheckMessageBody("", c.content, c.attachments);
}

Status ValidateFields(const AddComment& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("operator", c.operator_id, /*required=*/true));
  return CheckMessageBody("", c.content, c.attachments);
}

Status ValidateFields(const Transfer& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  if (c.department.empty() && c.operator_id.empty()) {
    return Status::InvalidArgument(
        "department", "a transfer needs a department or an operator");
  }
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("department", c.department, /*required=*/false));
  return CheckId("operator", c.operator_id, /*required=*/false);
}

Status ValidateFields(const LinkOperator& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  return CheckId("operator", c.operator_id, /*required=*/true);
}

Status ValidateFields(const StartStatus& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  return CheckId("status", c.status, /*required=*/true);
}

Status ValidateFields(const Finish& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  TICKETLOG_RETURN_IF_ERROR(CheckMessageBody("", c.content, c.attachments));
  return CheckId("resolution", c.resolution, /*required=*/false);
}

Status ValidateAttributeChanges(
    const std::map<std::string, std::optional<AttributeValue>>& changes) {
  for (const auto& [key, value] : changes) {
    TICKETLOG_RETURN_IF_ERROR(CheckAttributeKey(key));
    if (value) TICKETLOG_RETURN_IF_ERROR(CheckAttributeValue(key, *value));
  }
  return Status::OK();
}

Status ValidateFields(const Update& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  if (c.subject) TICKETLOG_RETURN_IF_ERROR(CheckSubject(*c.subject));
  if (c.channel && !IsKnown(*c.channel)) {
    return Status::InvalidArgument("channel", "unknown channel");
  }
  if (c.priority && !IsKnown(*c.priority)) {
    return Status::InvalidArgument("priority", "unknown priority");
  }
  if (c.category) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckId("category", *c.category, /*required=*/false));
  }
  if (c.labels) TICKETLOG_RETURN_IF_ERROR(CheckLabels(*c.labels));
  return ValidateAttributeChanges(c.custom_attributes);
}

Status ValidateFields(const UnlinkOperator& c) {
  return CheckTicketId(c.ticket);
}
Status ValidateFields(const StopStatus& c) { return CheckTicketId(c.ticket); }
Status ValidateFields(const Reopen& c) { return CheckTicketId(c.ticket); }
Status ValidateFields(const Close& c) { return CheckTicketId(c.ticket); }

// ---- Ticket state (steps 3 and 4) -----------------------------------------

Status CheckWritable(const TicketView& view, TimeUs now_us) {
  if (view.status == TicketStatus::kClosed) {
    return Refuse(Code::kTicketClosed, "ticket", view.ticket + " is closed");
  }
  return CheckNotBefore(now_us, view.updated_at_us);
}

Status CheckNotFinished(const TicketView& view) {
  if (view.status != TicketStatus::kFinished) return Status::OK();
  return Refuse(Code::kTicketFinished, "ticket", view.ticket + " is finished");
}

Status CheckFinished(const TicketView& view) {
  if (view.status == TicketStatus::kFinished) return Status::OK();
  return Refuse(
      Code::kTicketNotFinished, "ticket",
      view.ticket + " is " + std::string(Name(view.status)) + ", not finished");
}

// A public message (or a private note) numbered after the ticket's last one.
Message NextMessage(const TicketView& view, MessageKind kind, Actor author,
                    const std::string& content,
                    const std::vector<Attachment>& attachments) {
  Message message;
  message.seq = view.message_count + 1;
  message.kind = kind;
  message.author = author.kind;
  message.author_id = std::move(author.id);
  message.is_private = kind == MessageKind::kNote;
  message.content = content;
  message.attachments = attachments;
  return message;
}

// ---- OpenTicket -----------------------------------------------------------

StatusOr<Actor> OpeningAuthor(const OpenTicket& c,
                              const TicketContext& context) {
  switch (c.message->kind) {
    case MessageKind::kIncoming:
      return Actor{ActorKind::kCustomer, context.resolved_customer.contact};
    case MessageKind::kOutgoing:
      if (c.operator_id.empty()) {
        return Refuse(Code::kNoOperatorLinked, "operator",
                      "an outgoing opening message needs an operator");
      }
      return Actor{ActorKind::kOperator, c.operator_id};
    default:  // kActivity; ValidateFields has refused kNote.
      return Actor{};
  }
}

StatusOr<Message> OpeningMessageOf(const OpenTicket& c,
                                   const TicketContext& context) {
  StatusOr<Actor> author = OpeningAuthor(c, context);
  if (!author.ok()) return author.status();
  Message message;
  message.seq = 1;
  message.kind = c.message->kind;
  message.author = author->kind;
  message.author_id = author->id;
  message.is_private = c.message->is_private;
  message.content = c.message->content;
  message.attachments = c.message->attachments;
  return message;
}

TicketOpened OpenedEvent(const OpenTicket& c, const TicketContext& context) {
  TicketOpened event;
  event.ticket = context.ticket;
  event.number = context.number;
  event.subject = c.subject;
  event.department = c.department;
  event.operator_id = c.operator_id;
  event.customer = context.resolved_customer;
  event.new_contact = context.new_contact;
  event.channel = c.channel;
  event.priority = c.priority;
  event.category = c.category;
  event.labels = c.labels;
  event.custom_attributes = c.custom_attributes;
  if (c.pending) {
    event.status = TicketStatus::kPending;
    event.custom_status = std::string(kPendingStatus);
  }
  return event;
}

Decided DecideOpen(const std::optional<TicketView>& state, const OpenTicket& c,
                   const TicketContext& context) {
  if (state) {
    return Status(Code::kAlreadyExists,
                  "ticket: " + state->ticket + " already exists");
  }
  const DirectoryState& directory = *context.directory;
  if (!c.department.empty()) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckDepartmentDefined(directory, c.department, "department"));
  }
  if (!c.operator_id.empty()) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckOperatorRegistered(directory, c.operator_id));
  }
  TicketOpened event = OpenedEvent(c, context);
  if (c.message) {
    StatusOr<Message> message = OpeningMessageOf(c, context);
    if (!message.ok()) return message.status();
    event.message = std::move(message).value();
  }
  return Events{std::move(event)};
}

// ---- Commands on an existing ticket (steps 5 and 6) -----------------------

Decided Decide(const TicketView& view, const Reply& c, const TicketContext&) {
  if (c.author == ActorKind::kOperator) {
    if (view.operator_id.empty()) {
      return Refuse(Code::kNoOperatorLinked, "operator",
                    "no operator is linked to ticket " + view.ticket);
    }
    TICKETLOG_RETURN_IF_ERROR(CheckNotFinished(view));
    return Events{MessageAdded{NextMessage(
        view, MessageKind::kOutgoing, {ActorKind::kOperator, view.operator_id},
        c.content, c.attachments)}};
  }
  Events events;
  if (view.status == TicketStatus::kFinished) {
    events.push_back(TicketReopened{/*by_customer_reply=*/true});
  }
  events.push_back(
      MessageAdded{NextMessage(view, MessageKind::kIncoming,
                               {ActorKind::kCustomer, view.customer.contact},
                               c.content, c.attachments)});
  return events;
}

Decided Decide(const TicketView& view, const AddComment& c,
               const TicketContext& context) {
  TICKETLOG_RETURN_IF_ERROR(
      CheckOperatorRegistered(*context.directory, c.operator_id));
  return Events{MessageAdded{NextMessage(view, MessageKind::kNote,
                                         {ActorKind::kOperator, c.operator_id},
                                         c.content, c.attachments)}};
}

Decided Decide(const TicketView& view, const Transfer& c,
               const TicketContext& context) {
  if (!c.department.empty()) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckDepartmentDefined(*context.directory, c.department, "department"));
  }
  if (!c.operator_id.empty()) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckOperatorRegistered(*context.directory, c.operator_id));
  }
  TicketTransferred event;
  event.from_department = view.department;
  event.from_operator = view.operator_id;
  event.to_department = c.department.empty() ? view.department : c.department;
  bool same_department = event.to_department == event.from_department;
  // The operator of the old department does not follow the ticket into a
  // new one unless named.
  event.to_operator = !c.operator_id.empty() ? c.operator_id
                      : same_department      ? view.operator_id
                                             : std::string();
  if (same_department && event.to_operator == event.from_operator) {
    return Events{};
  }
  return Events{std::move(event)};
}

Decided Decide(const TicketView& view, const LinkOperator& c,
               const TicketContext& context) {
  TICKETLOG_RETURN_IF_ERROR(
      CheckOperatorRegistered(*context.directory, c.operator_id));
  if (view.operator_id == c.operator_id) return Events{};
  return Events{OperatorLinked{c.operator_id, view.operator_id}};
}

Decided Decide(const TicketView& view, const UnlinkOperator&,
               const TicketContext&) {
  if (view.operator_id.empty()) return Events{};
  return Events{OperatorUnlinked{view.operator_id}};
}

Decided Decide(const TicketView& view, const StartStatus& c,
               const TicketContext& context) {
  if (!context.directory->HasStatus(c.status)) {
    return Refuse(Code::kUnknownStatus, "status",
                  Quoted(c.status) + " is not defined");
  }
  TICKETLOG_RETURN_IF_ERROR(CheckNotFinished(view));
  if (!view.custom_status.empty()) {
    return Refuse(Code::kStatusAlreadyRunning, "status",
                  Quoted(view.custom_status) + " is already running");
  }
  return Events{StatusStarted{c.status}};
}

StatusStopped StopRunningStatus(const TicketView& view, TimeUs now_us) {
  return StatusStopped{view.custom_status, now_us - view.status_started_at_us};
}

Decided Decide(const TicketView& view, const StopStatus&,
               const TicketContext& context) {
  if (view.custom_status.empty()) {
    return Refuse(Code::kNoStatusRunning, "status",
                  "no custom status is running on ticket " + view.ticket);
  }
  return Events{StopRunningStatus(view, context.now_us)};
}

Decided Decide(const TicketView& view, const Finish& c,
               const TicketContext& context) {
  TICKETLOG_RETURN_IF_ERROR(CheckNotFinished(view));
  Events events;
  if (!view.custom_status.empty()) {
    events.push_back(StopRunningStatus(view, context.now_us));
  }
  // The closing message speaks for the linked operator, or for the system
  // when nobody is linked.
  Actor author = view.operator_id.empty()
                     ? Actor{}
                     : Actor{ActorKind::kOperator, view.operator_id};
  events.push_back(
      MessageAdded{NextMessage(view, MessageKind::kOutgoing, std::move(author),
                               c.content, c.attachments)});
  events.push_back(TicketFinished{c.resolution});
  return events;
}

Decided Decide(const TicketView& view, const Reopen&, const TicketContext&) {
  TICKETLOG_RETURN_IF_ERROR(CheckFinished(view));
  return Events{TicketReopened{/*by_customer_reply=*/false}};
}

Decided Decide(const TicketView& view, const Close&, const TicketContext&) {
  TICKETLOG_RETURN_IF_ERROR(CheckFinished(view));
  return Events{TicketClosed{}};
}

// Adds to `event` the attribute changes that change something.
void DiffAttributes(
    const Attributes& current,
    const std::map<std::string, std::optional<AttributeValue>>& changes,
    TicketUpdated& event) {
  for (const auto& [key, value] : changes) {
    auto it = current.find(key);
    if (value && (it == current.end() || it->second != *value)) {
      event.set_attributes.emplace(key, *value);
    } else if (!value && it != current.end()) {
      event.removed_attributes.push_back(key);
    }
  }
}

size_t AttributeCountAfter(const Attributes& current,
                           const TicketUpdated& event) {
  size_t count = current.size() - event.removed_attributes.size();
  for (const auto& [key, value] : event.set_attributes) {
    if (current.count(key) == 0) ++count;
  }
  return count;
}

template <typename T>
void SetIfChanged(const std::optional<T>& wanted, const T& current,
                  std::optional<T>& out) {
  if (wanted && *wanted != current) out = wanted;
}

Decided Decide(const TicketView& view, const Update& c, const TicketContext&) {
  TicketUpdated event;
  SetIfChanged(c.subject, view.subject, event.subject);
  SetIfChanged(c.channel, view.channel, event.channel);
  SetIfChanged(c.priority, view.priority, event.priority);
  SetIfChanged(c.category, view.category, event.category);
  SetIfChanged(c.labels, view.labels, event.labels);
  DiffAttributes(view.custom_attributes, c.custom_attributes, event);
  if (AttributeCountAfter(view.custom_attributes, event) > kMaxAttributes) {
    return Status::InvalidArgument("custom_attributes",
                                   "a ticket has at most " +
                                       std::to_string(kMaxAttributes) +
                                       " attributes");
  }
  if (event == TicketUpdated{}) return Events{};
  return Events{std::move(event)};
}

// ---- Directory commands ---------------------------------------------------

Status ValidateFields(const DefineDepartment& c) {
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("department", c.department, /*required=*/true));
  return CheckId("name", c.name, /*required=*/true);
}

Status ValidateFields(const RegisterOperator& c) {
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("operator", c.operator_id, /*required=*/true));
  TICKETLOG_RETURN_IF_ERROR(CheckId("name", c.name, /*required=*/true));
  for (size_t i = 0; i < c.departments.size(); ++i) {
    TICKETLOG_RETURN_IF_ERROR(CheckId(Indexed("departments", i),
                                      c.departments[i], /*required=*/true));
  }
  return Status::OK();
}

Status ValidateFields(const RemoveOperator& c) {
  return CheckId("operator", c.operator_id, /*required=*/true);
}

Status ValidateFields(const DefineStatus& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckId("status", c.status, /*required=*/true));
  if (c.status == kPendingStatus) {
    return Status::InvalidArgument(
        "status", "'pending' is built in and cannot be defined");
  }
  return CheckId("name", c.name, /*required=*/true);
}

Decided Decide(const DirectoryState& state, const DefineDepartment& c,
               const DirectoryContext&) {
  auto it = state.departments.find(c.department);
  if (it != state.departments.end() && it->second == c.name) return Events{};
  return Events{DepartmentDefined{c.department, c.name}};
}

Decided Decide(const DirectoryState& state, const RegisterOperator& c,
               const DirectoryContext&) {
  for (size_t i = 0; i < c.departments.size(); ++i) {
    TICKETLOG_RETURN_IF_ERROR(CheckDepartmentDefined(
        state, c.departments[i], Indexed("departments", i)));
  }
  auto it = state.operators.find(c.operator_id);
  if (it != state.operators.end() &&
      it->second == OperatorInfo{c.name, c.departments}) {
    return Events{};
  }
  return Events{OperatorRegistered{c.operator_id, c.name, c.departments}};
}

Decided Decide(const DirectoryState& state, const RemoveOperator& c,
               const DirectoryContext& context) {
  TICKETLOG_RETURN_IF_ERROR(CheckOperatorRegistered(state, c.operator_id));
  // An unset counter means the caller has no tickets to consult.
  uint64_t linked = context.linked_open_tickets
                        ? context.linked_open_tickets(c.operator_id)
                        : 0;
  if (linked > 0) {
    return Refuse(Code::kOperatorHasTickets, "operator",
                  Quoted(c.operator_id) + " is linked to " +
                      std::to_string(linked) + " ticket(s) not closed");
  }
  return Events{OperatorRemoved{c.operator_id}};
}

Decided Decide(const DirectoryState& state, const DefineStatus& c,
               const DirectoryContext&) {
  auto it = state.statuses.find(c.status);
  if (it != state.statuses.end() && it->second == c.name) return Events{};
  return Events{StatusDefined{c.status, c.name}};
}

}  // namespace

bool IsDirectoryCommand(const CommandBody& body) {
  return std::visit(
      [](const auto& c) {
        return kIsDirectoryCommand<std::decay_t<decltype(c)>>;
      },
      body);
}

const std::string& TicketOf(const CommandBody& body) {
  return std::visit(
      [](const auto& c) -> const std::string& {
        if constexpr (requires { c.ticket; }) {
          return c.ticket;
        } else {
          static const std::string kNone;
          return kNone;
        }
      },
      body);
}

Actor ActorOf(const EventPayload& payload, const TicketView& before) {
  if (const auto* opened = std::get_if<TicketOpened>(&payload)) {
    if (opened->message && opened->message->kind == MessageKind::kOutgoing) {
      return {ActorKind::kOperator, opened->operator_id};
    }
    if (opened->message && opened->message->kind == MessageKind::kActivity) {
      return {ActorKind::kSystem, ""};
    }
    return {ActorKind::kCustomer, opened->customer.contact};
  }
  if (const auto* added = std::get_if<MessageAdded>(&payload)) {
    return {added->message.author, added->message.author_id};
  }
  if (const auto* reopened = std::get_if<TicketReopened>(&payload)) {
    if (reopened->by_customer_reply) {
      return {ActorKind::kCustomer, before.customer.contact};
    }
  }
  return {ActorKind::kSystem, ""};
}

Status ValidateEnvelope(const Command& command) {
  TICKETLOG_RETURN_IF_ERROR(CheckAccount(command.account));
  if (command.at_us && (*command.at_us < base::kMinTimeUs ||
                        *command.at_us > base::kMaxTimeUs)) {
    return Status::InvalidArgument(
        "at", "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
  }
  return CheckId("command_id", command.command_id, /*required=*/false);
}

StatusOr<std::string> CanonicalUuid(const std::string& text,
                                    std::string_view field) {
  std::optional<std::string> uuid = base::ParseUuid(text);
  if (!uuid) return Status::InvalidArgument(field, "must be a UUID");
  return *std::move(uuid);
}

Status ValidateCustomerRef(const Customer& customer) {
  if (customer.id.empty() && customer.email.empty() && customer.phone.empty()) {
    return Status::InvalidArgument("customer",
                                   "needs at least one of id, email, phone");
  }
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("customer.id", customer.id, /*required=*/false));
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("customer.email", customer.email, /*required=*/false));
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("customer.phone", customer.phone, /*required=*/false));
  return CheckId("customer.name", customer.name, /*required=*/false);
}

StatusOr<std::vector<EventPayload>> DecideTicket(
    const std::optional<TicketView>& state, const CommandBody& command,
    const TicketContext& context) {
  return std::visit(
      [&](const auto& c) -> Decided {
        using T = std::decay_t<decltype(c)>;
        if constexpr (kIsDirectoryCommand<T>) {
          return WrongStream(command, "a directory command");
        } else if constexpr (std::is_same_v<T, OpenTicket>) {
          TICKETLOG_RETURN_IF_ERROR(ValidateFields(c));
          return DecideOpen(state, c, context);
        } else {
          TICKETLOG_RETURN_IF_ERROR(ValidateFields(c));
          if (!state) return Status::NotFound("ticket: no ticket " + c.ticket);
          TICKETLOG_RETURN_IF_ERROR(CheckWritable(*state, context.now_us));
          return Decide(*state, c, context);
        }
      },
      command);
}

StatusOr<std::vector<EventPayload>> DecideDirectory(
    const DirectoryState& state, const CommandBody& command,
    const DirectoryContext& context) {
  return std::visit(
      [&](const auto& c) -> Decided {
        using T = std::decay_t<decltype(c)>;
        if constexpr (!kIsDirectoryCommand<T>) {
          return WrongStream(command, "a ticket command");
        } else {
          TICKETLOG_RETURN_IF_ERROR(ValidateFields(c));
          TICKETLOG_RETURN_IF_ERROR(
              CheckNotBefore(context.now_us, state.updated_at_us));
          return Decide(state, c, context);
        }
      },
      command);
}

}  // namespace ticketlog::domain
