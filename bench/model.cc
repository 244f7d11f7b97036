#include "bench/model.h"

#include <utility>

#include "base/text.h"

namespace ticketlog::bench {
namespace {

void FillBlank(std::string& mine, const std::string& theirs) {
  if (mine.empty()) mine = theirs;
}

}  // namespace

const TicketView* InMemoryModel::Ticket(const std::string& account,
                                        const std::string& ticket) const {
  auto a = accounts_.find(account);
  if (a == accounts_.end()) return nullptr;
  auto t = a->second.tickets.find(ticket);
  return t == a->second.tickets.end() ? nullptr : &t->second;
}

const domain::DirectoryState* InMemoryModel::Directory(
    const std::string& account) const {
  auto a = accounts_.find(account);
  return a == accounts_.end() ? nullptr : &a->second.directory;
}

StatusOr<std::vector<Event>> InMemoryModel::Apply(const Command& command) {
  TICKETLOG_RETURN_IF_ERROR(domain::ValidateEnvelope(command));
  Account& account = accounts_[command.account];
  TimeUs now = command.at_us ? *command.at_us : base::NowUs();
  if (domain::IsDirectoryCommand(command.body)) {
    return ApplyDirectory(account, command, now);
  }
  return ApplyTicket(account, command, now);
}

StatusOr<std::vector<Event>> InMemoryModel::ApplyDirectory(
    Account& account, const Command& command, TimeUs now) {
  domain::DirectoryContext context;
  context.now_us = now;
  context.linked_open_tickets = [&account](const std::string& operator_id) {
    uint64_t n = 0;
    for (const auto& [id, view] : account.tickets) {
      if (view.operator_id == operator_id &&
          view.status != TicketStatus::kClosed) {
        ++n;
      }
    }
    return n;
  };
  auto payloads = domain::DecideDirectory(account.directory, command.body,
                                          context);
  if (!payloads.ok()) return payloads.status();
  std::vector<Event> events;
  for (auto& payload : *payloads) {
    Event event;
    event.event_id = base::NewUuid();
    event.account = command.account;
    event.stream = std::string(kDirectoryStream);
    event.occurred_at_us = now;
    event.command_id = command.command_id;
    event.version = account.directory.version + 1;
    event.payload = std::move(payload);
    domain::EvolveDirectory(account.directory, event);
    events.push_back(std::move(event));
  }
  return events;
}

Customer InMemoryModel::ResolveContact(Account& account, const Customer& ref,
                                       bool& is_new) const {
  const std::pair<const std::string*,
                  const std::unordered_map<std::string, std::string>*>
      lookups[] = {{&ref.id, &account.by_id},
                   {&ref.email, &account.by_email},
                   {&ref.phone, &account.by_phone}};
  for (const auto& [value, index] : lookups) {
    if (value->empty()) continue;
    auto hit = index->find(*value);
    if (hit == index->end()) continue;
    Customer merged = account.contacts.at(hit->second);
    FillBlank(merged.id, ref.id);
    FillBlank(merged.name, ref.name);
    FillBlank(merged.email, ref.email);
    FillBlank(merged.phone, ref.phone);
    is_new = false;
    return merged;
  }
  Customer created = ref;
  created.contact = base::NewUuid();
  is_new = true;
  return created;
}

void InMemoryModel::RecordContact(Account& account, const Customer& customer) {
  account.contacts[customer.contact] = customer;
  // Like the engine's contact lookups: a value already taken keeps its
  // first contact.
  if (!customer.id.empty()) account.by_id.emplace(customer.id, customer.contact);
  if (!customer.email.empty()) {
    account.by_email.emplace(customer.email, customer.contact);
  }
  if (!customer.phone.empty()) {
    account.by_phone.emplace(customer.phone, customer.contact);
  }
}

StatusOr<std::vector<Event>> InMemoryModel::ApplyTicket(
    Account& account, const Command& command, TimeUs now) {
  const auto* open = std::get_if<OpenTicket>(&command.body);
  std::string ticket;
  if (open && open->ticket.empty()) {
    ticket = base::NewUuid();
  } else {
    auto canonical =
        domain::CanonicalUuid(domain::TicketOf(command.body), "ticket");
    if (!canonical.ok()) return canonical.status();
    ticket = std::move(*canonical);
  }
  std::optional<TicketView> before;
  auto found = account.tickets.find(ticket);
  if (found != account.tickets.end()) before = found->second;
  uint64_t base_version = before ? before->version : 0;
  if (command.expected_version && *command.expected_version != base_version) {
    return Status::Conflict(*command.expected_version, base_version);
  }

  domain::TicketContext context;
  context.directory = &account.directory;
  context.now_us = now;
  context.ticket = ticket;
  if (open && !before) {
    TICKETLOG_RETURN_IF_ERROR(domain::ValidateCustomerRef(open->customer));
    context.resolved_customer =
        ResolveContact(account, open->customer, context.new_contact);
    context.number = account.last_number + 1;
  }
  auto payloads = domain::DecideTicket(before, command.body, context);
  if (!payloads.ok()) return payloads.status();

  TicketView after = before.value_or(TicketView{});
  std::vector<Event> events;
  for (auto& payload : *payloads) {
    Event event;
    event.event_id = base::NewUuid();
    event.account = command.account;
    event.stream = ticket;
    event.occurred_at_us = now;
    event.actor = domain::ActorOf(payload, after);
    event.command_id = command.command_id;
    event.version = base_version + events.size() + 1;
    event.payload = std::move(payload);
    domain::EvolveTicket(after, event);
    if (const auto* opened = std::get_if<TicketOpened>(&event.payload)) {
      RecordContact(account, opened->customer);
      account.last_number = opened->number;
    }
    events.push_back(std::move(event));
  }
  if (!events.empty()) account.tickets[ticket] = std::move(after);
  return events;
}

}  // namespace ticketlog::bench
