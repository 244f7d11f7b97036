// List queries over the index entries of the ticket projection.
//
// A query reads the one index list (or the few, merged, for several
// statuses or customers) with the fewest tickets among those its filters
// name, and checks the other filters against the index records: it never
// scans the whole account unless the query has no list-narrowing filter.
// The total comes from a counter when the list read is exactly the filter,
// and from the scan otherwise. Pages are 50 tickets; a cursor resumes after
// the last ticket of a page with one seek.
#ifndef TICKETLOG_PROJECTIONS_LIST_QUERY_H_
#define TICKETLOG_PROJECTIONS_LIST_QUERY_H_

#include "store/event_store.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::projections {

// Runs `query` against the views at one snapshot. invalid_argument for a
// page of 0, a malformed cursor, or a cursor issued for another query.
StatusOr<ListPage> RunListQuery(store::EventStore& store,
                                const ListQuery& query);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_LIST_QUERY_H_
