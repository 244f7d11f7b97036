// Ticket counts by the fields that change together: one counter ("cell")
// per combination of channel, priority, department and operator that some
// ticket of the account has, holding counts by slot: the tickets of the
// cell in each status and awaiting state, those with a first response and
// the resolved ones. Every ticket counts in exactly one cell, so a command
// that changes only its status, awaiting, first response or resolution
// changes slots of one cell (one merge write, no reads), and one that moves
// it to another cell writes two. The number of tickets matching any filter
// on those fields — the total of a list, the stats, an operator's open
// tickets — is a sum over the cells, whose number is bounded by the
// combinations in use, not by the tickets.
//
// Key: C comp(account) 'q' channel priority comp(department)
// comp(operator); value: a slot vector (store/coding.h) of the slots below,
// updated through the views family's add merge operator (a cell may hold
// the empty vector, all zero, after its last ticket left it).
#ifndef TICKETLOG_PROJECTIONS_TICKET_COUNTS_H_
#define TICKETLOG_PROJECTIONS_TICKET_COUNTS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::projections {

// The slots of a cell. Part of the on-disk format; never renumber.
// 0-7: the tickets in status s awaiting a, at slot 2 * s + a (StateSlot).
inline constexpr size_t kStateSlots = 8;
// The tickets with a first response (those with an `S f` entry).
inline constexpr size_t kFirstResponseSlot = 8;
// The resolved tickets: finished or closed with a resolution time (those
// with an `S r` entry).
inline constexpr size_t kResolvedSlot = 9;
inline constexpr size_t kCellSlots = 10;

using CellSlots = std::array<int64_t, kCellSlots>;

constexpr size_t StateSlot(TicketStatus status, Awaiting awaiting) {
  return 2 * static_cast<size_t>(status) + static_cast<size_t>(awaiting);
}

struct CountCell {
  Channel channel = Channel::kApi;
  Priority priority = Priority::kNormal;
  std::string department;
  std::string operator_id;
  CellSlots slots{};
};

// True when `view` counts as resolved: finished or closed with a
// resolution time (a reopened ticket keeps its last resolution time but no
// longer counts).
bool Resolved(const TicketView& view);
// The cell key `view` counts in.
std::string CellKey(const TicketView& view);
// The prefix of every cell key of `account`.
std::string CellPrefix(std::string_view account);
// The slots `view` counts in, 1 each.
CellSlots CellSlotsOf(const TicketView& view);
// The slot vector of `slots` (zero slots left out; all zero is "").
std::string EncodeCellSlots(const CellSlots& slots);
// Decodes a cell key and its value; false when malformed.
bool DecodeCell(std::string_view key, std::string_view value, size_t prefix,
                CountCell& cell);

// The tickets of `cell` in one of `statuses` (any when empty) and awaiting
// `awaiting` (either when unset).
int64_t CellTickets(const CountCell& cell,
                    const std::vector<TicketStatus>& statuses = {},
                    std::optional<Awaiting> awaiting = std::nullopt);

// True when `query`'s filters are all on cell fields (status, department,
// operator or unassigned, channel, priority, awaiting), so that summing the
// matching counts of the cells gives its exact total.
bool CellsAnswer(const ListQuery& query);
// The tickets of `cell` that pass `query`'s filters on cell fields: none
// when the cell's key fails them, else those of the slots its status and
// awaiting filters select.
int64_t MatchingTickets(const ListQuery& query, const CountCell& cell);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_TICKET_COUNTS_H_
