// Value types shared by commands, events and views: channels, priorities,
// statuses, messages, customers, attachments and custom attributes.
//
// All types here are plain values: copyable, no hidden sharing, safe to use
// from any thread as long as one object is not written while read.
#ifndef TICKETLOG_TYPES_H_
#define TICKETLOG_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ticketlog {

// Microseconds since the Unix epoch, UTC.
using TimeUs = int64_t;

enum class ActorKind : uint8_t { kSystem = 0, kOperator = 1, kCustomer = 2 };

enum class Channel : uint8_t {
  kApi = 0,
  kEmail = 1,
  kChat = 2,
  kPhone = 3,
  kWeb = 4,
  kWhatsapp = 5,
  kAgent = 6,
};

enum class Priority : uint8_t { kLow = 0, kNormal = 1, kHigh = 2, kUrgent = 3 };

enum class TicketStatus : uint8_t {
  kOpen = 0,
  kPending = 1,
  kFinished = 2,
  kClosed = 3,
};

// kIncoming: from the customer. kOutgoing: from an operator to the customer.
// kActivity: an internal record (e.g. of how a ticket was opened). kNote: an
// operator's internal comment, never visible to the customer.
enum class MessageKind : uint8_t {
  kIncoming = 0,
  kOutgoing = 1,
  kActivity = 2,
  kNote = 3,
};

// Wire names ("api", "normal", "open", "incoming", "operator", ...) as used
// in SPEC.md and by the tool. Name() never fails; Parse*() returns nullopt
// for an unknown name.
std::string_view Name(ActorKind v);
std::string_view Name(Channel v);
std::string_view Name(Priority v);
std::string_view Name(TicketStatus v);
std::string_view Name(MessageKind v);
std::optional<ActorKind> ParseActorKind(std::string_view name);
std::optional<Channel> ParseChannel(std::string_view name);
std::optional<Priority> ParsePriority(std::string_view name);
std::optional<TicketStatus> ParseTicketStatus(std::string_view name);
std::optional<MessageKind> ParseMessageKind(std::string_view name);

struct Actor {
  ActorKind kind = ActorKind::kSystem;
  std::string id;  // operator id or contact id; empty for the system
  friend bool operator==(const Actor&, const Actor&) = default;
};

// Attachment metadata; the bytes live elsewhere.
struct Attachment {
  std::string name;
  std::string content_type;
  uint64_t size_bytes = 0;
  std::string sha256;  // hex
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

// A custom attribute value: string, number or bool.
using AttributeValue = std::variant<std::string, double, bool>;
using Attributes = std::map<std::string, AttributeValue>;

// The customer of a ticket. In commands, at least one of id, email or phone
// names the contact; in events and views, `contact` is the engine's contact
// id and the rest are the contact's details.
struct Customer {
  std::string contact;
  std::string id;
  std::string name;
  std::string email;
  std::string phone;
  friend bool operator==(const Customer&, const Customer&) = default;
};

struct Message {
  uint32_t seq = 0;  // 1-based among the ticket's messages
  MessageKind kind = MessageKind::kIncoming;
  ActorKind author = ActorKind::kCustomer;
  std::string author_id;
  bool is_private = false;
  std::string content;
  std::vector<Attachment> attachments;
  friend bool operator==(const Message&, const Message&) = default;
};

}  // namespace ticketlog

#endif  // TICKETLOG_TYPES_H_
