// The query path: views, messages, lists, history, time travel, stats.
#include <algorithm>

#include "base/normalize.h"
#include "base/text.h"
#include "engine/engine_impl.h"
#include "engine/streams.h"
#include "projections/list_query.h"
#include "projections/ticket_counts.h"
#include "projections/ticket_projection.h"
#include "projections/view_keys.h"
#include "schema/codec.h"
#include "store/coding.h"

namespace ticketlog::engine {
namespace {

Status ValidateAccount(const std::string& account) {
  Command probe;
  probe.account = account;
  return domain::ValidateEnvelope(probe);
}

// A ticket id for queries: a malformed one names no ticket.
StatusOr<std::string> QueryTicket(const std::string& account,
                                  const std::string& ticket) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(account));
  auto id = base::ParseUuid(ticket);
  if (!id) return Status::NotFound("no ticket " + ticket);
  return *id;
}

Status TicketNotFound(const std::string& account, const std::string& ticket) {
  return Status::NotFound("no ticket " + ticket + " in account " + account);
}

}  // namespace

StatusOr<TicketView> EngineImpl::GetTicket(const std::string& account,
                                           const std::string& ticket) {
  // Shared with commands, excluded by a rebuild's switch of view slots.
  std::shared_lock lock(engine_mu_);
  return GetTicketLocked(account, ticket);
}

StatusOr<TicketView> EngineImpl::GetTicketLocked(const std::string& account,
                                                 const std::string& ticket) {
  auto id = QueryTicket(account, ticket);
  if (!id.ok()) return id.status();
  auto view = ReadTicket(account, *id);
  if (!view.ok()) return view.status();
  if (!view->has_value()) return TicketNotFound(account, ticket);
  TICKETLOG_RETURN_IF_ERROR(WithCurrentContacts({&**view}));
  return std::move(**view);
}

StatusOr<TicketView> EngineImpl::GetTicketByNumber(const std::string& account,
                                                   uint64_t number) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(account));
  std::shared_lock lock(engine_mu_);
  auto ticket =
      store_->GetView(projections::TicketByNumberKey(account, number));
  if (!ticket.ok()) return ticket.status();
  if (!ticket->has_value()) {
    return Status::NotFound("no ticket number " + std::to_string(number) +
                            " in account " + account);
  }
  return GetTicketLocked(account, **ticket);
}

Status EngineImpl::WithCurrentContacts(std::vector<TicketView*> views) {
  projections::ViewReader read = MakeViewReader();
  std::map<std::string, Customer> current;
  for (TicketView* view : views) {
    const std::string& contact = view->customer.contact;
    if (contact.empty()) continue;
    auto it = current.find(contact);
    if (it == current.end()) {
      auto record = projections::ReadContact(view->account, contact, read);
      if (!record.ok()) return record.status();
      // A ticket whose contact has no record keeps the details it has.
      Customer details =
          record->has_value() ? (*record)->customer : view->customer;
      it = current.emplace(contact, std::move(details)).first;
    }
    view->customer = it->second;
  }
  return Status::OK();
}

StatusOr<ContactView> EngineImpl::ContactViewOf(
    const std::string& account, projections::ContactRecord record) {
  ContactView view;
  view.created_at_us = record.created_at_us;
  view.updated_at_us = record.updated_at_us;
  std::string prefix = projections::IndexPrefix(
      account, projections::Dim::kCustomer, record.customer.contact,
      projections::SortField::kCreated);
  auto it = store_->NewCursor(store::Family::kViews);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    ++view.ticket_count;
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  view.customer = std::move(record.customer);
  return view;
}

StatusOr<ContactView> EngineImpl::GetContact(const std::string& account,
                                             const std::string& ref) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(account));
  std::shared_lock lock(engine_mu_);
  auto record = projections::FindContactByRef(account, ref, MakeViewReader());
  if (!record.ok()) return record.status();
  if (!record->has_value()) {
    return Status::NotFound("no contact " + ref + " in account " + account);
  }
  return ContactViewOf(account, std::move(**record));
}

