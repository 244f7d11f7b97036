// The generated part of `ticketlog demo`: a help-desk directory and ticket
// lifecycles for one account, as commands with explicit times, ready to run
// in order. Deterministic for a given seed (ticket ids are name-based UUIDs
// and the random choices come from a seeded generator), so two runs write
// the same log apart from recorded-at times and event ids.
//
// A lifecycle opens a ticket on one of the seven channels and walks it
// through what help desks do: customer and operator replies, internal
// comments, transfers, custom statuses, updates, finishing, reopening by a
// customer reply and closing. A few commands are deliberately ones the
// engine refuses (a reply with no operator linked, a second custom status,
// a stale expected_version, a message on a closed ticket) and a few are
// re-sent with the same command_id, so that the demo shows refusals and
// idempotency too.
#ifndef TICKETLOG_CLI_DEMO_WORKLOAD_H_
#define TICKETLOG_CLI_DEMO_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ticketlog/commands.h"

namespace ticketlog::cli {

struct WorkloadOptions {
  std::string account;
  uint32_t tickets = 500;
  uint64_t seed = 1;
  TimeUs start_us = 0;   // the first ticket opens at or after this
  TimeUs window_us = 0;  // tickets open spread over this span
};

// Departments support, billing and sales; six operators; custom statuses
// waiting_vendor and waiting_customer_info. All at `at_us`.
std::vector<Command> DemoDirectory(const std::string& account, TimeUs at_us);

// The lifecycles of options.tickets tickets, merged by time so that tickets
// interleave as they would on a real desk; each ticket's commands stay in
// order.
std::vector<Command> DemoLifecycles(const WorkloadOptions& options);

// The ticket UUID of generated ticket `index` of `account`.
std::string DemoTicketId(const std::string& account, uint32_t index);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_DEMO_WORKLOAD_H_
