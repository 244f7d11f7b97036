// Engine::Open and Execute: the command path.
#include <functional>

#include "base/text.h"
#include "engine/engine_impl.h"
#include "engine/streams.h"
#include "projections/contacts.h"
#include "projections/keys.h"
#include "projections/list_query.h"
#include "projections/ticket_projection.h"
#include "schema/codec.h"

namespace ticketlog {

StatusOr<std::unique_ptr<Engine>> Engine::Open(const Options& options) {
  auto store = store::EventStore::Open(options);
  if (!store.ok()) return store.status();
  uint32_t format = (*store)->views_format();
  bool empty = (*store)->Head().position == 0;
  if (format > projections::kViewsFormat) {
    return Status::Corruption(
        "the views of " + options.path + " are in format " +
        std::to_string(format) + ", newer than this version of ticketlog (" +
        std::to_string(projections::kViewsFormat) + ") reads");
  }
  if (format < projections::kViewsFormat && options.read_only && !empty) {
    return Status::IoError(
        "the views of " + options.path + " are in format " +
        std::to_string(format) +
        " of an older ticketlog; open the store "
        "once for writing (any command, or `ticketlog rebuild`) to rebuild "
        "them in format " +
        std::to_string(projections::kViewsFormat));
  }
  auto engine = std::make_unique<engine::EngineImpl>(std::move(*store));
  if (format < projections::kViewsFormat && !options.read_only) {
    // The upgrade path: the log is untouched, the views are rebuilt in the
    // current layout beside the old ones and switched in one write.
    TICKETLOG_RETURN_IF_ERROR(empty ? engine->SetViewsFormat()
                                    : engine->Rebuild());
  }
  return std::unique_ptr<Engine>(std::move(engine));
}

namespace engine {

std::mutex& EngineImpl::AccountMutex(const std::string& account) {
  return account_mu_[std::hash<std::string>{}(account) % kAccountStripes];
}

StatusOr<CommandResult> EngineImpl::Execute(const Command& command) {
  TICKETLOG_RETURN_IF_ERROR(domain::ValidateEnvelope(command));
  std::shared_lock engine_lock(engine_mu_);
  std::lock_guard account_lock(AccountMutex(command.account));
  if (!command.command_id.empty()) {
    auto seen =
        store_->LookupCommand(CommandKey(command.account, command.command_id));
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) return DecodeCommandResult(**seen);
  }
  TimeUs now = command.at_us ? *command.at_us : base::NowUs();
  if (domain::IsDirectoryCommand(command.body)) {
    return ExecuteDirectory(command, now);
  }
  return ExecuteTicket(command, now);
}

StatusOr<EngineImpl::DirectoryPtr> EngineImpl::LoadDirectory(
    const std::string& account) {
  {
    std::lock_guard lock(directory_mu_);
    auto it = directories_.find(account);
    if (it != directories_.end()) return it->second;
  }
  domain::DirectoryState state;
  Status status = store_->ReadStream(
      StreamKey(account, kDirectoryStream), 1,
      [&](const store::StoredEvent& stored) {
        auto event = ToEvent(stored);
        if (!event.ok()) {
          state.version = UINT64_MAX;  // signals the failure below
          return false;
        }
        domain::EvolveDirectory(state, *event);
        return true;
      });
  TICKETLOG_RETURN_IF_ERROR(status);
  if (state.version == UINT64_MAX) {
    return Status::Corruption("a directory event of account " + account +
                              " is malformed");
  }
  auto loaded =
      std::make_shared<const domain::DirectoryState>(std::move(state));
  std::lock_guard lock(directory_mu_);
  directories_[account] = loaded;
  return loaded;
}

StatusOr<CommandResult> EngineImpl::ExecuteDirectory(const Command& command,
                                                     TimeUs now) {
  auto directory = LoadDirectory(command.account);
  if (!directory.ok()) return directory.status();
  const domain::DirectoryState& current = **directory;
  if (command.expected_version &&
      *command.expected_version != current.version) {
    return Status::Conflict(*command.expected_version, current.version);
  }
  domain::DirectoryContext context;
  context.now_us = now;
  Status counter_error;
  context.linked_open_tickets = [&](const std::string& operator_id) {
    ListQuery linked;
    linked.account = command.account;
    linked.operator_id = operator_id;
    linked.statuses = {TicketStatus::kOpen, TicketStatus::kPending,
                       TicketStatus::kFinished};
    auto count = projections::CountTickets(*store_, linked);
    if (!count.ok()) {
      counter_error = count.status();
      return uint64_t{1};  // refuse the removal rather than guess
    }
    return *count;
  };
  auto payloads = domain::DecideDirectory(current, command.body, context);
  TICKETLOG_RETURN_IF_ERROR(counter_error);
  if (!payloads.ok()) return payloads.status();

  store::AppendRequest request;
  request.stream = StreamKey(command.account, kDirectoryStream);
  request.expected_version = current.version;
  if (!command.command_id.empty()) {
    request.command_key = CommandKey(command.account, command.command_id);
    request.command_result = EncodeCommandResult("", 0);
  }
  domain::DirectoryState next = current;
  uint64_t version = current.version;
  TimeUs recorded = base::NowUs();
  for (auto& payload : *payloads) {
    Event event;
    event.event_id = base::NewUuid();
    event.account = command.account;
    event.stream = std::string(kDirectoryStream);
    event.occurred_at_us = now;
    event.recorded_at_us = recorded;
    event.command_id = command.command_id;
    event.schema_version = schema::kSchemaVersion;
    event.version = ++version;
    event.payload = std::move(payload);
    domain::EvolveDirectory(next, event);
    request.events.push_back(schema::EncodeEventBody(event));
  }
  if (request.events.empty() && request.command_key.empty()) {
    auto head = store_->GetStreamHead(request.stream);
    if (!head.ok()) return head.status();
    return CommandResult{"", 0, head->version, head->position, 0};
  }
  uint32_t appended = static_cast<uint32_t>(request.events.size());
  auto result = store_->Append(std::move(request));
  if (!result.ok()) return result.status();
  if (result->duplicate) return DecodeCommandResult(*result);
  {
    std::lock_guard lock(directory_mu_);
    directories_[command.account] =
        std::make_shared<const domain::DirectoryState>(std::move(next));
  }
  return CommandResult{"", 0, result->last_version, result->last_position,
                       appended};
}

StatusOr<std::optional<TicketView>> EngineImpl::ReadTicket(
    const std::string& account, const std::string& ticket) {
  auto bytes = store_->GetView(projections::TicketKey(account, ticket));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<TicketView>();
  TicketView view;
  TICKETLOG_RETURN_IF_ERROR(schema::DecodeTicketView(**bytes, view));
  return std::optional<TicketView>(std::move(view));
}

void EngineImpl::AddCounterOps(const projections::Counters& deltas,
                               std::vector<store::ViewOp>& ops) {
  // Merges: the store adds them up, so no counter is read here.
  for (const auto& [key, delta] : deltas) {
    ops.push_back(
        {store::ViewOp::Kind::kMerge, key, projections::EncodeCount(delta)});
  }
}

StatusOr<CommandResult> EngineImpl::ExecuteTicket(const Command& command,
                                                  TimeUs now) {
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
  auto current = ReadTicket(command.account, ticket);
  if (!current.ok()) return current.status();
  const std::optional<TicketView>& before = *current;
  uint64_t base_version = before ? before->version : 0;
  if (command.expected_version && *command.expected_version != base_version) {
    return Status::Conflict(*command.expected_version, base_version);
  }

  auto directory = LoadDirectory(command.account);
  if (!directory.ok()) return directory.status();
  domain::TicketContext context;
  context.directory = directory->get();
  context.now_us = now;
  context.ticket = ticket;
  projections::ViewReader read = [this](const std::string& key) {
    return store_->GetView(key);
  };
  if (open && !before) {
    TICKETLOG_RETURN_IF_ERROR(domain::ValidateCustomerRef(open->customer));
    auto found =
        projections::FindContact(command.account, open->customer, read);
    if (!found.ok()) return found.status();
    if (found->has_value()) {
      context.resolved_customer = std::move(**found);
    } else {
      context.resolved_customer = open->customer;
      context.resolved_customer.contact = base::NewUuid();
      context.new_contact = true;
    }
    auto last = store_->GetView(projections::NumberKey(command.account));
    if (!last.ok()) return last.status();
    context.number =
        (last->has_value() ? projections::DecodeCount(**last) : 0) + 1;
  }

  auto payloads = domain::DecideTicket(before, command.body, context);
  if (!payloads.ok()) return payloads.status();

  store::AppendRequest request;
  request.stream = StreamKey(command.account, ticket);
  request.expected_version = base_version;
  TicketView after = before.value_or(TicketView{});
  TimeUs recorded = base::NowUs();
  for (auto& payload : *payloads) {
    Event event;
    event.event_id = base::NewUuid();
    event.account = command.account;
    event.stream = ticket;
    event.occurred_at_us = now;
    event.recorded_at_us = recorded;
    event.actor = domain::ActorOf(payload, after);
    event.command_id = command.command_id;
    event.schema_version = schema::kSchemaVersion;
    event.version = base_version + request.events.size() + 1;
    event.payload = std::move(payload);
    domain::EvolveTicket(after, event);
    request.events.push_back(schema::EncodeEventBody(event));

    const Message* message = nullptr;
    if (const auto* opened = std::get_if<TicketOpened>(&event.payload)) {
      if (opened->message) message = &*opened->message;
      TICKETLOG_RETURN_IF_ERROR(projections::ApplyContact(
          command.account, opened->customer, read, request.view_ops));
      request.view_ops.push_back(
          {store::ViewOp::Kind::kPut, projections::NumberKey(command.account),
           projections::EncodeCount(static_cast<int64_t>(opened->number))});
    } else if (const auto* added = std::get_if<MessageAdded>(&event.payload)) {
      message = &added->message;
    }
    if (message) {
      request.view_ops.push_back(
          {store::ViewOp::Kind::kPut,
           projections::MessageKey(command.account, ticket, message->seq),
           schema::EncodeMessage(*message)});
    }
  }

  uint64_t number = after.number;
  if (!command.command_id.empty()) {
    request.command_key = CommandKey(command.account, command.command_id);
    request.command_result = EncodeCommandResult(ticket, number);
  }
  if (request.events.empty() && request.command_key.empty()) {
    auto head = store_->GetStreamHead(request.stream);
    if (!head.ok()) return head.status();
    return CommandResult{ticket, number, head->version, head->position, 0};
  }
  if (!request.events.empty()) {
    projections::DiffTicketEntries(before, after, request.view_ops);
    AddCounterOps(projections::CounterDeltas(before, after), request.view_ops);
  }
  uint32_t appended = static_cast<uint32_t>(request.events.size());
  auto result = store_->Append(std::move(request));
  if (!result.ok()) return result.status();
  if (result->duplicate) return DecodeCommandResult(*result);
  return CommandResult{ticket, number, result->last_version,
                       result->last_position, appended};
}

}  // namespace engine
}  // namespace ticketlog
