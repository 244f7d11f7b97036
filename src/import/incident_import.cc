#include "import/incident_import.h"

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cstdlib>
#include <istream>
#include <set>
#include <unordered_map>

#include "base/text.h"
#include "import/csv.h"

namespace ticketlog::import {
namespace {

constexpr std::string_view kUnknown = "?";

// Column names the import reads.
constexpr const char* kColumns[] = {
    "number",    "incident_state",   "sys_mod_count", "caller_id",
    "opened_at", "sys_updated_at",   "contact_type",  "category",
    "priority",  "assignment_group", "assigned_to"};
constexpr const char* kModCountAttribute = "servicenow_mod_count";

AttributeValue ModCount(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && *end == '\0') return value;
  return text;
}

std::string Known(const std::string& value) {
  return value == kUnknown ? std::string() : value;
}

Channel ChannelOf(const std::string& contact_type) {
  if (contact_type == "Phone") return Channel::kPhone;
  if (contact_type == "Email") return Channel::kEmail;
  if (contact_type == "Self service") return Channel::kWeb;
  if (contact_type == "Direct opening") return Channel::kAgent;
  return Channel::kApi;
}

// "Awaiting User Info" -> "awaiting_user_info".
std::string StatusId(const std::string& state) {
  std::string id;
  for (char c : state) {
    id.push_back(c == ' ' ? '_'
                          : static_cast<char>(
                                std::tolower(static_cast<unsigned char>(c))));
  }
  return id;
}

Command MakeCommand(const std::string& account, CommandBody body, TimeUs at) {
  Command command;
  command.account = account;
  command.body = std::move(body);
  command.at_us = at;
  return command;
}

}  // namespace

StatusOr<std::vector<IncidentRow>> ReadIncidentRows(std::istream& csv) {
  auto records = ReadCsv(csv);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return Status::InvalidArgument("csv", "the file is empty");
  }
  const std::vector<std::string>& header = records->front().fields;
  std::unordered_map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  std::vector<size_t> index;
  for (const char* name : kColumns) {
    auto it = column.find(name);
    if (it == column.end()) {
      return Status::InvalidArgument("csv", std::string("no column ") + name);
    }
    index.push_back(it->second);
  }

  std::vector<IncidentRow> rows;
  rows.reserve(records->size() - 1);
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    if (record.fields.size() != header.size()) {
      return Status::InvalidArgument(
          "csv", "line " + std::to_string(record.line) + " has " +
                     std::to_string(record.fields.size()) +
                     " fields, the header " + std::to_string(header.size()));
    }
    IncidentRow row;
    row.line = record.line;
    std::string* targets[] = {
        &row.number,    &row.state,      &row.mod_count,    &row.caller,
        &row.opened_at, &row.updated_at, &row.contact_type, &row.category,
        &row.priority,  &row.group,      &row.assigned_to};
    for (size_t i = 0; i < index.size(); ++i) {
      *targets[i] = record.fields[index[i]];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

RowTarget TargetOf(const IncidentRow& row) {
  RowTarget target;
  target.department = Known(row.group);
  target.operator_id = Known(row.assigned_to);
  if (row.state.starts_with("Awaiting")) {
    target.status = TicketStatus::kPending;
    target.custom_status = StatusId(row.state);
  } else if (row.state == "Resolved") {
    target.status = TicketStatus::kFinished;
  } else if (row.state == "Closed") {
    target.status = TicketStatus::kClosed;
  }
  return target;
}

std::string IncidentTicketId(const std::string& number) {
  // A fixed namespace for incident numbers (a random UUID, chosen once).
  static const boost::uuids::uuid kNamespace = {
      {0x5c, 0x1e, 0x7a, 0x43, 0x9b, 0x2d, 0x4f, 0x61, 0x8a, 0x0e, 0x3c, 0x55,
       0x71, 0xd2, 0x96, 0x08}};
  boost::uuids::name_generator_sha1 generator(kNamespace);
  return boost::uuids::to_string(generator(number));
}

std::optional<TimeUs> ParseRowTime(const std::string& text) {
  if (text.size() != 16 || text[2] != '-' || text[5] != '-' ||
      text[10] != ' ') {
    return std::nullopt;
  }
  std::string iso = text.substr(6, 4) + "-" + text.substr(3, 2) + "-" +
                    text.substr(0, 2) + "T" + text.substr(11, 5) + ":00Z";
  return base::ParseTime(iso);
}

Priority PriorityOf(const IncidentRow& row) {
  if (row.priority.starts_with("1")) return Priority::kUrgent;
  if (row.priority.starts_with("2")) return Priority::kHigh;
  if (row.priority.starts_with("4")) return Priority::kLow;
  return Priority::kNormal;
}

std::string CategoryOf(const IncidentRow& row) { return Known(row.category); }

std::vector<Command> DirectoryCommands(const std::string& account,
                                       const std::vector<IncidentRow>& rows) {
  TimeUs first_time = INT64_MAX;
  std::set<std::string> groups, operators, states;
  for (const auto& row : rows) {
    if (auto t = ParseRowTime(row.updated_at))
      first_time = std::min(first_time, *t);
    if (!Known(row.group).empty()) groups.insert(row.group);
    if (!Known(row.assigned_to).empty()) operators.insert(row.assigned_to);
    if (row.state.starts_with("Awaiting")) states.insert(row.state);
  }
  if (first_time == INT64_MAX) first_time = 0;
  std::vector<Command> directory;
  for (const auto& g : groups) {
    directory.push_back(
        MakeCommand(account, DefineDepartment{g, g}, first_time));
  }
  for (const auto& o : operators) {
    directory.push_back(
        MakeCommand(account, RegisterOperator{o, o, {}}, first_time));
  }
  for (const auto& s : states) {
    directory.push_back(
        MakeCommand(account, DefineStatus{StatusId(s), s}, first_time));
  }
  return directory;
}

Opening OpeningOf(const IncidentRow& row, const RowTarget& target, TimeUs at) {
  Opening out;
  OpenTicket& open = out.open;
  open.ticket = IncidentTicketId(row.number);
  open.subject = "Incident " + row.number;
  open.department = target.department;
  open.operator_id = target.operator_id;
  open.customer.id = Known(row.caller).empty() ? "unknown caller" : row.caller;
  open.customer.name = open.customer.id;
  open.channel = ChannelOf(row.contact_type);
  open.priority = PriorityOf(row);
  open.category = Known(row.category);
  open.message = OpeningMessage{"Incident " + row.number + " opened.",
                                MessageKind::kActivity};
  out.at_us = std::min(at, ParseRowTime(row.opened_at).value_or(at));
  return out;
}

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
      if (!finished) out.push_back(Finish{t, "Incident resolved.", "solved"});
      break;
    case TicketStatus::kClosed:
      if (!finished) out.push_back(Finish{t, "Incident resolved.", "solved"});
      out.push_back(Close{t});
      break;
  }
  return out;
}

