// The delivery loop: follower -> sink -> checkpoint.
#include "ticketlog/delivery.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace ticketlog {
namespace {

// A backoff wait looks at the stop flag this often.
constexpr int64_t kStopCheckMs = 20;

class Loop {
 public:
  Loop(Follower& follower, Subscription& subscription, const Sink& sink,
       const DeliveryOptions& options)
      : follower_(follower),
        subscription_(subscription),
        sink_(sink),
        options_(options) {
    report_.position = subscription.position();
    delivered_to_ = subscription.position();
  }

  StatusOr<DeliveryReport> Run() {
    while (!Stopped()) {
      auto batch = follower_.Next(std::max<size_t>(1, options_.batch_events),
                                  options_.until_head ? 0 : options_.wait_ms);
      if (!batch.ok()) return Finish(batch.status());
      for (const Event& event : *batch) {
        if (!DeliverOne(event)) return Finish(Status::OK());
        delivered_to_ = event.position;
      }
      // Every event of the batch is delivered: the checkpoint may also pass
      // the events of other accounts that the follower passed over.
      delivered_to_ = std::max(delivered_to_, follower_.position() - 1);
      TICKETLOG_RETURN_IF_ERROR(Checkpoint());
      if (batch->empty() && options_.until_head) break;
    }
    return Finish(Status::OK());
  }

 private:
  bool Stopped() const {
    return options_.stop != nullptr && options_.stop->load();
  }

  Status Checkpoint() {
    if (delivered_to_ > subscription_.position()) {
      TICKETLOG_RETURN_IF_ERROR(subscription_.Advance(delivered_to_));
    }
    report_.position = subscription_.position();
    return Status::OK();
  }

  StatusOr<DeliveryReport> Finish(Status status) {
    Status saved = Checkpoint();
    if (!status.ok()) return status;
    if (!saved.ok()) return saved;
    return report_;
  }

  // Attempts `event` until the sink takes it; false when it gave up or was
  // stopped while waiting to try again.
  bool DeliverOne(const Event& event) {
    int64_t backoff_ms = std::max<int64_t>(1, options_.initial_backoff_ms);
    for (uint32_t attempt = 1;; ++attempt) {
      Status status = sink_(event);
      if (status.ok()) {
        ++report_.delivered;
        return true;
      }
      ++report_.failures;
      report_.last_failure = status;
      if (options_.max_attempts != 0 && attempt >= options_.max_attempts) {
        report_.gave_up = true;
        return false;
      }
      // What came before this event is delivered: record it before a wait
      // that may end in a crash. A failure here shows again at the end.
      (void)Checkpoint();
      if (!Sleep(backoff_ms)) return false;
      backoff_ms = std::min(backoff_ms * 2,
                            std::max<int64_t>(1, options_.max_backoff_ms));
    }
  }

  // False when stopped before `ms` passed.
  bool Sleep(int64_t ms) {
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Stopped()) return false;
      std::this_thread::sleep_for(
          std::min(std::chrono::milliseconds(kStopCheckMs),
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       deadline - std::chrono::steady_clock::now()) +
                       std::chrono::milliseconds(1)));
    }
    return !Stopped();
  }

  Follower& follower_;
  Subscription& subscription_;
  const Sink& sink_;
  const DeliveryOptions& options_;
  DeliveryReport report_;
  uint64_t delivered_to_ = 0;  // every event up to here was delivered
};

}  // namespace

StatusOr<DeliveryReport> Deliver(Follower& follower, Subscription& subscription,
                                 const Sink& sink,
                                 const DeliveryOptions& options) {
  if (follower.position() != subscription.position() + 1) {
    return Status::InvalidArgument(
        "follower", "must start at the subscription's position + 1 (" +
                        std::to_string(subscription.position() + 1) +
                        "), not " + std::to_string(follower.position()));
  }
  return Loop(follower, subscription, sink, options).Run();
}

}  // namespace ticketlog
