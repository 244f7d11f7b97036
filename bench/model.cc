#include "bench/model.h"

#include <utility>

#include "base/normalize.h"
#include "base/text.h"
#include "domain/handler.h"

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
  StatusOr<std::optional<Customer>> Contact(
      const std::string&, const std::string& contact) override {
    auto it = account_.contacts.find(contact);
    if (it == account_.contacts.end()) return std::optional<Customer>();
    return std::optional<Customer>(it->second);
  }
  StatusOr<std::string> ContactHolding(const std::string&,
                                       domain::ContactDetail detail,
                                       const std::string& value) override {
    const auto& index = detail == domain::ContactDetail::kId ? account_.by_id
                        : detail == domain::ContactDetail::kEmail
                            ? account_.by_email
                            : account_.by_phone;
    auto hit = index.find(value);
    return hit == index.end() ? std::string() : hit->second;
  }
  // The model keeps no messages, so it cannot merge; no workload merges.
  StatusOr<std::vector<Message>> Messages(const std::string&,
                                          const std::string&) override {
    return Status::InvalidArgument("op", "the in-memory model does not merge");
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
  for (const Event& event : decision->events) {
    if (const auto* updated = std::get_if<ContactUpdated>(&event.payload)) {
      RecordContact(account, updated->customer);
    }
  }
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
  // Like the engine's contact lookups: normalised values; a value a
  // contact gives up is released, and a value already taken keeps its
  // first contact.
  auto release = [&](std::unordered_map<std::string, std::string>& index,
                     const std::string& value) {
    auto it = index.find(value);
    if (it != index.end() && it->second == customer.contact) index.erase(it);
  };
  if (auto old = account.contacts.find(customer.contact);
      old != account.contacts.end()) {
    release(account.by_id, old->second.id);
    release(account.by_email, base::NormalizeEmail(old->second.email));
    release(account.by_phone, base::NormalizePhone(old->second.phone));
  }
  account.contacts[customer.contact] = customer;
  if (!customer.id.empty())
    account.by_id.emplace(customer.id, customer.contact);
  if (!customer.email.empty()) {
    account.by_email.emplace(base::NormalizeEmail(customer.email),
                             customer.contact);
  }
  if (!customer.phone.empty()) {
    account.by_phone.emplace(base::NormalizePhone(customer.phone),
                             customer.contact);
  }
}

}  // namespace ticketlog::bench
