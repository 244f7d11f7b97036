// JetStream: the change feed's NATS JetStream sink. It publishes each event
// to PREFIX.<account>.<EventType> with the header Nats-Msg-Id = event id,
// so that the stream stores an event once however often it is published
// within the stream's duplicate window, and returns only once the stream
// acknowledged it. It creates a stream for PREFIX.> when none exists.
//
// A '.' in an account would split its subject token, so it is written
// "%2E" (accounts cannot contain '%').
//
// Thread-safety: thread-compatible; one thread at a time per JetStream.
// Ownership: owns its NATS connection and JetStream context.
#ifndef TICKETLOG_SINKS_JETSTREAM_H_
#define TICKETLOG_SINKS_JETSTREAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ticketlog/events.h"
#include "ticketlog/status.h"

namespace ticketlog::sinks {

struct JetStreamOptions {
  std::string url;     // nats://host:port, or several separated by ','
  std::string prefix;  // subject prefix, e.g. "ticketlog"
  // The stream to create when none captures PREFIX.>; empty: "TICKETLOG_"
  // and the prefix with every character a stream name cannot hold as '_'.
  std::string stream;
  int64_t timeout_ms = 5'000;  // connecting, and each acknowledgement
};

class JetStream {
 public:
  // invalid_argument for a malformed prefix or stream name. Connects on the
  // first Publish, so that a server that is down is a failed (and retried)
  // delivery rather than a failure to start.
  static StatusOr<std::unique_ptr<JetStream>> Create(
      const JetStreamOptions& options);
  ~JetStream();
  JetStream(const JetStream&) = delete;
  JetStream& operator=(const JetStream&) = delete;

  // Publishes `body` (the event rendered by the caller) and waits for the
  // stream's acknowledgement. OK when stored, also as a duplicate; io_error
  // naming the failure else (no connection, no acknowledgement in time, the
  // stream refused it).
  Status Publish(const Event& event, std::string_view body);

  // PREFIX.<account>.<EventType>.
  std::string Subject(const Event& event) const;
  const std::string& stream() const { return stream_; }

 private:
  explicit JetStream(JetStreamOptions options);
  // Connects and makes sure the stream exists; a no-op when connected.
  Status Connect();
  void Disconnect();

  JetStreamOptions options_;
  std::string stream_;
  struct Handles;
  std::unique_ptr<Handles> handles_;
};

}  // namespace ticketlog::sinks

#endif  // TICKETLOG_SINKS_JETSTREAM_H_
