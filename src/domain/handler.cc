#include "domain/handler.h"

#include <utility>
#include <variant>

#include "base/normalize.h"
#include "schema/codec.h"
#include "schema/event_message.h"

namespace ticketlog::domain {
namespace {

// An event's body fields that every event of a command shares; the caller
// sets the actor.
Event Stamped(const Command& command, const std::string& stream,
              TimeUs occurred_at_us, const Stamp& stamp, uint64_t version,
              EventPayload payload) {
  Event event;
  event.event_id = stamp.new_id();
  event.account = command.account;
  event.stream = stream;
  event.occurred_at_us = occurred_at_us;
  event.recorded_at_us = stamp.recorded_at_us;
  event.command_id = command.command_id;
  event.schema_version = schema::kSchemaVersion;
  event.version = version;
  event.payload = std::move(payload);
  // A message takes the id and time of the event that brings it.
  schema::StampOwnMessage(event);
  if (!command.actor.empty()) {
    event.actor = Actor{ActorKind::kOperator, command.actor};
  }
  return event;
}

Status CheckActor(const Command& command, const DirectoryState& directory) {
  if (command.actor.empty() || directory.operators.count(command.actor) > 0) {
    return Status::OK();
  }
  return Status(Code::kUnknownOperator,
                "actor: '" + command.actor + "' is not registered");
}

StatusOr<std::string> Holder(CommandReads& reads, const std::string& account,
                             ContactDetail detail, const std::string& value) {
  if (value.empty()) return std::string();
  return reads.ContactHolding(account, detail, value);
}

StatusOr<Customer> StoredContact(CommandReads& reads,
                                 const std::string& account,
                                 const std::string& contact) {
  auto stored = reads.Contact(account, contact);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return Status::Corruption("contact lookup points at missing contact " +
                              contact);
  }
  return std::move(**stored);
}

// The contact an UpdateContact names (by contact id, customer id, email or
// phone) and who holds the values it asks for.
Status ResolveUpdateContact(CommandReads& reads, const std::string& account,
                            const UpdateContact& c, DirectoryContext& context) {
  auto direct = reads.Contact(account, c.contact);
  if (!direct.ok()) return direct.status();
  if (direct->has_value()) {
    context.contact = std::move(*direct);
  } else {
    Customer ref;
    ref.id = c.contact;
    if (base::LooksLikeEmail(c.contact)) ref.email = c.contact;
    if (base::LooksLikePhone(c.contact)) ref.phone = c.contact;
    auto resolved = ResolveContact(reads, account, ref);
    if (!resolved.ok()) return resolved.status();
    context.contact = std::move(resolved->contact);
  }
  if (c.id) {
    auto holder = Holder(reads, account, ContactDetail::kId,
                         std::string(base::Trim(*c.id)));
    if (!holder.ok()) return holder.status();
    context.holders.id = std::move(*holder);
  }
  if (c.email) {
    auto holder = Holder(reads, account, ContactDetail::kEmail,
                         base::NormalizeEmail(*c.email));
    if (!holder.ok()) return holder.status();
    context.holders.email = std::move(*holder);
  }
  if (c.phone) {
    auto holder = Holder(reads, account, ContactDetail::kPhone,
                         base::NormalizePhone(*c.phone));
    if (!holder.ok()) return holder.status();
    context.holders.phone = std::move(*holder);
  }
  return Status::OK();
}

StatusOr<Decision> HandleDirectory(const Command& command, CommandReads& reads,
                                   const Stamp& stamp, TimeUs occurred_at_us) {
  auto directory = reads.Directory(command.account);
  if (!directory.ok()) return directory.status();
  Decision decision;
  decision.directory = true;
  decision.directory_before = std::move(*directory);
  const DirectoryState& current = *decision.directory_before;
  decision.base_version = current.version;
  if (command.expected_version &&
      *command.expected_version != current.version) {
    return Status::Conflict(*command.expected_version, current.version);
  }

  TICKETLOG_RETURN_IF_ERROR(CheckActor(command, current));
  DirectoryContext context;
  context.now_us = occurred_at_us;
  if (const auto* update = std::get_if<UpdateContact>(&command.body)) {
    TICKETLOG_RETURN_IF_ERROR(
        ResolveUpdateContact(reads, command.account, *update, context));
  }
  Status count_error;
  context.linked_open_tickets = [&](const std::string& operator_id) {
    auto count = reads.LinkedOpenTickets(command.account, operator_id);
    if (!count.ok()) {
      count_error = count.status();
      return uint64_t{1};  // refuse the removal rather than guess
    }
    return *count;
  };
  auto payloads = DecideDirectory(current, command.body, context);
  TICKETLOG_RETURN_IF_ERROR(count_error);
  if (!payloads.ok()) return payloads.status();

  if (payloads->empty()) {
    decision.directory_after = decision.directory_before;
    return decision;
  }
  auto next = std::make_shared<DirectoryState>(current);
  const std::string stream(kDirectoryStream);
  decision.events.reserve(payloads->size());
  for (auto& payload : *payloads) {
    Event event = Stamped(command, stream, occurred_at_us, stamp,
                          next->version + 1, std::move(payload));
    EvolveDirectory(*next, event);
    decision.events.push_back(std::move(event));
  }
  decision.directory_after = std::move(next);
  return decision;
}

StatusOr<Decision> HandleTicket(const Command& command, CommandReads& reads,
                                const Stamp& stamp, TimeUs occurred_at_us) {
  Decision decision;
  const auto* open = std::get_if<OpenTicket>(&command.body);
  if (open && open->ticket.empty()) {
    decision.ticket = stamp.new_id();
  } else {
    auto canonical = CanonicalUuid(TicketOf(command.body), "ticket");
    if (!canonical.ok()) return canonical.status();
    decision.ticket = std::move(*canonical);
  }
  auto current = reads.Ticket(command.account, decision.ticket);
  if (!current.ok()) return current.status();
  decision.before = std::move(*current);
  decision.base_version = decision.before ? decision.before->version : 0;
  if (command.expected_version &&
      *command.expected_version != decision.base_version) {
    return Status::Conflict(*command.expected_version, decision.base_version);
  }

  auto directory = reads.Directory(command.account);
  if (!directory.ok()) return directory.status();
  TICKETLOG_RETURN_IF_ERROR(CheckActor(command, **directory));
  TicketContext context;
  context.directory = directory->get();
  context.now_us = occurred_at_us;
  context.ticket = decision.ticket;
  if (open && !decision.before) {
    TICKETLOG_RETURN_IF_ERROR(ValidateCustomerRef(open->customer));
    auto found = ResolveContact(reads, command.account, open->customer);
    if (!found.ok()) return found.status();
    if (found->contact) {
      context.resolved_customer =
          ReconciledContact(*found->contact, open->customer, found->holders);
      context.contact_changed = context.resolved_customer != *found->contact;
    } else {
      context.resolved_customer = NewContactDetails(open->customer);
      context.resolved_customer.contact = stamp.new_id();
      context.new_contact = true;
    }
    auto last = reads.LastNumber(command.account);
    if (!last.ok()) return last.status();
    context.number = *last + 1;
  }
  decision.new_contact = context.new_contact;

  auto payloads = DecideTicket(decision.before, command.body, context);
  if (!payloads.ok()) return payloads.status();

  decision.after = decision.before.value_or(TicketView{});
  decision.events.reserve(payloads->size());
  for (auto& payload : *payloads) {
    Actor actor = ActorOf(payload, decision.after);
    Event event = Stamped(command, decision.ticket, occurred_at_us, stamp,
                          decision.base_version + decision.events.size() + 1,
                          std::move(payload));
    if (command.actor.empty()) event.actor = std::move(actor);
    EvolveTicket(decision.after, event);
    decision.events.push_back(std::move(event));
  }
  decision.number = decision.after.number;
  return decision;
}

// Stamps `payloads` as the events of `change`'s stream, folding each into
// change.after.
void StampTicketEvents(const Command& command, const Stamp& stamp,
                       TimeUs occurred_at_us,
                       std::vector<EventPayload> payloads,
                       StreamChange& change) {
  change.after = change.before;
  change.events.reserve(payloads.size());
  for (auto& payload : payloads) {
    Actor actor = ActorOf(payload, change.after);
    Event event = Stamped(command, change.ticket, occurred_at_us, stamp,
                          change.base_version + change.events.size() + 1,
                          std::move(payload));
    event.actor = std::move(actor);
    EvolveTicket(change.after, event);
    change.events.push_back(std::move(event));
  }
}

// A Merge writes two streams: the source's events, then the target's.
StatusOr<Decision> HandleMerge(const Command& command, const Merge& merge,
                               CommandReads& reads, const Stamp& stamp,
                               TimeUs occurred_at_us) {
  auto source_id = CanonicalUuid(merge.ticket, "ticket");
  if (!source_id.ok()) return source_id.status();
  auto target_id = CanonicalUuid(merge.into, "into");
  if (!target_id.ok()) return target_id.status();
  auto source = reads.Ticket(command.account, *source_id);
  if (!source.ok()) return source.status();
  uint64_t source_version = *source ? (*source)->version : 0;
  if (command.expected_version && *command.expected_version != source_version) {
    return Status::Conflict(*command.expected_version, source_version);
  }
  StatusOr<std::optional<TicketView>> target = std::optional<TicketView>();
  if (*target_id != *source_id)
    target = reads.Ticket(command.account, *target_id);
  if (!target.ok()) return target.status();
  std::vector<Message> messages;
  if (*source && *target) {
    auto read = reads.Messages(command.account, *source_id);
    if (!read.ok()) return read.status();
    messages = std::move(*read);
  }

  auto decided = DecideMerge(*source, *target, merge, messages, occurred_at_us);
  if (!decided.ok()) return decided.status();

  StreamChange from{*source_id, source_version, {}, **source, {}};
  StampTicketEvents(command, stamp, occurred_at_us, std::move(decided->source),
                    from);
  StreamChange into{*target_id, (*target)->version, {}, **target, {}};
  StampTicketEvents(command, stamp, occurred_at_us, std::move(decided->target),
                    into);
  Decision decision;
  decision.ticket = std::move(into.ticket);
  decision.base_version = into.base_version;
  decision.events = std::move(into.events);
  decision.before = std::move(into.before);
  decision.after = std::move(into.after);
  decision.number = decision.after.number;
  decision.merged_source = std::move(from);
  return decision;
}

}  // namespace

