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

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "base/normalize.h"
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
    std::is_same_v<T, DefineStatus> || std::is_same_v<T, UpdateContact> ||
    std::is_same_v<T, DefineSlaPolicy>;

// A refusal worded like Status::InvalidArgument ("field: why") for the
// codes that have no factory of their own.
Status Refuse(Code code, std::string_view field, const std::string& why) {
  return Status(code, std::string(field) + ": " + why);
}

std::string Quoted(std::string_view text) {
  // Appended, not `"'" + std::string(text)`: GCC 12 warns falsely
  // (-Wrestrict) about that temporary at -O3.
  std::string out;
  out.reserve(text.size() + 2);
  out.append(1, '\'').append(text).append(1, '\'');
  return out;
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
    return Status::InvalidArgument("message.message_type",
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
  TICKETLOG_RETURN_IF_ERROR(CheckLabels("labels", c.labels));
  TICKETLOG_RETURN_IF_ERROR(CheckAttributes(c.custom_attributes));
  if (!IsKnown(c.status)) {
    return Status::InvalidArgument("status",
                                   "must be open, pending, finished or closed");
  }
  bool finishes =
      c.status == TicketStatus::kFinished || c.status == TicketStatus::kClosed;
  if (!c.resolution.empty() && !finishes) {
    return Status::InvalidArgument(
        "resolution", "only a ticket opened finished or closed has one");
  }
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("resolution", c.resolution, /*required=*/false));
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
  TICKETLOG_RETURN_IF_ERROR(CheckId("status", c.status, /*required=*/true));
  return CheckText("comment", c.comment, kMaxContentBytes,
                   /*required=*/false);
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
  if (c.labels) TICKETLOG_RETURN_IF_ERROR(CheckLabels("labels", *c.labels));
  TICKETLOG_RETURN_IF_ERROR(CheckLabels("add_labels", c.add_labels));
  TICKETLOG_RETURN_IF_ERROR(CheckLabels("remove_labels", c.remove_labels));
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

// The ticket's labels after `c`: its list replaced (when given), then the
// added labels appended and the removed ones taken out; all normalised.
std::vector<std::string> LabelsAfter(const TicketView& view, const Update& c) {
  std::vector<std::string> labels =
      c.labels ? base::NormalizeLabels(*c.labels) : view.labels;
  for (std::string& label : base::NormalizeLabels(c.add_labels)) {
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
      labels.push_back(std::move(label));
    }
  }
  for (const std::string& label : base::NormalizeLabels(c.remove_labels)) {
    std::erase(labels, label);
  }
  return labels;
}

