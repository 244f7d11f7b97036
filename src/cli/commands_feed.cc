// The change-feed subcommands (SPEC section 6): `follow` prints new events
// as JSON Lines while another process appends them; `deliver` sends them to
// a webhook or NATS JetStream under a durable subscription.
//
// Contract decisions (docs/cli.md repeats them):
//  - Both open the store as a reader beside a possible writer and never
//    create it: a missing store is an I/O error (exit 2).
//  - SIGINT and SIGTERM end either after the event in hand, with exit 0;
//    `deliver` then prints its summary line.
//  - `follow --subscription NAME` starts after NAME's checkpoint and moves
//    it after each batch of lines was written out.
//  - `deliver` prints one summary line when it ends:
//    {"ok":true,"subscription","delivered","failures","position"}; when the
//    receiver kept failing an event (--once: 5 attempts unless
//    --max-attempts says otherwise), {"ok":false,"error":{"code":
//    "delivery_failed",…},…} with exit 1.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <memory>

#include "cli/args.h"
#include "cli/json_reader.h"
#include "cli/json_view.h"
#include "cli/subcommands.h"
#include "sinks/jetstream.h"
#include "sinks/webhook.h"
#include "ticketlog/delivery.h"
#include "ticketlog/follower.h"
#include "ticketlog/subscription.h"

namespace ticketlog::cli {
namespace {

constexpr size_t kBatchEvents = 256;
// How long a look for new events waits before the stop flag is checked.
constexpr int64_t kWaitMs = 200;
// --once gives up on an event after this many attempts by default.
constexpr uint32_t kOnceMaxAttempts = 5;

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

// Turns SIGINT and SIGTERM into g_stop for its lifetime; restores the
// previous handlers afterwards (the tool also runs inside tests).
class StopOnSignals {
 public:
  StopOnSignals() {
    g_stop = false;
    struct sigaction action = {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
};

// The store must exist before a subscription file is put beside it.
bool StoreExists(Context& ctx) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(ctx.db) / "CURRENT", ec)) {
    return true;
  }
  ctx.err << "ticketlog: cannot open database " << ctx.db
          << ": io_error: no ticketlog store there\n";
  return false;
}

std::unique_ptr<Subscription> OpenSubscription(Context& ctx,
                                               const std::string& name,
                                               int& exit_status) {
  auto subscription = Subscription::Open(ctx.db, name);
  if (subscription.ok()) return std::move(*subscription);
  if (subscription.status().code() == Code::kInvalidArgument) {
    exit_status =
        UsageError(ctx, "--subscription: " + subscription.status().message());
  } else {
    exit_status = ReportFailure(ctx, subscription.status());
  }
  return nullptr;
}

int ReportDelivery(Context& ctx, const std::string& name,
                   const DeliveryReport& report) {
  OutJson out = OutJson::object();
  out["ok"] = !report.gave_up;
  if (report.gave_up) {
    OutJson error = OutJson::object();
    error["code"] = "delivery_failed";
    error["message"] = report.last_failure.message();
    out["error"] = std::move(error);
  }
  out["subscription"] = name;
  out["delivered"] = report.delivered;
  out["failures"] = report.failures;
  out["position"] = report.position;
  ctx.out << Dump(out) << "\n";
  return report.gave_up ? kExitFailed : kExitOk;
}

}  // namespace

