// The delivery loop against sinks in this process: order, checkpoints,
// retries and giving up. The real receivers are in tests/sinks and
// tests/cli.
#include "ticketlog/delivery.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/engine_fixture.h"

namespace ticketlog {
namespace {

using testing::EngineFixture;
using testing::kT0;

struct Run {
  std::unique_ptr<Subscription> subscription;
  std::unique_ptr<Follower> follower;
};

Run Start(EngineFixture& db, const std::string& dir, std::string account = "") {
  Run run;
  auto sub = Subscription::Open(dir, "test");
  REQUIRE(sub.ok());
  run.subscription = std::move(*sub);
  FollowOptions follow;
  follow.from_position = run.subscription->position() + 1;
  follow.account = std::move(account);
  auto follower = Follower::Attach(db.engine(), follow);
  REQUIRE(follower.ok());
  run.follower = std::move(*follower);
  return run;
}

DeliveryOptions Once() {
  DeliveryOptions options;
  options.until_head = true;
  options.initial_backoff_ms = 1;
  options.max_backoff_ms = 4;
  return options;
}

void AddDepartments(EngineFixture& db, const std::string& account, int n) {
  static int next = 0;
  for (int i = 0; i < n; ++i) {
    db.Must(account, DefineDepartment{"d" + std::to_string(next++), "D"}, kT0);
  }
}

TEST_CASE(
    "deliver hands every event to the sink in log order and checkpoints the "
    "last") {
  EngineFixture db;
  testing::TempDir dir;
  AddDepartments(db, "acme", 5);
  Run run = Start(db, dir.path());
  std::vector<uint64_t> seen;
  auto report = Deliver(
      *run.follower, *run.subscription,
      [&](const Event& e) {
        seen.push_back(e.position);
        return Status::OK();
      },
      Once());
  REQUIRE(report.ok());
  CHECK(seen == std::vector<uint64_t>{1, 2, 3, 4, 5});
  CHECK(report->delivered == 5);
  CHECK(report->position == 5);
  CHECK(run.subscription->position() == 5);
}

TEST_CASE("deliver resumes after the checkpoint of an earlier run") {
  EngineFixture db;
  testing::TempDir dir;
  AddDepartments(db, "acme", 3);
  auto count = [](std::vector<uint64_t>& seen) {
    return [&seen](const Event& e) {
      seen.push_back(e.position);
      return Status::OK();
    };
  };
  std::vector<uint64_t> first, second;
  {
    Run run = Start(db, dir.path());
    REQUIRE(
        Deliver(*run.follower, *run.subscription, count(first), Once()).ok());
  }
  AddDepartments(db, "acme", 2);
  Run run = Start(db, dir.path());
  REQUIRE(
      Deliver(*run.follower, *run.subscription, count(second), Once()).ok());
  CHECK(first == std::vector<uint64_t>{1, 2, 3});
  CHECK(second == std::vector<uint64_t>{4, 5});
}

TEST_CASE(
    "a failing event is retried and nothing after it is delivered first") {
  EngineFixture db;
  testing::TempDir dir;
  AddDepartments(db, "acme", 4);
  Run run = Start(db, dir.path());
  std::vector<uint64_t> attempts;
  int failures_left = 3;
  auto report = Deliver(
      *run.follower, *run.subscription,
      [&](const Event& e) {
        attempts.push_back(e.position);
        if (e.position == 2 && failures_left-- > 0) {
          return Status::IoError("HTTP 503");
        }
        return Status::OK();
      },
      Once());
  REQUIRE(report.ok());
  CHECK(attempts == std::vector<uint64_t>{1, 2, 2, 2, 2, 3, 4});
  CHECK(report->failures == 3);
  CHECK(report->delivered == 4);
  CHECK_FALSE(report->gave_up);
  CHECK(run.subscription->position() == 4);
}

TEST_CASE(
    "deliver gives up after max_attempts with the checkpoint before the "
    "failing event") {
  EngineFixture db;
  testing::TempDir dir;
  AddDepartments(db, "acme", 4);
  Run run = Start(db, dir.path());
  DeliveryOptions options = Once();
  options.max_attempts = 3;
  auto report = Deliver(
      *run.follower, *run.subscription,
      [&](const Event& e) {
        if (e.position >= 3) return Status::IoError("down");
        return Status::OK();
      },
      options);
  REQUIRE(report.ok());
  CHECK(report->gave_up);
  CHECK(report->failures == 3);
  CHECK(report->last_failure.message() == "down");
  CHECK(report->position == 2);
  CHECK(run.subscription->position() == 2);
}

TEST_CASE("deliver with an account passes the checkpoint over other accounts") {
  EngineFixture db;
  testing::TempDir dir;
  AddDepartments(db, "acme", 2);
  AddDepartments(db, "beta", 1);
  AddDepartments(db, "acme", 2);
  Run run = Start(db, dir.path(), "beta");
  std::vector<std::string> seen;
  auto report = Deliver(
      *run.follower, *run.subscription,
      [&](const Event& e) {
        seen.push_back(e.account);
        return Status::OK();
      },
      Once());
  REQUIRE(report.ok());
  CHECK(seen == std::vector<std::string>{"beta"});
  CHECK(run.subscription->position() == 5);
}

TEST_CASE("deliver refuses a follower that does not start at the checkpoint") {
  EngineFixture db;
  testing::TempDir dir;
  AddDepartments(db, "acme", 2);
  auto sub = Subscription::Open(dir.path(), "test");
  REQUIRE(sub.ok());
  FollowOptions follow;
  follow.from_position = 2;
  auto follower = Follower::Attach(db.engine(), follow);
  REQUIRE(follower.ok());
  auto report = Deliver(
      **follower, **sub, [](const Event&) { return Status::OK(); }, Once());
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kInvalidArgument);
}

TEST_CASE("a stop flag ends a delivery that waits for new events") {
  EngineFixture db;
  testing::TempDir dir;
  Run run = Start(db, dir.path());
  std::atomic<bool> stop{false};
  DeliveryOptions options;
  options.wait_ms = 20;
  options.stop = &stop;
  uint64_t delivered = 0;
  std::thread writer([&] {
    AddDepartments(db, "acme", 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  auto report = Deliver(
      *run.follower, *run.subscription,
      [&](const Event&) {
        ++delivered;
        return Status::OK();
      },
      options);
  writer.join();
  REQUIRE(report.ok());
  CHECK(delivered == 3);
  CHECK(run.subscription->position() == 3);
}

}  // namespace
}  // namespace ticketlog
