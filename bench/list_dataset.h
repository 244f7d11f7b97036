// The list-latency datasets: one account holding many tickets (100,000 or
// 1,000,000 in the full comparison) in a realistic mix of states, and the
// list queries measured on it.
//
// The tickets are generated as a stream (a million tickets' commands are
// not held in memory at once): the account's directory, then per ticket an
// open (department, operator on 70%, channel, priority, customer from a
// returning-customer pool, a message of realistic size) and, for some, the
// commands that move it on: an operator reply, a custom status, a finish,
// a close. Each ticket's follow-ups happen minutes to days after its open,
// so the updated-time order of the list differs from the creation order.
#ifndef TICKETLOG_BENCH_LIST_DATASET_H_
#define TICKETLOG_BENCH_LIST_DATASET_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ticketlog/commands.h"
#include "ticketlog/status.h"
#include "ticketlog/views.h"

namespace ticketlog::bench {

struct ListDatasetOptions {
  std::string account = "big";
  size_t tickets = 100000;
  uint64_t seed = 7;
  // Defines two SLA policies before the tickets (sla_bench): "urgent"
  // (urgent and high: 1 h first response, 8 h resolution) and "standard"
  // (everything else: 8 h, 3 days).
  bool sla_policies = false;
};

// Calls `execute` with each command of the dataset in order; stops at the
// first error it returns. `progress`, when set, is called every 10,000
// tickets with the number done.
Status ForEachDatasetCommand(
    const ListDatasetOptions& options,
    const std::function<Status(const Command&)>& execute,
    const std::function<void(size_t)>& progress = nullptr);

// Where a dataset lives under `dir`: the engine's database directory, and
// the peer's database file (inside its own directory). Datasets are kept
// between runs; building a million tickets takes a while.
std::string EngineDatasetPath(const std::string& dir, size_t tickets);
std::string PeerDatasetPath(const std::string& dir, size_t tickets);

// How long a dataset took to build (buffered writes, one thread).
struct DatasetBuild {
  double seconds = 0;
  uint64_t commands = 0;
  // RocksDB keys and bytes the engine wrote (Engine::GetWriteStats) while
  // building; 0 for the peer and for a build recorded by an earlier run.
  uint64_t keys_written = 0;
  uint64_t bytes_written = 0;
};

// The build record of a complete dataset at `path`; nullopt when the
// dataset is missing or its build did not finish.
std::optional<DatasetBuild> CompletedBuild(const std::string& path);

// Builds the dataset afresh at `path` (removing what is there) and records
// it as complete.
StatusOr<DatasetBuild> BuildEngineDataset(const std::string& path,
                                          const ListDatasetOptions& options);
StatusOr<DatasetBuild> BuildPeerDataset(const std::string& path,
                                        const ListDatasetOptions& options);

// The queries the comparison times, on the dataset's account.
ListQuery FirstPageQuery(const std::string& account);
ListQuery PageQuery(const std::string& account, uint32_t page);
// Open or pending, high priority, in the "billing" department: an agent's
// queue.
ListQuery CombinedFilterQuery(const std::string& account);

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_LIST_DATASET_H_
