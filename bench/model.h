// InMemoryModel: the engine's decisions without its storage. It runs the
// domain's command handler (domain::Handle) over directories, ticket views
// and contacts kept in memory.
//
// Three users need to know what the engine would do with a command without
// asking the engine:
//   - the workload generator, to emit only commands the engine accepts;
//   - the incident-log replay, to drop rows the engine would refuse (rows
//     out of time order, rows after an incident was closed);
//   - the limit baseline, to know before timing starts which events each
//     command appends, so that its timed path is serialisation and writing
//     only.
//
// Thread-compatible: one model per thread.
#ifndef TICKETLOG_BENCH_MODEL_H_
#define TICKETLOG_BENCH_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/decide.h"
#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::bench {

class InMemoryModel {
 public:
  // Decides `command` and, when it is accepted, folds its events into the
  // model. Returns the events the engine would append (empty for a command
  // that changes nothing), with every body field set: event_id, stream,
  // times, actor, version and payload; position and hashes are left unset.
  // On refusal returns the engine's error code and changes nothing.
  StatusOr<std::vector<Event>> Apply(const Command& command);

  // The ticket's current view, or nullptr.
  const TicketView* Ticket(const std::string& account,
                           const std::string& ticket) const;

  // The account's directory, or nullptr when it has none yet.
  const domain::DirectoryState* Directory(const std::string& account) const;

 private:
  struct Account {
    std::shared_ptr<const domain::DirectoryState> directory =
        std::make_shared<const domain::DirectoryState>();
    uint64_t last_number = 0;
    std::unordered_map<std::string, TicketView> tickets;
    // Contact id -> contact, and the lookups by customer id, email, phone.
    std::unordered_map<std::string, Customer> contacts;
    std::unordered_map<std::string, std::string> by_id, by_email, by_phone;
  };
  // The handler's port over one account's maps.
  class Reads;

  void RecordContact(Account& account, const Customer& customer);

  std::unordered_map<std::string, Account> accounts_;
};

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_MODEL_H_