StatusOr<ContactPage> EngineImpl::ListContacts(const std::string& account,
                                               uint32_t page) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(account));
  if (page == 0) {
    return Status::InvalidArgument("page", "pages are numbered from 1");
  }
  std::shared_lock lock(engine_mu_);
  ContactPage result;
  result.page = page;
  auto total = store_->GetView(
      projections::CounterKey(account, projections::Dim::kContacts, ""));
  if (!total.ok()) return total.status();
  if (total->has_value()) {
    result.total = static_cast<uint64_t>(
        std::max<int64_t>(projections::DecodeCount(**total), 0));
  }
  std::string prefix =
      projections::AccountPrefix(projections::Prefix::kContact, account);
  uint64_t skip = uint64_t{page - 1} * kPageSize;
  std::vector<projections::ContactRecord> records;
  auto it = store_->NewCursor(store::Family::kViews);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) &&
                         records.size() < kPageSize;
       it->Next()) {
    if (skip > 0) {
      --skip;
      continue;
    }
    projections::ContactRecord record;
    if (!projections::DecodeContactRecord(it->value(), record)) {
      return Status::Corruption("a contact record of account " + account +
                                " is malformed");
    }
    records.push_back(std::move(record));
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  it.reset();
  for (auto& record : records) {
    auto view = ContactViewOf(account, std::move(record));
    if (!view.ok()) return view.status();
    result.items.push_back(std::move(*view));
  }
  return result;
}

StatusOr<MessagePage> EngineImpl::GetMessages(const std::string& account,
                                              const std::string& ticket,
                                              uint32_t page) {
  if (page == 0)
    return Status::InvalidArgument("page", "pages are numbered from 1");
  auto id = QueryTicket(account, ticket);
  if (!id.ok()) return id.status();
  std::shared_lock lock(engine_mu_);
  // The ticket's record and its stream index entries at one snapshot, so
  // that the total counts exactly the messages the page is taken from.
  auto read = store_->NewReadView();
  auto bytes =
      read->Get(store::Family::kViews, projections::TicketKey(account, *id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return TicketNotFound(account, ticket);
  TicketView view;
  TICKETLOG_RETURN_IF_ERROR(schema::DecodeTicketView(**bytes, view));
  MessagePage result;
  result.page = page;
  result.total = view.message_count;
  uint64_t first = uint64_t{page - 1} * kPageSize + 1;
  if (first > UINT32_MAX) return result;
  // The messages are the payloads of the ticket's stream index entries, in
  // version order, which is seq order.
  Status decoded;
  std::vector<Message> all;
  uint64_t seen = 0;
  bool merged = !view.merged_from.empty();
  TICKETLOG_RETURN_IF_ERROR(store_->ScanStreamIndex(
      StreamName(account, view.ticket), 1,
      [&](uint64_t, uint64_t, std::string_view payload) {
        if (payload.empty()) return true;
        std::vector<std::string_view> parts;
        decoded = projections::SplitMessagesPayload(payload, parts);
        for (size_t i = 0; decoded.ok() && i < parts.size(); ++i) {
          // A merge target's copies of its sources' messages come after
          // its own: they are all read, to be shown in time order.
          if (!merged && ++seen < first) continue;
          decoded = schema::DecodeMessage(
              parts[i],
              merged ? all.emplace_back() : result.items.emplace_back());
          if (!merged && result.items.size() == kPageSize) return false;
        }
        return decoded.ok();
      },
      read.get()));
  TICKETLOG_RETURN_IF_ERROR(decoded);
  if (merged) {
    // SPEC section 8: time order, ties in seq order.
    std::stable_sort(
        all.begin(), all.end(),
        [](const Message& a, const Message& b) { return a.at_us < b.at_us; });
    for (uint64_t i = first - 1; i < all.size() && i < first - 1 + kPageSize;
         ++i) {
      result.items.push_back(std::move(all[i]));
    }
  }
  TICKETLOG_RETURN_IF_ERROR(WithAuthorNames(account, result.items));
  return result;
}

Status EngineImpl::WithAuthorNames(const std::string& account,
                                   std::vector<Message>& messages) {
  auto directory = LoadDirectory(account);
  if (!directory.ok()) return directory.status();
  projections::ViewReader read = MakeViewReader();
  std::map<std::string, std::string> contact_names;
  for (Message& message : messages) {
    if (message.author == ActorKind::kOperator) {
      auto it = (*directory)->operators.find(message.author_id);
      if (it != (*directory)->operators.end()) {
        message.author_name = it->second.name;
      }
    } else if (message.author == ActorKind::kCustomer &&
               !message.author_id.empty()) {
      auto it = contact_names.find(message.author_id);
      if (it == contact_names.end()) {
        auto record =
            projections::ReadContact(account, message.author_id, read);
        if (!record.ok()) return record.status();
        std::string name =
            record->has_value() ? (*record)->customer.name : std::string();
        it = contact_names.emplace(message.author_id, std::move(name)).first;
      }
      message.author_name = it->second;
    }
  }
  return Status::OK();
}

StatusOr<ListPage> EngineImpl::List(const ListQuery& query) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(query.account));
  ListQuery normalised = query;
  if (normalised.label) normalised.label = base::NormalizeLabel(*query.label);
  std::shared_lock lock(engine_mu_);
  if (normalised.sla && !normalised.now_us) normalised.now_us = base::NowUs();
  auto page = projections::RunListQuery(*store_, normalised);
  if (!page.ok()) return page;
  std::vector<TicketView*> views;
  for (auto& view : page->items) views.push_back(&view);
  TICKETLOG_RETURN_IF_ERROR(WithCurrentContacts(std::move(views)));
  return page;
}

