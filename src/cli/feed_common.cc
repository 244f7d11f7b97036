#include "cli/feed_common.h"

#include <filesystem>

namespace ticketlog::cli {

std::atomic<bool> g_stop{false};

namespace {

extern "C" void OnStopSignal(int) { g_stop.store(true); }

}  // namespace

StopOnSignals::StopOnSignals() {
  g_stop = false;
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

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

}  // namespace ticketlog::cli
