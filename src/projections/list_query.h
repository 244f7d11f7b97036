// List queries over the index entries of the ticket projection.
//
// A query reads either the account's whole list in its sort order (each
// entry carries the ticket's filter fields) or the smallest selective list
// its filters name (customer, operator, department, label), whichever is
// estimated to read less, and checks every filter on the records. The
// total is exact from the count cells and counters when they cover the
// filters (status, department, operator, channel, priority, awaiting; or a
// lone customer or label), and counted by reading every candidate
// otherwise. Pages are 50 tickets; a cursor resumes after the last ticket
// of a page with one seek. An unfiltered page by number finds its first
// ticket through the account's tickets per day (ListDayKey): it sums the
// days from the nearer end of the list and steps over at most half a day's
// entries. A filtered page by number steps over the matches before it.
#ifndef TICKETLOG_PROJECTIONS_LIST_QUERY_H_
#define TICKETLOG_PROJECTIONS_LIST_QUERY_H_

#include <optional>
#include <utility>

#include "store/event_store.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::projections {

// Runs `query` against the views at one snapshot. invalid_argument for a
// page of 0, a malformed cursor, or a cursor issued for another query.
StatusOr<ListPage> RunListQuery(store::EventStore& store,
                                const ListQuery& query);

// The number of tickets matching `query`, summed from the count cells.
// invalid_argument when the query filters on anything else (customer,
// label, time ranges). Its page, sort and cursor are ignored.
StatusOr<uint64_t> CountTickets(store::EventStore& store,
                                const ListQuery& query);

// The sort position (time, number) of the entry `rank` (0-based) of the
// account's unfiltered list in `sort` and `order`, found through the list
// days (ListDayKey) the way a page by number finds its first ticket;
// nullopt when rank is not below the account's ticket count, or the days
// disagree with the list as Lister::RankedPosition (list_query.cc) detects.
// corruption when a list day is malformed. The tests check pages by number
// against it.
StatusOr<std::optional<std::pair<TimeUs, uint64_t>>> ListPositionOfRank(
    store::EventStore& store, const std::string& account, SortBy sort,
    SortOrder order, uint64_t rank);

// The views of the account's tickets created in [from_us, to_us) (an unset
// bound is open), in created-time order, read at one snapshot from the
// created-time list and the ticket records.
StatusOr<std::vector<TicketView>> TicketsCreatedIn(
    store::EventStore& store, const std::string& account,
    std::optional<TimeUs> from_us, std::optional<TimeUs> to_us);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_LIST_QUERY_H_
