// Imports the ServiceNow incident event log (tests/data/incident_event_log.csv)
// into an engine as ticket commands: one ticket per incident, each later row
// driving the ticket to the row's state, group and assignee. Used by the
// demo, the tests and the benchmarks; it uses the public API only.
//
// Each row becomes: an update (priority, category, and the record's change
// counter as the custom attribute "servicenow_mod_count", so that every row
// is an event and its time is checked against the ticket's last one), then
// whatever transfer, link, status, finish, reopen or close commands move the
// ticket from its current view to the row. A row whose first command is refused
// (a row out of time order, a row after the incident was closed) changes
// nothing and is reported with its error.
#ifndef TICKETLOG_IMPORT_INCIDENT_IMPORT_H_
#define TICKETLOG_IMPORT_INCIDENT_IMPORT_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ticketlog/engine.h"

namespace ticketlog::import {

// The columns of one CSV row that the import uses. "?" is kept as is.
struct IncidentRow {
  size_t line = 0;  // 1-based line in the file
  std::string number;
  std::string state;      // New, Active, Awaiting …, Resolved, Closed
  std::string mod_count;  // sys_mod_count: the record's change counter
  std::string caller;
  std::string opened_at;
  std::string updated_at;  // DD-MM-YYYY HH:MM
  std::string contact_type;
  std::string category;
  std::string priority;  // "1 - Critical" … "4 - Low"
  std::string group;
  std::string assigned_to;
};

// Parses the CSV (header line first). invalid_argument naming the line for
// a row with the wrong number of columns.
StatusOr<std::vector<IncidentRow>> ReadIncidentRows(std::istream& csv);

// What a row means for the ticket.
struct RowTarget {
  TicketStatus status = TicketStatus::kOpen;
  std::string custom_status;  // for Awaiting … rows
  std::string department;     // "" for "?"
  std::string operator_id;    // "" for "?"
};
RowTarget TargetOf(const IncidentRow& row);

// The ticket id of an incident: a name-based UUID of its number, so that
// importing twice names the same tickets.
std::string IncidentTicketId(const std::string& number);

// The pieces of the row mapping, shared with the benchmark's replay of the
// same log (bench/incident_workload.cc) so both send the same commands.

// A row time ("29-02-2016 01:16", day first, UTC); nullopt when malformed.
std::optional<TimeUs> ParseRowTime(const std::string& text);

// The directory the rows need (every group, assignee and Awaiting… state),
// defined at the earliest row time.
std::vector<Command> DirectoryCommands(const std::string& account,
                                       const std::vector<IncidentRow>& rows);

// The OpenTicket that creates an incident's ticket from its first row, and
// the time it is opened at: the incident's opened_at, or the row's time
// `at` when that is earlier or opened_at is malformed.
struct Opening {
  OpenTicket open;
  TimeUs at_us = 0;
};
Opening OpeningOf(const IncidentRow& row, const RowTarget& target, TimeUs at);

// The priority and category a row sets on its ticket ("?" is none).
Priority PriorityOf(const IncidentRow& row);
std::string CategoryOf(const IncidentRow& row);

// The commands that take a ticket from `view` to the row's target, after
// the update that carries the row's time.
std::vector<CommandBody> Transitions(const TicketView& view,
                                     const RowTarget& target);

struct ImportReport {
  size_t rows = 0;
  size_t rows_accepted = 0;
  size_t commands = 0;  // commands executed, accepted or not
  std::map<std::string, size_t> refused_by_code;
  // One line per refused row: "line N (INC…): code: message".
  std::vector<std::string> refusals;
  // For each incident, its last accepted row.
  std::map<std::string, IncidentRow> last_accepted;
};

// Defines the departments, operators and statuses the rows name, then
// imports every row into `account`. `progress`, when set, is called after
// each row with the number of rows done. Returns io_error or corruption
// only when the engine fails; refused rows are counted in the report.
StatusOr<ImportReport> ImportIncidents(
    Engine& engine, const std::string& account,
    const std::vector<IncidentRow>& rows,
    const std::function<void(size_t)>& progress = nullptr);

}  // namespace ticketlog::import

#endif  // TICKETLOG_IMPORT_INCIDENT_IMPORT_H_
