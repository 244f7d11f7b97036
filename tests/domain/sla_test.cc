// SLA policies in the domain: the define_sla_policy decider, which policy
// a ticket falls under and when it is re-evaluated, EvaluateSla, the marks
// the projections index, and the report's figures.
#include "domain/sla.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "domain/decide.h"
#include "ticketlog/sla.h"

using namespace ticketlog;
using namespace ticketlog::domain;

namespace {

using Events = std::vector<EventPayload>;

constexpr TimeUs kT0 = 1'700'000'000'000'000;  // 2023-11-14T22:13:20Z
constexpr TimeUs kSecond = 1'000'000;
constexpr TimeUs kMinute = 60 * kSecond;
constexpr TimeUs kHour = 60 * kMinute;

DirectoryState Directory() {
  DirectoryState d;
  d.departments = {{"support", "Support"}, {"billing", "Billing"}};
  d.operators = {{"ana", {"Ana", {"support"}}}};
  d.version = 3;
  d.updated_at_us = kT0;
  return d;
}

DefineSlaPolicy Policy(std::string id, std::vector<Priority> priorities,
                       std::string department, std::optional<int64_t> first,
                       std::optional<int64_t> resolution) {
  DefineSlaPolicy p;
  p.policy = std::move(id);
  p.name = "Policy " + p.policy;
  p.priorities = std::move(priorities);
  p.department = std::move(department);
  p.first_response_seconds = first;
  p.resolution_seconds = resolution;
  return p;
}

// Decides `command` on `state` and folds the events in, as the handler does.
void Define(DirectoryState& state, const DefineSlaPolicy& command) {
  auto events = DecideDirectory(state, command, {.now_us = kT0});
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  for (const auto& payload : *events) {
    Event event;
    event.version = ++state.version;
    event.occurred_at_us = kT0;
    event.payload = payload;
    EvolveDirectory(state, event);
  }
}

// Urgent/high tickets of support: 10 min / 2 h; any urgent: 30 min / 4 h;
// everything else: 1 h / 1 day.
DirectoryState WithPolicies() {
  DirectoryState d = Directory();
  Define(d, Policy("vip", {Priority::kUrgent, Priority::kHigh}, "support", 600,
                   7200));
  Define(d, Policy("urgent", {Priority::kUrgent}, "", 1800, 14400));
  Define(d, Policy("default", {}, "", 3600, 86400));
  return d;
}

Status Refusal(const DirectoryState& state, const DefineSlaPolicy& command) {
  auto events = DecideDirectory(state, command, {.now_us = kT0});
  REQUIRE_FALSE(events.ok());
  return events.status();
}

TEST_CASE("define_sla_policy refuses bad targets, naming the field",
          "[domain][sla]") {
  DirectoryState d = Directory();
  Status zero = Refusal(d, Policy("p", {}, "", 0, std::nullopt));
  CHECK(zero.code() == Code::kInvalidArgument);
  CHECK(zero.message().starts_with("first_response_seconds:"));
  Status negative = Refusal(d, Policy("p", {}, "", std::nullopt, -5));
  CHECK(negative.code() == Code::kInvalidArgument);
  CHECK(negative.message().starts_with("resolution_seconds:"));
  Status no_id = Refusal(d, Policy("", {}, "", 60, 60));
  CHECK(no_id.code() == Code::kInvalidArgument);
  CHECK(no_id.message().starts_with("policy:"));
  Status department = Refusal(d, Policy("p", {}, "sales", 60, 60));
  CHECK(department.code() == Code::kUnknownDepartment);
  CHECK(department.message().starts_with("department:"));
  Status priority =
      Refusal(d, Policy("p", {static_cast<Priority>(9)}, "", 60, 60));
  CHECK(priority.code() == Code::kInvalidArgument);
  CHECK(priority.message().starts_with("priorities[0]:"));
}

TEST_CASE(
    "a policy id keeps its targets: other targets are refused, the same "
    "ones rename or change nothing",
    "[domain][sla]") {
  DirectoryState d = WithPolicies();
  Status other = Refusal(d, Policy("urgent", {Priority::kUrgent}, "", 1800, 1));
  CHECK(other.code() == Code::kAlreadyExists);
  CHECK(other.message().starts_with("policy:"));
  CHECK(Refusal(d, Policy("urgent", {}, "", 1800, 14400)).code() ==
        Code::kAlreadyExists);

  auto same =
      DecideDirectory(d, Policy("urgent", {Priority::kUrgent}, "", 1800, 14400),
                      {.now_us = kT0});
  REQUIRE(same.ok());
  CHECK(same->empty());

  DefineSlaPolicy renamed =
      Policy("urgent", {Priority::kUrgent}, "", 1800, 14400);
  renamed.name = "Urgent tickets";
  Define(d, renamed);
  REQUIRE(d.sla_policies.size() == 3);
  CHECK(d.sla_policies[1].policy == "urgent");  // keeps its place
  CHECK(d.sla_policies[1].name == "Urgent tickets");
}

TEST_CASE("the first matching policy in definition order applies",
          "[domain][sla]") {
  DirectoryState d = WithPolicies();
  CHECK(MatchSlaPolicy(d, Priority::kUrgent, "support") ==
        SlaTargets{"vip", 600, 7200});
  CHECK(MatchSlaPolicy(d, Priority::kUrgent, "billing") ==
        SlaTargets{"urgent", 1800, 14400});
  CHECK(MatchSlaPolicy(d, Priority::kHigh, "") ==
        SlaTargets{"default", 3600, 86400});
  CHECK(MatchSlaPolicy(Directory(), Priority::kHigh, "") == std::nullopt);
}

TicketView Folded(const std::optional<TicketView>& state,
                  const CommandBody& command, const DirectoryState& d,
                  TimeUs at_us, Events* out = nullptr) {
  TicketContext context{.directory = &d, .now_us = at_us};
  context.ticket = "00000000-0000-4000-8000-000000000001";
  context.number = 1;
  context.resolved_customer.contact = "c-1";
  auto events = DecideTicket(state, command, context);
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  TicketView view = state.value_or(TicketView{});
  for (const auto& payload : *events) {
    Event event;
    event.account = "acme";
    event.version = view.version + 1;
    event.occurred_at_us = at_us;
    event.payload = payload;
    EvolveTicket(view, event);
  }
  if (out != nullptr) *out = *events;
  return view;
}

TEST_CASE(
    "the policy is re-evaluated when the priority or the department "
    "changes, and only then",
    "[domain][sla]") {
  DirectoryState d = WithPolicies();
  OpenTicket open;
  open.subject = "s";
  open.customer.id = "c-1";
  open.priority = Priority::kUrgent;
  TicketView v = Folded(std::nullopt, open, d, kT0);
  REQUIRE(v.sla);
  CHECK(v.sla->policy == "urgent");

  Transfer to_support;
  to_support.ticket = v.ticket;
  to_support.department = "support";
  Events events;
  v = Folded(v, to_support, d, kT0 + kMinute, &events);
  CHECK(v.sla == SlaTargets{"vip", 600, 7200});
  REQUIRE(std::get<TicketTransferred>(events[0]).sla);

  // A new policy defined now changes nothing until the next change.
  Define(d, Policy("late", {}, "", 1, 1));
  Update subject;
  subject.ticket = v.ticket;
  subject.subject = "t";
  v = Folded(v, subject, d, kT0 + 2 * kMinute, &events);
  CHECK_FALSE(std::get<TicketUpdated>(events[0]).sla);
  CHECK(v.sla->policy == "vip");

  Update low;
  low.ticket = v.ticket;
  low.priority = Priority::kLow;
  v = Folded(v, low, d, kT0 + 3 * kMinute);
  CHECK(v.sla == SlaTargets{"default", 3600, 86400});

  // Same policy after the change: the event carries no sla.
  Update normal;
  normal.ticket = v.ticket;
  normal.priority = Priority::kNormal;
  v = Folded(v, normal, d, kT0 + 4 * kMinute, &events);
  CHECK_FALSE(std::get<TicketUpdated>(events[0]).sla);
  CHECK(v.sla->policy == "default");
}

TEST_CASE("a ticket no policy matches any more has none", "[domain][sla]") {
  DirectoryState d = Directory();
  Define(d, Policy("urgent", {Priority::kUrgent}, "", 60, 60));
  OpenTicket open;
  open.subject = "s";
  open.customer.id = "c-1";
  open.priority = Priority::kUrgent;
  TicketView v = Folded(std::nullopt, open, d, kT0);
  REQUIRE(v.sla);
  Update low;
  low.ticket = v.ticket;
  low.priority = Priority::kLow;
  Events events;
  v = Folded(v, low, d, kT0 + kMinute, &events);
  CHECK(std::get<TicketUpdated>(events[0]).sla == SlaTargets{});
  CHECK_FALSE(v.sla);
  CHECK_FALSE(EvaluateSla(v, kT0 + kHour));
}

TicketView Ticket(int64_t first_s, int64_t resolution_s) {
  TicketView v;
  v.ticket = "t";
  v.created_at_us = kT0;
  v.updated_at_us = kT0;
  v.sla = SlaTargets{"p", first_s, resolution_s};
  return v;
}

TEST_CASE("due times and breaches at a time", "[domain][sla]") {
  TicketView v = Ticket(600, 7200);
  auto at = [&](TimeUs now) { return *EvaluateSla(v, now); };
  CHECK(at(kT0).first_response_due_at_us == kT0 + 10 * kMinute);
  CHECK(at(kT0).resolution_due_at_us == kT0 + 2 * kHour);
  CHECK_FALSE(at(kT0 + 10 * kMinute).first_response_breached);  // at due: met
  CHECK(at(kT0 + 10 * kMinute + 1).first_response_breached);
  CHECK(at(kT0).at_risk);                       // due within the hour
  CHECK_FALSE(at(kT0 + 11 * kMinute).at_risk);  // breached

  // Met late stays breached; met in time never is.
  v.first_response_at_us = kT0 + 11 * kMinute;
  CHECK(at(kT0 + 11 * kMinute).first_response_breached);
  v.first_response_at_us = kT0 + 9 * kMinute;
  CHECK_FALSE(at(kT0 + 5 * kHour).first_response_breached);
  CHECK(at(kT0 + 5 * kHour).resolution_breached);

  // A target of 0 is no target.
  TicketView none = Ticket(0, 60);
  CHECK_FALSE(EvaluateSla(none, kT0)->first_response_due_at_us);
  CHECK_FALSE(EvaluateSla(none, kT0 + kHour)->first_response_breached);
}

TEST_CASE("paused time shifts the resolution due time", "[domain][sla]") {
  TicketView v = Ticket(0, 7200);
  // Paused for an hour, ended.
  v.paused_us = kHour;
  CHECK(EvaluateSla(v, kT0)->resolution_due_at_us == kT0 + 3 * kHour);
  // Paused again from 2h30 on: the clock stands still while it runs.
  v.status = TicketStatus::kPending;
  v.custom_status = "waiting_vendor";
  v.status_started_at_us = kT0 + 150 * kMinute;
  auto late = EvaluateSla(v, kT0 + 10 * kHour);
  CHECK(late->resolution_due_at_us == kT0 + 3 * kHour + 450 * kMinute);
  CHECK_FALSE(late->resolution_breached);
  CHECK(late->at_risk);  // 30 minutes left on a stopped clock

  // Paused after the due time: breached for good.
  v.status_started_at_us = kT0 + 4 * kHour;
  CHECK(EvaluateSla(v, kT0 + 10 * kHour)->resolution_breached);

  // Finished in time once the pause is counted.
  v.status = TicketStatus::kFinished;
  v.custom_status.clear();
  v.finished_at_us = kT0 + 150 * kMinute;
  CHECK_FALSE(EvaluateSla(v, kT0 + 10 * kHour)->resolution_breached);
  // Reopened: unresolved again against the same due time.
  v.status = TicketStatus::kOpen;
  CHECK(EvaluateSla(v, kT0 + 10 * kHour)->resolution_breached);
}

// The index marks must agree with EvaluateSla for any time at or after the
// ticket's last event: breached iff now > breach_at; at risk iff
// now <= breach_at <= now + window, or paused at risk and not breached.
TEST_CASE("the marks the projections index agree with EvaluateSla",
          "[domain][sla]") {
  std::mt19937_64 rng(13);
  auto pick = [&](int64_t n) {
    return static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
  };
  for (int i = 0; i < 20000; ++i) {
    TicketView v = Ticket(pick(3) * 1800, pick(4) * 3600);
    if (v.sla->first_response_seconds == 0 && v.sla->resolution_seconds == 0) {
      continue;
    }
    TimeUs last = kT0 + pick(6) * 30 * kMinute;
    if (pick(2) == 1) {
      v.first_response_at_us =
          std::min(last, kT0 + pick(5) * 20 * kMinute + pick(3) - 1);
    }
    v.paused_us = pick(3) * 20 * kMinute;
    switch (pick(3)) {
      case 0:
        v.status = TicketStatus::kFinished;
        v.finished_at_us = last;
        break;
      case 1:
        v.status = TicketStatus::kPending;
        v.custom_status = "x";
        v.status_started_at_us = last;
        break;
      default:
        v.status = TicketStatus::kOpen;
    }
    SlaMarks marks = SlaMarksOf(v);
    for (int j = 0; j < 8; ++j) {
      TimeUs now = last + pick(10) * 20 * kMinute + pick(3) - 1;
      if (now < last) now = last;
      SlaStatus s = *EvaluateSla(v, now);
      bool breached = s.first_response_breached || s.resolution_breached;
      INFO("ticket " << i << " now +" << (now - kT0) / kMinute << " min");
      CHECK(breached == (marks.breach_at_us && now > *marks.breach_at_us));
      bool indexed_risk = (marks.breach_at_us && *marks.breach_at_us >= now &&
                           *marks.breach_at_us <= now + kSlaAtRiskWindowUs) ||
                          (marks.paused_at_risk && !breached);
      CHECK(s.at_risk == indexed_risk);
    }
  }
}

TEST_CASE("report medians are stats' medians, p90 is the nearest rank",
          "[domain][sla]") {
  std::vector<TicketView> views;
  // Resolution times 1..10 minutes in support, one unresolved billing ticket.
  for (int i = 1; i <= 10; ++i) {
    TicketView v = Ticket(600, 300);
    v.department = "support";
    v.status = TicketStatus::kFinished;
    v.resolution_us = i * kMinute;
    v.finished_at_us = kT0 + i * kMinute;
    v.first_response_at_us = kT0 + (i <= 4 ? 1 : 20) * kMinute;
    v.first_response_us = *v.first_response_at_us - kT0;
    v.reopen_count = i == 10 ? 1 : 0;
    views.push_back(v);
  }
  TicketView billing;
  billing.department = "billing";
  billing.created_at_us = kT0;
  views.push_back(billing);

  Report r = BuildReport(views, ReportBy::kDepartment, kT0 + kHour);
  REQUIRE(r.groups.size() == 2);
  CHECK(r.groups[0].key == "billing");
  CHECK(r.groups[0].tickets == 1);
  CHECK(r.groups[0].with_policy == 0);
  CHECK_FALSE(r.groups[0].breach_rate);
  const ReportGroup& s = r.groups[1];
  CHECK(s.key == "support");
  CHECK(s.tickets == 10);
  CHECK(s.finished == 10);
  CHECK(s.reopened == 1);
  CHECK(s.median_resolution_us == 330 * kSecond);  // mean of 5 and 6 min
  CHECK(s.p90_resolution_us == 9 * kMinute);       // ceil(0.9 * 10) = 9th
  CHECK(s.median_first_response_us == 20 * kMinute);
  CHECK(s.first_response_breached == 6);  // answered after 10 min
  CHECK(s.resolution_breached == 5);      // resolved after 5 min
  CHECK(s.breach_rate == 0.6);            // 6 of 10 breached something
  CHECK(r.total.tickets == 11);
  CHECK(r.total.p90_resolution_us == 9 * kMinute);
}

}  // namespace
