// `ticketlog demo`: a tour of the engine on a real embedded store.
//
// It writes to DIR/demo (DIR from --db, default ./ticketlog-data), which it
// recreates on every run. So that it can never wipe someone's data, it only
// deletes a DIR/demo that it made itself (marked by a DEMO_MADE_BY_TICKETLOG
// file) and refuses (exit 2) any other non-empty DIR/demo. The store stays
// behind for exploring with the other subcommands.
//
// Steps: the incident event log imported into "acme" with its own
// directory (--incidents FILE, default tests/data/incident_event_log.csv of
// the source tree); directories for three accounts; generated ticket lifecycles
// in all three accounts, one thread per account (commands of different accounts
// run concurrently and share group commits); then a readable summary. Writes
// are buffered so that the tour takes seconds, not a minute; --sync runs it
// with the library's default synced writes (a disk flush per commit). Progress
// goes to stderr when it is a terminal.
#include "cli/demo.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cli/address_space.h"
#include "cli/demo_html.h"
#include "cli/demo_workload.h"
#include "cli/progress.h"
#include "cli/subcommands/all.h"
#include "cli/tool.h"
#include "import/incident_import.h"

namespace ticketlog::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kMarker = "DEMO_MADE_BY_TICKETLOG";
const std::vector<std::string> kAccounts = {"acme", "globex", "initech"};
// 2024-01-01T00:00:00Z: the generated desks start here and run 60 days.
constexpr TimeUs kWorkloadStartUs = 1704067200LL * 1000000;
constexpr TimeUs kWorkloadWindowUs = 60LL * 24 * 3600 * 1000000;
// Before the incident log's first row (2016): the account's directory
// never goes back in time.
constexpr TimeUs kSlaPoliciesAtUs = 1451606400LL * 1000000;  // 2016-01-01

// The incident account's SLA policies, tried in this order.
std::vector<DefineSlaPolicy> DemoSlaPolicies() {
  constexpr int64_t kHour = 3600;
  DefineSlaPolicy critical;
  critical.policy = "critical";
  critical.name = "Critical and high";
  critical.priorities = {Priority::kUrgent, Priority::kHigh};
  critical.first_response_seconds = kHour;
  critical.resolution_seconds = 24 * kHour;
  DefineSlaPolicy standard;
  standard.policy = "standard";
  standard.name = "Standard";
  standard.first_response_seconds = 8 * kHour;
  standard.resolution_seconds = 5 * 24 * kHour;
  return {critical, standard};
}

// Empties `dir` for the demo, or says why it will not.
Status PrepareDirectory(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    bool ours = fs::exists(dir / kMarker, ec);
    bool empty = fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
    if (!ours && !empty) {
      return Status::IoError(dir.string() +
                             " exists and was not made by the demo; remove "
                             "it or pass another --db");
    }
    fs::remove_all(dir, ec);
    if (ec)
      return Status::IoError("cannot remove " + dir.string() + ": " +
                             ec.message());
  }
  fs::create_directories(dir, ec);
  if (ec)
    return Status::IoError("cannot create " + dir.string() + ": " +
                           ec.message());
  std::ofstream marker(dir / kMarker);
  marker << "Made by `ticketlog demo`; the next demo run deletes this "
            "directory.\n";
  if (!marker) return Status::IoError("cannot write in " + dir.string());
  return Status::OK();
}

// The incident with the longest accepted story: the most rows, among those
// the import took.
std::string LongestIncident(const std::vector<import::IncidentRow>& rows,
                            const import::ImportReport& report) {
  std::map<std::string, size_t> row_counts;
  for (const auto& row : rows) {
    if (report.last_accepted.count(row.number)) ++row_counts[row.number];
  }
  std::string best;
  size_t best_rows = 0;
  for (const auto& [number, count] : row_counts) {
    if (count > best_rows) best = number, best_rows = count;
  }
  return best;
}

// How a person runs this tool again: "ticketlog" when that name on PATH is
// this very program (after `cmake --install`), else its absolute path.
std::string ToolCommand() {
  std::error_code ec;
  fs::path self = fs::canonical("/proc/self/exe", ec);
  if (ec) return "ticketlog";
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t colon = dirs.find(':', start);
      if (colon == std::string::npos) colon = dirs.size();
      fs::path candidate =
          fs::path(dirs.substr(start, colon - start)) / "ticketlog";
      std::error_code found;
      if (fs::equivalent(candidate, self, found)) return "ticketlog";
      start = colon + 1;
    }
  }
  return self.string();
}

