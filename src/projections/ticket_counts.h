// Ticket counts by the fields that change together: one counter ("cell")
// per combination of status, department, operator, channel, priority and
// awaiting that some ticket of the account has. Every ticket counts in
// exactly one cell, so a command that changes any of those fields moves one
// count from one cell to another (two merge writes, no reads), and the
// number of tickets matching any filter on those fields — the total of a
// list, the stats, an operator's open tickets — is a sum over the cells,
// whose number is bounded by the combinations in use, not by the tickets.
//
// Key: C acct 'q' status channel priority awaiting comp(department)
// comp(operator); value: be64(count), updated through the views family's
// add merge operator (a cell may hold 0 after its last ticket left it).
#ifndef TICKETLOG_PROJECTIONS_TICKET_COUNTS_H_
#define TICKETLOG_PROJECTIONS_TICKET_COUNTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::projections {

struct CountCell {
  TicketStatus status = TicketStatus::kOpen;
  Channel channel = Channel::kApi;
  Priority priority = Priority::kNormal;
  Awaiting awaiting = Awaiting::kOperator;
  std::string department;
  std::string operator_id;
  int64_t count = 0;
};

// The cell key `view` counts in.
std::string CellKey(const TicketView& view);
// The prefix of every cell key of `account`.
std::string CellPrefix(std::string_view account);
// Decodes a cell key and its value; false when malformed.
bool DecodeCell(std::string_view key, std::string_view value, size_t prefix,
                CountCell& cell);

// True when `query`'s filters are all on cell fields (status, department,
// operator or unassigned, channel, priority, awaiting), so that summing the
// matching cells gives its exact total.
bool CellsAnswer(const ListQuery& query);
// True when `cell` passes `query`'s filters on cell fields.
bool CellMatches(const ListQuery& query, const CountCell& cell);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_TICKET_COUNTS_H_
