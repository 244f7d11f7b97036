// Engine::Open and Execute: the command path.
#include <functional>

#include "base/text.h"
#include "domain/handler.h"
#include "engine/engine_impl.h"
#include "engine/streams.h"
#include "projections/contacts.h"
#include "projections/list_query.h"
#include "projections/ticket_projection.h"
#include "projections/view_keys.h"
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

// The engine's side of the command handler: reads under the account's
// lock, from the views and the directory cache.
class EngineImpl::Reads final : public domain::CommandReads {
 public:
  explicit Reads(EngineImpl& engine) : engine_(engine) {}

  StatusOr<std::optional<TicketView>> Ticket(
      const std::string& account, const std::string& ticket) override {
    return engine_.ReadTicket(account, ticket);
  }
  StatusOr<std::shared_ptr<const domain::DirectoryState>> Directory(
      const std::string& account) override {
    return engine_.LoadDirectory(account);
  }
  StatusOr<std::optional<Customer>> FindContact(const std::string& account,
                                                const Customer& ref) override {
    return projections::FindContact(account, ref, engine_.MakeViewReader());
  }
  StatusOr<uint64_t> LastNumber(const std::string& account) override {
    auto last = engine_.store_->GetView(projections::NumberKey(account));
    if (!last.ok()) return last.status();
    return last->has_value()
               ? static_cast<uint64_t>(projections::DecodeCount(**last))
               : uint64_t{0};
  }
  StatusOr<uint64_t> LinkedOpenTickets(
      const std::string& account, const std::string& operator_id) override {
    ListQuery linked;
    linked.account = account;
    linked.operator_id = operator_id;
    linked.statuses = {TicketStatus::kOpen, TicketStatus::kPending,
                       TicketStatus::kFinished};
    return projections::CountTickets(*engine_.store_, linked);
  }

 private:
  EngineImpl& engine_;
};

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
  TimeUs now = base::NowUs();
  Reads reads(*this);
  auto decision = domain::Handle(
      command, reads,
      domain::Stamp{
          .now_us = now, .recorded_at_us = now, .new_id = base::NewUuid});
  if (!decision.ok()) return decision.status();
  if (decision->directory) return AppendDirectory(command, *decision);
  return AppendTicket(command, *decision);
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
      StreamName(account, kDirectoryStream), 1,
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

StatusOr<CommandResult> EngineImpl::AppendDirectory(
    const Command& command, const domain::Decision& decision) {
  store::AppendRequest request;
  request.stream = StreamName(command.account, kDirectoryStream);
  request.expected_version = decision.base_version;
  if (!command.command_id.empty()) {
    request.command_key = CommandKey(command.account, command.command_id);
    request.command_result = EncodeCommandResult("", 0);
  }
  for (const Event& event : decision.events) {
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
    directories_[command.account] = decision.directory_after;
  }
  return CommandResult{"", 0, result->last_version, result->last_position,
                       appended};
}

projections::ViewReader EngineImpl::MakeViewReader() {
  return [this](const std::string& key) { return store_->GetView(key); };
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

StatusOr<CommandResult> EngineImpl::AppendTicket(
    const Command& command, const domain::Decision& decision) {
  const std::string& ticket = decision.ticket;
  store::AppendRequest request;
  request.stream = StreamName(command.account, ticket);
  request.expected_version = decision.base_version;
  projections::ViewReader read = MakeViewReader();
  for (const Event& event : decision.events) {
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

  uint64_t number = decision.number;
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
    projections::DiffTicketEntries(decision.before, decision.after,
                                   request.view_ops);
    AddCounterOps(projections::CounterDeltas(decision.before, decision.after),
                  request.view_ops);
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
