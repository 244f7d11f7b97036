// The evolvers: fold one event into a ticket view or a directory. They
// trust the event (the deciders checked it) and never fail.
#include <string>
#include <type_traits>
#include <variant>

#include "base/normalize.h"
#include "domain/decide.h"

namespace ticketlog::domain {
namespace {

template <typename T>
constexpr bool kIsDirectoryEvent =
    std::is_same_v<T, DepartmentDefined> ||
    std::is_same_v<T, OperatorRegistered> ||
    std::is_same_v<T, OperatorRemoved> || std::is_same_v<T, StatusDefined> ||
    std::is_same_v<T, SlaPolicyDefined>;

// An event's SLA field: nullopt leaves the ticket's policy as it is; an
// empty policy means none applies any more.
void ApplySla(TicketView& view, const std::optional<SlaTargets>& sla) {
  if (!sla) return;
  if (sla->policy.empty()) {
    view.sla.reset();
  } else {
    view.sla = sla;
  }
}

// Counts a message and updates who the ticket waits for. Only public
// messages to or from the customer move `awaiting`; first_response counts
// the first outgoing reply by an operator after the ticket opened.
void AddMessage(TicketView& view, const Message& message, TimeUs at_us,
                bool opening) {
  ++view.message_count;
  if (message.is_private) return;
  if (message.kind == MessageKind::kIncoming) {
    view.awaiting = Awaiting::kOperator;
  } else if (message.kind == MessageKind::kOutgoing) {
    view.awaiting = Awaiting::kCustomer;
    if (!opening && message.author == ActorKind::kOperator &&
        !view.first_response_at_us) {
      view.first_response_at_us = at_us;
      view.first_response_us = at_us - view.created_at_us;
    }
  }
}

void Apply(TicketView& view, const TicketOpened& e, TimeUs at_us) {
  view.ticket = e.ticket;
  view.number = e.number;
  view.subject = e.subject;
  view.department = e.department;
  view.operator_id = e.operator_id;
  view.customer = e.customer;
  view.channel = e.channel;
  view.priority = e.priority;
  view.category = e.category;
  // Events written before labels were normalised may carry any case.
  view.labels = base::NormalizeLabels(e.labels);
  view.custom_attributes = e.custom_attributes;
  view.status = e.status;
  view.custom_status = e.custom_status;
  view.created_at_us = at_us;
  ApplySla(view, e.sla);
  if (!e.custom_status.empty()) view.status_started_at_us = at_us;
  if (e.message) AddMessage(view, *e.message, at_us, /*opening=*/true);
}

void Apply(TicketView& view, const MessageAdded& e, TimeUs at_us) {
  AddMessage(view, e.message, at_us, /*opening=*/false);
}

void Apply(TicketView& view, const TicketTransferred& e, TimeUs) {
  view.department = e.to_department;
  view.operator_id = e.to_operator;
  ApplySla(view, e.sla);
  ++view.transfer_count;
}

void Apply(TicketView& view, const OperatorLinked& e, TimeUs) {
  view.operator_id = e.operator_id;
}

void Apply(TicketView& view, const OperatorUnlinked&, TimeUs) {
  view.operator_id.clear();
}

void Apply(TicketView& view, const StatusStarted& e, TimeUs at_us) {
  view.status = TicketStatus::kPending;
  view.custom_status = e.status;
  view.status_started_at_us = at_us;
}

void Apply(TicketView& view, const StatusStopped& e, TimeUs) {
  view.paused_us += e.duration_us;
  view.status_durations_us[e.status] += e.duration_us;
  view.custom_status.clear();
  view.status_started_at_us = 0;
  if (view.status == TicketStatus::kPending) view.status = TicketStatus::kOpen;
}

void Apply(TicketView& view, const TicketFinished& e, TimeUs at_us) {
  view.status = TicketStatus::kFinished;
  view.finished_at_us = at_us;
  view.resolution_us = at_us - view.created_at_us - view.paused_us;
  view.resolution = e.resolution;
}

// finished_at_us and resolution_us keep the last finish: a reopened ticket
// still shows when it was last resolved.
void Apply(TicketView& view, const TicketReopened&, TimeUs) {
  view.status = TicketStatus::kOpen;
  ++view.reopen_count;
}

void Apply(TicketView& view, const TicketClosed&, TimeUs at_us) {
  view.status = TicketStatus::kClosed;
  view.closed_at_us = at_us;
}

void Apply(TicketView& view, const TicketUpdated& e, TimeUs) {
  if (e.subject) view.subject = *e.subject;
  if (e.channel) view.channel = *e.channel;
  if (e.priority) view.priority = *e.priority;
  if (e.category) view.category = *e.category;
  if (e.labels) view.labels = base::NormalizeLabels(*e.labels);
  for (const auto& [key, value] : e.set_attributes) {
    view.custom_attributes.insert_or_assign(key, value);
  }
  for (const auto& key : e.removed_attributes) {
    view.custom_attributes.erase(key);
  }
  ApplySla(view, e.sla);
}

// The ticket's copy of its contact's details; other tickets of the contact
// read them from the contact view.
void Apply(TicketView& view, const ContactUpdated& e, TimeUs) {
  if (e.customer.contact == view.customer.contact) view.customer = e.customer;
}

void Apply(TicketView& view, const TicketMergedInto& e, TimeUs) {
  view.merged_into = e.ticket;
}

// The copies are history brought over: they count as messages but move
// neither `awaiting` nor the first response.
void Apply(TicketView& view, const TicketMergedFrom& e, TimeUs) {
  view.message_count += static_cast<uint32_t>(e.messages.size());
  view.merged_from.push_back(e.ticket);
}

void Apply(DirectoryState& state, const DepartmentDefined& e) {
  state.departments.insert_or_assign(e.department, e.name);
}

void Apply(DirectoryState& state, const OperatorRegistered& e) {
  state.operators.insert_or_assign(e.operator_id,
                                   OperatorInfo{e.name, e.departments});
}

void Apply(DirectoryState& state, const OperatorRemoved& e) {
  state.operators.erase(e.operator_id);
}

void Apply(DirectoryState& state, const StatusDefined& e) {
  state.statuses.insert_or_assign(e.status, e.name);
  if (e.resume_on_customer_reply) {
    state.statuses_held_on_customer_reply.erase(e.status);
  } else {
    state.statuses_held_on_customer_reply.insert(e.status);
  }
}

// A redefinition (a rename) keeps the policy's place in the order.
void Apply(DirectoryState& state, const SlaPolicyDefined& e) {
  for (SlaPolicyDefined& known : state.sla_policies) {
    if (known.policy == e.policy) {
      known = e;
      return;
    }
  }
  state.sla_policies.push_back(e);
}

}  // namespace

void EvolveTicket(TicketView& view, const Event& event) {
  std::visit(
      [&](const auto& payload) {
        using T = std::decay_t<decltype(payload)>;
        if constexpr (!kIsDirectoryEvent<T>) {
          Apply(view, payload, event.occurred_at_us);
          view.account = event.account;
          view.updated_at_us = event.occurred_at_us;
          view.version = event.version;
        }
      },
      event.payload);
}

void EvolveDirectory(DirectoryState& state, const Event& event) {
  std::visit(
      [&](const auto& payload) {
        using T = std::decay_t<decltype(payload)>;
        if constexpr (kIsDirectoryEvent<T>) Apply(state, payload);
        state.version = event.version;
        state.updated_at_us = event.occurred_at_us;
      },
      event.payload);
}

}  // namespace ticketlog::domain
