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
    // current layout beside the old ones and switched in one write. Before
    // format 5 a ticket's messages were view keys: they move into the
    // stream index first, so that the switch finds them there.
    if (!empty && format < 5) {
      TICKETLOG_RETURN_IF_ERROR(engine->IndexMessages());
    }
    TICKETLOG_RETURN_IF_ERROR(empty ? engine->SetViewsFormat()
                                    : engine->Rebuild());
  }
  TICKETLOG_RETURN_IF_ERROR(engine->OpenSearch(options));
  return std::unique_ptr<Engine>(std::move(engine));
}

namespace engine {

size_t EngineImpl::AccountStripe(const std::string& account) {
  return std::hash<std::string>{}(account) % kAccountStripes;
}

std::mutex& EngineImpl::AccountMutex(const std::string& account) {
  return account_mu_[AccountStripe(account)];
}

StatusOr<std::optional<TicketView>> EngineImpl::ReadTicketForCommand(
    const std::string& account, const std::string& ticket) {
  const TicketRecords& cache = ticket_records_[AccountStripe(account)];
  auto it = cache.records.find(projections::TicketKey(account, ticket));
  if (it == cache.records.end()) return ReadTicket(account, ticket);
  TicketView view;
  TICKETLOG_RETURN_IF_ERROR(schema::DecodeTicketView(it->second, view));
  return std::optional<TicketView>(std::move(view));
}

void EngineImpl::RememberTicketRecords(
    const std::string& account,
    std::vector<std::pair<std::string, std::string>> records) {
  TicketRecords& cache = ticket_records_[AccountStripe(account)];
  try {
    for (auto& [key, bytes] : records) {
      if (cache.bytes > TicketRecords::kMaxRecordBytes) cache.Clear();
      auto [it, inserted] = cache.records.try_emplace(std::move(key));
      if (!inserted) cache.bytes -= it->first.size() + it->second.size();
      it->second = std::move(bytes);
      cache.bytes += it->first.size() + it->second.size();
    }
  } catch (const std::exception&) {
    // The command is committed: without memory for its records, keep none
    // of the stripe's (they are read from the views).
    cache.Clear();
  }
}

// The engine's side of the command handler: reads under the account's
// lock, from the views and the directory cache.
class EngineImpl::Reads final : public domain::CommandReads {
 public:
  explicit Reads(EngineImpl& engine) : engine_(engine) {}

