// The two followers: one beside a writer in another process (it opens the
// store read-only again when its files changed) and one attached to an
// Engine of this process (woken by its appends).
#include "ticketlog/follower.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string_view>

#include "domain/validate.h"
#include "feed/store_files.h"

namespace ticketlog {
namespace {

using Clock = std::chrono::steady_clock;

// An attached follower waits in slices of this length so that Interrupt()
// takes effect without a wake-up from the engine.
constexpr int64_t kWaitSliceMs = 50;

int64_t MsUntil(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return std::max<int64_t>(0, left.count());
}

// Reads events of `engine` from `position` on into `out` (at most `max`
// that match `account`), advancing `position` past every event read.
Status Collect(Engine& engine, const std::string& account, size_t max,
               uint64_t& position, std::vector<Event>& out) {
  return engine.ReadLog(position, [&](const Event& event) {
    if (event.position != position) return false;  // not dense: stop here
    ++position;
    if (account.empty() || event.account == account) {
      out.push_back(event);
    }
    return out.size() < max;
  });
}

Status CheckOptions(const FollowOptions& options) {
  if (!options.account.empty()) {
    TICKETLOG_RETURN_IF_ERROR(domain::CheckAccount(options.account));
  }
  return Status::OK();
}

// ---- A follower of a store written by another process ----------------------

class StoreFollower final : public Follower {
 public:
  StoreFollower(std::string path, FollowOptions options)
      : path_(std::move(path)), options_(std::move(options)) {}

  ~StoreFollower() override {
    if (inotify_fd_ >= 0) ::close(inotify_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
  }

  Status Init() {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    // Without inotify (a limit reached) the follower still polls.
    inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd_ >= 0 &&
        ::inotify_add_watch(
            inotify_fd_, path_.c_str(),
            IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
      ::close(inotify_fd_);
      inotify_fd_ = -1;
    }
    TICKETLOG_RETURN_IF_ERROR(Reopen());
    if (options_.from_position == 0) {
      auto head = engine_->Head();
      if (!head.ok()) return head.status();
      position_ = head->position + 1;
    } else {
      position_ = options_.from_position;
    }
    return Status::OK();
  }

  StatusOr<std::vector<Event>> Next(size_t max_events,
                                    int64_t timeout_ms) override {
    std::vector<Event> out;
    if (max_events == 0) return out;
    Clock::time_point deadline =
        Clock::now() +
        std::chrono::milliseconds(std::max<int64_t>(0, timeout_ms));
    for (;;) {
      if (interrupted_.exchange(false)) return out;
      if (Changed() && Clock::now() >= next_reopen_) {
        TICKETLOG_RETURN_IF_ERROR(Reopen());
      }
      TICKETLOG_RETURN_IF_ERROR(
          Collect(*engine_, options_.account, max_events, position_, out));
      if (!out.empty()) return out;
      int64_t left = MsUntil(deadline);
      if (left == 0) return out;
      Wait(std::min(left, options_.poll_interval_ms));
    }
  }

  uint64_t position() const override { return position_; }

  void Interrupt() override {
    interrupted_ = true;
    uint64_t one = 1;
    if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
  }

 private:
  // True when the store's files differ from what the open instance saw.
  bool Changed() {
    fingerprint_now_ = feed::StoreFingerprint(path_);
    return fingerprint_now_ != fingerprint_;
  }

  // Opens the store again to see what the writer appended since the last
  // open. The fingerprint is taken before the open: a write that lands
  // during it changes the files again, and the next look opens again.
  Status Reopen() {
    std::string fingerprint = feed::StoreFingerprint(path_);
    Options options;
    options.path = path_;
    options.read_only = true;
    options.create_if_missing = false;
    options.block_cache_bytes = 8u << 20;
    auto engine = Engine::Open(options);
    next_reopen_ = Clock::now() +
                   std::chrono::milliseconds(options_.min_reopen_interval_ms);
    if (!engine.ok()) {
      // A writer that is reorganising its files: keep the instance we have
      // and look again.
      if (engine.status().code() == Code::kBusy && engine_ != nullptr) {
        return Status::OK();
      }
      return engine.status();
    }
    engine_ = std::move(*engine);
    fingerprint_ = std::move(fingerprint);
    return Status::OK();
  }

  // Sleeps until the directory changes, Interrupt() or `ms` passed; while
  // it is too soon to open again, only Interrupt() wakes it.
  void Wait(int64_t ms) {
    int64_t gap = MsUntil(next_reopen_);
    pollfd fds[2];
    int count = 0;
    if (wake_fd_ >= 0) fds[count++] = {wake_fd_, POLLIN, 0};
    if (inotify_fd_ >= 0 && gap == 0) fds[count++] = {inotify_fd_, POLLIN, 0};
    ::poll(fds, count, static_cast<int>(gap > 0 ? std::min(gap, ms) : ms));
    Drain(wake_fd_);
    if (gap == 0) Drain(inotify_fd_);
  }

  static void Drain(int fd) {
    if (fd < 0) return;
    char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
  }

  const std::string path_;
  const FollowOptions options_;
  std::unique_ptr<Engine> engine_;
  std::string fingerprint_;      // of the files the open instance saw
  std::string fingerprint_now_;  // of the last look
  Clock::time_point next_reopen_;
  uint64_t position_ = 1;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> interrupted_{false};
};

// ---- A follower of an Engine of this process --------------------------------

class EngineFollower final : public Follower {
 public:
  EngineFollower(Engine& engine, FollowOptions options)
      : engine_(engine), options_(std::move(options)) {}

  Status Init() {
    if (options_.from_position != 0) {
      position_ = options_.from_position;
      return Status::OK();
    }
    auto head = engine_.Head();
    if (!head.ok()) return head.status();
    position_ = head->position + 1;
    return Status::OK();
  }

  StatusOr<std::vector<Event>> Next(size_t max_events,
                                    int64_t timeout_ms) override {
    std::vector<Event> out;
    if (max_events == 0) return out;
    Clock::time_point deadline =
        Clock::now() +
        std::chrono::milliseconds(std::max<int64_t>(0, timeout_ms));
    for (;;) {
      if (interrupted_.exchange(false)) return out;
      TICKETLOG_RETURN_IF_ERROR(
          Collect(engine_, options_.account, max_events, position_, out));
      if (!out.empty()) return out;
      int64_t left = MsUntil(deadline);
      if (left == 0) return out;
      engine_.WaitForAppend(position_ - 1, std::min(left, kWaitSliceMs));
    }
  }

  uint64_t position() const override { return position_; }

  void Interrupt() override { interrupted_ = true; }

 private:
  Engine& engine_;
  const FollowOptions options_;
  uint64_t position_ = 1;
  std::atomic<bool> interrupted_{false};
};

}  // namespace

StatusOr<std::unique_ptr<Follower>> Follower::Open(
    const std::string& path, const FollowOptions& options) {
  TICKETLOG_RETURN_IF_ERROR(CheckOptions(options));
  auto follower = std::make_unique<StoreFollower>(path, options);
  TICKETLOG_RETURN_IF_ERROR(follower->Init());
  return std::unique_ptr<Follower>(std::move(follower));
}

StatusOr<std::unique_ptr<Follower>> Follower::Attach(
    Engine& engine, const FollowOptions& options) {
  TICKETLOG_RETURN_IF_ERROR(CheckOptions(options));
  auto follower = std::make_unique<EngineFollower>(engine, options);
  TICKETLOG_RETURN_IF_ERROR(follower->Init());
  return std::unique_ptr<Follower>(std::move(follower));
}

}  // namespace ticketlog
