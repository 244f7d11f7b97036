// Events: the facts of the append-only log, as read back through the public
// API (history, dump). Past-tense names, one struct per event type; they
// mirror schemas/events.fbs.
//
// Plain values; thread-compatible.
#ifndef TICKETLOG_EVENTS_H_
#define TICKETLOG_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ticketlog/types.h"

namespace ticketlog {

struct TicketOpened {
  std::string ticket;
  uint64_t number = 0;
  std::string subject;
  std::string department;
  std::string operator_id;
  Customer customer;
  bool new_contact = false;
  Channel channel = Channel::kApi;
  Priority priority = Priority::kNormal;
  std::string category;
  std::vector<std::string> labels;
  Attributes custom_attributes;
  TicketStatus status = TicketStatus::kOpen;
  std::string custom_status;
  std::optional<Message> message;
  friend bool operator==(const TicketOpened&, const TicketOpened&) = default;
};

struct MessageAdded {
  Message message;
  friend bool operator==(const MessageAdded&, const MessageAdded&) = default;
};

struct TicketTransferred {
  std::string from_department;
  std::string to_department;
  std::string from_operator;
  std::string to_operator;
  friend bool operator==(const TicketTransferred&,
                         const TicketTransferred&) = default;
};

struct OperatorLinked {
  std::string operator_id;
  std::string previous_operator;
  friend bool operator==(const OperatorLinked&,
                         const OperatorLinked&) = default;
};

struct OperatorUnlinked {
  std::string operator_id;
  friend bool operator==(const OperatorUnlinked&,
                         const OperatorUnlinked&) = default;
};

struct StatusStarted {
  std::string status;
  friend bool operator==(const StatusStarted&, const StatusStarted&) = default;
};

struct StatusStopped {
  std::string status;
  int64_t duration_us = 0;
  friend bool operator==(const StatusStopped&, const StatusStopped&) = default;
};

struct TicketFinished {
  std::string resolution;
  friend bool operator==(const TicketFinished&,
                         const TicketFinished&) = default;
};

struct TicketReopened {
  bool by_customer_reply = false;
  friend bool operator==(const TicketReopened&,
                         const TicketReopened&) = default;
};

struct TicketClosed {
  std::string note;
  friend bool operator==(const TicketClosed&, const TicketClosed&) = default;
};

// Only the fields that are set changed.
struct TicketUpdated {
  std::optional<std::string> subject;
  std::optional<Channel> channel;
  std::optional<Priority> priority;
  std::optional<std::string> category;
  std::optional<std::vector<std::string>> labels;
  Attributes set_attributes;
  std::vector<std::string> removed_attributes;
  friend bool operator==(const TicketUpdated&, const TicketUpdated&) = default;
};

struct DepartmentDefined {
  std::string department;
  std::string name;
  friend bool operator==(const DepartmentDefined&,
                         const DepartmentDefined&) = default;
};

struct OperatorRegistered {
  std::string operator_id;
  std::string name;
  std::vector<std::string> departments;
  friend bool operator==(const OperatorRegistered&,
                         const OperatorRegistered&) = default;
};

struct OperatorRemoved {
  std::string operator_id;
  friend bool operator==(const OperatorRemoved&,
                         const OperatorRemoved&) = default;
};

struct StatusDefined {
  std::string status;
  std::string name;
  friend bool operator==(const StatusDefined&, const StatusDefined&) = default;
};

// The order of alternatives is the FlatBuffers union order minus one; it is
// not relied on for storage.
using EventPayload =
    std::variant<TicketOpened, MessageAdded, TicketTransferred, OperatorLinked,
                 OperatorUnlinked, StatusStarted, StatusStopped, TicketFinished,
                 TicketReopened, TicketClosed, TicketUpdated, DepartmentDefined,
                 OperatorRegistered, OperatorRemoved, StatusDefined>;

// Returns the event type's name, e.g. "TicketOpened".
std::string_view EventTypeName(const EventPayload& payload);

// Stream name of an account's directory events.
inline constexpr std::string_view kDirectoryStream = "directory";

// One event of the log with its envelope.
struct Event {
  uint64_t position = 0;  // in the global log, dense from 1
  uint64_t version = 0;   // in its stream, dense from 1
  std::string event_id;   // UUID text
  std::string account;
  std::string stream;  // ticket UUID or kDirectoryStream
  TimeUs occurred_at_us = 0;
  TimeUs recorded_at_us = 0;
  Actor actor;
  std::string command_id;
  uint16_t schema_version = 1;
  std::string prev_hash;  // 64 hex digits
  std::string hash;       // 64 hex digits
  EventPayload payload;
};

}  // namespace ticketlog

#endif  // TICKETLOG_EVENTS_H_
