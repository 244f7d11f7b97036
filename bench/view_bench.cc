// view_bench: ticket view and as-of view latency of the engine against the
// SQLite peer, on tickets of the synthetic workload, and the engine's first
// message page of a ticket. The Google Benchmark
// edition of ticketlog_compare's view table; the ratios ticketlog/peer (of
// time per view) are printed at the end.
//
//   view_bench [--tl_tickets=N] [--tl_dir=DIR] [benchmark flags]
//
// --tl_tickets: tickets per account (4 accounts; default 150).
// --tl_dir: where the two databases are built (default
//   ./ticketlog-bench-data); they are rebuilt on every start, with buffered
//   writes, and removed at exit.
//
// Each iteration reads the next ticket of a fixed sample (round robin); the
// as-of view asks for the ticket as it was halfway through its life.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_flags.h"
#include "bench/ratio_reporter.h"
#include "bench/settle.h"
#include "bench/sqlite_peer.h"
#include "bench/workload.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::bench {
namespace {

namespace fs = std::filesystem;

struct Sample {
  std::string account;
  std::string ticket;
  TimeUs mid_us = 0;
};

// Every ticket of the workload with the middle of its life.
std::vector<Sample> Samples(const Workload& workload) {
  std::map<std::pair<std::string, std::string>, std::pair<TimeUs, TimeUs>> life;
  for (const auto& a : workload.accounts) {
    for (const auto& command : a.commands) {
      std::string ticket = std::visit(
          [](const auto& b) -> std::string {
            if constexpr (requires { b.ticket; }) {
              return b.ticket;
            } else {
              return "";
            }
          },
          command.body);
      if (ticket.empty()) continue;
      auto [it, inserted] =
          life.try_emplace({a.account, ticket}, *command.at_us, *command.at_us);
      it->second.second = *command.at_us;
    }
  }
  std::vector<Sample> out;
  for (const auto& [key, span] : life) {
    out.push_back(
        {key.first, key.second, span.first + (span.second - span.first) / 2});
  }
  return out;
}

using ViewFn = std::function<Status(const Sample&)>;

void BM_View(benchmark::State& state, const ViewFn* view,
             const std::vector<Sample>* samples) {
  size_t i = 0;
  for (auto _ : state) {
    Status s = (*view)((*samples)[i]);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    i = (i + 1) % samples->size();
  }
}

int Fail(const Status& status) {
  std::fprintf(stderr, "view_bench: %s\n", status.ToString().c_str());
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

  std::string dir = flags.Get("dir", "./ticketlog-bench-data") + "/views";
  fs::remove_all(dir);
  fs::create_directories(dir);
  WorkloadOptions options;
  options.accounts = 4;
  options.tickets_per_account =
      static_cast<size_t>(flags.GetInt("tickets", 150));
  Workload workload = GenerateWorkload(options);
  std::vector<Sample> samples = Samples(workload);

  Options engine_options;
  engine_options.path = dir + "/ticketlog";
  engine_options.sync = false;
  auto engine = Engine::Open(engine_options);
  if (!engine.ok()) return Fail(engine.status());
  auto peer = SqlitePeer::Open(dir + "/peer.sqlite", /*sync=*/false);
  if (!peer.ok()) return Fail(peer.status());
  for (const auto& a : workload.accounts) {
    for (const auto& command : a.commands) {
      auto e = (*engine)->Execute(command);
      if (!e.ok()) return Fail(e.status());
      auto p = (*peer)->Execute(command);
      if (!p.ok()) return Fail(p.status());
    }
  }
  // Views are read through a reader connection, as the comparison does,
  // and from a compacted engine database (bench/settle.h).
  peer = SqlitePeer::Open(dir + "/peer.sqlite", /*sync=*/false,
                          SqlitePeer::Role::kReader);
  if (!peer.ok()) return Fail(peer.status());
  engine->reset();
  Status settled = SettleRocksDb(engine_options.path);
  if (!settled.ok()) return Fail(settled);
  engine = Engine::Open(engine_options);
  if (!engine.ok()) return Fail(engine.status());

  ViewFn engine_view = [&](const Sample& s) {
    return (*engine)->GetTicket(s.account, s.ticket).status();
  };
  ViewFn peer_view = [&](const Sample& s) {
    return (*peer)->GetTicket(s.account, s.ticket).status();
  };
  ViewFn engine_as_of = [&](const Sample& s) {
    return (*engine)->GetTicketAsOf(s.account, s.ticket, s.mid_us).status();
  };
  ViewFn peer_as_of = [&](const Sample& s) {
    return (*peer)->GetTicketAsOf(s.account, s.ticket, s.mid_us).status();
  };
  // The peer keeps no messages view of its own to page: the engine's
  // message page is timed alone, to compare with earlier builds.
  ViewFn engine_messages = [&](const Sample& s) {
    return (*engine)->GetMessages(s.account, s.ticket, 1).status();
  };
  for (auto [name, fn] :
       {std::pair{"View/ticket/ticketlog", &engine_view},
        std::pair{"View/ticket/peer", &peer_view},
        std::pair{"View/as_of/ticketlog", &engine_as_of},
        std::pair{"View/as_of/peer", &peer_as_of},
        std::pair{"View/messages/ticketlog", &engine_messages}}) {
    benchmark::RegisterBenchmark(name, [fn = fn,
                                        &samples](benchmark::State& state) {
      BM_View(state, fn, &samples);
    })->Unit(benchmark::kMicrosecond);
  }
  RatioReporter reporter("ticketlog", {"peer"},
                         RatioReporter::Metric::kRealTime);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  engine->reset();
  peer->reset();
  fs::remove_all(dir);
  return 0;
}
