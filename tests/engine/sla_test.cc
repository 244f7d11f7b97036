// SLA through the engine: list --sla over many tickets with pages and
// cursors, the per-account index, refusals that write nothing, and
// rebuild + verify with SLA entries in the views.
#include <algorithm>
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

// 300 tickets opened 20 minutes apart over four days under a one-hour
// first response and a 30-day resolution target: nine in ten are answered
// within 10 minutes, one in three finished after 2 hours, every other one
// transferred to billing; and one more, unanswered, whose first response
// falls due at a UTC day's first µs. Lists of the breached tickets at times
// from before the first ticket, just after the last event, at and just
// after breach times, to past every due time, in both sorts and
// orders, by page number and by cursor, with and without a department
// filter, must list exactly the tickets each view calls breached: few of
// them at first (read from the SLA index), most of them later (a list
// scan filtered on the records' breach times, counted by the per-day
// counts of the breach index).
class ManyDaysSla : public EngineFixture {
 public:
  static constexpr TimeUs kHour = 60 * kMinute;
  static constexpr TimeUs kDay = 24 * kHour;

  ManyDaysSla() {
    DefineDirectory("acme");
    Must("acme", Policy("std", 3600, 30 * 86400), kT0);
    for (int i = 0; i < 300; ++i) {
      TimeUs at = kT0 + i * 20 * kMinute;
      CommandResult opened = Open("acme", at, "c-" + std::to_string(i % 7));
      tickets_.push_back(opened.ticket);
      if (i % 2 == 0) {
        Must("acme", Transfer{opened.ticket, "billing", ""}, at + kMinute);
      }
      if (i % 10 != 0) {
        Must("acme", LinkOperator{opened.ticket, i % 2 == 0 ? "bruno" : "ana"},
             at + 2 * kMinute);
        Must("acme", Reply{opened.ticket, ActorKind::kOperator, "On it", {}},
             at + 10 * kMinute);
      }
      if (i % 3 == 0) {
        Must("acme", Finish{opened.ticket, "Done.", "solved", {}},
             at + 2 * kHour);
      }
    }
    // Unanswered, opened an hour before a UTC day starts, after every other
    // ticket's last event: breached from that day's first µs on.
    tickets_.push_back(Open("acme", kT0 + 5 * kDay - kHour, "c-late").ticket);
  }

  // The tickets each view calls breached at `now`, in the list's order.
  std::vector<uint64_t> Expected(TimeUs now, SortBy sort, SortOrder order,
                                 const std::optional<std::string>& department) {
    std::vector<std::pair<std::pair<TimeUs, uint64_t>, uint64_t>> found;
    for (const auto& ticket : tickets_) {
      auto view = engine().GetTicket("acme", ticket);
      REQUIRE(view.ok());
      if (department && view->department != *department) continue;
      auto sla = EvaluateSla(*view, now);
      if (!sla || !(sla->first_response_breached || sla->resolution_breached)) {
        continue;
      }
      TimeUs time =
          sort == SortBy::kUpdated ? view->updated_at_us : view->created_at_us;
      found.push_back({{time, view->number}, view->number});
    }
    std::sort(found.begin(), found.end());
    if (order == SortOrder::kDesc) std::reverse(found.begin(), found.end());
    std::vector<uint64_t> numbers;
    for (const auto& f : found) numbers.push_back(f.second);
    return numbers;
  }

  // Every page of the list, by cursor (or by page number), checking that
  // each page reports the same total.
  std::vector<uint64_t> Listed(ListQuery q, bool by_number, uint64_t& total) {
    std::vector<uint64_t> numbers;
    for (uint32_t page = 1;; ++page) {
      if (by_number) q.page = page;
      auto listed = engine().List(q);
      INFO(listed.status().ToString());
      REQUIRE(listed.ok());
      if (page == 1) total = listed->total;
      CHECK(listed->total == total);
      for (const auto& v : listed->items) numbers.push_back(v.number);
      if (listed->next_cursor.empty()) break;
      if (!by_number) q.cursor = listed->next_cursor;
    }
    return numbers;
  }

  std::vector<std::string> tickets_;
};

TEST_CASE_METHOD(ManyDaysSla,
                 "list --sla breached agrees with every view, whatever the "
                 "share breached",
                 "[engine][sla]") {
  const TimeUs last = kT0 + 5 * kDay - kHour;
  const TimeUs nows[] = {0,  // before every ticket: none breached
                         last + kMinute, last + kHour,
                         kT0 + 5 * kDay,      // the late ticket's breach time:
                         kT0 + 5 * kDay + 1,  // breached only after it
                         // Ticket 1 (answered, unfinished) breaches its
                         // resolution target 30 days after it opened.
                         kT0 + 30 * kDay + 20 * kMinute,
                         kT0 + 30 * kDay + 20 * kMinute + 1,
                         kT0 + 30 * kDay,               // a day's first µs
                         kT0 + 30 * kDay + 1,           //
                         kT0 + 31 * kDay + 7 * kHour,   // mid-day
                         kT0 + 32 * kDay + 13 * kHour,  //
                         kT0 + 33 * kDay,               //
                         kT0 + 40 * kDay};
  size_t few = 0, many = 0;
  for (TimeUs now : nows) {
    for (SortBy sort : {SortBy::kUpdated, SortBy::kCreated}) {
      for (SortOrder order : {SortOrder::kDesc, SortOrder::kAsc}) {
        for (std::optional<std::string> department :
             {std::optional<std::string>(),
              std::optional<std::string>("billing")}) {
          INFO("now " << now << " sort " << static_cast<int>(sort) << " order "
                      << static_cast<int>(order) << " dept "
                      << department.value_or("-"));
          std::vector<uint64_t> expected =
              Expected(now, sort, order, department);
          if (!department) (expected.size() < 100 ? few : many) += 1;
          ListQuery q;
          q.account = "acme";
          q.sla = SlaFilter::kBreached;
          q.now_us = now;
          q.sort = sort;
          q.order = order;
          q.department = department;
          for (bool by_number : {false, true}) {
            uint64_t total = 0;
            CHECK(Listed(q, by_number, total) == expected);
            CHECK(total == expected.size());
          }
        }
      }
    }
  }
  // Both ways of finding the breached tickets were taken.
  CHECK(few > 0);
  CHECK(many > 0);
  // A rebuild writes the same per-day counts and records.
  auto report = engine().Verify();
  REQUIRE(report.ok());
  CHECK(report->problems.empty());
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
