// What the change-feed subcommands `follow` and `deliver` share: stopping
// on SIGINT/SIGTERM, the store check, opening a durable subscription.
#ifndef TICKETLOG_CLI_FEED_COMMON_H_
#define TICKETLOG_CLI_FEED_COMMON_H_

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "cli/subcommand.h"
#include "ticketlog/subscription.h"

namespace ticketlog::cli {

// Events read per look at the log.
inline constexpr size_t kFeedBatchEvents = 256;
// How long a look for new events waits before the stop flag is checked.
inline constexpr int64_t kFeedWaitMs = 200;

// Set by SIGINT and SIGTERM while a StopOnSignals lives.
extern std::atomic<bool> g_stop;

// Turns SIGINT and SIGTERM into g_stop for its lifetime; restores the
// previous handlers afterwards (the tool also runs inside tests).
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
};

// True when ctx.db holds a store; otherwise prints why on stderr. The store
// must exist before a subscription file is put beside it.
bool StoreExists(Context& ctx);

// Opens subscription `name` of ctx.db; on failure reports it and sets
// `exit_status` (2 for a malformed name) and returns nullptr.
std::unique_ptr<Subscription> OpenSubscription(Context& ctx,
                                               const std::string& name,
                                               int& exit_status);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_FEED_COMMON_H_
