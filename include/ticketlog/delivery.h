// Deliver: the delivery loop of the change feed. It reads events from a
// Follower, hands each to a sink (a webhook, a message broker, the host's
// own code) and moves a Subscription's checkpoint past the events the sink
// accepted (SPEC section 6).
//
// Guarantees: events reach the sink in log order, at least once. A failed
// event is retried with exponential backoff and the checkpoint never moves
// past it; the sink may see an event again after a crash or a retry, and
// can drop repeats by Event::event_id. The checkpoint is written after each
// batch of events and before each backoff wait, so a crash repeats at most
// one batch.
//
// Thread-safety: Deliver runs on the calling thread; the Follower,
// Subscription and sink are used by it alone until it returns.
#ifndef TICKETLOG_DELIVERY_H_
#define TICKETLOG_DELIVERY_H_

#include <atomic>
#include <cstdint>
#include <functional>

#include "ticketlog/events.h"
#include "ticketlog/follower.h"
#include "ticketlog/status.h"
#include "ticketlog/subscription.h"

namespace ticketlog {

// Delivers one event. Returns OK once the receiver has it (a 2xx answer, a
// broker's acknowledgement); any other status is a failed attempt.
using Sink = std::function<Status(const Event&)>;

struct DeliveryOptions {
  // Events read from the follower at a time; the checkpoint is written once
  // per batch.
  size_t batch_events = 256;
  // Backoff after the first failed attempt of an event; doubled after each
  // further one, up to max_backoff_ms.
  int64_t initial_backoff_ms = 100;
  int64_t max_backoff_ms = 30'000;
  // Attempts of one event before Deliver gives up; 0 never gives up.
  uint32_t max_attempts = 0;
  // Stop once the follower is at the head of the log (everything appended
  // before the call was delivered) instead of waiting for new events.
  bool until_head = false;
  // Longest wait for new events before `stop` is looked at again.
  int64_t wait_ms = 200;
  // When set and true, Deliver returns (within about wait_ms) after the
  // event in hand; it also cuts a backoff wait short.
  const std::atomic<bool>* stop = nullptr;
};

struct DeliveryReport {
  uint64_t delivered = 0;  // events the sink accepted
  uint64_t failures = 0;   // failed attempts (each one retried or last)
  uint64_t position = 0;   // the checkpoint when Deliver returned
  bool gave_up = false;    // an event failed max_attempts times
  Status last_failure;     // the sink's last failure, OK when none
};

// Runs the loop until options.stop, the head (until_head) or a give-up.
// The follower must be at subscription.position() + 1 (open it with
// FollowOptions::from_position = subscription.position() + 1):
// invalid_argument otherwise. Returns the report, or the follower's or the
// subscription's error (corruption, io_error) — the sink's failures are in
// the report, not here.
StatusOr<DeliveryReport> Deliver(Follower& follower, Subscription& subscription,
                                 const Sink& sink,
                                 const DeliveryOptions& options);

}  // namespace ticketlog

#endif  // TICKETLOG_DELIVERY_H_
