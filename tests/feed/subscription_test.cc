#include "ticketlog/subscription.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace ticketlog {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_CASE("a new subscription starts at position 0") {
  testing::TempDir dir;
  auto sub = Subscription::Open(dir.path(), "crm");
  REQUIRE(sub.ok());
  CHECK((*sub)->position() == 0);
  CHECK((*sub)->name() == "crm");
}

TEST_CASE("an advanced subscription keeps its position across opens") {
  testing::TempDir dir;
  {
    auto sub = Subscription::Open(dir.path(), "crm");
    REQUIRE(sub.ok());
    REQUIRE((*sub)->Advance(41).ok());
    REQUIRE((*sub)->Advance(42).ok());
  }
  CHECK(ReadFile(dir.path() + "/subscriptions/crm") == "42\n");
  auto again = Subscription::Open(dir.path(), "crm");
  REQUIRE(again.ok());
  CHECK((*again)->position() == 42);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/subscriptions/crm.tmp"));
}

TEST_CASE("a subscription never moves back") {
  testing::TempDir dir;
  auto sub = Subscription::Open(dir.path(), "crm");
  REQUIRE(sub.ok());
  REQUIRE((*sub)->Advance(10).ok());
  Status back = (*sub)->Advance(9);
  CHECK(back.code() == Code::kInvalidArgument);
  CHECK((*sub)->position() == 10);
}

TEST_CASE("a subscription is held by one opener at a time") {
  testing::TempDir dir;
  auto first = Subscription::Open(dir.path(), "crm");
  REQUIRE(first.ok());
  auto second = Subscription::Open(dir.path(), "crm");
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Code::kBusy);
  auto other = Subscription::Open(dir.path(), "search");
  CHECK(other.ok());
  first->reset();
  CHECK(Subscription::Open(dir.path(), "crm").ok());
}

TEST_CASE("a subscription name that could leave its directory is refused") {
  testing::TempDir dir;
  for (const char* name : {"", "../x", "a/b", ".hidden", "sp ace"}) {
    auto sub = Subscription::Open(dir.path(), name);
    INFO(name);
    REQUIRE_FALSE(sub.ok());
    CHECK(sub.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("a damaged checkpoint file is corruption, not position 0") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/subscriptions");
  std::ofstream(dir.path() + "/subscriptions/crm") << "12x";
  auto sub = Subscription::Open(dir.path(), "crm");
  REQUIRE_FALSE(sub.ok());
  CHECK(sub.status().code() == Code::kCorruption);
}

}  // namespace
}  // namespace ticketlog
