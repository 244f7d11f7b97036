#include "bench/incident_workload.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "base/text.h"
#include "bench/model.h"
#include "import/incident_import.h"

namespace ticketlog::bench {
namespace {

using import::IncidentRow;
using import::RowTarget;

std::string Known(const std::string& value) {
  return value == "?" ? std::string() : value;
}

// "29-02-2016 01:16" (day first, UTC) to µs, as the import reads it.
std::optional<TimeUs> ParseRowTime(const std::string& text) {
  if (text.size() != 16 || text[2] != '-' || text[5] != '-' || text[10] != ' ') {
    return std::nullopt;
  }
  std::string iso = text.substr(6, 4) + "-" + text.substr(3, 2) + "-" +
                    text.substr(0, 2) + "T" + text.substr(11, 5) + ":00Z";
  return base::ParseTime(iso);
}

Channel ChannelOf(const std::string& contact_type) {
  if (contact_type == "Phone") return Channel::kPhone;
  if (contact_type == "Email") return Channel::kEmail;
  if (contact_type == "Self service") return Channel::kWeb;
  if (contact_type == "Direct opening") return Channel::kAgent;
  return Channel::kApi;
}

Priority PriorityOf(const std::string& priority) {
  if (priority.starts_with("1")) return Priority::kUrgent;
  if (priority.starts_with("2")) return Priority::kHigh;
  if (priority.starts_with("4")) return Priority::kLow;
  return Priority::kNormal;
}

Command MakeCommand(const std::string& account, CommandBody body, TimeUs at) {
  Command command;
  command.account = account;
  command.body = std::move(body);
  command.at_us = at;
  return command;
}

// The commands that take a ticket from `view` to the row's target, after
// the update that carries the row's time (as in src/import).
std::vector<CommandBody> Transitions(const TicketView& view,
                                     const RowTarget& target) {
  std::vector<CommandBody> out;
  const std::string& t = view.ticket;
  if (!target.department.empty() && target.department != view.department) {
    out.push_back(Transfer{t, target.department, target.operator_id});
  } else if (target.operator_id != view.operator_id) {
    if (target.operator_id.empty()) {
      out.push_back(UnlinkOperator{t});
    } else {
      out.push_back(LinkOperator{t, target.operator_id});
    }
  }
  bool finished = view.status == TicketStatus::kFinished;
  bool running = !view.custom_status.empty();
  switch (target.status) {
    case TicketStatus::kOpen:
      if (finished) out.push_back(Reopen{t});
      if (!finished && running) out.push_back(StopStatus{t});
      break;
    case TicketStatus::kPending:
      if (finished) out.push_back(Reopen{t});
      if (!finished && view.custom_status == target.custom_status) break;
      if (!finished && running) out.push_back(StopStatus{t});
      out.push_back(StartStatus{t, target.custom_status});
      break;
    case TicketStatus::kFinished:
      if (!finished) out.push_back(Finish{t, "Incident resolved.", "solved", {}});
      break;
    case TicketStatus::kClosed:
      if (!finished) out.push_back(Finish{t, "Incident resolved.", "solved", {}});
      out.push_back(Close{t});
      break;
  }
  return out;
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

  TimeUs first_time = INT64_MAX;
  std::set<std::string> groups, operators;
  std::map<std::string, std::string> statuses;  // id -> state name
  for (const auto& row : *rows) {
    if (auto t = ParseRowTime(row.updated_at)) first_time = std::min(first_time, *t);
    if (!Known(row.group).empty()) groups.insert(row.group);
    if (!Known(row.assigned_to).empty()) operators.insert(row.assigned_to);
    RowTarget target = import::TargetOf(row);
    if (!target.custom_status.empty()) statuses[target.custom_status] = row.state;
  }
  if (first_time == INT64_MAX) first_time = 0;
  for (const auto& g : groups) {
    run(MakeCommand(account, DefineDepartment{g, g}, first_time));
  }
  for (const auto& o : operators) {
    run(MakeCommand(account, RegisterOperator{o, o, {}}, first_time));
  }
  for (const auto& [id, name] : statuses) {
    run(MakeCommand(account, DefineStatus{id, name}, first_time));
  }

  for (const IncidentRow& row : *rows) {
    ++out.rows;
    std::optional<TimeUs> at = ParseRowTime(row.updated_at);
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
      update.priority = PriorityOf(row.priority);
      update.category = Known(row.category);
      first_ok = run(MakeCommand(account, std::move(update), *at));
    } else {
      OpenTicket open;
      open.ticket = ticket;
      open.subject = "Incident " + row.number;
      open.department = target.department;
      open.operator_id = target.operator_id;
      open.customer.id = Known(row.caller).empty() ? "unknown caller" : row.caller;
      open.customer.name = open.customer.id;
      open.channel = ChannelOf(row.contact_type);
      open.priority = PriorityOf(row.priority);
      open.category = Known(row.category);
      open.message = OpeningMessage{"Incident " + row.number + " opened.",
                                    MessageKind::kActivity};
      TimeUs opened = std::min(*at, ParseRowTime(row.opened_at).value_or(*at));
      first_ok = run(MakeCommand(account, std::move(open), opened));
      current.ticket = ticket;
      current.department = target.department;
      current.operator_id = target.operator_id;
    }
    if (!first_ok) {
      ++out.rows_dropped;
      continue;
    }
    for (auto& body : Transitions(current, target)) {
      if (!run(MakeCommand(account, std::move(body), *at))) break;
    }
  }
  return out;
}

}  // namespace ticketlog::bench
