// SLA evaluation and the report: pure functions of ticket views.
#include "domain/sla.h"

#include <algorithm>
#include <array>
#include <map>

namespace ticketlog {
namespace {

constexpr int64_t kUsPerSecond = 1'000'000;

// A ticket's targets as times, independent of when they are looked at.
struct Targets {
  std::optional<TimeUs> first_response_due;
  // The resolution due time before the running pause, if any, is added.
  std::optional<TimeUs> resolution_base;
  bool resolved = false;
  bool paused = false;  // a custom status runs
};

Targets TargetsOf(const TicketView& v, const SlaTargets& sla) {
  Targets t;
  if (sla.first_response_seconds > 0) {
    t.first_response_due =
        v.created_at_us + sla.first_response_seconds * kUsPerSecond;
  }
  if (sla.resolution_seconds > 0) {
    t.resolution_base =
        v.created_at_us + sla.resolution_seconds * kUsPerSecond + v.paused_us;
  }
  t.resolved =
      v.status == TicketStatus::kFinished || v.status == TicketStatus::kClosed;
  t.paused = !t.resolved && !v.custom_status.empty();
  return t;
}

constexpr std::array<std::string_view, 5> kReportBy = {
    "department", "operator", "priority", "channel", "policy"};

std::string KeyOf(const TicketView& v, ReportBy by) {
  switch (by) {
    case ReportBy::kDepartment:
      return v.department;
    case ReportBy::kOperator:
      return v.operator_id;
    case ReportBy::kPriority:
      return std::string(Name(v.priority));
    case ReportBy::kChannel:
      return std::string(Name(v.channel));
    case ReportBy::kPolicy:
      return v.sla ? v.sla->policy : std::string();
  }
  return {};
}

// Stats' median: the middle value, or the mean of the two middle ones.
std::optional<int64_t> Median(const std::vector<int64_t>& sorted) {
  if (sorted.empty()) return std::nullopt;
  size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

// Nearest rank: the ceil(0.9 n)-th smallest.
std::optional<int64_t> P90(const std::vector<int64_t>& sorted) {
  if (sorted.empty()) return std::nullopt;
  size_t rank = (sorted.size() * 9 + 9) / 10;
  return sorted[rank - 1];
}

struct Accumulator {
  ReportGroup group;
  uint64_t breached = 0;
  std::vector<int64_t> first_responses, resolutions;

  void Add(const TicketView& v, TimeUs now_us) {
    ++group.tickets;
    bool resolved = v.status == TicketStatus::kFinished ||
                    v.status == TicketStatus::kClosed;
    if (resolved) ++group.finished;
    if (v.reopen_count > 0) ++group.reopened;
    if (v.first_response_us) first_responses.push_back(*v.first_response_us);
    if (resolved && v.resolution_us) resolutions.push_back(*v.resolution_us);
    if (auto sla = EvaluateSla(v, now_us)) {
      ++group.with_policy;
      if (sla->first_response_breached) ++group.first_response_breached;
      if (sla->resolution_breached) ++group.resolution_breached;
      if (sla->first_response_breached || sla->resolution_breached) {
        ++breached;
      }
    }
  }

  ReportGroup Finish() {
    std::sort(first_responses.begin(), first_responses.end());
    std::sort(resolutions.begin(), resolutions.end());
    group.median_first_response_us = Median(first_responses);
    group.median_resolution_us = Median(resolutions);
    group.p90_resolution_us = P90(resolutions);
    if (group.with_policy > 0) {
      group.breach_rate = static_cast<double>(breached) /
                          static_cast<double>(group.with_policy);
    }
    return group;
  }
};

}  // namespace

std::optional<SlaStatus> EvaluateSla(const TicketView& v, TimeUs now_us) {
  if (!v.sla) return std::nullopt;
  Targets t = TargetsOf(v, *v.sla);
  SlaStatus s;
  s.policy = v.sla->policy;
  bool unmet_due_soon = false;
  auto due_soon = [&](TimeUs due) {
    return due >= now_us && due - now_us <= kSlaAtRiskWindowUs;
  };
  if (t.first_response_due) {
    TimeUs due = *t.first_response_due;
    s.first_response_due_at_us = due;
    if (v.first_response_at_us) {
      s.first_response_breached = *v.first_response_at_us > due;
    } else {
      s.first_response_breached = now_us > due;
      unmet_due_soon |= due_soon(due);
    }
  }
  if (t.resolution_base) {
    // The clock stands still while paused: the due time moves with it.
    TimeUs due = *t.resolution_base;
    if (t.paused) due += std::max<TimeUs>(0, now_us - v.status_started_at_us);
    s.resolution_due_at_us = due;
    if (t.resolved) {
      s.resolution_breached = v.finished_at_us && *v.finished_at_us > due;
    } else {
      s.resolution_breached = now_us > due;
      unmet_due_soon |= due_soon(due);
    }
  }
  s.at_risk =
      unmet_due_soon && !s.first_response_breached && !s.resolution_breached;
  return s;
}

std::string_view Name(ReportBy v) {
  auto i = static_cast<size_t>(v);
  return i < kReportBy.size() ? kReportBy[i] : std::string_view("unknown");
}

std::optional<ReportBy> ParseReportBy(std::string_view name) {
  for (size_t i = 0; i < kReportBy.size(); ++i) {
    if (kReportBy[i] == name) return static_cast<ReportBy>(i);
  }
  return std::nullopt;
}

Report BuildReport(const std::vector<TicketView>& views, ReportBy by,
                   TimeUs now_us) {
  Report report;
  report.now_us = now_us;
  std::map<std::string, Accumulator> groups;
  Accumulator total;
  for (const TicketView& v : views) {
    total.Add(v, now_us);
    groups[KeyOf(v, by)].Add(v, now_us);
  }
  for (auto& [key, acc] : groups) {
    acc.group.key = key;
    report.groups.push_back(acc.Finish());
  }
  report.total = total.Finish();
  return report;
}

namespace domain {

SlaMarks SlaMarksOf(const TicketView& v) {
  SlaMarks marks;
  if (!v.sla) return marks;
  Targets t = TargetsOf(v, *v.sla);
  auto mark = [&marks](TimeUs at) {
    marks.breach_at_us =
        marks.breach_at_us ? std::min(*marks.breach_at_us, at) : at;
  };
  if (t.first_response_due) {
    TimeUs due = *t.first_response_due;
    if (!v.first_response_at_us || *v.first_response_at_us > due) mark(due);
  }
  if (t.resolution_base) {
    TimeUs base = *t.resolution_base;
    if (t.resolved) {
      if (v.finished_at_us && *v.finished_at_us > base) mark(base);
    } else if (!t.paused) {
      mark(base);
    } else if (v.status_started_at_us > base) {
      // Paused after its due time: breached from then on, however long the
      // pause lasts.
      mark(base);
    } else if (base - v.status_started_at_us <= kSlaAtRiskWindowUs) {
      marks.paused_at_risk = true;
    }
  }
  return marks;
}

}  // namespace domain
}  // namespace ticketlog
