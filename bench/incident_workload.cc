#include "bench/incident_workload.h"

#include <fstream>
#include <optional>
#include <utility>

#include "bench/model.h"
#include "import/incident_import.h"

namespace ticketlog::bench {
namespace {

using import::IncidentRow;
using import::RowTarget;

Command MakeCommand(const std::string& account, CommandBody body, TimeUs at) {
  Command command;
  command.account = account;
  command.body = std::move(body);
  command.at_us = at;
  return command;
}

}  // namespace

StatusOr<IncidentWorkload> LoadIncidentWorkload(const std::string& csv_path,
                                                const std::string& account) {
  std::ifstream in(csv_path);
  if (!in) return Status::IoError("cannot read " + csv_path);
  auto rows = import::ReadIncidentRows(in);
  if (!rows.ok()) return rows.status();

  IncidentWorkload out;
  InMemoryModel model;
  // Commands of a row are kept up to the first one the engine would refuse;
  // ImportIncidents stops a row at the same place.
  auto run = [&](Command command) {
    if (!model.Apply(command).ok()) return false;
    out.commands.push_back(std::move(command));
    return true;
  };

  for (Command& command : import::DirectoryCommands(account, *rows)) {
    run(std::move(command));
  }

  for (const IncidentRow& row : *rows) {
    ++out.rows;
    std::optional<TimeUs> at = import::ParseRowTime(row.updated_at);
    if (!at) {
      ++out.rows_dropped;
      continue;
    }
    RowTarget target = import::TargetOf(row);
    std::string ticket = import::IncidentTicketId(row.number);
    const TicketView* view = model.Ticket(account, ticket);
    TicketView current;
    bool first_ok;
    if (view) {
      current = *view;
      Update update;
      update.ticket = ticket;
      update.priority = import::PriorityOf(row);
      update.category = import::CategoryOf(row);
      first_ok = run(MakeCommand(account, std::move(update), *at));
    } else {
      import::Opening opening = import::OpeningOf(row, target, *at);
      first_ok =
          run(MakeCommand(account, std::move(opening.open), opening.at_us));
      current.ticket = ticket;
      current.department = target.department;
      current.operator_id = target.operator_id;
    }
    if (!first_ok) {
      ++out.rows_dropped;
      continue;
    }
    for (auto& body : import::Transitions(current, target)) {
      if (!run(MakeCommand(account, std::move(body), *at))) break;
    }
  }
  return out;
}

}  // namespace ticketlog::bench