StatusOr<Report> EngineImpl::GetReport(const ReportQuery& query) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(query.account));
  if (query.from_us && query.to_us && *query.from_us > *query.to_us) {
    return Status::InvalidArgument("from", "is after to");
  }
  std::shared_lock lock(engine_mu_);
  auto views = projections::TicketsCreatedIn(*store_, query.account,
                                             query.from_us, query.to_us);
  if (!views.ok()) return views.status();
  return BuildReport(*views, query.by, query.now_us.value_or(base::NowUs()));
}

StatusOr<std::vector<Event>> EngineImpl::History(const std::string& account,
                                                 const std::string& ticket) {
  auto id = QueryTicket(account, ticket);
  if (!id.ok()) return id.status();
  std::vector<Event> events;
  Status decode;
  TICKETLOG_RETURN_IF_ERROR(store_->ReadStream(
      StreamName(account, *id), 1, [&](const store::StoredEvent& stored) {
        auto event = ToEvent(stored);
        if (!event.ok()) {
          decode = event.status();
          return false;
        }
        events.push_back(std::move(*event));
        return true;
      }));
  TICKETLOG_RETURN_IF_ERROR(decode);
  if (events.empty()) return TicketNotFound(account, ticket);
  return events;
}

StatusOr<TicketView> EngineImpl::Replay(
    const std::string& account, const std::string& ticket,
    const std::function<bool(const Event&)>& keep) {
  auto id = QueryTicket(account, ticket);
  if (!id.ok()) return id.status();
  TicketView view;
  bool any = false;
  Status decode;
  TICKETLOG_RETURN_IF_ERROR(store_->ReadStream(
      StreamName(account, *id), 1, [&](const store::StoredEvent& stored) {
        auto event = ToEvent(stored);
        if (!event.ok()) {
          decode = event.status();
          return false;
        }
        if (!keep(*event)) return false;
        domain::EvolveTicket(view, *event);
        any = true;
        return true;
      }));
  TICKETLOG_RETURN_IF_ERROR(decode);
  if (!any) return TicketNotFound(account, ticket);
  return view;
}

StatusOr<TicketView> EngineImpl::GetTicketAtVersion(const std::string& account,
                                                    const std::string& ticket,
                                                    uint64_t version) {
  if (version == 0) {
    return Status::InvalidArgument("version", "versions are numbered from 1");
  }
  auto view = Replay(account, ticket,
                     [&](const Event& e) { return e.version <= version; });
  if (view.ok() && view->version < version) {
    return Status::NotFound("ticket " + ticket + " has no version " +
                            std::to_string(version) + " (it is at version " +
                            std::to_string(view->version) + ")");
  }
  return view;
}

StatusOr<TicketView> EngineImpl::GetTicketAsOf(const std::string& account,
                                               const std::string& ticket,
                                               TimeUs at_us) {
  auto view = Replay(account, ticket,
                     [&](const Event& e) { return e.occurred_at_us <= at_us; });
  if (!view.ok() && view.status().code() == Code::kNotFound) {
    return Status::NotFound("ticket " + ticket + " did not exist at " +
                            base::FormatTime(at_us));
  }
  return view;
}

