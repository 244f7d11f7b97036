// append_bench: command throughput of the engine against the limit (raw
// RocksDB writing only the serialised events) and the SQLite peer, on the
// synthetic workload, with 1, 2 and 4 writer threads. The Google Benchmark
// edition of ticketlog_compare's throughput table; the ratios
// ticketlog/limit and ticketlog/peer are printed at the end.
//
//   append_bench [--tl_tickets=N] [--tl_sync] [--tl_dir=DIR] [benchmark flags]
//
// --tl_tickets: tickets per account (4 accounts; default 100).
// --tl_sync: sync writes (default: buffered).
// --tl_dir: where the databases go (default ./ticketlog-bench-data); each
//   benchmark starts from an empty database and removes it afterwards.
//
// A workload is a story, not a repeatable operation: each benchmark runs
// every writer thread's first n commands exactly once (->Iterations(n), n
// the shortest thread's list), each thread on its own accounts.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench/bench_flags.h"
#include "bench/limit_store.h"
#include "bench/ratio_reporter.h"
#include "bench/sqlite_peer.h"
#include "bench/workload.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::bench {
namespace {

namespace fs = std::filesystem;

enum class Backend { kLimit, kEngine, kPeer };

struct Settings {
  std::string dir;
  bool sync = false;
  Workload workload;
};
Settings* g_settings = nullptr;

// What the threads of one benchmark share: the store and their command
// lists. Created by the first thread to arrive, destroyed by the last to
// leave (every thread arrives before any leaves: the timing loop starts
// with a barrier).
struct Shared {
  std::string path;
  std::vector<std::vector<const Command*>> lists;
  std::unique_ptr<LimitStore> limit;
  std::vector<std::vector<PreparedCommand>> prepared;
  std::unique_ptr<Engine> engine;
  std::vector<std::unique_ptr<SqlitePeer>> peers;
  int users = 0;
};

std::mutex g_mu;
std::map<std::string, std::unique_ptr<Shared>> g_shared;

Shared* Acquire(const benchmark::State& state, Backend backend,
                const std::string& key) {
  std::lock_guard lock(g_mu);
  auto& slot = g_shared[key];
  if (!slot) {
    slot = std::make_unique<Shared>();
    Shared& s = *slot;
    s.path = g_settings->dir + "/append-" + key;
    fs::remove_all(s.path);
    fs::create_directories(s.path);
    s.lists = ForThreads(g_settings->workload, state.threads());
    if (backend == Backend::kLimit) {
      auto store = LimitStore::Open(s.path + "/db", g_settings->sync);
      if (store.ok()) s.limit = std::move(*store);
      for (const auto& list : s.lists) {
        s.prepared.push_back(LimitStore::Prepare(list));
      }
    } else if (backend == Backend::kEngine) {
      Options options;
      options.path = s.path + "/db";
      options.sync = g_settings->sync;
      auto engine = Engine::Open(options);
      if (engine.ok()) s.engine = std::move(*engine);
    } else {
      for (int t = 0; t < state.threads(); ++t) {
        auto peer = SqlitePeer::Open(s.path + "/peer.sqlite", g_settings->sync);
        if (peer.ok()) s.peers.push_back(std::move(*peer));
      }
    }
  }
  ++slot->users;
  return slot.get();
}

void Release(const std::string& key) {
  std::lock_guard lock(g_mu);
  auto it = g_shared.find(key);
  if (--it->second->users > 0) return;
  std::string path = it->second->path;
  g_shared.erase(it);
  fs::remove_all(path);
}

void BM_Append(benchmark::State& state, Backend backend,
               const std::string& key) {
  Shared* s = Acquire(state, backend, key);
  size_t t = static_cast<size_t>(state.thread_index());
  bool ready = backend == Backend::kLimit    ? s->limit != nullptr
               : backend == Backend::kEngine ? s->engine != nullptr
                                             : s->peers.size() > t;
  if (!ready) {
    state.SkipWithError("could not open the store");
    Release(key);
    return;
  }
  const std::vector<const Command*>& list = s->lists[t];
  size_t i = 0;
  int64_t errors = 0;
  for (auto _ : state) {
    bool ok;
    if (backend == Backend::kLimit) {
      ok = s->limit->Execute(s->prepared[t][i]).ok();
    } else if (backend == Backend::kEngine) {
      ok = s->engine->Execute(*list[i]).ok();
    } else {
      ok = s->peers[t]->Execute(*list[i]).ok();
    }
    errors += ok ? 0 : 1;
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["errors"] = benchmark::Counter(
      static_cast<double>(errors), benchmark::Counter::kAvgThreads);
  Release(key);
}

}  // namespace
}  // namespace ticketlog::bench

int main(int argc, char** argv) {
  using namespace ticketlog::bench;
  BenchFlags flags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  Settings settings;
  settings.dir = flags.Get("dir", "./ticketlog-bench-data");
  settings.sync = flags.GetBool("sync");
  WorkloadOptions options;
  options.accounts = 4;
  options.tickets_per_account =
      static_cast<size_t>(flags.GetInt("tickets", 100));
  settings.workload = GenerateWorkload(options);
  g_settings = &settings;
  const char* mode = settings.sync ? "sync" : "buffered";

  for (int threads : {1, 2, 4}) {
    auto lists = ForThreads(settings.workload, threads);
    size_t n = lists[0].size();
    for (const auto& l : lists) n = std::min(n, l.size());
    for (auto [backend, name] : {std::pair{Backend::kLimit, "limit"},
                                 std::pair{Backend::kEngine, "ticketlog"},
                                 std::pair{Backend::kPeer, "peer"}}) {
      std::string key =
          std::string(name) + "-" + mode + "-t" + std::to_string(threads);
      benchmark::RegisterBenchmark(
          ("Append/" + std::string(mode) + "/" + name).c_str(),
          [backend = backend, key](benchmark::State& state) {
            BM_Append(state, backend, key);
          })
          ->Threads(threads)
          ->Iterations(static_cast<benchmark::IterationCount>(n))
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  RatioReporter reporter("ticketlog", {"limit", "peer"},
                         RatioReporter::Metric::kItemsPerSecond);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
