// SLA: where a ticket stands against the targets of its SLA policy
// (DefineSlaPolicy in commands.h), and the account report over tickets
// created in a time window.
//
// The clock is 24x7. A ticket's first-response target is due
// first_response_seconds after it was created and is met by the first
// operator reply; its resolution target is due resolution_seconds after it
// was created plus the time it spent in custom statuses (a running status
// counts up to the evaluation time, so that the clock stands still while
// the ticket is paused) and is met while the ticket is finished or closed
// (a reopened ticket is unresolved again, against the same due time). A
// target is breached when it was met after its due time, or is unmet and
// the evaluation time is past its due time.
//
// Plain values and pure functions; thread-compatible.
#ifndef TICKETLOG_SLA_H_
#define TICKETLOG_SLA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/types.h"
#include "ticketlog/views.h"

namespace ticketlog {

// A ticket is at risk when a target of it is unmet and due within this
// window (the next hour), and no target of it is breached.
inline constexpr int64_t kSlaAtRiskWindowUs = int64_t{3600} * 1'000'000;

// Where one ticket stands at one time.
struct SlaStatus {
  std::string policy;
  // Unset when the policy has no such target.
  std::optional<TimeUs> first_response_due_at_us;
  std::optional<TimeUs> resolution_due_at_us;
  bool first_response_breached = false;
  bool resolution_breached = false;
  // Unmet, due within kSlaAtRiskWindowUs of the evaluation time, and no
  // target breached.
  bool at_risk = false;
  friend bool operator==(const SlaStatus&, const SlaStatus&) = default;
};

// Returns where `view` stands against its policy at `now_us` (the
// evaluation time: the clock, or the time a view is shown as of); nullopt
// when no policy applies to the ticket. Pure.
std::optional<SlaStatus> EvaluateSla(const TicketView& view, TimeUs now_us);

// What a report groups tickets by.
enum class ReportBy : uint8_t {
  kDepartment = 0,
  kOperator = 1,  // the linked operator
  kPriority = 2,
  kChannel = 3,
  kPolicy = 4,  // the SLA policy
};
std::string_view Name(ReportBy v);
std::optional<ReportBy> ParseReportBy(std::string_view name);

struct ReportQuery {
  std::string account;
  // Tickets created in [from_us, to_us); an unset bound is open.
  std::optional<TimeUs> from_us, to_us;
  ReportBy by = ReportBy::kDepartment;
  // The time breaches are evaluated at; the engine's clock when unset.
  std::optional<TimeUs> now_us;
};

// The figures of one group (or of all tickets of the window).
//
// Medians are over the tickets that have the duration: the middle value of
// the sorted durations, or the mean of the two middle ones (rounded toward
// zero to the microsecond), as Stats' medians. p90 is the nearest-rank
// percentile: the ceil(0.9 * n)-th smallest of the n durations.
// Resolution durations are those of tickets finished or closed now, less
// paused time (TicketView::resolution_us).
struct ReportGroup {
  // The group's department, operator, priority, channel or policy; empty for
  // tickets without one.
  std::string key;
  uint64_t tickets = 0;
  uint64_t finished = 0;  // finished or closed now
  uint64_t reopened = 0;  // reopened at least once
  std::optional<int64_t> median_first_response_us;
  std::optional<int64_t> median_resolution_us;
  std::optional<int64_t> p90_resolution_us;
  uint64_t first_response_breached = 0;  // tickets
  uint64_t resolution_breached = 0;      // tickets
  // Tickets with a policy: the denominator of breach_rate.
  uint64_t with_policy = 0;
  // Tickets with any target breached over tickets with a policy; unset when
  // no ticket of the group has a policy.
  std::optional<double> breach_rate;
  friend bool operator==(const ReportGroup&, const ReportGroup&) = default;
};

struct Report {
  TimeUs now_us = 0;                // the time breaches were evaluated at
  std::vector<ReportGroup> groups;  // by key, the empty key first
  ReportGroup total;                // every ticket of the window; key empty
};

// Computes the report of `views` (the tickets to report on, in any order):
// the pure part of Engine::GetReport, for hosts and tests.
Report BuildReport(const std::vector<TicketView>& views, ReportBy by,
                   TimeUs now_us);

}  // namespace ticketlog

#endif  // TICKETLOG_SLA_H_
