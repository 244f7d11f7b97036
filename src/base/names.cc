// Wire names of the enums in types.h, views.h, events.h and commands.h.
#include <array>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/types.h"
#include "ticketlog/views.h"

namespace ticketlog {
namespace {

// Names indexed by the enum's underlying value.
constexpr std::array<std::string_view, 3> kActorKinds = {"system", "operator",
                                                         "customer"};
constexpr std::array<std::string_view, 7> kChannels = {
    "api", "email", "chat", "phone", "web", "whatsapp", "agent"};
constexpr std::array<std::string_view, 4> kPriorities = {"low", "normal",
                                                         "high", "urgent"};
constexpr std::array<std::string_view, 4> kStatuses = {"open", "pending",
                                                       "finished", "closed"};
constexpr std::array<std::string_view, 4> kMessageKinds = {
    "incoming", "outgoing", "activity", "note"};
constexpr std::array<std::string_view, 2> kAwaiting = {"operator", "customer"};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, E v) {
  auto i = static_cast<size_t>(v);
  return i < N ? names[i] : std::string_view("unknown");
}

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::string_view, N>& names,
                       std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view Name(ActorKind v) { return NameOf(kActorKinds, v); }
std::string_view Name(Channel v) { return NameOf(kChannels, v); }
std::string_view Name(Priority v) { return NameOf(kPriorities, v); }
std::string_view Name(TicketStatus v) { return NameOf(kStatuses, v); }
std::string_view Name(MessageKind v) { return NameOf(kMessageKinds, v); }
std::string_view Name(Awaiting v) { return NameOf(kAwaiting, v); }

std::optional<ActorKind> ParseActorKind(std::string_view name) {
  return Parse<ActorKind>(kActorKinds, name);
}
std::optional<Channel> ParseChannel(std::string_view name) {
  return Parse<Channel>(kChannels, name);
}
std::optional<Priority> ParsePriority(std::string_view name) {
  return Parse<Priority>(kPriorities, name);
}
std::optional<TicketStatus> ParseTicketStatus(std::string_view name) {
  return Parse<TicketStatus>(kStatuses, name);
}
std::optional<MessageKind> ParseMessageKind(std::string_view name) {
  return Parse<MessageKind>(kMessageKinds, name);
}
std::optional<Awaiting> ParseAwaiting(std::string_view name) {
  return Parse<Awaiting>(kAwaiting, name);
}

std::string_view EventTypeName(const EventPayload& payload) {
  static constexpr std::array<std::string_view,
                              std::variant_size_v<EventPayload>>
      kNames = {"TicketOpened",       "MessageAdded",     "TicketTransferred",
                "OperatorLinked",     "OperatorUnlinked", "StatusStarted",
                "StatusStopped",      "TicketFinished",   "TicketReopened",
                "TicketClosed",       "TicketUpdated",    "DepartmentDefined",
                "OperatorRegistered", "OperatorRemoved",  "StatusDefined"};
  return kNames[payload.index()];
}

std::string_view OpName(const CommandBody& body) {
  static constexpr std::array<std::string_view,
                              std::variant_size_v<CommandBody>>
      kNames = {"define_department",
                "register_operator",
                "remove_operator",
                "define_status",
                "open_ticket",
                "reply",
                "comment",
                "transfer",
                "link_operator",
                "unlink_operator",
                "start_status",
                "stop_status",
                "finish",
                "reopen",
                "close",
                "update"};
  return kNames[body.index()];
}

}  // namespace ticketlog
