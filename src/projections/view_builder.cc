#include "projections/view_builder.h"

#include "domain/decide.h"
#include "projections/contacts.h"
#include "projections/ticket_projection.h"
#include "projections/view_keys.h"
#include "schema/codec.h"

namespace ticketlog::projections {

Status ViewBuilder::Apply(const Event& event) {
  if (event.stream == kDirectoryStream) return Status::OK();
  TicketView& view = tickets_[TicketKey(event.account, event.stream)];
  domain::EvolveTicket(view, event);

  const Message* message = nullptr;
  if (const auto* opened = std::get_if<TicketOpened>(&event.payload)) {
    if (opened->message) message = &*opened->message;
    ViewReader read =
        [this](const std::string& key) -> StatusOr<std::optional<std::string>> {
      auto it = contacts_.find(key);
      if (it == contacts_.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    };
    std::vector<store::ViewOp> ops;
    TICKETLOG_RETURN_IF_ERROR(
        ApplyContact(event.account, opened->customer, read, ops));
    for (auto& op : ops) contacts_[op.key] = std::move(op.value);
    uint64_t& last = numbers_[NumberKey(event.account)];
    last = std::max(last, opened->number);
  } else if (const auto* added = std::get_if<MessageAdded>(&event.payload)) {
    message = &added->message;
  }
  if (message) {
    TICKETLOG_RETURN_IF_ERROR(
        messages_(MessageKey(event.account, event.stream, message->seq),
                  schema::EncodeMessage(*message)));
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
  for (const auto& [key, count] : counters) {
    if (count != 0) TICKETLOG_RETURN_IF_ERROR(sink(key, EncodeCount(count)));
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
