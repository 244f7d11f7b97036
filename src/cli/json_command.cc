#include "cli/json_command.h"

#include <cstdint>
#include <string>
#include <utility>

#include "cli/json_reader.h"
#include "cli/strict_json.h"

namespace ticketlog::cli {
namespace {

using nlohmann::json;

// ---- One parser per op ----------------------------------------------------
// Each reads the op's fields into its command; the caller checks the
// reader's status and the fields nobody read.

CommandBody ParseDefineDepartment(ObjectReader& r) {
  DefineDepartment c;
  r.String("department", c.department);
  r.String("name", c.name);
  return c;
}

CommandBody ParseRegisterOperator(ObjectReader& r) {
  RegisterOperator c;
  r.String("operator", c.operator_id);
  r.String("name", c.name);
  r.StringList("departments", c.departments);
  return c;
}

CommandBody ParseRemoveOperator(ObjectReader& r) {
  RemoveOperator c;
  r.String("operator", c.operator_id);
  return c;
}

CommandBody ParseDefineStatus(ObjectReader& r) {
  DefineStatus c;
  r.String("status", c.status);
  r.String("name", c.name);
  r.Bool("resume_on_customer_reply", c.resume_on_customer_reply);
  return c;
}

CommandBody ParseUpdateContact(ObjectReader& r) {
  UpdateContact c;
  r.String("contact", c.contact);
  r.OptionalString("id", c.id);
  r.OptionalString("name", c.name);
  r.OptionalString("email", c.email);
  r.OptionalString("phone", c.phone);
  return c;
}

CommandBody ParseDefineSlaPolicy(ObjectReader& r) {
  DefineSlaPolicy c;
  r.String("policy", c.policy);
  r.String("name", c.name);
  std::vector<std::string> priorities;
  r.StringList("priorities", priorities);
  for (const std::string& name : priorities) {
    std::optional<Priority> priority = ParsePriority(name);
    if (!priority) {
      r.Fail("priorities",
             "'" + name + "' is not one of low, normal, high, urgent");
      break;
    }
    c.priorities.push_back(*priority);
  }
  r.String("department", c.department);
  // Any whole number is read, so that zero and negative seconds get the
  // decider's one message naming the field.
  for (auto [key, out] :
       {std::pair{"first_response_seconds", &c.first_response_seconds},
        std::pair{"resolution_seconds", &c.resolution_seconds}}) {
    const json* value = r.Find(key);
    if (value == nullptr) continue;
    if (value->is_number_integer() &&
        (value->is_number_unsigned()
             ? value->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)
             : true)) {
      *out = value->get<int64_t>();
    } else {
      r.Fail(key, "must be a whole number of seconds");
    }
  }
  return c;
}

CommandBody ParseOpenTicket(ObjectReader& r) {
  OpenTicket c;
  r.String("ticket", c.ticket);
  r.String("subject", c.subject);
  r.String("department", c.department);
  r.String("operator", c.operator_id);
  r.Customer("customer", c.customer);
  r.Channel("channel", c.channel);
  r.Priority("priority", c.priority);
  r.String("category", c.category);
  r.StringList("labels", c.labels);
  r.Attributes("custom_attributes", c.custom_attributes);
  std::string status;
  r.String("status", status);
  if (!status.empty()) {
    auto parsed = ParseTicketStatus(status);
    if (parsed) {
      c.status = *parsed;
    } else {
      r.Fail("status", "must be open, pending, finished or closed");
    }
  }
  r.String("resolution", c.resolution);
  r.Message("message", c.message);
  return c;
}

CommandBody ParseReply(ObjectReader& r) {
  Reply c;
  r.String("ticket", c.ticket);
  r.Author("author", c.author);
  r.Text({"content", "message"}, c.content);
  r.Attachments("attachments", c.attachments);
  return c;
}

CommandBody ParseComment(ObjectReader& r) {
  AddComment c;
  r.String("ticket", c.ticket);
  r.String("operator", c.operator_id);
  r.Text({"content", "comment"}, c.content);
  r.Attachments("attachments", c.attachments);
  return c;
}

CommandBody ParseTransfer(ObjectReader& r) {
  Transfer c;
  r.String("ticket", c.ticket);
  r.String("department", c.department);
  r.String("operator", c.operator_id);
  return c;
}

CommandBody ParseLinkOperator(ObjectReader& r) {
  LinkOperator c;
  r.String("ticket", c.ticket);
  r.String("operator", c.operator_id);
  return c;
}

CommandBody ParseUnlinkOperator(ObjectReader& r) {
  UnlinkOperator c;
  r.String("ticket", c.ticket);
  return c;
}

CommandBody ParseStartStatus(ObjectReader& r) {
  StartStatus c;
  r.String("ticket", c.ticket);
  r.String("status", c.status);
  r.String("comment", c.comment);
  return c;
}

CommandBody ParseStopStatus(ObjectReader& r) {
  StopStatus c;
  r.String("ticket", c.ticket);
  return c;
}

CommandBody ParseFinish(ObjectReader& r) {
  Finish c;
  r.String("ticket", c.ticket);
  r.Text({"content", "message"}, c.content);
  r.String("resolution", c.resolution);
  r.Attachments("attachments", c.attachments);
  return c;
}

CommandBody ParseReopen(ObjectReader& r) {
  Reopen c;
  r.String("ticket", c.ticket);
  return c;
}

CommandBody ParseClose(ObjectReader& r) {
  Close c;
  r.String("ticket", c.ticket);
  return c;
}

CommandBody ParseMerge(ObjectReader& r) {
  Merge c;
  r.String("ticket", c.ticket);
  r.String("into", c.into);
  return c;
}

CommandBody ParseUpdate(ObjectReader& r) {
  Update c;
  r.String("ticket", c.ticket);
  r.OptionalString("subject", c.subject);
  r.OptionalChannel("channel", c.channel);
  r.OptionalPriority("priority", c.priority);
  r.OptionalString("category", c.category);
  r.OptionalStringList("labels", c.labels);
  r.StringList("add_labels", c.add_labels);
  r.StringList("remove_labels", c.remove_labels);
  r.AttributeChanges("custom_attributes", c.custom_attributes);
  return c;
}

struct OpEntry {
  std::string_view name;
  CommandBody (*parse)(ObjectReader&);
};

// Same order as CommandBody, so OpName() of a parsed body is its op. A new
// op is one entry here (and its parser above); `apply --help` lists it with
// the fields its parser reads.
constexpr OpEntry kOps[] = {
    {"define_department", ParseDefineDepartment},
    {"register_operator", ParseRegisterOperator},
    {"remove_operator", ParseRemoveOperator},
    {"define_status", ParseDefineStatus},
    {"open_ticket", ParseOpenTicket},
    {"reply", ParseReply},
    {"comment", ParseComment},
    {"transfer", ParseTransfer},
    {"link_operator", ParseLinkOperator},
    {"unlink_operator", ParseUnlinkOperator},
    {"start_status", ParseStartStatus},
    {"stop_status", ParseStopStatus},
    {"finish", ParseFinish},
    {"reopen", ParseReopen},
    {"close", ParseClose},
    {"update", ParseUpdate},
    {"update_contact", ParseUpdateContact},
    {"define_sla_policy", ParseDefineSlaPolicy},
    {"merge", ParseMerge},
};

}  // namespace

