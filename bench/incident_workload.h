// The real incident log (tests/data/incident_event_log.csv, a ServiceNow
// export) as a list of commands, so that it can be replayed through every
// backend of the comparison.
//
// It reads the rows and maps each one with src/import's own pieces
// (ReadIncidentRows, TargetOf, DirectoryCommands, OpeningOf, Transitions),
// as import::ImportIncidents does:
// the incident's first row opens its ticket, every later row is an update
// (priority, category) carrying the row's time followed by the transfer,
// link, status, finish, reopen or close commands that move the ticket to
// the row's state. ImportIncidents drives an engine and reads its views; a
// replay needs the commands up front, so the state is tracked with
// InMemoryModel instead, and rows the engine would refuse (out of time
// order, after the incident was closed) are dropped here.
#ifndef TICKETLOG_BENCH_INCIDENT_WORKLOAD_H_
#define TICKETLOG_BENCH_INCIDENT_WORKLOAD_H_

#include <cstddef>
#include <string>
#include <vector>

#include "ticketlog/commands.h"
#include "ticketlog/status.h"

namespace ticketlog::bench {

struct IncidentWorkload {
  std::vector<Command> commands;  // directory first, then rows in file order
  size_t rows = 0;
  size_t rows_dropped = 0;
};

// Reads `csv_path` and maps it into commands for `account`. io_error when
// the file cannot be read, invalid_argument when it is malformed.
StatusOr<IncidentWorkload> LoadIncidentWorkload(const std::string& csv_path,
                                                const std::string& account);

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_INCIDENT_WORKLOAD_H_
