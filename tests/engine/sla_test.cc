// SLA through the engine: list --sla over many tickets with pages and
// cursors, the per-account index, refusals that write nothing, and
// rebuild + verify with SLA entries in the views.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "support/engine_fixture.h"

namespace ticketlog::testing {
namespace {

DefineSlaPolicy Policy(std::string id, std::optional<int64_t> first,
                       std::optional<int64_t> resolution) {
  DefineSlaPolicy p;
  p.policy = std::move(id);
  p.first_response_seconds = first;
  p.resolution_seconds = resolution;
  return p;
}

// 120 tickets opened a minute apart under a 30-minute first-response
// target; every third is answered within 5 minutes.
class SlaEngine : public EngineFixture {
 public:
  SlaEngine() {
    DefineDirectory("acme");
    Must("acme", Policy("half-hour", 1800, std::nullopt), kT0);
    for (int i = 0; i < 120; ++i) {
      CommandResult opened =
          Open("acme", kT0 + i * kMinute, "c-" + std::to_string(i));
      if (i % 3 == 0) {
        Must("acme", LinkOperator{opened.ticket, "ana"}, kT0 + i * kMinute);
        Must("acme", Reply{opened.ticket, ActorKind::kOperator, "On it", {}},
             kT0 + i * kMinute + 5 * kMinute);
      }
    }
    // Another account's tickets never show.
    DefineDirectory("other");
    Must("other", Policy("half-hour", 1800, std::nullopt), kT0);
    Open("other", kT0);
  }

  // Every page of a --sla list through cursors: ticket numbers in order.
  std::vector<uint64_t> All(SlaFilter filter, TimeUs now, uint64_t& total) {
    ListQuery q;
    q.account = "acme";
    q.sla = filter;
    q.now_us = now;
    q.sort = SortBy::kCreated;
    q.order = SortOrder::kAsc;
    std::vector<uint64_t> numbers;
    for (;;) {
      auto page = engine().List(q);
      INFO(page.status().ToString());
      REQUIRE(page.ok());
      total = page->total;
      for (const auto& v : page->items) numbers.push_back(v.number);
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    return numbers;
  }
};

TEST_CASE_METHOD(SlaEngine, "list --sla pages through the breached tickets",
                 "[engine][sla]") {
  // At T0 + 100 min, tickets opened before T0 + 70 min are past due: 70 of
  // them, a third of which (24: i = 0, 3, ..., 69) were answered in time.
  uint64_t total = 0;
  std::vector<uint64_t> breached =
      All(SlaFilter::kBreached, kT0 + 100 * kMinute, total);
  CHECK(total == 46);
  REQUIRE(breached.size() == 46);
  CHECK(breached.front() == 2);  // i = 1
  CHECK(breached.back() == 69);  // i = 69 was answered: i = 68 is last
  for (uint64_t n : breached) CHECK((n - 1) % 3 != 0);

  // At risk: unanswered, due in [now, now + 1 h]: i = 70..119 less the 16
  // answered; i = 70 is due at exactly now, not yet past it.
  std::vector<uint64_t> at_risk =
      All(SlaFilter::kAtRisk, kT0 + 100 * kMinute, total);
  CHECK(total == at_risk.size());
  CHECK(at_risk.size() == 34);
  CHECK(at_risk.front() == 71);
}

TEST_CASE_METHOD(SlaEngine, "a refused policy writes nothing",
                 "[engine][sla]") {
  uint64_t head = HeadPosition();
  CHECK(Run("acme", Policy("x", 0, 60), kT0).status().code() ==
        Code::kInvalidArgument);
  CHECK(Run("acme", Policy("x", 60, -1), kT0).status().code() ==
        Code::kInvalidArgument);
  CHECK(Run("acme", Policy("half-hour", 1800, 60), kT0).status().code() ==
        Code::kAlreadyExists);
  DefineSlaPolicy sales = Policy("x", 60, 60);
  sales.department = "sales";
  CHECK(Run("acme", sales, kT0).status().code() == Code::kUnknownDepartment);
  CHECK(HeadPosition() == head);
}

TEST_CASE_METHOD(SlaEngine, "rebuilt SLA entries equal the live ones",
                 "[engine][sla]") {
  uint64_t total = 0;
  auto before = All(SlaFilter::kBreached, kT0 + 100 * kMinute, total);
  auto report = engine().Verify();
  REQUIRE(report.ok());
  CHECK(report->problems.empty());
  REQUIRE(engine().Rebuild().ok());
  CHECK(All(SlaFilter::kBreached, kT0 + 100 * kMinute, total) == before);
  Reopen();
  CHECK(All(SlaFilter::kBreached, kT0 + 100 * kMinute, total) == before);
}

TEST_CASE_METHOD(SlaEngine, "report over a created-time window",
                 "[engine][sla]") {
  ReportQuery q;
  q.account = "acme";
  q.from_us = kT0 + 30 * kMinute;
  q.to_us = kT0 + 60 * kMinute;
  q.by = ReportBy::kPolicy;
  q.now_us = kT0 + 200 * kMinute;
  auto report = engine().GetReport(q);
  REQUIRE(report.ok());
  REQUIRE(report->groups.size() == 1);
  const ReportGroup& g = report->groups[0];
  CHECK(g.key == "half-hour");
  CHECK(g.tickets == 30);
  CHECK(g.first_response_breached == 20);
  CHECK(g.median_first_response_us == 5 * kMinute);
  CHECK(g.breach_rate == Approx(20.0 / 30.0));
  q.from_us = kT0 + 60 * kMinute;
  q.to_us = kT0;
  CHECK(engine().GetReport(q).status().code() == Code::kInvalidArgument);
}

}  // namespace
}  // namespace ticketlog::testing