std::string DefaultIncidentLog() {
  return std::string(TICKETLOG_SOURCE_DIR) +
         "/tests/data/incident_event_log.csv";
}

}  // namespace

void Tally::Add(const Tally& other) {
  commands += other.commands;
  accepted += other.accepted;
  no_ops += other.no_ops;
  events += other.events;
  for (const auto& [code, count] : other.refused) refused[code] += count;
  seconds += other.seconds;  // batches that ran one after the other
  if (failure.ok()) failure = other.failure;
}

uint64_t Tally::refused_total() const {
  uint64_t total = 0;
  for (const auto& [code, count] : refused) total += count;
  return total;
}

Tally RunCommands(Engine& engine, const std::vector<Command>& commands,
                  std::atomic<uint64_t>* progress) {
  Tally tally;
  auto start = Clock::now();
  for (const Command& command : commands) {
    auto result = engine.Execute(command);
    ++tally.commands;
    if (progress != nullptr) ++*progress;
    if (result.ok()) {
      ++tally.accepted;
      tally.events += result->events_appended;
      if (result->events_appended == 0) ++tally.no_ops;
    } else if (IsSystemError(result.status().code())) {
      tally.failure = result.status();
      break;
    } else {
      ++tally.refused[std::string(CodeName(result.status().code()))];
    }
  }
  tally.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return tally;
}

namespace {

// Ends the process from inside the catch block of a workload thread whose
// command threw (out of memory): exit 2 with one line on stderr. The
// store's group commit parks the other threads' commands until their
// leader is done, and a leader that threw never is, so joining them could
// wait forever (seen under `ulimit -v 80000`). Ending here is like a crash;
// the demo store recovers from its write-ahead log as after one.
[[noreturn]] void ExitFromWorker(Context& ctx) {
  static std::mutex exiting;
  exiting.lock();  // the first to fail reports; any other waits for the end
  ctx.out.flush();
  std::_Exit(ReportException(ctx.err));
}

// Runs the generated lifecycles of every account, one thread per account:
// commands of different accounts run concurrently and share group commits.
Tally RunWorkload(Context& ctx, Engine& engine, uint32_t per_account,
                  uint64_t seed) {
  std::vector<std::vector<Command>> workloads;
  uint64_t total = 0;
  for (size_t i = 0; i < kAccounts.size(); ++i) {
    WorkloadOptions w;
    w.account = kAccounts[i];
    w.tickets = per_account;
    w.seed = seed + i;
    w.start_us = kWorkloadStartUs;
    w.window_us = kWorkloadWindowUs;
    workloads.push_back(DemoLifecycles(w));
    total += workloads.back().size();
  }
  std::vector<Tally> tallies(kAccounts.size());
  Progress progress(ctx, "workload (commands)", total);
  auto start = Clock::now();
  // No exception may leave a thread (std::terminate), nor destroy a
  // joinable one: when a thread cannot be started (std::system_error) the
  // ones that were are joined first.
  progress.Run([&] {
    std::vector<std::thread> threads;
    auto join_all = [&threads] {
      for (auto& thread : threads) thread.join();
    };
    try {
      threads.reserve(workloads.size());
      for (size_t i = 0; i < workloads.size(); ++i) {
        threads.emplace_back([&, i] {
          try {
            tallies[i] = RunCommands(engine, workloads[i], &progress.counter());
          } catch (...) {
            ExitFromWorker(ctx);
          }
        });
      }
    } catch (...) {
      join_all();
      throw;
    }
    join_all();
  });
  Tally workload;
  for (const Tally& tally : tallies) workload.Add(tally);
  // The threads overlap: the batch took the wall time, not the sum.
  workload.seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  return workload;
}

}  // namespace