bool NestedDeeperThan(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return true;
        break;
      case ']':
      case '}':
        // Unbalanced closers make the line invalid JSON; the parser says so.
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return false;
}

StatusOr<Command> ParseCommandLine(std::string_view line) {
  if (line.size() > kMaxCommandLineBytes) {
    return Status::InvalidArgument(
        "line", "longer than " + std::to_string(kMaxCommandLineBytes) +
                    " bytes (16 MiB)");
  }
  // nlohmann's parser keeps its own stack, but a value nested a million
  // levels deep still costs memory and a deep recursive destruction: refuse
  // it before parsing.
  if (NestedDeeperThan(line, kMaxJsonDepth)) {
    return Status::InvalidArgument(
        "line",
        "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  StatusOr<json> value = ParseStrictJson(line);
  if (!value.ok()) return value.status();
  return CommandFromJson(*value);
}

std::vector<OpFields> DescribeOps() {
  const json empty = json::object();
  std::vector<OpFields> ops;
  for (const OpEntry& entry : kOps) {
    ObjectReader r(empty, "");
    entry.parse(r);
    ops.push_back({entry.name, {r.known().begin(), r.known().end()}});
  }
  return ops;
}

StatusOr<Command> CommandFromJson(const json& value) {
  if (!value.is_object()) {
    return Status::InvalidArgument("line", "must be a JSON object");
  }
  ObjectReader r(value, "");
  std::string op;
  r.RequiredString("op", op);
  if (!r.ok()) return r.status();
  const OpEntry* entry = nullptr;
  for (const OpEntry& candidate : kOps) {
    if (candidate.name == op) entry = &candidate;
  }
  if (entry == nullptr) {
    constexpr size_t kMaxQuotedBytes = 64;
    if (op.size() > kMaxQuotedBytes) op = op.substr(0, kMaxQuotedBytes) + "...";
    return Status::InvalidArgument("op", "unknown op \"" + op + "\"");
  }

  Command command;
  r.RequiredString("account", command.account);
  r.String("command_id", command.command_id);
  r.UInt("expected_version", command.expected_version);
  r.Time("at", command.at_us);
  r.String("actor", command.actor);
  command.body = entry->parse(r);
  r.CheckNoUnknownFields("for op " + op);
  if (!r.ok()) return r.status();
  return command;
}

}  // namespace ticketlog::cli