Status CheckLabelCount(const std::vector<std::string>& labels) {
  if (labels.size() <= kMaxLabels) return Status::OK();
  return Status::InvalidArgument(
      "labels",
      "a ticket has at most " + std::to_string(kMaxLabels) + " labels");
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
  event.labels = base::NormalizeLabels(c.labels);
  event.custom_attributes = c.custom_attributes;
  if (c.status == TicketStatus::kPending) {
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
  TICKETLOG_RETURN_IF_ERROR(CheckLabelCount(event.labels));
  event.sla = MatchSlaPolicy(directory, c.priority, c.department);
  if (c.message) {
    StatusOr<Message> message = OpeningMessageOf(c, context);
    if (!message.ok()) return message.status();
    event.message = std::move(message).value();
  }
  Events events;
  events.push_back(std::move(event));
  if (context.contact_changed) {
    events.push_back(ContactUpdated{context.resolved_customer});
  }
  // Opened as already resolved (an import of history, or a conversation
  // closed at once): finished, and closed, by the same command.
  if (c.status == TicketStatus::kFinished ||
      c.status == TicketStatus::kClosed) {
    events.push_back(TicketFinished{c.resolution});
  }
  if (c.status == TicketStatus::kClosed) events.push_back(TicketClosed{});
  return events;
}

// ---- Commands on an existing ticket (steps 5 and 6) -----------------------

// The SLA field of an event that gives the ticket a new priority or
// department: the newly matching policy when it differs from the ticket's
// (an empty policy when none matches any more), nullopt when it is the same.
std::optional<SlaTargets> ReevaluatedSla(const TicketView& view,
                                         const DirectoryState& directory,
                                         Priority priority,
                                         const std::string& department) {
  std::optional<SlaTargets> now =
      MatchSlaPolicy(directory, priority, department);
  if (now == view.sla) return std::nullopt;
  return now.value_or(SlaTargets{});
}

Decided Decide(const TicketView& view, const Reply& c,
               const TicketContext& context) {
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
  } else if (!view.custom_status.empty() &&
             context.directory->ResumesOnCustomerReply(view.custom_status)) {
    // The ticket waited for the customer (Chatwoot's pending, Zendesk's
    // pending): the answer ends the wait and the clock runs again.
    events.push_back(StatusStopped{view.custom_status,
                                   context.now_us - view.status_started_at_us});
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
  if (!same_department) {
    event.sla = ReevaluatedSla(view, *context.directory, view.priority,
                               event.to_department);
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
  return Events{StatusStarted{c.status, c.comment}};
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

// True when `a` and `b` are the same value. An integer equals a whole
// double of the same value: events written before integers were kept
// exactly hold numbers as doubles, and the same number sent again changes
// nothing.
bool SameValue(const AttributeValue& a, const AttributeValue& b) {
  const auto* ai = std::get_if<int64_t>(&a);
  const auto* bi = std::get_if<int64_t>(&b);
  const auto* ad = std::get_if<double>(&a);
  const auto* bd = std::get_if<double>(&b);
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (ai && bd) return std::fabs(*bd) < kExact && *bd == double(*ai);
  if (ad && bi) return std::fabs(*ad) < kExact && *ad == double(*bi);
  return a == b;
}

// Adds to `event` the attribute changes that change something.
void DiffAttributes(
    const Attributes& current,
    const std::map<std::string, std::optional<AttributeValue>>& changes,
    TicketUpdated& event) {
  for (const auto& [key, value] : changes) {
    auto it = current.find(key);
    if (value && (it == current.end() || !SameValue(it->second, *value))) {
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

Decided Decide(const TicketView& view, const Update& c,
               const TicketContext& context) {
  TicketUpdated event;
  SetIfChanged(c.subject, view.subject, event.subject);
  SetIfChanged(c.channel, view.channel, event.channel);
  SetIfChanged(c.priority, view.priority, event.priority);
  SetIfChanged(c.category, view.category, event.category);
  if (c.labels || !c.add_labels.empty() || !c.remove_labels.empty()) {
    std::vector<std::string> labels = LabelsAfter(view, c);
    TICKETLOG_RETURN_IF_ERROR(CheckLabelCount(labels));
    if (labels != view.labels) event.labels = std::move(labels);
  }
  DiffAttributes(view.custom_attributes, c.custom_attributes, event);
  if (AttributeCountAfter(view.custom_attributes, event) > kMaxAttributes) {
    return Status::InvalidArgument("custom_attributes",
                                   "a ticket has at most " +
                                       std::to_string(kMaxAttributes) +
                                       " attributes");
  }
  if (event == TicketUpdated{}) return Events{};
  if (event.priority) {
    event.sla = ReevaluatedSla(view, *context.directory, *event.priority,
                               view.department);
  }
  return Events{std::move(event)};
}

// ---- Merge ------------------------------------------------------------------

Status ValidateFields(const Merge& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckTicketId(c.ticket));
  auto into = CanonicalUuid(c.into, "into");
  if (!into.ok()) return into.status();
  if (*into == *CanonicalUuid(c.ticket, "ticket")) {
    return Status::InvalidArgument("into", "cannot merge a ticket into itself");
  }
  return Status::OK();
}

// The source's messages as the target keeps them: numbered after the
// target's own, each naming where it came from.
std::vector<Message> MergedCopies(const TicketView& source,
                                  const TicketView& target,
                                  const std::vector<Message>& messages) {
  std::vector<Message> copies;
  copies.reserve(messages.size());
  for (const Message& message : messages) {
    Message& copy = copies.emplace_back(message);
    copy.seq = target.message_count + static_cast<uint32_t>(copies.size());
    copy.merged_from = source.ticket;
    copy.merged_seq = message.seq;
  }
  return copies;
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

// Targets are positive and at most a century, so that due times in
// microseconds never overflow.
constexpr int64_t kMaxSlaSeconds = int64_t{100} * 366 * 24 * 3600;

Status CheckSlaSeconds(std::string_view field,
                       const std::optional<int64_t>& seconds) {
  if (!seconds) return Status::OK();
  if (*seconds <= 0 || *seconds > kMaxSlaSeconds) {
    return Status::InvalidArgument(
        field, "must be a whole number of seconds from 1 to " +
                   std::to_string(kMaxSlaSeconds));
  }
  return Status::OK();
}

Status ValidateFields(const DefineSlaPolicy& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckId("policy", c.policy, /*required=*/true));
  TICKETLOG_RETURN_IF_ERROR(CheckId("name", c.name, /*required=*/false));
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("department", c.department, /*required=*/false));
  for (size_t i = 0; i < c.priorities.size(); ++i) {
    if (static_cast<uint8_t>(c.priorities[i]) >
        static_cast<uint8_t>(Priority::kUrgent)) {
      return Status::InvalidArgument(Indexed("priorities", i),
                                     "is not a priority");
    }
  }
  TICKETLOG_RETURN_IF_ERROR(
      CheckSlaSeconds("first_response_seconds", c.first_response_seconds));
  return CheckSlaSeconds("resolution_seconds", c.resolution_seconds);
}

Decided Decide(const DirectoryState& state, const DefineSlaPolicy& c,
               const DirectoryContext&) {
  if (!c.department.empty()) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckDepartmentDefined(state, c.department, "department"));
  }
  SlaPolicyDefined event{c.policy,
                         c.name,
                         c.priorities,
                         c.department,
                         c.first_response_seconds.value_or(0),
                         c.resolution_seconds.value_or(0)};
  for (const SlaPolicyDefined& known : state.sla_policies) {
    if (known.policy != c.policy) continue;
    SlaPolicyDefined renamed = known;
    renamed.name = c.name;
    if (renamed != event) {
      // Tickets recorded the policy's targets when it applied to them: a
      // policy id keeps one meaning.
      return Refuse(Code::kAlreadyExists, "policy",
                    Quoted(c.policy) +
                        " is already defined with other priorities, "
                        "department or targets");
    }
    if (known.name == c.name) return Events{};
    break;
  }
  return Events{std::move(event)};
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
  if (it != state.statuses.end() && it->second == c.name &&
      state.ResumesOnCustomerReply(c.status) == c.resume_on_customer_reply) {
    return Events{};
  }
  return Events{StatusDefined{c.status, c.name, c.resume_on_customer_reply}};
}

Status ValidateFields(const UpdateContact& c) {
  TICKETLOG_RETURN_IF_ERROR(CheckId("contact", c.contact, /*required=*/true));
  const std::pair<const char*, const std::optional<std::string>*> fields[] = {
      {"id", &c.id},
      {"name", &c.name},
      {"email", &c.email},
      {"phone", &c.phone}};
  for (const auto& [field, value] : fields) {
    if (*value) TICKETLOG_RETURN_IF_ERROR(CheckId(field, **value, false));
  }
  return Status::OK();
}

// Refuses `value` (the wanted customer id, email or phone) when another
// contact than `contact` holds it.
Status CheckNotHeld(std::string_view field, const std::string& value,
                    const std::string& holder, const std::string& contact) {
  if (value.empty() || holder.empty() || holder == contact) {
    return Status::OK();
  }
  return Refuse(Code::kAlreadyExists, field,
                Quoted(value) + " belongs to contact " + holder);
}

Decided Decide(const DirectoryState&, const UpdateContact& c,
               const DirectoryContext& context) {
  if (!context.contact) {
    return Status::NotFound("contact: no contact matches " + Quoted(c.contact));
  }
  const Customer& stored = *context.contact;
  Customer next = stored;
  if (c.id) next.id = std::string(base::Trim(*c.id));
  if (c.name) next.name = std::string(base::Trim(*c.name));
  if (c.email) next.email = std::string(base::Trim(*c.email));
  if (c.phone) next.phone = std::string(base::Trim(*c.phone));
  if (next.id.empty() && next.email.empty() && next.phone.empty()) {
    return Status::InvalidArgument(
        "contact", "a contact keeps at least one of id, email, phone");
  }
  TICKETLOG_RETURN_IF_ERROR(
      CheckNotHeld("id", next.id, context.holders.id, stored.contact));
  TICKETLOG_RETURN_IF_ERROR(
      CheckNotHeld("email", next.email, context.holders.email, stored.contact));
  TICKETLOG_RETURN_IF_ERROR(
      CheckNotHeld("phone", next.phone, context.holders.phone, stored.contact));
  if (next == stored) return Events{};
  return Events{ContactUpdated{std::move(next)}};
}

}  // namespace

std::optional<SlaTargets> MatchSlaPolicy(const DirectoryState& directory,
                                         Priority priority,
                                         const std::string& department) {
  for (const SlaPolicyDefined& p : directory.sla_policies) {
    if (!p.priorities.empty() &&
        std::find(p.priorities.begin(), p.priorities.end(), priority) ==
            p.priorities.end()) {
      continue;
    }
    if (!p.department.empty() && p.department != department) continue;
    return SlaTargets{p.policy, p.first_response_seconds, p.resolution_seconds};
  }
  return std::nullopt;
}

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
  // In a ticket stream: the details came with the customer's ticket.
  if (const auto* updated = std::get_if<ContactUpdated>(&payload)) {
    if (!before.ticket.empty()) {
      return {ActorKind::kCustomer, updated->customer.contact};
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
  TICKETLOG_RETURN_IF_ERROR(
      CheckId("command_id", command.command_id, /*required=*/false));
  return CheckId("actor", command.actor, /*required=*/false);
}

Customer NewContactDetails(const Customer& ref) {
  Customer out;
  out.id = std::string(base::Trim(ref.id));
  out.name = std::string(base::Trim(ref.name));
  out.email = std::string(base::Trim(ref.email));
  out.phone = std::string(base::Trim(ref.phone));
  return out;
}

Customer ReconciledContact(const Customer& stored, const Customer& ref,
                           const ContactHolders& holders) {
  Customer out = stored;
  auto free = [&](const std::string& holder) {
    return holder.empty() || holder == stored.contact;
  };
  std::string name(base::Trim(ref.name));
  if (!name.empty()) out.name = std::move(name);
  std::string id(base::Trim(ref.id));
  if (out.id.empty() && !id.empty() && free(holders.id)) out.id = std::move(id);
  std::string email(base::Trim(ref.email));
  if (!email.empty() && free(holders.email) &&
      base::NormalizeEmail(email) != base::NormalizeEmail(stored.email)) {
    out.email = std::move(email);
  }
  std::string phone(base::Trim(ref.phone));
  if (!phone.empty() && free(holders.phone) &&
      base::NormalizePhone(phone) != base::NormalizePhone(stored.phone)) {
    out.phone = std::move(phone);
  }
  return out;
}

StatusOr<std::string> CanonicalUuid(const std::string& text,
                                    std::string_view field) {
  std::optional<std::string> uuid = base::ParseUuid(text);
  if (!uuid) return Status::InvalidArgument(field, "must be a UUID");
  return *std::move(uuid);
}

Status ValidateCustomerRef(const Customer& customer) {
  if (base::Trim(customer.id).empty() && base::Trim(customer.email).empty() &&
      base::Trim(customer.phone).empty()) {
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
        } else if constexpr (std::is_same_v<T, Merge>) {
          return WrongStream(command, "a two-ticket command");
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

StatusOr<MergeEvents> DecideMerge(const std::optional<TicketView>& source,
                                  const std::optional<TicketView>& target,
                                  const Merge& command,
                                  const std::vector<Message>& source_messages,
                                  TimeUs now_us) {
  TICKETLOG_RETURN_IF_ERROR(ValidateFields(command));
  if (!source) return Status::NotFound("ticket: no ticket " + command.ticket);
  if (!target) return Status::NotFound("into: no ticket " + command.into);
  if (source->status == TicketStatus::kClosed) {
    return Refuse(Code::kTicketClosed, "ticket", source->ticket + " is closed");
  }
  if (target->status == TicketStatus::kClosed) {
    return Refuse(Code::kTicketClosed, "into", target->ticket + " is closed");
  }
  TICKETLOG_RETURN_IF_ERROR(CheckNotBefore(now_us, source->updated_at_us));
  TICKETLOG_RETURN_IF_ERROR(CheckNotBefore(now_us, target->updated_at_us));

  MergeEvents events;
  if (!source->custom_status.empty()) {
    events.source.push_back(StopRunningStatus(*source, now_us));
  }
  events.source.push_back(TicketMergedInto{target->ticket, target->number});
  events.source.push_back(TicketFinished{std::string(kMergedResolution)});
  events.source.push_back(TicketClosed{});
  events.target.push_back(
      TicketMergedFrom{source->ticket, source->number,
                       MergedCopies(*source, *target, source_messages)});
  return events;
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
          return Decide(state, c, context);
        }
      },
      command);
}

}  // namespace ticketlog::domain
