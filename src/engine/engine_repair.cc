// Engine::Repair: recovery of a damaged store to its longest intact log.
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/engine_impl.h"
#include "engine/streams.h"
#include "projections/ticket_projection.h"

namespace ticketlog {

StatusOr<RepairReport> Engine::Repair(const Options& options) {
  Options writable = options;
  writable.read_only = false;
  writable.create_if_missing = false;
  writable.sync = true;
  auto opened = store::EventStore::Open(writable, store::Recovery::kSalvage);
  if (!opened.ok()) return opened.status();
  store::EventStore& store = **opened;

  // The intact prefix: dense positions from 1, each record verified and
  // chained to the one before it.
  RepairReport report;
  std::string prev = store::kZeroHash;
  uint64_t kept = 0;
  bool broken = false;
  std::vector<store::FamilyOp> ops;
  std::map<std::string, std::string> stream_index;  // key -> value
  std::map<std::string, std::pair<uint64_t, uint64_t>> commands;
  struct CommandStream {
    std::string stream;  // store stream key
    std::string ticket;  // "" for directory commands
  };
  std::map<std::string, CommandStream> command_streams;
  std::unordered_map<std::string, uint64_t> numbers;
  std::unordered_map<std::string, uint64_t> versions;
  auto it = store.NewCursor(store::Family::kLog);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string key = std::string(it->key());
    if (!broken) {
      uint64_t position = key.size() == 8 ? store::GetBigEndian64(key) : 0;
      auto stored = store.ReadEvent(position);
      std::string why;
      if (position != kept + 1) {
        why = "position " + std::to_string(kept + 1) + " is missing";
      } else if (!stored.ok()) {
        why = "position " + std::to_string(position) +
              " is unreadable: " + stored.status().message();
      } else if (stored->prev_hash != prev ||
                 store::ChainHash(stored->prev_hash, stored->position,
                                  stored->version,
                                  stored->body) != stored->hash) {
        why = "position " + std::to_string(position) +
              " does not chain to the event before it";
      }
      StatusOr<Event> event = stored.ok() ? engine::ToEvent(*stored)
                                          : StatusOr<Event>(stored.status());
      if (why.empty() && !event.ok()) {
        why = "position " + std::to_string(position) + " does not decode";
      }
      if (why.empty()) {
        std::string stream = engine::StreamName(event->account, event->stream);
        uint64_t& version = versions[stream];
        if (stored->version != version + 1) {
          why = "position " + std::to_string(position) +
                " skips a version of "
                "its stream";
        } else {
          version = stored->version;
          kept = position;
          prev = stored->hash;
          stream_index[store::EventStore::StreamVersionKey(stream, version)] =
              store::EventStore::StreamEntryValue(
                  position, projections::MessagesPayload(event->payload));
          if (const auto* o = std::get_if<TicketOpened>(&event->payload)) {
            numbers[stream] = o->number;
          }
          if (!event->command_id.empty()) {
            std::string command =
                engine::CommandKey(event->account, event->command_id);
            commands[command] = {position, version};
            command_streams[command] = {
                stream, event->stream == kDirectoryStream ? "" : event->stream};
          }
          continue;
        }
      }
      broken = true;
      report.notes.push_back("the log is kept up to position " +
                             std::to_string(kept) + ": " + why);
    }
    // Past the break: removed, and kept for the caller when it decodes.
    ++report.events_dropped;
    ops.push_back({store::Family::kLog, store::ViewOp::Kind::kDelete, key, {}});
    uint64_t position = key.size() == 8 ? store::GetBigEndian64(key) : 0;
    if (auto stored = store.ReadEvent(position); stored.ok()) {
      if (auto event = engine::ToEvent(*stored); event.ok()) {
        report.dropped.push_back(std::move(*event));
      }
    }
  }
  TICKETLOG_RETURN_IF_ERROR(it->status());
  it.reset();

  // Every derived family is rewritten from the kept log: what it holds and
  // the log does not imply goes; what the log implies is put.
  auto rewrite = [&](store::Family family, const auto& expected,
                     auto&& encode) {
    // Only what differs is written: on a large store the entries that are
    // right are nearly all of them.
    auto existing = store.NewCursor(family);
    uint64_t removed = 0;
    std::set<std::string> right;
    for (existing->SeekToFirst(); existing->Valid(); existing->Next()) {
      std::string key = std::string(existing->key());
      auto want = expected.find(key);
      if (want == expected.end()) {
        ops.push_back({family, store::ViewOp::Kind::kDelete, key, {}});
        ++removed;
      } else if (encode(key, want->second) == existing->value()) {
        right.insert(std::move(key));
      }
    }
    for (const auto& [key, value] : expected) {
      if (right.contains(key)) continue;
      ops.push_back(
          {family, store::ViewOp::Kind::kPut, key, encode(key, value)});
    }
    return removed;
  };
  uint64_t removed = rewrite(
      store::Family::kStreams, stream_index,
      [](const std::string&, const std::string& value) { return value; });
  // Format 2 keeps no stream heads.
  removed += rewrite(
      store::Family::kHeads, std::map<std::string, std::string>(),
      [](const std::string&, const std::string& value) { return value; });
  // Idempotency: the records the log implies, plus those of commands that
  // appended nothing, when they name a kept event.
  std::map<std::string, std::string> records;
  for (const auto& [command, result] : commands) {
    const auto& [stream, ticket] = command_streams[command];
    std::string record = store::BigEndian64(result.first);
    record += store::BigEndian64(result.second);
    record += engine::EncodeCommandResult(ticket,
                                          ticket.empty() ? 0 : numbers[stream]);
    records[command] = std::move(record);
  }
  {
    auto existing = store.NewCursor(store::Family::kIdempotency);
    for (existing->SeekToFirst(); existing->Valid(); existing->Next()) {
      std::string key = std::string(existing->key());
      std::string value = std::string(existing->value());
      if (auto want = records.find(key); want != records.end()) {
        // The log does not hold the command's fingerprint: a record that
        // agrees with the log keeps its own.
        if (value.size() == want->second.size() + engine::kFingerprintBytes &&
            value.starts_with(want->second)) {
          want->second = std::move(value);
        }
        continue;
      }
      if (value.size() >= 16 && store::GetBigEndian64(value) <= kept) {
        records[key] = value;  // a command that appended nothing
      }
    }
  }
  removed += rewrite(
      store::Family::kIdempotency, records,
      [](const std::string&, const std::string& record) { return record; });
  if (removed > 0) {
    report.notes.push_back(
        std::to_string(removed) +
        " stream index, stream head or idempotency entries had no "
        "event behind them and were removed");
  }
  TICKETLOG_RETURN_IF_ERROR(store.WriteRepair(ops, {kept, prev}));
  // The stream index entries carry the messages: free them before the
  // rebuild gathers the views.
  std::vector<store::FamilyOp>().swap(ops);
  std::map<std::string, std::string>().swap(stream_index);
  if (report.events_dropped > 0) {
    // The search index may hold what was dropped: it is built again from
    // the kept log below.
    std::error_code ec;
    if (std::filesystem::remove_all(
            std::filesystem::path(options.path) / "search", ec) > 0) {
      report.notes.push_back("the search index was rebuilt from the kept log");
    }
  }

  engine::EngineImpl engine(std::move(*opened));
  TICKETLOG_RETURN_IF_ERROR(engine.Rebuild());
  TICKETLOG_RETURN_IF_ERROR(engine.OpenSearch(writable));
  auto head = engine.Head();
  if (!head.ok()) return head.status();
  report.head = *head;
  return report;
}

}  // namespace ticketlog
