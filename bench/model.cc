#include "bench/model.h"

#include <utility>

#include "base/text.h"
#include "domain/handler.h"
#include "projections/contacts.h"

namespace ticketlog::bench {
// Reads one account's maps; the account names passed in are that account.
class InMemoryModel::Reads final : public domain::CommandReads {
 public:
  explicit Reads(const Account& account) : account_(account) {}

  StatusOr<std::optional<TicketView>> Ticket(
      const std::string&, const std::string& ticket) override {
    auto found = account_.tickets.find(ticket);
    if (found == account_.tickets.end()) return std::optional<TicketView>();
    return std::optional<TicketView>(found->second);
  }
  StatusOr<std::shared_ptr<const domain::DirectoryState>> Directory(
      const std::string&) override {
    return account_.directory;
  }
  // The engine's contact resolution: by id, then email, then phone; details
  // the reference adds fill the contact's empty fields.
  StatusOr<std::optional<Customer>> FindContact(const std::string&,
                                                const Customer& ref) override {
    const std::pair<const std::string*,
                    const std::unordered_map<std::string, std::string>*>
        lookups[] = {{&ref.id, &account_.by_id},
                     {&ref.email, &account_.by_email},
                     {&ref.phone, &account_.by_phone}};
    for (const auto& [value, index] : lookups) {
      if (value->empty()) continue;
      auto hit = index->find(*value);
      if (hit == index->end()) continue;
      return std::optional<Customer>(projections::WithMissingDetails(
          account_.contacts.at(hit->second), ref));
    }
    return std::optional<Customer>();
  }
  StatusOr<uint64_t> LastNumber(const std::string&) override {
    return account_.last_number;
  }
  StatusOr<uint64_t> LinkedOpenTickets(
      const std::string&, const std::string& operator_id) override {
    uint64_t n = 0;
    for (const auto& [id, view] : account_.tickets) {
      if (view.operator_id == operator_id &&
          view.status != TicketStatus::kClosed) {
        ++n;
      }
    }
    return n;
  }

 private:
  const Account& account_;
};

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
  return a == accounts_.end() ? nullptr : a->second.directory.get();
}

StatusOr<std::vector<Event>> InMemoryModel::Apply(const Command& command) {
  TICKETLOG_RETURN_IF_ERROR(domain::ValidateEnvelope(command));
  Account& account = accounts_[command.account];
  TimeUs now = base::NowUs();
  Reads reads(account);
  auto decision = domain::Handle(
      command, reads,
      domain::Stamp{
          .now_us = now, .recorded_at_us = now, .new_id = base::NewUuid});
  if (!decision.ok()) return decision.status();
  if (decision->directory) {
    account.directory = std::move(decision->directory_after);
    return std::move(decision->events);
  }
  for (const Event& event : decision->events) {
    if (const auto* opened = std::get_if<TicketOpened>(&event.payload)) {
      RecordContact(account, opened->customer);
      account.last_number = opened->number;
    }
  }
  if (!decision->events.empty()) {
    account.tickets[decision->ticket] = std::move(decision->after);
  }
  return std::move(decision->events);
}

void InMemoryModel::RecordContact(Account& account, const Customer& customer) {
  account.contacts[customer.contact] = customer;
  // Like the engine's contact lookups: a value already taken keeps its
  // first contact.
  if (!customer.id.empty())
    account.by_id.emplace(customer.id, customer.contact);
  if (!customer.email.empty()) {
    account.by_email.emplace(customer.email, customer.contact);
  }
  if (!customer.phone.empty()) {
    account.by_phone.emplace(customer.phone, customer.contact);
  }
}

}  // namespace ticketlog::bench
