// The synthetic workload: realistic help-desk ticket lifecycles across
// several accounts, generated deterministically from a seed.
//
// Each account starts with its directory (departments, operators, custom
// statuses), then tickets arrive over simulated weeks and live through
// opens, customer and operator replies, internal comments, transfers,
// custom statuses started and stopped, updates, finishes, reopens (by a
// customer reply or explicitly) and closes. Every command carries an
// explicit `at_us`, increasing per ticket, so that all three backends see
// the same times. Message bodies are English-like text of realistic sizes:
// lognormal around 400 bytes, with some 2-8 KB e-mails quoting history.
//
// Every command is checked against InMemoryModel while generating, so the
// engine accepts all of them (a refusal in a run is an engine or backend
// bug, and the comparison program reports it).
//
// Threads: the engine serialises the commands of one account and runs
// accounts concurrently, so a run with N writer threads gives each thread a
// disjoint set of accounts (ForThreads). The total work is the same for
// every thread count; only its partition changes.
#ifndef TICKETLOG_BENCH_WORKLOAD_H_
#define TICKETLOG_BENCH_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ticketlog/commands.h"

namespace ticketlog::bench {

struct WorkloadOptions {
  uint64_t seed = 20240601;
  // A multiple of every thread count used (1, 2, 4).
  int accounts = 8;
  size_t tickets_per_account = 1000;
  // Simulated time between ticket arrivals in one account (mean).
  int64_t mean_arrival_gap_us = 4LL * 60 * 1000000;
};

// One account's commands in execution order: the directory first, then the
// tickets' commands interleaved by time.
struct AccountCommands {
  std::string account;
  std::vector<Command> commands;
};

struct Workload {
  std::vector<AccountCommands> accounts;
  size_t total_commands() const;
};

Workload GenerateWorkload(const WorkloadOptions& options);

// The commands each of `threads` writer threads executes: thread t gets the
// accounts t, t + threads, ... merged by time (directory commands first).
// Pointers into `workload`, which must outlive the result.
std::vector<std::vector<const Command*>> ForThreads(const Workload& workload,
                                                    int threads);

// A text body of about `bytes` bytes (English-like words, so that it
// compresses like real messages), deterministic in `seed`.
std::string MessageText(uint64_t seed, size_t bytes);

// A message size drawn from the workload's size distribution.
size_t MessageSize(uint64_t seed);

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_WORKLOAD_H_
