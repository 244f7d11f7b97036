#include "projections/view_builder.h"

#include "domain/decide.h"
#include "projections/contacts.h"
#include "projections/ticket_projection.h"
#include "projections/view_keys.h"

namespace ticketlog::projections {

// The same contact ops as the live path, applied to the held contact keys.
Status ViewBuilder::RecordContact(const Event& event,
                                  const Customer& customer) {
  ViewReader read =
      [this](const std::string& key) -> StatusOr<std::optional<std::string>> {
    auto it = contacts_.find(key);
    if (it == contacts_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  };
  std::vector<store::ViewOp> ops;
  bool created = false;
  TICKETLOG_RETURN_IF_ERROR(ApplyContact(
      event.account, customer, event.occurred_at_us, read, ops, created));
  for (auto& op : ops) {
    if (op.kind == store::ViewOp::Kind::kDelete) {
      contacts_.erase(op.key);
    } else {
      contacts_[op.key] = std::move(op.value);
    }
  }
  if (created) ++contact_counts_[CounterKey(event.account, Dim::kContacts, "")];
  return Status::OK();
}

Status ViewBuilder::Apply(const Event& event) {
  if (const auto* updated = std::get_if<ContactUpdated>(&event.payload)) {
    TICKETLOG_RETURN_IF_ERROR(RecordContact(event, updated->customer));
  }
  if (event.stream == kDirectoryStream) return Status::OK();
  TicketView& view = tickets_[TicketKey(event.account, event.stream)];
  domain::EvolveTicket(view, event);

  if (const auto* opened = std::get_if<TicketOpened>(&event.payload)) {
    TICKETLOG_RETURN_IF_ERROR(RecordContact(event, opened->customer));
    uint64_t& last = numbers_[NumberKey(event.account)];
    last = std::max(last, opened->number);
  }
  return Status::OK();
}

Status ViewBuilder::Finish(const EntrySink& sink) const {
  Counters counters;
  Entries entries;
  for (const auto& [key, view] : tickets_) {
    entries.clear();
    AppendTicketEntries(view, entries);
    for (const auto& [k, v] : entries) TICKETLOG_RETURN_IF_ERROR(sink(k, v));
    AddTicketCounters(view, counters);
  }
  for (const auto& [key, count] : contact_counts_) {
    counters.scalars[key] += count;
  }
  for (const auto& [key, value] : CounterEntries(counters)) {
    TICKETLOG_RETURN_IF_ERROR(sink(key, value));
  }
  for (const auto& [key, value] : contacts_) {
    TICKETLOG_RETURN_IF_ERROR(sink(key, value));
  }
  for (const auto& [key, number] : numbers_) {
    TICKETLOG_RETURN_IF_ERROR(
        sink(key, EncodeCount(static_cast<int64_t>(number))));
  }
  return Status::OK();
}

}  // namespace ticketlog::projections
