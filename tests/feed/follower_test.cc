// Followers of the log: attached to an engine of this process, and opened on
// the store's path beside a writer (here the same process; the tool's tests
// put the writer in another one).
#include "ticketlog/follower.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/engine_fixture.h"

namespace ticketlog {
namespace {

using testing::EngineFixture;
using testing::kMinute;
using testing::kT0;

std::string Positions(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    out += std::to_string(e.position) + ":" + e.account + ":" +
           std::string(EventTypeName(e.payload)) + " ";
  }
  return out;
}

// Reads until `count` events arrived or `timeout_ms` passed.
std::vector<Event> ReadEvents(Follower& follower, size_t count,
                              int64_t timeout_ms = 5000) {
  std::vector<Event> out;
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto batch = follower.Next(count - out.size(), 100);
    REQUIRE(batch.ok());
    out.insert(out.end(), batch->begin(), batch->end());
  }
  return out;
}

TEST_CASE(
    "an attached follower starts after the head and sees new events in order") {
  EngineFixture db;
  db.Must("acme", DefineDepartment{"support", "Support"}, kT0);
  auto follower = Follower::Attach(db.engine(), {});
  REQUIRE(follower.ok());
  CHECK((*follower)->position() == 2);
  db.Must("acme", DefineDepartment{"billing", "Billing"}, kT0 + kMinute);
  db.Must("acme", RegisterOperator{"ana", "Ana", {"support"}}, kT0 + kMinute);
  CHECK(Positions(ReadEvents(**follower, 2)) ==
        "2:acme:DepartmentDefined 3:acme:OperatorRegistered ");
  CHECK((*follower)->position() == 4);
}

TEST_CASE("an attached follower from position 1 replays the log first") {
  EngineFixture db;
  db.Must("acme", DefineDepartment{"support", "Support"}, kT0);
  db.Must("acme", DefineDepartment{"billing", "Billing"}, kT0);
  FollowOptions options;
  options.from_position = 1;
  auto follower = Follower::Attach(db.engine(), options);
  REQUIRE(follower.ok());
  auto first = (*follower)->Next(1, 0);
  REQUIRE(first.ok());
  CHECK(Positions(*first) == "1:acme:DepartmentDefined ");
  CHECK(Positions(ReadEvents(**follower, 1)) == "2:acme:DepartmentDefined ");
}

TEST_CASE("a follower with an account passes over other accounts' events") {
  EngineFixture db;
  FollowOptions options;
  options.account = "beta";
  auto follower = Follower::Attach(db.engine(), options);
  REQUIRE(follower.ok());
  db.Must("acme", DefineDepartment{"support", "Support"}, kT0);
  db.Must("beta", DefineDepartment{"sales", "Sales"}, kT0);
  db.Must("acme", DefineDepartment{"billing", "Billing"}, kT0);
  CHECK(Positions(ReadEvents(**follower, 1)) == "2:beta:DepartmentDefined ");
  auto rest = (*follower)->Next(10, 0);
  REQUIRE(rest.ok());
  CHECK(rest->empty());
  CHECK((*follower)->position() == 4);
}

TEST_CASE("a follower refuses a malformed account") {
  EngineFixture db;
  FollowOptions options;
  options.account = "no spaces";
  auto follower = Follower::Attach(db.engine(), options);
  REQUIRE_FALSE(follower.ok());
  CHECK(follower.status().code() == Code::kInvalidArgument);
}

// How long a wake-up takes is for the benchmarks; these tests tell a
// wake-up from a waited-out timeout, five minutes long.
TEST_CASE("an attached follower is woken by an append, not by its timeout") {
  EngineFixture db;
  auto follower = Follower::Attach(db.engine(), {});
  REQUIRE(follower.ok());
  std::chrono::steady_clock::time_point acknowledged;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    db.Must("acme", DefineDepartment{"support", "Support"}, kT0);
    acknowledged = std::chrono::steady_clock::now();
  });
  auto events = (*follower)->Next(1, 300000);
  auto received = std::chrono::steady_clock::now();
  writer.join();
  REQUIRE(events.ok());
  REQUIRE(events->size() == 1);
  CHECK(received - acknowledged < std::chrono::minutes(2));
}

TEST_CASE("Interrupt makes a waiting Next return empty") {
  EngineFixture db;
  auto follower = Follower::Attach(db.engine(), {});
  REQUIRE(follower.ok());
  auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (*follower)->Interrupt();
  });
  auto events = (*follower)->Next(1, 300000);
  stopper.join();
  REQUIRE(events.ok());
  CHECK(events->empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::minutes(2));
}

TEST_CASE("a follower opened on the path sees what a live writer appends") {
  EngineFixture db;
  db.Must("acme", DefineDepartment{"support", "Support"}, kT0);
  auto follower = Follower::Open(db.options().path, {});
  REQUIRE(follower.ok());
  CHECK((*follower)->position() == 2);
  auto none = (*follower)->Next(10, 0);
  REQUIRE(none.ok());
  CHECK(none->empty());
  db.Must("acme", DefineDepartment{"billing", "Billing"}, kT0);
  db.Must("beta", DefineDepartment{"sales", "Sales"}, kT0);
  CHECK(Positions(ReadEvents(**follower, 2)) ==
        "2:acme:DepartmentDefined 3:beta:DepartmentDefined ");
}

TEST_CASE(
    "a follower opened on the path keeps up across the writer's flushes") {
  EngineFixture db;
  FollowOptions options;
  options.from_position = 1;
  auto follower = Follower::Open(db.options().path, options);
  REQUIRE(follower.ok());
  std::vector<Event> seen;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20; ++i) {
      db.Must("acme",
              DefineDepartment{"d" + std::to_string(round * 100 + i), "D"},
              kT0);
    }
    db.Reopen();  // closing flushes the memtable and starts a new WAL
    auto got = ReadEvents(**follower, 20);
    seen.insert(seen.end(), got.begin(), got.end());
  }
  REQUIRE(seen.size() == 60);
  for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i].position == i + 1);
}

TEST_CASE("a follower opened on a path without a store fails with io_error") {
  testing::TempDir dir;
  auto follower = Follower::Open(dir.Sub("nothing"), {});
  REQUIRE_FALSE(follower.ok());
  CHECK(follower.status().code() == Code::kIoError);
}

}  // namespace
}  // namespace ticketlog
