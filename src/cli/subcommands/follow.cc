// `ticketlog follow [--from POSITION | --subscription NAME] [--account A]
// [--limit N]` (SPEC section 6): prints new events as JSON Lines while
// another process appends them.
//
// Contract decisions (docs/cli.md repeats them):
//  - It opens the store as a reader beside a possible writer and never
//    creates it: a missing store is an I/O error (exit 2).
//  - SIGINT and SIGTERM end it after the event in hand, with exit 0.
//  - `--subscription NAME` starts after NAME's checkpoint and moves it
//    after each batch of lines was written out.
#include <algorithm>

#include "cli/feed_common.h"
#include "cli/json_reader.h"
#include "cli/json_view.h"
#include "cli/subcommands/all.h"
#include "ticketlog/follower.h"

namespace ticketlog::cli {
namespace {

struct FollowFlags {
  TextFlag from, account, limit, subscription;
};

int RunFollow(Context& ctx, const FollowFlags& flags) {
  auto from = UnsignedFlag(flags.from, 1, kMaxJsonInteger);
  if (!from.ok()) return UsageError(ctx, from.status().message());
  auto limit = UnsignedFlag(flags.limit, 1, kMaxJsonInteger);
  if (!limit.ok()) return UsageError(ctx, limit.status().message());
  auto name = flags.subscription.get();
  // From here on a signal ends the command with exit 0, even while the
  // store is still being opened (the loop below then never starts).
  StopOnSignals signals;
  if (!StoreExists(ctx)) return kExitUsage;

  std::unique_ptr<Subscription> subscription;
  if (name) {
    int failed = kExitOk;
    subscription = OpenSubscription(ctx, *name, failed);
    if (subscription == nullptr) return failed;
  }
  if (g_stop) return kExitOk;  // signalled while the subscription opened
  FollowOptions options;
  options.from_position =
      subscription ? subscription->position() + 1 : from->value_or(0);
  options.account = flags.account.value;
  auto follower = Follower::Open(ctx.db, options);
  if (!follower.ok()) {
    if (follower.status().code() == Code::kInvalidArgument) {
      return UsageError(ctx, follower.status().message());
    }
    return ReportFailure(ctx, follower.status());
  }

  uint64_t printed = 0;
  while (!g_stop && (!*limit || printed < **limit)) {
    size_t want = kFeedBatchEvents;
    if (*limit) {
      want = static_cast<size_t>(std::min<uint64_t>(want, **limit - printed));
    }
    auto batch = (*follower)->Next(want, kFeedWaitMs);
    if (!batch.ok()) return ReportFailure(ctx, batch.status());
    for (const Event& event : *batch) {
      ctx.out << Dump(EventJson(event)) << "\n";
      ++printed;
    }
    ctx.out.flush();
    if (!ctx.out) return kExitOk;  // nobody reads any more; RunTool reports it
    if (subscription) {
      Status saved = subscription->Advance((*follower)->position() - 1);
      if (!saved.ok()) return ReportFailure(ctx, saved);
    }
  }
  return kExitOk;
}

}  // namespace

void AddFollow(Registry& registry) {
  auto flags = std::make_shared<FollowFlags>();
  CLI::App* app = registry.Add(
      "follow", "print new events as another process appends them", kGroupFeed,
      [flags](Context& ctx) { return RunFollow(ctx, *flags); });
  CLI::Option* from = AddText(app, "--from", flags->from, "POSITION",
                              "start at this position (default: the head + 1)");
  AddText(app, "--subscription", flags->subscription, "NAME",
          "start after NAME's checkpoint and move it as events are printed")
      ->excludes(from);
  AddText(app, "--account", flags->account, "A", "only account A's events");
  AddText(app, "--limit", flags->limit, "N", "stop after N events");
}

}  // namespace ticketlog::cli
