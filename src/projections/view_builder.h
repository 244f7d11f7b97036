// ViewBuilder folds the log into the content the views must have: the same
// projection functions the engine applies live, applied to every ticket's
// final state. Rebuild writes what it produces; Verify compares it with the
// live views. (A ticket's messages are not view keys since format 5: they
// are the payloads of its stream index entries, MessagesPayload.)
#ifndef TICKETLOG_PROJECTIONS_VIEW_BUILDER_H_
#define TICKETLOG_PROJECTIONS_VIEW_BUILDER_H_

#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::projections {

using EntrySink =
    std::function<Status(const std::string& key, const std::string& value)>;

class ViewBuilder {
 public:
  // Folds one event, in log order.
  Status Apply(const Event& event);

  // Calls `sink` for every other view entry (tickets, indexes, durations,
  // counters, contacts, numbers), each key once, in no particular order.
  Status Finish(const EntrySink& sink) const;

  size_t tickets() const { return tickets_.size(); }

 private:
  Status RecordContact(const Event& event, const Customer& customer);

  std::unordered_map<std::string, TicketView> tickets_;  // by ticket key
  std::map<std::string, std::string> contacts_;          // contact keys
  std::map<std::string, uint64_t> numbers_;              // number keys
  std::map<std::string, int64_t> contact_counts_;        // contact counters
};

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_VIEW_BUILDER_H_
