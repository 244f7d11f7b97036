// Pieces of `ticketlog demo` shared by its driver (demo.cc) and its report
// (demo_report.cc): running a batch of commands with a tally, and printing
// the readable sections of the summary. Not JSON: the demo is for people.
#ifndef TICKETLOG_CLI_DEMO_H_
#define TICKETLOG_CLI_DEMO_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "ticketlog/engine.h"
#include "ticketlog/events.h"

namespace ticketlog::cli {

// What running a batch of commands did.
struct Tally {
  uint64_t commands = 0;
  uint64_t accepted = 0;
  uint64_t no_ops = 0;  // accepted, nothing appended (incl. retried ids)
  uint64_t events = 0;
  std::map<std::string, uint64_t> refused;  // by error code
  double seconds = 0;
  Status failure;  // the io_error/corruption/busy that stopped the batch

  void Add(const Tally& other);
  uint64_t refused_total() const;
};

// Executes `commands` in order, counting each in `progress` when given.
// Stops at the first io_error, corruption or busy (kept in failure).
Tally RunCommands(Engine& engine, const std::vector<Command>& commands,
                  std::atomic<uint64_t>* progress = nullptr);

// `text` cut to `max_bytes` with "..." at a character boundary.
std::string Shorten(const std::string& text, size_t max_bytes);

// "12 min", "3.5 h", "2.1 days".
std::string FormatDuration(int64_t us);

// "2.4 ms" under a second, else "1.23 s".
std::string FormatSeconds(double seconds);

// One line about what an event says, with what it changed.
std::string Describe(const EventPayload& payload);

// "1234 commands in 1.23 s (1003 commands/s), 5678 events appended", then
// the accepted and the refused, the refusals as a table by code with the
// rule each deliberately checks.
void PrintTally(std::ostream& out, const Tally& tally);

// The first `rows` tickets of the account's default list page.
Status PrintListPage(std::ostream& out, Engine& engine,
                     const std::string& account, size_t rows);

// A ticket's events, then the ticket as of a time half-way through its
// life and as of its first version, next to its current view.
Status PrintTicketStory(std::ostream& out, Engine& engine,
                        const std::string& account, const std::string& ticket);

// The header of PrintStats's rows.
void PrintStatsHeader(std::ostream& out);

// One row: counts by status and the medians of an account.
Status PrintStats(std::ostream& out, Engine& engine,
                  const std::string& account);

// Rebuilds the views and verifies the log against its current head; returns
// false in `verified` when verify found a problem.
// The SLA report of `account` by priority, at the engine's clock: one line
// per priority with tickets, breaches, medians and p90.
Status PrintSlaReport(std::ostream& out, Engine& engine,
                      const std::string& account);

Status PrintRebuildAndVerify(std::ostream& out, Engine& engine, bool& verified);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_DEMO_H_
