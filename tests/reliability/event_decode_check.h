// The properties the event-decoding fuzz target (fuzz/fuzz_event_decode.cc)
// checks on arbitrary bytes, shared with the test that replays the fuzz
// corpus and every crash ever found (tests/reliability/fuzz_corpus_test.cc):
//  - no decoder crashes, whatever the bytes (ASan and UBSan watch);
//  - a decoded envelope's hashes are 32 bytes and its body lies inside the
//    given bytes, and decodes without verifying again as it does with;
//  - whatever decodes re-encodes, and the re-encoding decodes back to the
//    same encoding (decode and encode agree on every value a stored record
//    can hold).
#ifndef TICKETLOG_TESTS_RELIABILITY_EVENT_DECODE_CHECK_H_
#define TICKETLOG_TESTS_RELIABILITY_EVENT_DECODE_CHECK_H_

#include <string>
#include <string_view>

#include "schema/codec.h"
#include "ticketlog/events.h"
#include "ticketlog/views.h"

namespace ticketlog::testing {

// Round-trips an event body that decoded; returns what failed, or "".
inline std::string CheckEventRoundTrip(const Event& decoded,
                                       std::string_view what) {
  std::string body = schema::EncodeEventBody(decoded);
  Event again;
  Status s = schema::DecodeEventBody(body, again);
  if (!s.ok()) {
    return std::string(what) +
           ": its re-encoding does not decode: " + s.ToString();
  }
  if (schema::EncodeEventBody(again) != body) {
    return std::string(what) + ": decode(encode(event)) encodes differently";
  }
  return "";
}

// Checks every decoder on `bytes`; returns what failed, or "" when all is
// well (including when nothing decodes: refusing garbage is correct).
inline std::string CheckEventDecode(std::string_view bytes) {
  auto envelope = schema::DecodeEnvelope(bytes);
  if (envelope.ok()) {
    if (envelope->prev_hash.size() != 32 || envelope->hash.size() != 32) {
      return "DecodeEnvelope: a hash that is not 32 bytes";
    }
    const char* begin = bytes.data();
    const char* end = bytes.data() + bytes.size();
    if (envelope->body.data() < begin ||
        envelope->body.data() + envelope->body.size() > end) {
      return "DecodeEnvelope: the body points outside the record";
    }
    // The body the envelope verified decodes without verifying again
    // (EventStore reads), to what a verifying decode gives.
    Event trusted, checked;
    Status trusted_status =
        schema::DecodeVerifiedEventBody(envelope->body, trusted);
    Status checked_status = schema::DecodeEventBody(envelope->body, checked);
    if (trusted_status.ok() != checked_status.ok()) {
      return "DecodeVerifiedEventBody: " + trusted_status.ToString() +
             ", but DecodeEventBody: " + checked_status.ToString();
    }
    if (trusted_status.ok() &&
        schema::EncodeEventBody(trusted) != schema::EncodeEventBody(checked)) {
      return "DecodeVerifiedEventBody decodes the verified body differently";
    }
  } else if (envelope.status().code() != Code::kCorruption) {
    return "DecodeEnvelope: refused with " + envelope.status().ToString() +
           " instead of corruption";
  }

  auto event = schema::DecodeEvent(bytes);
  if (event.ok()) {
    if (std::string problem = CheckEventRoundTrip(*event, "DecodeEvent");
        !problem.empty()) {
      return problem;
    }
  } else if (event.status().code() != Code::kCorruption) {
    return "DecodeEvent: refused with " + event.status().ToString();
  }

  Event body;
  if (schema::DecodeEventBody(bytes, body).ok()) {
    if (std::string problem = CheckEventRoundTrip(body, "DecodeEventBody");
        !problem.empty()) {
      return problem;
    }
  }

  TicketView view;
  if (schema::DecodeTicketView(bytes, view).ok()) {
    std::string encoded = schema::EncodeTicketView(view);
    TicketView again;
    if (!schema::DecodeTicketView(encoded, again).ok()) {
      return "DecodeTicketView: its re-encoding does not decode";
    }
    if (schema::EncodeTicketView(again) != encoded) {
      return "DecodeTicketView: decode(encode(view)) encodes differently";
    }
  }

  Message message;
  if (schema::DecodeMessage(bytes, message).ok()) {
    std::string encoded = schema::EncodeMessage(message);
    Message again;
    if (!schema::DecodeMessage(encoded, again).ok()) {
      return "DecodeMessage: its re-encoding does not decode";
    }
    if (schema::EncodeMessage(again) != encoded) {
      return "DecodeMessage: decode(encode(message)) encodes differently";
    }
  }
  return "";
}

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_RELIABILITY_EVENT_DECODE_CHECK_H_