int RunFollow(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(
      raw, {{"from"}, {"account"}, {"limit"}, {"subscription"}}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto from = args->GetUnsigned("from", 1, kMaxJsonInteger);
  if (!from.ok()) return UsageError(ctx, from.status().message());
  auto limit = args->GetUnsigned("limit", 1, kMaxJsonInteger);
  if (!limit.ok()) return UsageError(ctx, limit.status().message());
  auto name = args->Get("subscription");
  if (name && *from) {
    return UsageError(ctx, "--from and --subscription exclude each other");
  }
  if (!StoreExists(ctx)) return kExitUsage;

  std::unique_ptr<Subscription> subscription;
  if (name) {
    int failed = kExitOk;
    subscription = OpenSubscription(ctx, *name, failed);
    if (subscription == nullptr) return failed;
  }
  FollowOptions options;
  options.from_position =
      subscription ? subscription->position() + 1 : from->value_or(0);
  options.account = args->Get("account").value_or("");
  auto follower = Follower::Open(ctx.db, options);
  if (!follower.ok()) {
    if (follower.status().code() == Code::kInvalidArgument) {
      return UsageError(ctx, follower.status().message());
    }
    return ReportFailure(ctx, follower.status());
  }

  StopOnSignals signals;
  uint64_t printed = 0;
  while (!g_stop && (!*limit || printed < **limit)) {
    size_t want = kBatchEvents;
    if (*limit)
      want = static_cast<size_t>(std::min<uint64_t>(want, **limit - printed));
    auto batch = (*follower)->Next(want, kWaitMs);
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

int RunDeliver(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw,
                          {{"subscription"},
                           {"webhook"},
                           {"secret"},
                           {"nats"},
                           {"subject"},
                           {"stream"},
                           {"account"},
                           {"once", false},
                           {"max-attempts"}},
                          0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto name = args->Get("subscription");
  if (!name) return UsageError(ctx, "--subscription is required");
  auto webhook_url = args->Get("webhook");
  auto nats_url = args->Get("nats");
  if (webhook_url.has_value() == nats_url.has_value()) {
    return UsageError(ctx, "give one of --webhook URL and --nats URL");
  }
  if (nats_url && !args->Has("subject")) {
    return UsageError(ctx, "--nats needs --subject PREFIX");
  }
  if (webhook_url && (args->Has("subject") || args->Has("stream"))) {
    return UsageError(ctx, "--subject and --stream go with --nats");
  }
  if (nats_url && args->Has("secret")) {
    return UsageError(ctx, "--secret goes with --webhook");
  }
  auto max_attempts = args->GetUnsigned("max-attempts", 0, UINT32_MAX);
  if (!max_attempts.ok())
    return UsageError(ctx, max_attempts.status().message());

  // The sink: the event in the `dump` shape, to one receiver.
  std::unique_ptr<sinks::Webhook> webhook;
  std::unique_ptr<sinks::JetStream> jetstream;
  if (webhook_url) {
    sinks::WebhookOptions options;
    options.url = *webhook_url;
    options.secret = args->Get("secret").value_or("");
    auto created = sinks::Webhook::Create(options);
    if (!created.ok()) return UsageError(ctx, created.status().message());
    webhook = std::move(*created);
  } else {
    sinks::JetStreamOptions options;
    options.url = *nats_url;
    options.prefix = *args->Get("subject");
    options.stream = args->Get("stream").value_or("");
    auto created = sinks::JetStream::Create(options);
    if (!created.ok()) return UsageError(ctx, created.status().message());
    jetstream = std::move(*created);
  }
  Sink sink = [&](const Event& event) {
    std::string body = Dump(EventJson(event));
    if (webhook) return webhook->Post(body, event.event_id, event.position);
    return jetstream->Publish(event, body);
  };

  if (!StoreExists(ctx)) return kExitUsage;
  int failed = kExitOk;
  std::unique_ptr<Subscription> subscription =
      OpenSubscription(ctx, *name, failed);
  if (subscription == nullptr) return failed;
  FollowOptions follow;
  follow.from_position = subscription->position() + 1;
  follow.account = args->Get("account").value_or("");
  auto follower = Follower::Open(ctx.db, follow);
  if (!follower.ok()) {
    if (follower.status().code() == Code::kInvalidArgument) {
      return UsageError(ctx, follower.status().message());
    }
    return ReportFailure(ctx, follower.status());
  }

  StopOnSignals signals;
  DeliveryOptions options;
  options.batch_events = kBatchEvents;
  options.wait_ms = kWaitMs;
  options.until_head = args->Has("once");
  options.max_attempts = static_cast<uint32_t>(
      max_attempts->value_or(options.until_head ? kOnceMaxAttempts : 0));
  options.stop = &g_stop;
  auto report = Deliver(**follower, *subscription, sink, options);
  if (!report.ok()) return ReportFailure(ctx, report.status());
  return ReportDelivery(ctx, *name, *report);
}

}  // namespace ticketlog::cli