StatusOr<ContactResolution> ResolveContact(CommandReads& reads,
                                           const std::string& account,
                                           const Customer& ref) {
  ContactResolution out;
  auto id = Holder(reads, account, ContactDetail::kId,
                   std::string(base::Trim(ref.id)));
  if (!id.ok()) return id.status();
  out.holders.id = std::move(*id);
  auto email = Holder(reads, account, ContactDetail::kEmail,
                      base::NormalizeEmail(ref.email));
  if (!email.ok()) return email.status();
  out.holders.email = std::move(*email);
  auto phone = Holder(reads, account, ContactDetail::kPhone,
                      base::NormalizePhone(ref.phone));
  if (!phone.ok()) return phone.status();
  out.holders.phone = std::move(*phone);
  // Search order of the spec: id, then email, then phone.
  for (const std::string* holder :
       {&out.holders.id, &out.holders.email, &out.holders.phone}) {
    if (holder->empty()) continue;
    auto stored = StoredContact(reads, account, *holder);
    if (!stored.ok()) return stored.status();
    out.contact = std::move(*stored);
    break;
  }
  return out;
}

StatusOr<Decision> Handle(const Command& command, CommandReads& reads,
                          const Stamp& stamp) {
  TimeUs occurred_at_us = command.at_us ? *command.at_us : stamp.now_us;
  if (IsDirectoryCommand(command.body)) {
    return HandleDirectory(command, reads, stamp, occurred_at_us);
  }
  if (const auto* merge = std::get_if<Merge>(&command.body)) {
    return HandleMerge(command, *merge, reads, stamp, occurred_at_us);
  }
  return HandleTicket(command, reads, stamp, occurred_at_us);
}

}  // namespace ticketlog::domain
