// Follower: the change feed. It hands a host the events of the log in log
// order as they are appended, from a position on, optionally of one account
// only (SPEC section 6).
//
// Two kinds, one interface:
//  - Follower::Open follows a store that another process writes (or that
//    nobody writes). It never blocks that writer: it reads through a
//    read-only instance that it opens again whenever the store's files
//    changed, woken by inotify on the directory and at the latest every
//    poll_interval_ms. New events reach it within about
//    poll_interval_ms + the cost of one open (docs/benchmarks.md).
//  - Follower::Attach follows an Engine of this process and is woken by
//    each of its appends.
//
// Thread-safety: a Follower is used by one thread at a time; only
// Interrupt() may be called from any thread (not from a signal handler).
//
// Ownership: an attached Follower borrows the Engine, which must outlive
// it. A Follower opened on a path owns its read-only instance and closes it
// when destroyed.
#ifndef TICKETLOG_FOLLOWER_H_
#define TICKETLOG_FOLLOWER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ticketlog/engine.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"

namespace ticketlog {

struct FollowOptions {
  // The first position to deliver; 0 means the head at open + 1 (only new
  // events).
  uint64_t from_position = 0;
  // Only this account's events; empty for every account. Events of other
  // accounts are passed over (the position moves past them).
  std::string account;
  // Open only: the longest wait between two looks at the store's files,
  // should an inotify event be missed.
  int64_t poll_interval_ms = 200;
  // Open only: the shortest time between two opens of the read-only
  // instance, so that a busy writer does not keep the follower opening.
  int64_t min_reopen_interval_ms = 20;
};

class Follower {
 public:
  // Follows the store at `path`, written by another process or by nobody.
  // io_error when there is no store at `path` or it cannot be read;
  // invalid_argument for a malformed account.
  static StatusOr<std::unique_ptr<Follower>> Open(const std::string& path,
                                                  const FollowOptions& options);

  // Follows `engine`, which must outlive the Follower; woken by each of its
  // appends. invalid_argument for a malformed account.
  static StatusOr<std::unique_ptr<Follower>> Attach(
      Engine& engine, const FollowOptions& options);

  virtual ~Follower() = default;
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Returns the next events (at most `max_events`, at least 1 unless it
  // times out) in log order, waiting up to `timeout_ms` for the first one.
  // Returns an empty vector when none came in time or Interrupt() was
  // called; with `timeout_ms` 0 it looks at the store once, so an empty
  // result means the follower is at the head. corruption when a record
  // fails verification, io_error when the store cannot be read.
  virtual StatusOr<std::vector<Event>> Next(size_t max_events,
                                            int64_t timeout_ms) = 0;

  // The position of the next event Next() will look at: one past the last
  // event returned or passed over.
  virtual uint64_t position() const = 0;

  // Makes a waiting Next() return (within about 50 ms) and the next call
  // return at once, empty. Thread-safe.
  virtual void Interrupt() = 0;

 protected:
  Follower() = default;
};

}  // namespace ticketlog

#endif  // TICKETLOG_FOLLOWER_H_