StatusOr<Stats> EngineImpl::GetStats(const std::string& account) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(account));
  std::shared_lock lock(engine_mu_);
  Stats stats;
  auto view = store_->NewReadView();
  auto it = view->NewCursor(store::Family::kViews);
  // Tickets are never deleted: the account has as many as its last number.
  {
    std::string key = projections::NumberKey(account);
    it->Seek(key);
    if (it->Valid() && it->key() == key) {
      stats.tickets = static_cast<uint64_t>(
          std::max<int64_t>(projections::DecodeCount(it->value()), 0));
    }
  }

  // Counts by status, department and operator load, and the numbers of
  // first responses and resolutions, from the count cells' slots.
  Status cells_status;
  std::string prefix = projections::CellPrefix(account);
  projections::CountCell cell;
  int64_t first_responses = 0;
  int64_t resolutions = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    if (!projections::DecodeCell(it->key(), it->value(), prefix.size(), cell)) {
      cells_status = Status::Corruption("malformed count cell");
      break;
    }
    for (size_t slot = 0; slot < projections::kStateSlots; ++slot) {
      if (cell.slots[slot] <= 0) continue;
      uint64_t n = static_cast<uint64_t>(cell.slots[slot]);
      auto status = static_cast<TicketStatus>(slot / 2);
      stats.by_status[status] += n;
      if (!cell.department.empty()) stats.by_department[cell.department] += n;
      if (!cell.operator_id.empty() &&
          (status == TicketStatus::kOpen || status == TicketStatus::kPending)) {
        stats.by_operator[cell.operator_id] += n;
      }
    }
    first_responses += cell.slots[projections::kFirstResponseSlot];
    resolutions += cell.slots[projections::kResolvedSlot];
  }

  // The median of the `n` durations of one kind, read from their sorted
  // index.
  auto median = [&](int64_t n, char kind) -> std::optional<int64_t> {
    if (n <= 0) return std::nullopt;
    std::string prefix = projections::DurationPrefix(account, kind);
    uint64_t lower = static_cast<uint64_t>(n - 1) / 2;
    uint64_t upper = static_cast<uint64_t>(n) / 2, index = 0;
    int64_t sum = 0;
    for (it->Seek(prefix);
         it->Valid() && it->key().starts_with(prefix) && index <= upper;
         it->Next(), ++index) {
      if (index < lower) continue;
      sum += static_cast<int64_t>(
          store::GetBigEndian64(it->key().substr(prefix.size())) ^
          (uint64_t{1} << 63));
    }
    return lower == upper ? sum : sum / 2;
  };
  if (cells_status.ok()) {
    stats.median_first_response_us = median(first_responses, 'f');
    stats.median_resolution_us = median(resolutions, 'r');
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  TICKETLOG_RETURN_IF_ERROR(cells_status);
  return stats;
}

// The index answers which tickets match; the views give them (engine_search.cc
// keeps the index).
StatusOr<SearchPage> EngineImpl::Search(const SearchQuery& query) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(query.account));
  if (query.page == 0) {
    return Status::InvalidArgument("page", "pages are numbered from 1");
  }
  if (!search_enabled_) {
    return Status::IoError("search is off for this engine (Options::search)");
  }
  std::shared_lock engine_lock(engine_mu_);
  search::Matches matches;
  {
    auto lock = LockSearch();
    TICKETLOG_RETURN_IF_ERROR(CatchUpSearchLocked());
    auto found = search_->Search(query.account, query.text, query.statuses,
                                 query.page, kPageSize);
    if (!found.ok()) return found.status();
    matches = std::move(*found);
  }
  SearchPage page;
  page.page = query.page;
  page.total = matches.total;
  for (size_t i = 0; i < matches.tickets.size(); ++i) {
    auto view = GetTicketLocked(query.account, matches.tickets[i]);
    // A reader's index may be ahead of its views (the writer committed it
    // after the reader opened): a ticket its views do not have yet is left
    // out.
    if (!view.ok() && view.status().code() == Code::kNotFound) continue;
    if (!view.ok()) return view.status();
    page.items.push_back(std::move(*view));
    page.relevance.push_back(matches.relevance[i]);
  }
  return page;
}

}  // namespace ticketlog::engine
