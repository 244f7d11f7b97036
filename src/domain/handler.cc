#include "domain/handler.h"

#include <utility>
#include <variant>

#include "schema/codec.h"

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
  return event;
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

  DirectoryContext context;
  context.now_us = occurred_at_us;
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
  TicketContext context;
  context.directory = directory->get();
  context.now_us = occurred_at_us;
  context.ticket = decision.ticket;
  if (open && !decision.before) {
    TICKETLOG_RETURN_IF_ERROR(ValidateCustomerRef(open->customer));
    auto found = reads.FindContact(command.account, open->customer);
    if (!found.ok()) return found.status();
    if (found->has_value()) {
      context.resolved_customer = std::move(**found);
    } else {
      context.resolved_customer = open->customer;
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
    event.actor = std::move(actor);
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
