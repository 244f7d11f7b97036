// The message an event brings of its own: the opening message of a
// TicketOpened, the message of a MessageAdded. (A TicketMergedFrom carries
// copies that keep the ids and times they already had.)
#ifndef TICKETLOG_SCHEMA_EVENT_MESSAGE_H_
#define TICKETLOG_SCHEMA_EVENT_MESSAGE_H_

#include <variant>

#include "ticketlog/events.h"

namespace ticketlog::schema {

// The event's own message, or nullptr when it brings none.
inline const Message* OwnMessage(const EventPayload& payload) {
  if (const auto* opened = std::get_if<TicketOpened>(&payload)) {
    return opened->message ? &*opened->message : nullptr;
  }
  if (const auto* added = std::get_if<MessageAdded>(&payload)) {
    return &added->message;
  }
  return nullptr;
}
inline Message* OwnMessage(EventPayload& payload) {
  return const_cast<Message*>(
      OwnMessage(static_cast<const EventPayload&>(payload)));
}

// Gives the event's own message, when it has no id yet, the event's id and
// occurred time: how messages are stamped when decided, and how messages
// stored before they had their own id and time are read.
inline void StampOwnMessage(Event& event) {
  Message* message = OwnMessage(event.payload);
  if (message != nullptr && message->id.empty()) {
    message->id = event.event_id;
    message->at_us = event.occurred_at_us;
  }
}

}  // namespace ticketlog::schema

#endif  // TICKETLOG_SCHEMA_EVENT_MESSAGE_H_
