// list_bench: list-page latency of the engine against the SQLite peer on one
// account of many tickets: page 1, page 200 by page number, page 200 by
// cursor and a combined filter. The Google Benchmark edition of
// ticketlog_compare's list tables; the ratios ticketlog/peer (of time per
// query) are printed at the end.
//
//   list_bench [--tl_tickets=N] [--tl_dir=DIR] [benchmark flags]
//
// --tl_tickets: tickets in the account (default 20,000).
// --tl_dir: where datasets are kept (default ./ticketlog-bench-data). The
//   datasets are those of ticketlog_compare (same paths): a dataset built by
//   either program is reused by both; a missing one is built first, with
//   buffered writes, which takes a while for large sizes.
#include <benchmark/benchmark.h>

#include <cstdio>
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
  for (auto _ : state) {
    auto page = (*list)(*query);
    if (!page.ok()) {
      state.SkipWithError(page.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(page->items.data());
  }
}

// The query for page 200 by cursor: walks pages 1..199 with cursors.
StatusOr<ListQuery> CursorOfPage200(const Lister& list,
                                    const std::string& account) {
  ListQuery q = FirstPageQuery(account);
  for (int p = 1; p < 200; ++p) {
    auto page = list(q);
    if (!page.ok()) return page.status();
    if (page->next_cursor.empty()) {
      return Status::NotFound("the list ends at page " + std::to_string(p));
    }
    q.cursor = page->next_cursor;
  }
  return q;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "list_bench: %s\n", status.ToString().c_str());
  return 2;
}

}  // namespace
}  // namespace ticketlog::bench

int main(int argc, char** argv) {
  using namespace ticketlog;
  using namespace ticketlog::bench;
  BenchFlags flags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::string dir = flags.Get("dir", "./ticketlog-bench-data");
  ListDatasetOptions options;
  options.tickets = static_cast<size_t>(flags.GetInt("tickets", 20000));
  std::string engine_path = EngineDatasetPath(dir, options.tickets);
  std::string peer_path = PeerDatasetPath(dir, options.tickets);
  if (!CompletedBuild(engine_path)) {
    std::fprintf(stderr, "building the ticketlog dataset at %s...\n",
                 engine_path.c_str());
    auto built = BuildEngineDataset(engine_path, options);
    if (!built.ok()) return Fail(built.status());
  }
  if (!CompletedBuild(peer_path)) {
    std::fprintf(stderr, "building the peer dataset at %s...\n",
                 peer_path.c_str());
    auto built = BuildPeerDataset(peer_path, options);
    if (!built.ok()) return Fail(built.status());
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
  auto peer =
      SqlitePeer::Open(peer_path, /*sync=*/false, SqlitePeer::Role::kReader);
  if (!peer.ok()) return Fail(peer.status());
  Lister engine_list = [&](const ListQuery& q) { return (*engine)->List(q); };
  Lister peer_list = [&](const ListQuery& q) { return (*peer)->List(q); };

  const std::string& account = options.account;
  ListQuery page1 = FirstPageQuery(account);
  ListQuery page200 = PageQuery(account, 200);
  ListQuery combined = CombinedFilterQuery(account);
  auto engine_cursor = CursorOfPage200(engine_list, account);
  if (!engine_cursor.ok()) return Fail(engine_cursor.status());
  auto peer_cursor = CursorOfPage200(peer_list, account);
  if (!peer_cursor.ok()) return Fail(peer_cursor.status());

  struct Case {
    const char* name;
    const ListQuery* engine_query;
    const ListQuery* peer_query;
  };
  const Case cases[] = {
      {"page_1", &page1, &page1},
      {"page_200", &page200, &page200},
      {"page_200_cursor", &*engine_cursor, &*peer_cursor},
      {"combined_filter", &combined, &combined},
  };
  std::string size = std::to_string(options.tickets);
  for (const Case& c : cases) {
    for (auto [backend, list, query] :
         {std::tuple{"ticketlog", &engine_list, c.engine_query},
          std::tuple{"peer", &peer_list, c.peer_query}}) {
      benchmark::RegisterBenchmark(
          ("List/" + size + "/" + c.name + "/" + backend).c_str(),
          [list = list, query = query](benchmark::State& state) {
            BM_List(state, list, query);
          })
          ->Unit(benchmark::kMicrosecond);
    }
  }
  RatioReporter reporter("ticketlog", {"peer"},
                         RatioReporter::Metric::kRealTime);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
