// Codec: the public C++ event and view types to and from their stored
// FlatBuffers form (schemas/events.fbs, schemas/views.fbs). The generated
// code is used only here and in the store; nothing above sees it.
//
// Decoding takes untrusted bytes: every buffer passes the FlatBuffers
// verifier first, and a buffer that fails it (or is missing a required
// field, or names an unknown union member) is a corruption error, never a
// crash.
#ifndef TICKETLOG_SCHEMA_CODEC_H_
#define TICKETLOG_SCHEMA_CODEC_H_

#include <string>
#include <string_view>

#include "ticketlog/events.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::schema {

// Current schema version written into every event body.
inline constexpr uint16_t kSchemaVersion = 1;

// Encodes the body of `event` (a fb::Event: everything but position,
// version and hashes, which live in the envelope) to bytes.
std::string EncodeEventBody(const Event& event);

// Decodes a fb::Event body into `event`'s body fields (event_id, account,
// stream, times, actor, command_id, schema_version, payload); leaves
// position, version and hashes alone.
Status DecodeEventBody(std::string_view bytes, Event& event);
// The same for a body that DecodeEnvelope verified as part of its envelope
// (EnvelopeView::body): skips verifying it again. Bytes that were not
// verified so are undefined behaviour to decode.
Status DecodeVerifiedEventBody(std::string_view bytes, Event& event);

// Encodes a stored log record (fb::Envelope) holding `body` verbatim.
// `prev_hash` and `hash` are 32 raw bytes each.
std::string EncodeEnvelope(uint64_t position, uint64_t version,
                           std::string_view prev_hash, std::string_view hash,
                           std::string_view body);

// A verified view into a stored log record; the string_views point into the
// bytes given to DecodeEnvelope and live as long as they do.
struct EnvelopeView {
  uint64_t position = 0;
  uint64_t version = 0;
  std::string_view prev_hash;  // 32 raw bytes
  std::string_view hash;       // 32 raw bytes
  std::string_view body;       // a fb::Event, verified
};

// Verifies `bytes` as an Envelope (including its nested Event) and returns a
// view into it. `bytes` must start at an 8-byte aligned address (a
// std::string's heap buffer does); the other decoders accept any address.
// corruption when verification fails or a hash is not 32 bytes.
StatusOr<EnvelopeView> DecodeEnvelope(std::string_view bytes);

// Decodes a whole stored record into an Event, hashes as hex.
StatusOr<Event> DecodeEvent(std::string_view record_bytes);

// Stored form of a ticket view (fb::TicketViewRecord in views.fbs).
std::string EncodeTicketView(const TicketView& view);
Status DecodeTicketView(std::string_view bytes, TicketView& view);

// Stored form of a message (fb::Message in events.fbs, as a root).
std::string EncodeMessage(const Message& message);
// Appends EncodeMessage(message) to `out`. Thread-safe (one builder per
// thread).
void AppendEncodedMessage(const Message& message, std::string& out);
Status DecodeMessage(std::string_view bytes, Message& message);

}  // namespace ticketlog::schema

#endif  // TICKETLOG_SCHEMA_CODEC_H_
