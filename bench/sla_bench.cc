// sla_bench: list --sla latency of the engine against the SQLite peer on
// one account of many tickets under two SLA policies (list_dataset.h with
// sla_policies): breached and at-risk tickets, page 1 and with a department
// filter, evaluated at a time just after the last ticket opened. The ratios
// ticketlog/peer (of time per query) are printed at the end.
//
//   sla_bench [--tl_tickets=N] [--tl_peer_tickets=N] [--tl_dir=DIR]
//             [benchmark flags]
//
// --tl_tickets: tickets in the engine's account (default 1,000,000).
// --tl_peer_tickets: tickets in the peer's account (default the same; 0
//   skips the peer).
// --tl_dir: where datasets are kept (default ./ticketlog-bench-data), under
//   sla/; a missing one is built first, with buffered writes.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "bench/bench_flags.h"
#include "bench/list_dataset.h"
#include "bench/ratio_reporter.h"
#include "bench/settle.h"
#include "bench/sqlite_peer.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::bench {
namespace {

using Lister = std::function<StatusOr<ListPage>(const ListQuery&)>;

void BM_List(benchmark::State& state, const Lister* list,
             const ListQuery* query) {
  uint64_t total = 0;
  for (auto _ : state) {
    auto page = (*list)(*query);
    if (!page.ok()) {
      state.SkipWithError(page.status().ToString().c_str());
      break;
    }
    total = page->total;
    benchmark::DoNotOptimize(page->items.data());
  }
  state.counters["total"] = static_cast<double>(total);
}

int Fail(const Status& status) {
  std::fprintf(stderr, "sla_bench: %s\n", status.ToString().c_str());
  return 2;
}

Status Ensure(const std::string& path, const ListDatasetOptions& options,
              bool engine) {
  if (CompletedBuild(path)) return Status::OK();
  std::fprintf(stderr, "building the %s dataset at %s...\n",
               engine ? "ticketlog" : "peer", path.c_str());
  auto built = engine ? BuildEngineDataset(path, options)
                      : BuildPeerDataset(path, options);
  if (!built.ok()) return built.status();
  std::fprintf(stderr, "built: %llu commands in %.1f s\n",
               static_cast<unsigned long long>(built->commands),
               built->seconds);
  if (built->keys_written > 0 && built->commands > 0) {
    std::fprintf(stderr, "written per command: %.2f keys, %.0f bytes\n",
                 static_cast<double>(built->keys_written) / built->commands,
                 static_cast<double>(built->bytes_written) / built->commands);
  }
  return Status::OK();
}

}  // namespace
}  // namespace ticketlog::bench

int main(int argc, char** argv) {
  using namespace ticketlog;
  using namespace ticketlog::bench;
  BenchFlags flags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::string dir = flags.Get("dir", "./ticketlog-bench-data") + "/sla";
  ListDatasetOptions options;
  options.sla_policies = true;
  options.tickets = static_cast<size_t>(flags.GetInt("tickets", 1000000));
  ListDatasetOptions peer_options = options;
  peer_options.tickets = static_cast<size_t>(
      flags.GetInt("peer_tickets", static_cast<int64_t>(options.tickets)));
  std::string engine_path = EngineDatasetPath(dir, options.tickets);
  std::string peer_path = PeerDatasetPath(dir, peer_options.tickets);
  std::filesystem::create_directories(dir);
  if (Status s = Ensure(engine_path, options, true); !s.ok()) return Fail(s);
  if (peer_options.tickets > 0) {
    if (Status s = Ensure(peer_path, peer_options, false); !s.ok()) {
      return Fail(s);
    }
  }

  // Reads are timed on a compacted database (bench/settle.h).
  Status settled = SettleRocksDb(engine_path);
  if (!settled.ok()) return Fail(settled);
  Options engine_options;
  engine_options.path = engine_path;
  engine_options.sync = false;
  engine_options.search = false;  // as the dataset was built (list_dataset.cc)
  auto engine = Engine::Open(engine_options);
  if (!engine.ok()) return Fail(engine.status());
  Lister engine_list = [&](const ListQuery& q) { return (*engine)->List(q); };
  std::unique_ptr<SqlitePeer> peer;
  Lister peer_list;
  if (peer_options.tickets > 0) {
    auto opened =
        SqlitePeer::Open(peer_path, /*sync=*/false, SqlitePeer::Role::kReader);
    if (!opened.ok()) return Fail(opened.status());
    peer = std::move(*opened);
    peer_list = [&](const ListQuery& q) { return peer->List(q); };
  }

  // "Now" is half an hour after the newest ticket opened, so that the
  // newest tickets are at risk and the older unanswered ones breached.
  const std::string& account = options.account;
  ListQuery newest;
  newest.account = account;
  newest.sort = SortBy::kCreated;
  auto first = engine_list(newest);
  if (!first.ok()) return Fail(first.status());
  if (first->items.empty()) return Fail(Status::NotFound("empty dataset"));
  TimeUs now = first->items.front().created_at_us + 30 * 60 * 1'000'000LL;

  auto query = [&](SlaFilter filter, SortBy sort,
                   std::optional<std::string> department) {
    ListQuery q;
    q.account = account;
    q.sla = filter;
    q.now_us = now;
    q.sort = sort;
    q.department = std::move(department);
    return q;
  };
  struct Case {
    const char* name;
    ListQuery q;
  };
  const Case cases[] = {
      {"breached_page_1", query(SlaFilter::kBreached, SortBy::kUpdated, {})},
      {"breached_by_created_page_1",
       query(SlaFilter::kBreached, SortBy::kCreated, {})},
      {"breached_billing_page_1",
       query(SlaFilter::kBreached, SortBy::kUpdated, "billing")},
      {"at_risk_page_1", query(SlaFilter::kAtRisk, SortBy::kUpdated, {})},
  };
  std::string size = std::to_string(options.tickets);
  for (const Case& c : cases) {
    for (auto [backend, list] : {std::pair{"ticketlog", &engine_list},
                                 std::pair{"peer", &peer_list}}) {
      if (!*list) continue;
      benchmark::RegisterBenchmark(
          ("SlaList/" + size + "/" + c.name + "/" + backend).c_str(),
          [list = list, q = &c.q](benchmark::State& state) {
            BM_List(state, list, q);
          })
          ->Unit(benchmark::kMillisecond);
    }
  }
  // The report reads every ticket of its window: timed on its own, the
  // whole account by policy, best of three.
  {
    ReportQuery report;
    report.account = account;
    report.by = ReportBy::kPolicy;
    report.now_us = now;
    double best = 0;
    for (int i = 0; i < 3; ++i) {
      auto started = std::chrono::steady_clock::now();
      auto result = (*engine)->GetReport(report);
      double ms = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - started)
                      .count();
      if (!result.ok()) return Fail(result.status());
      if (i == 0 || ms < best) best = ms;
      if (i == 0) {
        for (const ReportGroup& g : result->groups) {
          std::fprintf(
              stderr,
              "report %s: %llu tickets, %llu first-response and "
              "%llu resolution breaches\n",
              g.key.c_str(), static_cast<unsigned long long>(g.tickets),
              static_cast<unsigned long long>(g.first_response_breached),
              static_cast<unsigned long long>(g.resolution_breached));
        }
      }
    }
    std::fprintf(stderr, "report of the whole account by policy: %.0f ms\n",
                 best);
  }
  RatioReporter reporter("ticketlog", {"peer"},
                         RatioReporter::Metric::kRealTime);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
