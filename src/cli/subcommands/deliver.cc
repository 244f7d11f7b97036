// `ticketlog deliver --subscription NAME (--webhook URL [--secret S] |
// --nats URL --subject PREFIX [--stream S]) [--account A] [--once]
// [--max-attempts N]` (SPEC section 6): sends events to a webhook or NATS
// JetStream under a durable subscription.
//
// Contract decisions (docs/cli.md repeats them):
//  - It opens the store as a reader beside a possible writer and never
//    creates it: a missing store is an I/O error (exit 2).
//  - SIGINT and SIGTERM end it after the event in hand, with exit 0 and its
//    summary line.
//  - It prints one summary line when it ends:
//    {"ok":true,"subscription","delivered","failures","position"}; when the
//    receiver kept failing an event (--once: 5 attempts unless
//    --max-attempts says otherwise), {"ok":false,"error":{"code":
//    "delivery_failed",…},…} with exit 1.
#include "cli/feed_common.h"
#include "cli/json_view.h"
#include "cli/subcommands/all.h"
#include "sinks/jetstream.h"
#include "sinks/webhook.h"
#include "ticketlog/delivery.h"
#include "ticketlog/follower.h"

namespace ticketlog::cli {
namespace {

// --once gives up on an event after this many attempts by default.
constexpr uint32_t kOnceMaxAttempts = 5;

struct DeliverFlags {
  std::string subscription;
  TextFlag webhook, secret, nats, subject, stream, account, max_attempts;
  bool once = false;
};

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

int RunDeliver(Context& ctx, const DeliverFlags& flags) {
  const std::string& name = flags.subscription;
  auto webhook_url = flags.webhook.get();
  auto nats_url = flags.nats.get();
  if (webhook_url.has_value() == nats_url.has_value()) {
    return UsageError(ctx, "give one of --webhook URL and --nats URL");
  }
  if (nats_url && !flags.subject.given()) {
    return UsageError(ctx, "--nats needs --subject PREFIX");
  }
  if (webhook_url && (flags.subject.given() || flags.stream.given())) {
    return UsageError(ctx, "--subject and --stream go with --nats");
  }
  if (nats_url && flags.secret.given()) {
    return UsageError(ctx, "--secret goes with --webhook");
  }
  auto max_attempts = UnsignedFlag(flags.max_attempts, 0, UINT32_MAX);
  if (!max_attempts.ok()) {
    return UsageError(ctx, max_attempts.status().message());
  }

  // The sink: the event in the `dump` shape, to one receiver.
  std::unique_ptr<sinks::Webhook> webhook;
  std::unique_ptr<sinks::JetStream> jetstream;
  if (webhook_url) {
    sinks::WebhookOptions options;
    options.url = *webhook_url;
    options.secret = flags.secret.value;
    auto created = sinks::Webhook::Create(options);
    if (!created.ok()) return UsageError(ctx, created.status().message());
    webhook = std::move(*created);
  } else {
    sinks::JetStreamOptions options;
    options.url = *nats_url;
    options.prefix = flags.subject.value;
    options.stream = flags.stream.value;
    auto created = sinks::JetStream::Create(options);
    if (!created.ok()) return UsageError(ctx, created.status().message());
    jetstream = std::move(*created);
  }
  Sink sink = [&](const Event& event) {
    std::string body = Dump(EventJson(event));
    if (webhook) return webhook->Post(body, event.event_id, event.position);
    return jetstream->Publish(event, body);
  };

  // From here on a signal ends the command with exit 0, even while the
  // store is still being opened (Deliver then stops before its first event).
  StopOnSignals signals;
  if (!StoreExists(ctx)) return kExitUsage;
  int failed = kExitOk;
  std::unique_ptr<Subscription> subscription =
      OpenSubscription(ctx, name, failed);
  if (subscription == nullptr) return failed;
  FollowOptions follow;
  follow.from_position = subscription->position() + 1;
  follow.account = flags.account.value;
  auto follower = Follower::Open(ctx.db, follow);
  if (!follower.ok()) {
    if (follower.status().code() == Code::kInvalidArgument) {
      return UsageError(ctx, follower.status().message());
    }
    return ReportFailure(ctx, follower.status());
  }

  DeliveryOptions options;
  options.batch_events = kFeedBatchEvents;
  options.wait_ms = kFeedWaitMs;
  options.until_head = flags.once;
  options.max_attempts = static_cast<uint32_t>(
      max_attempts->value_or(options.until_head ? kOnceMaxAttempts : 0));
  options.stop = &g_stop;
  auto report = Deliver(**follower, *subscription, sink, options);
  if (!report.ok()) return ReportFailure(ctx, report.status());
  return ReportDelivery(ctx, name, *report);
}

}  // namespace

void AddDeliver(Registry& registry) {
  auto flags = std::make_shared<DeliverFlags>();
  CLI::App* app = registry.Add(
      "deliver", "send events to a webhook or NATS JetStream, checkpointed",
      kGroupFeed, [flags](Context& ctx) { return RunDeliver(ctx, *flags); });
  app->add_option("--subscription", flags->subscription,
                  "the durable checkpoint's name")
      ->type_name("NAME")
      ->required();
  AddText(app, "--webhook", flags->webhook, "URL", "POST each event to URL");
  AddText(app, "--secret", flags->secret, "S",
          "sign each body: X-Ticketlog-Signature: sha256=HMAC");
  AddText(app, "--nats", flags->nats, "URL",
          "publish each event to NATS JetStream at URL");
  AddText(app, "--subject", flags->subject, "PREFIX",
          "with --nats: subjects PREFIX.<account>.<EventType>");
  AddText(app, "--stream", flags->stream, "S",
          "with --nats: the JetStream stream (default: found by subject)");
  AddText(app, "--account", flags->account, "A", "only account A's events");
  app->add_flag("--once", flags->once,
                "deliver up to the head and exit (1 when the receiver kept "
                "failing)");
  AddText(app, "--max-attempts", flags->max_attempts, "N",
          "give up on an event after N attempts (0: never; --once: 5)");
}

}  // namespace ticketlog::cli
