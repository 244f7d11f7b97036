// Events as JSON, for `history` and `dump`. A payload's keys are the spec's
// field names, the same as in the command that caused the event ("operator",
// not "operator_id"), so that a dump reads like the commands it records.
#include <variant>

#include "base/text.h"
#include "cli/json_view.h"

namespace ticketlog::cli {
namespace {

OutJson Labels(const std::vector<std::string>& labels) {
  OutJson out = OutJson::array();
  for (const auto& label : labels) out.push_back(label);
  return out;
}

// {"policy","first_response_seconds","resolution_seconds"}; the policy is
// null when none applies any more.
OutJson SlaJson(const SlaTargets& sla) {
  OutJson out = OutJson::object();
  out["policy"] = TextOrNull(sla.policy);
  out["first_response_seconds"] = sla.first_response_seconds > 0
                                      ? OutJson(sla.first_response_seconds)
                                      : OutJson(nullptr);
  out["resolution_seconds"] = sla.resolution_seconds > 0
                                  ? OutJson(sla.resolution_seconds)
                                  : OutJson(nullptr);
  return out;
}

OutJson Payload(const TicketOpened& e) {
  OutJson out = OutJson::object();
  out["ticket"] = e.ticket;
  out["number"] = e.number;
  out["subject"] = e.subject;
  out["department"] = TextOrNull(e.department);
  out["operator"] = TextOrNull(e.operator_id);
  out["customer"] = CustomerJson(e.customer);
  out["new_contact"] = e.new_contact;
  out["channel"] = Name(e.channel);
  out["priority"] = Name(e.priority);
  out["category"] = TextOrNull(e.category);
  out["labels"] = Labels(e.labels);
  out["custom_attributes"] = AttributesJson(e.custom_attributes);
  out["status"] = Name(e.status);
  out["custom_status"] = TextOrNull(e.custom_status);
  out["message"] = e.message ? MessageJson(*e.message) : OutJson(nullptr);
  // Only present when a policy applies: events of tickets without one read
  // as they did before SLA policies existed.
  if (e.sla) out["sla"] = SlaJson(*e.sla);
  return out;
}

OutJson Payload(const MessageAdded& e) {
  OutJson out = OutJson::object();
  out["message"] = MessageJson(e.message);
  return out;
}

OutJson Payload(const TicketTransferred& e) {
  OutJson out = OutJson::object();
  out["from_department"] = TextOrNull(e.from_department);
  out["to_department"] = TextOrNull(e.to_department);
  out["from_operator"] = TextOrNull(e.from_operator);
  out["to_operator"] = TextOrNull(e.to_operator);
  if (e.sla) out["sla"] = SlaJson(*e.sla);
  return out;
}

OutJson Payload(const OperatorLinked& e) {
  OutJson out = OutJson::object();
  out["operator"] = TextOrNull(e.operator_id);
  out["previous_operator"] = TextOrNull(e.previous_operator);
  return out;
}

OutJson Payload(const OperatorUnlinked& e) {
  OutJson out = OutJson::object();
  out["operator"] = TextOrNull(e.operator_id);
  return out;
}

OutJson Payload(const StatusStarted& e) {
  OutJson out = OutJson::object();
  out["status"] = e.status;
  out["comment"] = TextOrNull(e.comment);
  return out;
}

OutJson Payload(const StatusStopped& e) {
  OutJson out = OutJson::object();
  out["status"] = e.status;
  out["duration_seconds"] = Seconds(e.duration_us);
  return out;
}

OutJson Payload(const TicketFinished& e) {
  OutJson out = OutJson::object();
  out["resolution"] = TextOrNull(e.resolution);
  return out;
}

OutJson Payload(const TicketReopened& e) {
  OutJson out = OutJson::object();
  out["by_customer_reply"] = e.by_customer_reply;
  return out;
}

OutJson Payload(const TicketClosed& e) {
  OutJson out = OutJson::object();
  out["note"] = TextOrNull(e.note);
  return out;
}

// Only the fields that changed are present; custom_attributes lists the set
// values and, as null, the removed keys — the shape of an update command.
OutJson Payload(const TicketUpdated& e) {
  OutJson out = OutJson::object();
  if (e.subject) out["subject"] = *e.subject;
  if (e.channel) out["channel"] = Name(*e.channel);
  if (e.priority) out["priority"] = Name(*e.priority);
  if (e.category) out["category"] = TextOrNull(*e.category);
  if (e.labels) out["labels"] = Labels(*e.labels);
  if (!e.set_attributes.empty() || !e.removed_attributes.empty()) {
    OutJson attributes = AttributesJson(e.set_attributes);
    for (const auto& key : e.removed_attributes) attributes[key] = nullptr;
    out["custom_attributes"] = std::move(attributes);
  }
  if (e.sla) out["sla"] = SlaJson(*e.sla);
  return out;
}

OutJson Payload(const DepartmentDefined& e) {
  OutJson out = OutJson::object();
  out["department"] = e.department;
  out["name"] = TextOrNull(e.name);
  return out;
}

OutJson Payload(const OperatorRegistered& e) {
  OutJson out = OutJson::object();
  out["operator"] = e.operator_id;
  out["name"] = TextOrNull(e.name);
  out["departments"] = Labels(e.departments);
  return out;
}

OutJson Payload(const OperatorRemoved& e) {
  OutJson out = OutJson::object();
  out["operator"] = e.operator_id;
  return out;
}

OutJson Payload(const StatusDefined& e) {
  OutJson out = OutJson::object();
  out["status"] = e.status;
  out["name"] = TextOrNull(e.name);
  out["resume_on_customer_reply"] = e.resume_on_customer_reply;
  return out;
}

OutJson Payload(const ContactUpdated& e) {
  OutJson out = OutJson::object();
  out["customer"] = CustomerJson(e.customer);
  return out;
}

OutJson Payload(const SlaPolicyDefined& e) {
  OutJson out = OutJson::object();
  out["policy"] = e.policy;
  out["name"] = TextOrNull(e.name);
  OutJson priorities = OutJson::array();
  for (Priority p : e.priorities) priorities.push_back(Name(p));
  out["priorities"] = std::move(priorities);
  out["department"] = TextOrNull(e.department);
  out["first_response_seconds"] = e.first_response_seconds > 0
                                      ? OutJson(e.first_response_seconds)
                                      : OutJson(nullptr);
  out["resolution_seconds"] = e.resolution_seconds > 0
                                  ? OutJson(e.resolution_seconds)
                                  : OutJson(nullptr);
  return out;
}

OutJson Payload(const TicketMergedInto& e) {
  OutJson out = OutJson::object();
  out["into"] = e.ticket;
  out["into_number"] = e.number;
  return out;
}

OutJson Payload(const TicketMergedFrom& e) {
  OutJson out = OutJson::object();
  out["from"] = e.ticket;
  out["from_number"] = e.number;
  OutJson messages = OutJson::array();
  for (const Message& message : e.messages) {
    messages.push_back(MessageJson(message));
  }
  out["messages"] = std::move(messages);
  return out;
}

}  // namespace

OutJson PayloadJson(const EventPayload& payload) {
  return std::visit([](const auto& e) { return Payload(e); }, payload);
}

OutJson EventJson(const Event& event) {
  OutJson out = OutJson::object();
  out["position"] = event.position;
  out["version"] = event.version;
  out["type"] = EventTypeName(event.payload);
  out["event_id"] = event.event_id;
  out["account"] = event.account;
  out["stream"] = event.stream;
  out["occurred_at"] = base::FormatTime(event.occurred_at_us);
  out["recorded_at"] = base::FormatTime(event.recorded_at_us);
  OutJson actor = OutJson::object();
  actor["kind"] = Name(event.actor.kind);
  actor["id"] = TextOrNull(event.actor.id);
  out["actor"] = std::move(actor);
  out["command_id"] = TextOrNull(event.command_id);
  out["schema_version"] = event.schema_version;
  out["prev_hash"] = event.prev_hash;
  out["hash"] = event.hash;
  out["payload"] = PayloadJson(event.payload);
  return out;
}

}  // namespace ticketlog::cli
