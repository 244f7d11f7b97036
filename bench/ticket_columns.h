// The SQLite peer's `tickets` table: one column per TicketView field, with
// the conversions both ways. The peer writes a ticket's row from its view,
// reads views back from rows, records each event's changes as the columns it
// changed, and rebuilds a past view (as of a time) by folding those changes.
#ifndef TICKETLOG_BENCH_TICKET_COLUMNS_H_
#define TICKETLOG_BENCH_TICKET_COLUMNS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/sqlite_util.h"
#include "ticketlog/views.h"

namespace ticketlog::bench {

struct TicketColumn {
  const char* name;
  const char* sql_type;  // declaration in CREATE TABLE
  SqlValue (*get)(const TicketView& view);
  // False when the value does not fit the field (corrupt row).
  bool (*set)(TicketView& view, const SqlValue& value);
};

// In table order; the first column is the primary key `ticket`.
const std::vector<TicketColumn>& TicketColumns();

// Index of the column called `name` in TicketColumns(), or -1.
int TicketColumnIndex(std::string_view name);

// "ticket, account, number, ...": the select list of every column.
const std::string& TicketColumnList();

// The columns whose values differ between `before` and `after`, with the
// values of `after`.
std::vector<std::pair<std::string, SqlValue>> ChangedColumns(
    const TicketView& before, const TicketView& after);

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_TICKET_COLUMNS_H_
