// How the engine names streams and command keys in the store.
#ifndef TICKETLOG_ENGINE_STREAMS_H_
#define TICKETLOG_ENGINE_STREAMS_H_

#include <string>
#include <string_view>

#include "base/text.h"
#include "domain/fingerprint.h"
#include "schema/codec.h"
#include "store/coding.h"
#include "store/event_store.h"
#include "ticketlog/engine.h"
#include "ticketlog/events.h"

namespace ticketlog::engine {

// The name of a stream in the store: component(account) + the stream id, a
// ticket UUID or "directory". Part of the on-disk format. The Put form
// appends it to `out` (a buffer kept across calls allocates nothing).
inline void PutStreamName(std::string& out, std::string_view account,
                          std::string_view stream) {
  store::PutComponent(out, account);
  out.append(stream);
}
inline std::string StreamName(std::string_view account,
                              std::string_view stream) {
  std::string key;
  PutStreamName(key, account, stream);
  return key;
}

// component(account) + command id. Part of the on-disk format.
inline void PutCommandKey(std::string& out, std::string_view account,
                          std::string_view command_id) {
  store::PutComponent(out, account);
  out.append(command_id);
}
inline std::string CommandKey(std::string_view account,
                              std::string_view command_id) {
  std::string key;
  PutCommandKey(key, account, command_id);
  return key;
}

// The SHA-256 of a command's canonical bytes (domain::CanonicalCommand),
// kept with its idempotency record.
inline std::string CommandFingerprint(const Command& command) {
  return store::Sha256(domain::CanonicalCommand(command));
}

// What the idempotency record keeps beyond position and version:
// component(ticket) be64(number) [fingerprint: 32 bytes]. Records written
// before fingerprints existed, and those `repair` rewrites from the log
// (which does not hold commands), have none. Part of the on-disk format.
inline std::string EncodeCommandResult(const std::string& ticket,
                                       uint64_t number,
                                       std::string_view fingerprint = {}) {
  std::string out;
  store::PutComponent(out, ticket);
  store::PutBigEndian64(out, number);
  out.append(fingerprint);
  return out;
}

inline constexpr size_t kFingerprintBytes = 32;

// `fingerprint`, when given, receives the stored fingerprint (empty when
// the record has none).
inline StatusOr<CommandResult> DecodeCommandResult(
    const store::AppendResult& stored, std::string* fingerprint = nullptr) {
  const std::string& bytes = stored.command_result;
  if (bytes.size() < 10) return Status::Corruption("malformed command record");
  size_t n = (static_cast<unsigned char>(bytes[0]) << 8) |
             static_cast<unsigned char>(bytes[1]);
  if (bytes.size() != 2 + n + 8 &&
      bytes.size() != 2 + n + 8 + kFingerprintBytes) {
    return Status::Corruption("malformed command record");
  }
  CommandResult result;
  result.ticket = bytes.substr(2, n);
  result.number = store::GetBigEndian64(std::string_view(bytes).substr(2 + n));
  result.version = stored.last_version;
  result.position = stored.last_position;
  if (fingerprint != nullptr) *fingerprint = bytes.substr(2 + n + 8);
  return result;
}

// A stored event as a public Event. corruption when the body is malformed.
// `with_hashes` false leaves `prev_hash` and `hash` empty: the folds of
// rebuild and verify need neither (verify checks the chain on its own), and
// writing them as hex was a tenth of decoding an event.
inline StatusOr<Event> ToEvent(const store::StoredEvent& stored,
                               bool with_hashes = true) {
  Event event;
  TICKETLOG_RETURN_IF_ERROR(
      stored.body_verified ? schema::DecodeVerifiedEventBody(stored.body, event)
                           : schema::DecodeEventBody(stored.body, event));
  event.position = stored.position;
  event.version = stored.version;
  if (with_hashes) {
    event.prev_hash = base::ToHex(stored.prev_hash);
    event.hash = base::ToHex(stored.hash);
  }
  return event;
}

}  // namespace ticketlog::engine

#endif  // TICKETLOG_ENGINE_STREAMS_H_
