// The query path: views, messages, lists, history, time travel, stats.
#include <algorithm>

#include "base/text.h"
#include "engine/engine_impl.h"
#include "engine/streams.h"
#include "projections/list_query.h"
#include "projections/ticket_counts.h"
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
  return std::move(**view);
}

StatusOr<MessagePage> EngineImpl::GetMessages(const std::string& account,
                                              const std::string& ticket,
                                              uint32_t page) {
  if (page == 0)
    return Status::InvalidArgument("page", "pages are numbered from 1");
  std::shared_lock lock(engine_mu_);
  auto view = GetTicketLocked(account, ticket);
  if (!view.ok()) return view.status();
  MessagePage result;
  result.page = page;
  result.total = view->message_count;
  std::string prefix = projections::MessagePrefix(account, view->ticket);
  auto it = store_->NewCursor(store::Family::kViews);
  uint64_t first = uint64_t{page - 1} * kPageSize + 1;
  if (first > UINT32_MAX) return result;
  for (it->Seek(projections::MessageKey(account, view->ticket,
                                        static_cast<uint32_t>(first)));
       it->Valid() && it->key().starts_with(prefix) &&
       result.items.size() < kPageSize;
       it->Next()) {
    Message message;
    TICKETLOG_RETURN_IF_ERROR(schema::DecodeMessage(it->value(), message));
    result.items.push_back(std::move(message));
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  return result;
}

StatusOr<ListPage> EngineImpl::List(const ListQuery& query) {
  TICKETLOG_RETURN_IF_ERROR(ValidateAccount(query.account));
  std::shared_lock lock(engine_mu_);
  return projections::RunListQuery(*store_, query);
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
  auto counter = [&](projections::Dim dim) -> uint64_t {
    std::string key = projections::CounterKey(account, dim, "");
    it->Seek(key);
    if (!it->Valid() || it->key() != key) return 0;
    return static_cast<uint64_t>(
        std::max<int64_t>(projections::DecodeCount(it->value()), 0));
  };
  // Tickets are never deleted: the account has as many as its last number.
  {
    std::string key = projections::NumberKey(account);
    it->Seek(key);
    if (it->Valid() && it->key() == key) {
      stats.tickets = static_cast<uint64_t>(
          std::max<int64_t>(projections::DecodeCount(it->value()), 0));
    }
  }

  // Counts by status, department and operator load from the count cells.
  Status cells_status;
  std::string prefix = projections::CellPrefix(account);
  projections::CountCell cell;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    if (!projections::DecodeCell(it->key(), it->value(), prefix.size(), cell)) {
      cells_status = Status::Corruption("malformed count cell");
      break;
    }
    if (cell.count <= 0) continue;
    uint64_t n = static_cast<uint64_t>(cell.count);
    stats.by_status[cell.status] += n;
    if (!cell.department.empty()) stats.by_department[cell.department] += n;
    if (!cell.operator_id.empty() && (cell.status == TicketStatus::kOpen ||
                                      cell.status == TicketStatus::kPending)) {
      stats.by_operator[cell.operator_id] += n;
    }
  }

  // The median of the durations of one kind, read from their sorted index.
  auto median = [&](projections::Dim dim, char kind) -> std::optional<int64_t> {
    uint64_t n = counter(dim);
    if (n == 0) return std::nullopt;
    std::string prefix = projections::DurationPrefix(account, kind);
    uint64_t lower = (n - 1) / 2, upper = n / 2, index = 0;
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
    stats.median_first_response_us =
        median(projections::Dim::kFirstResponses, 'f');
    stats.median_resolution_us = median(projections::Dim::kResolutions, 'r');
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  TICKETLOG_RETURN_IF_ERROR(cells_status);
  return stats;
}

}  // namespace ticketlog::engine