namespace {

struct DemoFlags {
  TextFlag incidents, tickets, seed, html;
  bool sync = false;
};

int RunDemo(Context& ctx, const DemoFlags& flags) {
  auto tickets = UnsignedFlag(flags.tickets, 0, 1'000'000);
  if (!tickets.ok()) return UsageError(ctx, tickets.status().message());
  auto seed = UnsignedFlag(flags.seed, 0, UINT64_MAX);
  if (!seed.ok()) return UsageError(ctx, seed.status().message());
  std::string incidents = flags.incidents.get().value_or(DefaultIncidentLog());
  bool sync = flags.sync;

  fs::path dir = fs::path(ctx.db) / "demo";
  if (Status prepared = PrepareDirectory(dir); !prepared.ok()) {
    return UsageError(ctx, prepared.message());
  }
  Options options;
  options.path = dir.string();
  options.sync = sync;
  FitStoreToAddressSpace(options);
  if (Status room = CheckAddressSpaceLeft(kDemoBytes, "the demo"); !room.ok()) {
    return UsageError(ctx, room.ToString());
  }
  auto opened = Engine::Open(options);
  if (!opened.ok()) {
    return UsageError(
        ctx, "cannot open " + dir.string() + ": " + opened.status().ToString());
  }
  Engine& engine = **opened;
  std::ostream& out = ctx.out;
  fmt::print(out,
             "ticketlog demo: an event-sourced help desk on RocksDB at {}\n",
             dir.string());
  fmt::print(out, "  writes are {}\n\n",
             sync ? "synced (--sync: each acknowledged command survives a "
                    "power cut)"
                  : "buffered (they survive a crash, not a power cut; --sync "
                    "syncs each command, the library's default)");

  // 1. The incident log comes first: its directory (one department per
  // assignment group, one operator per assignee) is dated 2016, and an
  // account's directory, like a ticket, never goes back in time.
  fmt::print(out, "1. Import: the IT incident event log into {}\n",
             kAccounts[0]);
  std::ifstream csv(incidents, std::ios::binary);
  auto rows = csv ? import::ReadIncidentRows(csv)
                  : StatusOr<std::vector<import::IncidentRow>>(
                        Status::IoError("cannot read " + incidents));
  std::optional<import::ImportReport> report;
  // SLA policies first, dated before the log: the import's priority
  // changes re-evaluate each incident against them.
  for (const DefineSlaPolicy& policy : DemoSlaPolicies()) {
    Command command;
    command.account = kAccounts[0];
    command.body = policy;
    command.at_us = kSlaPoliciesAtUs;
    auto defined = engine.Execute(command);
    if (!defined.ok()) {
      ctx.out.flush();
      return UsageError(ctx,
                        "the store failed: " + defined.status().ToString());
    }
  }
  if (!rows.ok()) {
    fmt::print(out, "    skipped: {} (pass --incidents FILE)\n",
               rows.status().message());
  } else {
    Progress progress(ctx, "import (rows)", rows->size());
    auto start = Clock::now();
    StatusOr<import::ImportReport> done = Status::OK();
    progress.Run([&] {
      done = import::ImportIncidents(engine, kAccounts[0], *rows,
                                     [&](size_t n) { progress.counter() = n; });
    });
    double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    if (!done.ok()) {
      ctx.out.flush();
      return UsageError(ctx, "the store failed: " + done.status().ToString());
    }
    report = std::move(*done);
    fmt::print(out,
               "    {} rows of {} incidents from {}: {} rows taken, {} "
               "refused\n",
               report->rows, report->last_accepted.size(), incidents,
               report->rows_accepted, report->rows - report->rows_accepted);
    fmt::print(out, "    {} commands in {} ({:.0f} commands/s)\n",
               report->commands, FormatSeconds(seconds),
               seconds > 0 ? report->commands / seconds : 0.0);
    if (!report->refused_by_code.empty()) {
      out << "    refused rows, the log's own faults caught by the rules:\n";
      fmt::print(out, "      {:<24} {:>6}  {}\n", "code", "rows", "the row");
      for (const auto& [code, count] : report->refused_by_code) {
        fmt::print(out, "      {:<24} {:>6}  {}\n", code, count,
                   code == "ticket_closed" ? "after its incident was closed"
                   : code == "invalid_argument"
                       ? "out of time order (\"at\" before the ticket's "
                         "last event)"
                       : "");
      }
    }
    if (!report->refusals.empty()) {
      fmt::print(out, "    e.g. {}\n", report->refusals.front());
    }
  }

  // 2. Directories of the generated desks.
  Tally directory;
  {
    std::vector<std::vector<Command>> batches;
    uint64_t total = 0;
    for (const auto& account : kAccounts) {
      batches.push_back(DemoDirectory(account, kWorkloadStartUs));
      total += batches.back().size();
    }
    Progress progress(ctx, "directory (commands)", total);
    progress.Run([&] {
      for (const auto& batch : batches) {
        directory.Add(RunCommands(engine, batch, &progress.counter()));
      }
    });
  }
  fmt::print(out,
             "\n2. Directory: departments, operators and custom statuses for "
             "{}, {} and {}\n",
             kAccounts[0], kAccounts[1], kAccounts[2]);
  PrintTally(out, directory);

  // 3. Generated desks.
  uint32_t per_account = static_cast<uint32_t>(tickets->value_or(400));
  fmt::print(out,
             "\n3. Workload: {} ticket lifecycles per account, {} accounts in "
             "parallel threads\n",
             per_account, kAccounts.size());
  Tally workload = RunWorkload(ctx, engine, per_account, seed->value_or(42));
  PrintTally(out, workload);

  Tally all = directory;
  all.Add(workload);
  if (!all.failure.ok()) {
    ctx.out.flush();
    return UsageError(ctx, "the store failed: " + all.failure.ToString());
  }

  // 4. What the views and the log say now.
  Status shown = Status::OK();
  out << "\n4. Queries\n";
  shown = PrintListPage(out, engine, kAccounts[1], 5);
  for (size_t i = 0; shown.ok() && i < kAccounts.size(); ++i) {
    if (i == 0) {
      out << "    stats:\n";
      PrintStatsHeader(out);
    }
    shown = PrintStats(out, engine, kAccounts[i]);
  }
  std::string story_ticket;
  if (shown.ok() && report && !report->last_accepted.empty()) {
    out << "\n5. History and time travel of an imported incident\n";
    std::string number = LongestIncident(*rows, *report);
    out << "    " << number << ", the incident with the longest story\n";
    story_ticket = import::IncidentTicketId(number);
    shown = PrintTicketStory(out, engine, kAccounts[0], story_ticket);
    if (shown.ok()) {
      out << "\n    SLA breach report of the incident log by priority (policy "
             "\"critical\": urgent and high, first response 1 h, resolution "
             "1 day; \"standard\": 8 h, 5 days; breaches as of now):\n";
      shown = PrintSlaReport(out, engine, kAccounts[0]);
    }
  }
  bool verified = false;
  if (shown.ok()) {
    out << "\n6. Audit\n";
    shown = PrintRebuildAndVerify(out, engine, verified);
  }
  if (shown.ok() && flags.html.given()) {
    DemoHtmlInput input;
    input.accounts = kAccounts;
    input.story_account = kAccounts[0];
    input.story_ticket = story_ticket;
    shown = WriteDemoHtml(flags.html.value, engine, input);
    if (shown.ok()) {
      fmt::print(out, "\n7. Report: {} (open it in a browser)\n",
                 flags.html.value);
    } else if (!IsSystemError(shown.code())) {
      ctx.out.flush();
      return UsageError(ctx, shown.message());
    }
  }
  if (!shown.ok()) {
    ctx.out.flush();
    ctx.err << "ticketlog: demo: " << shown.ToString() << "\n";
    return IsSystemError(shown.code()) ? kExitUsage : kExitFailed;
  }
  fmt::print(out, "\nExplore it: {} --db {} list --account {} --status open\n",
             ToolCommand(), dir.string(), kAccounts[1]);
  return verified ? kExitOk : kExitFailed;
}

}  // namespace

void AddDemo(Registry& registry) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* app = registry.Add(
      "demo", "a tour of the engine: a realistic workload on DIR/demo",
      kGroupTour, [flags](Context& ctx) { return RunDemo(ctx, *flags); });
  AddText(app, "--incidents", flags->incidents, "FILE",
          "the incident event log to import (default: the source tree's "
          "tests/data/incident_event_log.csv)");
  AddText(app, "--tickets", flags->tickets, "N",
          "generated ticket lifecycles per account (default 400)");
  AddText(app, "--seed", flags->seed, "N",
          "the workload generator's seed (default 42)");
  AddText(app, "--html", flags->html, "FILE",
          "also write a self-contained HTML report with charts to FILE");
  app->add_flag("--sync", flags->sync,
                "sync every write (the library's default) instead of "
                "buffering");
}

}  // namespace ticketlog::cli