  StatusOr<std::optional<TicketView>> Ticket(
      const std::string& account, const std::string& ticket) override {
    return engine_.ReadTicketForCommand(account, ticket);
  }
  StatusOr<std::vector<Message>> Messages(const std::string& account,
                                          const std::string& ticket) override {
    std::vector<Message> messages;
    Status decoded;
    TICKETLOG_RETURN_IF_ERROR(engine_.store_->ScanStreamIndex(
        StreamName(account, ticket), 1,
        [&](uint64_t, uint64_t, std::string_view payload) {
          decoded = projections::DecodeMessagesPayload(payload, messages);
          return decoded.ok();
        }));
    TICKETLOG_RETURN_IF_ERROR(decoded);
    return messages;
  }
  StatusOr<std::shared_ptr<const domain::DirectoryState>> Directory(
      const std::string& account) override {
    return engine_.LoadDirectory(account);
  }
  StatusOr<std::optional<Customer>> Contact(
      const std::string& account, const std::string& contact) override {
    auto record =
        projections::ReadContact(account, contact, engine_.MakeViewReader());
    if (!record.ok()) return record.status();
    if (!record->has_value()) return std::optional<Customer>();
    return std::optional<Customer>(std::move((*record)->customer));
  }
  StatusOr<std::string> ContactHolding(const std::string& account,
                                       domain::ContactDetail detail,
                                       const std::string& value) override {
    // The lookup bytes are the same letters (docs/format.md).
    return projections::ContactHolding(
        account, static_cast<projections::ContactField>(detail), value,
        engine_.MakeViewReader());
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
    if (seen->has_value()) return RepeatedCommand(command, **seen);
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
  // A query loads without the account's lock: a command may have installed
  // a newer directory meanwhile, which must not be replaced by this one.
  auto [it, inserted] = directories_.try_emplace(account, loaded);
  if (!inserted && it->second->version < loaded->version) {
    it->second = loaded;
  }
  return it->second;
}

StatusOr<CommandResult> EngineImpl::AppendDirectory(
    const Command& command, const domain::Decision& decision) {
  store::AppendRequest request;
  request.stream = StreamName(command.account, kDirectoryStream);
  request.expected_version = decision.base_version;
  if (!command.command_id.empty()) {
    request.command_key = CommandKey(command.account, command.command_id);
    request.command_result =
        EncodeCommandResult("", 0, CommandFingerprint(command));
  }
  for (const Event& event : decision.events) {
    request.events.push_back(schema::EncodeEventBody(event));
    if (const auto* updated = std::get_if<ContactUpdated>(&event.payload)) {
      TICKETLOG_RETURN_IF_ERROR(
          AddContactOps(event, updated->customer, request.view_ops));
    }
  }
  if (request.events.empty() && request.command_key.empty()) {
    auto head = store_->GetStreamHead(request.stream);
    if (!head.ok()) return head.status();
    return CommandResult{"", 0, head->version, head->position, 0};
  }
  uint32_t appended = static_cast<uint32_t>(request.events.size());
  auto result = store_->Append(std::move(request));
  if (!result.ok()) return result.status();
  if (result->duplicate) return RepeatedCommand(command, *result);
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

StatusOr<CommandResult> EngineImpl::RepeatedCommand(
    const Command& command, const store::AppendResult& stored) {
  std::string fingerprint;
  auto result = DecodeCommandResult(stored, &fingerprint);
  if (!result.ok()) return result;
  if (!fingerprint.empty() && fingerprint != CommandFingerprint(command)) {
    return Status(Code::kIdempotencyMismatch,
                  "command_id: '" + command.command_id +
                      "' was used for another command (" +
                      std::string(OpName(command.body)) +
                      " with other fields, or another op or ticket)");
  }
  return result;
}

Status EngineImpl::AddContactOps(const Event& event, const Customer& customer,
                                 std::vector<store::ViewOp>& ops) {
  bool created = false;
  TICKETLOG_RETURN_IF_ERROR(
      projections::ApplyContact(event.account, customer, event.occurred_at_us,
                                MakeViewReader(), ops, created));
  if (created) {
    ops.push_back({store::ViewOp::Kind::kMerge,
                   projections::CounterKey(event.account,
                                           projections::Dim::kContacts, ""),
                   projections::EncodeCount(1)});
  }
  return Status::OK();
}

void EngineImpl::AddCounterOps(const projections::Counters& deltas,
                               std::vector<store::ViewOp>& ops) {
  // Merges: the store adds them up, so no counter is read here.
  for (auto& [key, delta] : projections::CounterEntries(deltas)) {
    ops.push_back(
        {store::ViewOp::Kind::kMerge, std::move(key), std::move(delta)});
  }
}

Status EngineImpl::AddEventOps(const Command& command,
                               const std::vector<Event>& events,
                               std::vector<std::string>& bodies,
                               std::vector<std::string>& payloads,
                               std::vector<store::ViewOp>& ops) {
  for (const Event& event : events) {
    bodies.push_back(schema::EncodeEventBody(event));
    payloads.push_back(projections::MessagesPayload(event.payload));
    if (const auto* updated = std::get_if<ContactUpdated>(&event.payload)) {
      TICKETLOG_RETURN_IF_ERROR(AddContactOps(event, updated->customer, ops));
    } else if (const auto* opened = std::get_if<TicketOpened>(&event.payload)) {
      TICKETLOG_RETURN_IF_ERROR(AddContactOps(event, opened->customer, ops));
      ops.push_back(
          {store::ViewOp::Kind::kPut, projections::NumberKey(command.account),
           projections::EncodeCount(static_cast<int64_t>(opened->number))});
    }
  }
  return Status::OK();
}

StatusOr<CommandResult> EngineImpl::AppendTicket(
    const Command& command, const domain::Decision& decision) {
  const std::string& ticket = decision.ticket;
  store::AppendRequest request;
  request.stream = StreamName(command.account, ticket);
  request.expected_version = decision.base_version;
  if (const auto& source = decision.merged_source) {
    store::StreamAppend& other = request.other_streams.emplace_back();
    other.stream = StreamName(command.account, source->ticket);
    other.expected_version = source->base_version;
    TICKETLOG_RETURN_IF_ERROR(AddEventOps(command, source->events, other.events,
                                          other.index_payloads,
                                          request.view_ops));
    projections::DiffTicketEntries(source->before, source->after,
                                   request.view_ops);
    AddCounterOps(projections::CounterDeltas(source->before, source->after),
                  request.view_ops);
  }
  TICKETLOG_RETURN_IF_ERROR(AddEventOps(command, decision.events,
                                        request.events, request.index_payloads,
                                        request.view_ops));

  uint64_t number = decision.number;
  if (!command.command_id.empty()) {
    request.command_key = CommandKey(command.account, command.command_id);
    request.command_result =
        EncodeCommandResult(ticket, number, CommandFingerprint(command));
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
  size_t appended = request.events.size();
  for (const store::StreamAppend& other : request.other_streams) {
    appended += other.events.size();
  }
  // The ticket records the write puts (the ticket's, a merge's source's;
  // every view op is of the command's account), kept for the next command
  // once the write is committed.
  std::vector<std::pair<std::string, std::string>> records;
  for (const store::ViewOp& op : request.view_ops) {
    if (op.kind == store::ViewOp::Kind::kPut &&
        projections::IsTicketKey(op.key)) {
      records.emplace_back(op.key, op.value);
    }
  }
  auto result = store_->Append(std::move(request));
  if (!result.ok()) return result.status();
  if (result->duplicate) return RepeatedCommand(command, *result);
  RememberTicketRecords(command.account, std::move(records));
  return CommandResult{ticket, number, result->last_version,
                       result->last_position, static_cast<uint32_t>(appended)};
}

}  // namespace engine
}  // namespace ticketlog
