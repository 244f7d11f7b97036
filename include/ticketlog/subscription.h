// Subscription: a named, durable checkpoint of the change feed — the
// position of the last event a consumer has had delivered (SPEC section 6).
//
// It is a small file, DIR/subscriptions/NAME, beside the store in its
// directory DIR (a reader process cannot write into the store itself, which
// its writer holds). Advance writes a temporary file, syncs it, renames it
// over the old one and syncs the directory: after a crash the checkpoint is
// the old position or the new one, never a torn one. A subscription is
// held by one process at a time (an advisory lock on
// DIR/subscriptions/NAME.lock).
//
// Thread-safety: thread-compatible; one thread at a time.
// Ownership: the object owns the lock; destroying it releases the lock.
#ifndef TICKETLOG_SUBSCRIPTION_H_
#define TICKETLOG_SUBSCRIPTION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "ticketlog/status.h"

namespace ticketlog {

class Subscription {
 public:
  // Opens (or creates, at position 0) the subscription `name` of the store
  // in directory `db_path`. `name` is 1-64 of [A-Za-z0-9_.-] and does not
  // start with '.'. invalid_argument for a malformed name; busy when another
  // Subscription object or process holds it; io_error when the files cannot
  // be read or written; corruption when the checkpoint file is damaged.
  static StatusOr<std::unique_ptr<Subscription>> Open(
      const std::string& db_path, const std::string& name);

  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  const std::string& name() const { return name_; }

  // The position of the last event delivered; 0 before the first.
  uint64_t position() const { return position_; }

  // Records durably that every event up to `position` was delivered.
  // invalid_argument when `position` is lower than position() (a checkpoint
  // never moves back); io_error when the file cannot be written, in which
  // case position() is unchanged.
  Status Advance(uint64_t position);

 private:
  Subscription() = default;

  std::string name_;
  std::string file_;  // DIR/subscriptions/NAME
  int lock_fd_ = -1;
  uint64_t position_ = 0;
};

}  // namespace ticketlog

#endif  // TICKETLOG_SUBSCRIPTION_H_
