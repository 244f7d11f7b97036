// What the projections index of a ticket's SLA: the time from which it is
// breached and whether it is at risk while paused, as pure functions of the
// ticket's view. ticketlog::EvaluateSla (sla.h) answers for one ticket at
// one time; these let a list find the breached and at-risk tickets of an
// account by range scans, whatever the time asked about.
#ifndef TICKETLOG_DOMAIN_SLA_H_
#define TICKETLOG_DOMAIN_SLA_H_

#include <optional>

#include "ticketlog/sla.h"
#include "ticketlog/views.h"

namespace ticketlog::domain {

struct SlaMarks {
  // The ticket counts as breached at every time strictly after this one
  // (until a later event changes it); unset when no target of it is or can
  // become breached as things stand: met in time, or paused short of its
  // due time. EvaluateSla(view, now) breaches iff now > breach_at_us, for
  // every now at or after the view's last event.
  std::optional<TimeUs> breach_at_us;
  // The ticket is paused (a custom status runs) with an unmet resolution
  // target that is not breached and is due within kSlaAtRiskWindowUs of
  // where its clock stands: it is at risk for as long as the pause lasts and
  // no target is breached. A ticket that is not paused is at risk exactly
  // when now <= breach_at_us <= now + kSlaAtRiskWindowUs.
  bool paused_at_risk = false;
};

// The marks of `view`; both empty when no policy applies.
SlaMarks SlaMarksOf(const TicketView& view);

}  // namespace ticketlog::domain

#endif  // TICKETLOG_DOMAIN_SLA_H_