StatusOr<ImportReport> ImportIncidents(
    Engine& engine, const std::string& account,
    const std::vector<IncidentRow>& rows,
    const std::function<void(size_t)>& progress) {
  ImportReport report;
  for (const auto& command : DirectoryCommands(account, rows)) {
    auto result = engine.Execute(command);
    if (!result.ok()) return result.status();
  }

  for (const auto& row : rows) {
    ++report.rows;
    RowTarget target = TargetOf(row);
    std::string ticket = IncidentTicketId(row.number);
    auto refuse = [&](const Status& status) {
      ++report.refused_by_code[std::string(CodeName(status.code()))];
      report.refusals.push_back("line " + std::to_string(row.line) + " (" +
                                row.number + "): " + status.ToString());
    };
    std::optional<TimeUs> at = ParseRowTime(row.updated_at);
    if (!at) {
      refuse(Status::InvalidArgument(
          "sys_updated_at", "not a DD-MM-YYYY HH:MM time: " + row.updated_at));
      if (progress) progress(report.rows);
      continue;
    }
    std::vector<Command> commands;
    auto view = engine.GetTicket(account, ticket);
    TicketView current;
    if (view.ok()) {
      current = std::move(*view);
    } else if (view.status().code() == Code::kNotFound) {
      // The ticket is created when the incident was opened; the row itself
      // is the record's first observed revision, at its own time.
      Opening opening = OpeningOf(row, target, *at);
      commands.push_back(
          MakeCommand(account, std::move(opening.open), opening.at_us));
      current.ticket = ticket;
      current.department = target.department;
      current.operator_id = target.operator_id;
    } else {
      return view.status();
    }
    Update update;
    update.ticket = ticket;
    update.priority = PriorityOf(row);
    update.category = CategoryOf(row);
    update.custom_attributes[kModCountAttribute] = ModCount(row.mod_count);
    commands.push_back(MakeCommand(account, std::move(update), *at));
    for (auto& body : Transitions(current, target)) {
      commands.push_back(MakeCommand(account, std::move(body), *at));
    }

    bool accepted = true;
    for (size_t i = 0; i < commands.size(); ++i) {
      ++report.commands;
      auto result = engine.Execute(commands[i]);
      if (result.ok()) continue;
      Code code = result.status().code();
      if (code == Code::kIoError || code == Code::kCorruption) {
        return result.status();
      }
      Status status = result.status();
      if (i > 0) {
        status = Status(
            code, "after " + std::to_string(i) +
                      " accepted commands of the row: " + status.message());
      }
      refuse(status);
      accepted = false;
      break;
    }
    if (accepted) {
      ++report.rows_accepted;
      report.last_accepted[row.number] = row;
    }
    if (progress) progress(report.rows);
  }
  return report;
}

}  // namespace ticketlog::import
